#pragma once
// berth::PortValue: a port as a Node user may write it, and Node's validation of it.

#include <cstdint>
#include <string>
#include <variant>

namespace berth {

/// A port argument as Node accepts it: a number or a numeric string. Other values
/// (undefined, null, a boolean, a fraction, a non-numeric string) are representable
/// so that validation can reject them with Node's exact error.
class PortValue {
 public:
  struct Undefined {};
  struct Null {};

  PortValue() = default;
  PortValue(int v) : value_(static_cast<double>(v)) {}
  PortValue(long v) : value_(static_cast<double>(v)) {}
  PortValue(long long v) : value_(static_cast<double>(v)) {}
  PortValue(unsigned v) : value_(static_cast<double>(v)) {}
  PortValue(unsigned long v) : value_(static_cast<double>(v)) {}
  PortValue(double v) : value_(v) {}
  PortValue(const char* v) : value_(std::string(v)) {}
  PortValue(std::string v) : value_(std::move(v)) {}
  PortValue(std::nullptr_t) : value_(Null{}) {}
  PortValue(bool v) : value_(v) {}

  bool is_undefined() const { return std::holds_alternative<Undefined>(value_); }
  bool is_null() const { return std::holds_alternative<Null>(value_); }
  bool is_number() const { return std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  const std::variant<Undefined, Null, double, std::string, bool>& value() const { return value_; }

  /// JavaScript's unary `+` applied to the value (NaN when it has none).
  double to_number() const;

  /// How Node's error messages describe the value: "type number (-1)",
  /// "type string ('abc')", "undefined", "null", "type boolean (true)".
  std::string describe() const;

 private:
  std::variant<Undefined, Null, double, std::string, bool> value_{Undefined{}};
};

/// Node's isLegalPort: a number or non-blank string whose value is an integer in 0..65535.
bool is_legal_port(const PortValue& port);

/// Node's validatePort: returns the port or throws berth::Error
/// (RangeError ERR_SOCKET_BAD_PORT, "<name> should be >= 0 and < 65536. Received ...").
std::uint16_t validate_port(const PortValue& port, const char* name = "Port",
                            bool allow_zero = true);

/// JavaScript's Number(string): trims white space, accepts decimal, exponents,
/// 0x/0o/0b prefixes and Infinity; "" is 0; anything else is NaN.
double js_string_to_number(std::string_view s);

/// JavaScript's Number.prototype.toString for a double: 1.5, -1, NaN, Infinity.
std::string js_number_to_string(double v);

}  // namespace berth
