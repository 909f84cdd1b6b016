#include "berth/port.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "berth/error.hpp"

namespace berth {
namespace {

bool is_js_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

double parse_radix(std::string_view digits, int radix) {
  if (digits.empty()) return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  for (char c : digits) {
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= radix) return std::numeric_limits<double>::quiet_NaN();
    v = v * radix + d;
  }
  return v;
}

}  // namespace

double js_string_to_number(std::string_view s) {
  while (!s.empty() && is_js_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_js_space(s.back())) s.remove_suffix(1);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') return parse_radix(s.substr(2), 16);
    if (p == 'o') return parse_radix(s.substr(2), 8);
    if (p == 'b') return parse_radix(s.substr(2), 2);
  }
  std::string_view body = s;
  bool negative = false;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity")
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  // Only digits, one '.', and an exponent: from_chars would also accept "inf"/"nan".
  for (char c : body)
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return std::numeric_limits<double>::quiet_NaN();
  if (body.empty() || body == ".") return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end != body.data() + body.size())
    return std::numeric_limits<double>::quiet_NaN();
  return negative ? -v : v;
}

std::string js_number_to_string(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return "0";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  return std::string(buf, end);
}

double PortValue::to_number() const {
  if (auto* d = std::get_if<double>(&value_)) return *d;
  if (auto* s = std::get_if<std::string>(&value_)) return js_string_to_number(*s);
  if (auto* b = std::get_if<bool>(&value_)) return *b ? 1 : 0;
  if (is_null()) return 0;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string PortValue::describe() const {
  if (is_undefined()) return "undefined";
  if (is_null()) return "null";
  if (auto* d = std::get_if<double>(&value_)) return "type number (" + js_number_to_string(*d) + ")";
  if (auto* b = std::get_if<bool>(&value_)) return std::string("type boolean (") + (*b ? "true" : "false") + ")";
  std::string s = std::get<std::string>(value_);
  if (s.size() > 28) s = s.substr(0, 25) + "...";
  return "type string ('" + s + "')";
}

bool is_legal_port(const PortValue& port) {
  if (!port.is_number() && !port.is_string()) return false;
  if (port.is_string()) {
    const auto& s = std::get<std::string>(port.value());
    bool blank = true;
    for (char c : s) blank = blank && is_js_space(c);
    if (blank) return false;
  }
  double v = port.to_number();
  return v >= 0 && v <= 0xFFFF && std::floor(v) == v;
}

std::uint16_t validate_port(const PortValue& port, const char* name, bool allow_zero) {
  if (!is_legal_port(port) || (!allow_zero && port.to_number() == 0)) {
    throw Error("ERR_SOCKET_BAD_PORT",
                std::string(name) + " should be " + (allow_zero ? ">=" : ">") +
                    " 0 and < 65536. Received " + port.describe() + ".",
                ErrorKind::RangeError);
  }
  return static_cast<std::uint16_t>(port.to_number());
}

}  // namespace berth
