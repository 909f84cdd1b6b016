#include "berth/error.hpp"

#include <cerrno>
#include <cctype>
#include <cstring>
#include <ostream>

#include <asio/error.hpp>

namespace berth {
namespace {

std::string host_port_details(const std::optional<std::string>& address,
                              const std::optional<int>& port) {
  // Node: a positive port gives " address:port", otherwise just " address".
  if (port && *port > 0 && address) return " " + *address + ":" + std::to_string(*port);
  if (address) return " " + *address;
  return {};
}

Error system_error_base(std::error_code ec, std::string syscall,
                        std::optional<std::string> address, std::optional<int> port) {
  Error e;
  e.ec = ec;
  // Asio reports system errors in its own "asio.system" category; its values are errno too.
  const auto& cat = ec.category();
  int n = cat == std::system_category() || cat == std::generic_category() ||
                  cat == asio::error::get_system_category()
              ? ec.value()
              : ec == asio::error::operation_aborted ? ECANCELED : EIO;
  e.code = errno_name(n);
  e.errnum = -n;
  e.syscall = std::move(syscall);
  e.address = std::move(address);
  e.port = port;
  return e;
}

}  // namespace

Error::Error(std::string code_, std::string message_, ErrorKind kind_)
    : code(std::move(code_)), message(std::move(message_)), kind(kind_) {}

Error Error::from_system(std::error_code ec, std::string syscall,
                         std::optional<std::string> address, std::optional<int> port) {
  Error e = system_error_base(ec, std::move(syscall), std::move(address), port);
  e.message = e.syscall + " " + e.code + host_port_details(e.address, e.port);
  return e;
}

Error Error::from_system_described(std::error_code ec, std::string syscall,
                                   std::optional<std::string> address,
                                   std::optional<int> port) {
  Error e = system_error_base(ec, std::move(syscall), std::move(address), port);
  e.message = e.syscall + " " + e.code + ": " + errno_description(-e.errnum) +
              host_port_details(e.address, e.port);
  return e;
}

Error Error::lookup_failed(std::string code, const std::string& host) {
  Error e;
  e.code = std::move(code);
  // Node's errno values for getaddrinfo failures are libuv's UV_EAI_* numbers.
  e.errnum = e.code == "ENOTFOUND" ? -3008 : e.code == "EAI_AGAIN" ? -3001 : -3000;
  e.syscall = "getaddrinfo";
  e.hostname = host;
  e.message = "getaddrinfo " + e.code + " " + host;
  return e;
}

Error Error::aborted() {
  Error e("ABORT_ERR", "The operation was aborted", ErrorKind::AbortError);
  e.errnum = 0;
  return e;
}

Error Error::aggregate(std::vector<Error> errors) {
  Error e;
  e.kind = ErrorKind::AggregateError;
  // Node's NodeAggregateError sets `code` from the first error and passes no message.
  if (!errors.empty()) e.code = errors.front().code;
  e.errors = std::move(errors);
  return e;
}

namespace {
const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::TypeError: return "TypeError";
    case ErrorKind::RangeError: return "RangeError";
    case ErrorKind::AbortError: return "AbortError";
    case ErrorKind::AggregateError: return "AggregateError";
    case ErrorKind::Error: break;
  }
  return "Error";
}
}  // namespace

std::string to_string(const Error& error) {
  if (!error) return "no error";
  // Node's Error.prototype.toString is `name: message`; a Node internal error's name
  // carries its code in brackets, a system error's message has it already.
  std::string text = kind_name(error.kind);
  if (error.message.find(error.code) == std::string::npos) text += " [" + error.code + "]";
  if (!error.message.empty()) {
    text += ": " + error.message;
  } else if (!error.errors.empty()) {
    text += ": ";
    for (std::size_t i = 0; i < error.errors.size(); ++i) {
      if (i) text += "; ";
      text += error.errors[i].message;
    }
  }
  return text;
}

std::ostream& operator<<(std::ostream& out, const Error& error) { return out << to_string(error); }

std::string errno_name(int n) {
  if (const char* name = strerrorname_np(n)) return name;
  return "UNKNOWN";
}

std::string errno_description(int n) {
  // libuv's texts (UV_ERRNO_MAP), which Node prints; they differ from strerror's.
  switch (n) {
    case EADDRINUSE: return "address already in use";
    case EADDRNOTAVAIL: return "address not available";
    case EAFNOSUPPORT: return "address family not supported";
    case EACCES: return "permission denied";
    case EAGAIN: return "resource temporarily unavailable";
    case EBADF: return "bad file descriptor";
    case ECANCELED: return "operation canceled";
    case ECONNABORTED: return "software caused connection abort";
    case ECONNREFUSED: return "connection refused";
    case ECONNRESET: return "connection reset by peer";
    case EHOSTUNREACH: return "host is unreachable";
    case EINVAL: return "invalid argument";
    case EISCONN: return "socket is already connected";
    case EMFILE: return "too many open files";
    case ENAMETOOLONG: return "name too long";
    case ENETUNREACH: return "network is unreachable";
    case ENFILE: return "file table overflow";
    case ENOBUFS: return "no buffer space available";
    case ENOENT: return "no such file or directory";
    case ENOTCONN: return "socket is not connected";
    case ENOTDIR: return "not a directory";
    case ENOTSOCK: return "socket operation on non-socket";
    case EPERM: return "operation not permitted";
    case EPIPE: return "broken pipe";
    case ETIMEDOUT: return "connection timed out";
    default: {
      std::string s = std::strerror(n);
      if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
      return s;
    }
  }
}

}  // namespace berth
