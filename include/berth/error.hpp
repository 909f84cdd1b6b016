#pragma once
// berth::Error: one error type carrying the fields Node puts on its errors.

#include <exception>
#include <iosfwd>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace berth {

/// The JavaScript class Node would throw or emit for this error.
/// AggregateError is what Node's connect reports when every address of an
/// autoSelectFamily (happy-eyeballs) connect failed; its `errors` lists each attempt's.
enum class ErrorKind { Error, TypeError, RangeError, AbortError, AggregateError };

/// A Node-style error: `code`, `errnum` (Node's `errno`, negative), `syscall`,
/// `address`, `port`, and Node's message text. An empty `code` means "no error",
/// so an `Error` doubles as the error-code form of an operation:
/// `berth::Error err; co_await s.read(buf, err); if (err) ...`.
class Error : public std::exception {
 public:
  Error() = default;

  /// An `ERR_*` (or any code-only) error with the given message.
  Error(std::string code, std::string message, ErrorKind kind = ErrorKind::Error);

  /// A system error in Node's exceptionWithHostPort form:
  /// `connect ECONNREFUSED 127.0.0.1:8080`.
  static Error from_system(std::error_code ec, std::string syscall,
                           std::optional<std::string> address = {},
                           std::optional<int> port = {});

  /// A system error in Node's uvExceptionWithHostPort form, with libuv's description:
  /// `listen EADDRINUSE: address already in use 127.0.0.1:8080`.
  static Error from_system_described(std::error_code ec, std::string syscall,
                                     std::optional<std::string> address = {},
                                     std::optional<int> port = {});

  /// `getaddrinfo ENOTFOUND host` (code "ENOTFOUND" or "EAI_AGAIN"), with `hostname`.
  static Error lookup_failed(std::string code, const std::string& host);

  /// Node's AbortError: `The operation was aborted`, code `ABORT_ERR`.
  static Error aborted();

  /// Node's NodeAggregateError over `errors` (not empty): kind AggregateError, the
  /// code of the first error, an empty message, no errno/syscall/address of its own.
  static Error aggregate(std::vector<Error> errors);

  explicit operator bool() const noexcept { return !code.empty(); }
  const char* what() const noexcept override { return message.c_str(); }

  std::string code;          ///< "ECONNREFUSED", "ERR_SOCKET_BAD_PORT", ...
  int errnum = 0;            ///< Node's `errno`: a negative errno value, or 0
  std::string syscall;       ///< "connect", "listen", "getaddrinfo", ... or empty
  std::optional<std::string> address;
  std::optional<int> port;
  std::optional<std::string> hostname;      ///< set by lookup errors
  std::optional<std::string> host;          ///< set by ERR_INVALID_ADDRESS_FAMILY
  std::optional<std::string> localAddress;  ///< set by connect errors with a local bind
  std::optional<int> localPort;
  std::string message;
  ErrorKind kind = ErrorKind::Error;
  std::error_code ec;        ///< the underlying system error, when there is one
  /// AggregateError's `errors`, in the order they happened (empty for other kinds).
  std::vector<Error> errors;
};

/// An error as Node's `String(err)` prints it, with its code always in it:
/// `RangeError [ERR_SOCKET_BAD_PORT]: Port should be >= 0 and < 65536. ...` and
/// `Error: connect ECONNREFUSED 127.0.0.1:1` exactly as Node; where Node's text lacks
/// the code, it is added the same way: `AbortError [ABORT_ERR]: The operation was
/// aborted`, and an AggregateError (no message of its own) lists its errors' messages:
/// `AggregateError [ECONNREFUSED]: connect ECONNREFUSED ::1:1; connect ECONNREFUSED
/// 127.0.0.1:1`. An empty Error (no error) prints `no error`. For fmt and spdlog,
/// include berth/format.hpp.
std::string to_string(const Error& error);

/// Writes to_string(error).
std::ostream& operator<<(std::ostream& out, const Error& error);

/// The name libuv (and so Node) gives an errno value: ECONNREFUSED -> "ECONNREFUSED".
std::string errno_name(int positive_errno);

/// libuv's description of an errno value: EADDRINUSE -> "address already in use".
std::string errno_description(int positive_errno);

}  // namespace berth
