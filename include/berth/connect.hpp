#pragma once
// berth::connect: resolve, optionally happy-eyeballs, and connect; awaitable.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "berth/detail/compiler.hpp"
#include "berth/error.hpp"
#include "berth/port.hpp"
#include "berth/stream.hpp"

namespace berth {

/// One resolved address: an IP literal and its family (4 or 6).
struct LookupAddress {
  std::string address{};
  int family = 4;
};

/// What a lookup function is asked (Node's dns.lookup options).
struct LookupOptions {
  int family = 0;     ///< 0 (any), 4 or 6
  int hints = 0;      ///< getaddrinfo flags (AI_ADDRCONFIG, AI_V4MAPPED, ...)
  bool all = true;    ///< berth always asks for every address
};

/// Completes a lookup: an empty error and the addresses, or an error.
using LookupCallback = std::function<void(const Error&, std::vector<LookupAddress>)>;
/// A custom resolver in Node's `lookup(hostname, options, callback)` shape.
using LookupFunction =
    std::function<void(const std::string& hostname, const LookupOptions&, LookupCallback)>;

/// Observers the event layer uses to turn a connect into Node's events; each may be empty.
struct ConnectObservers {
  /// After the lookup, once per address (or once with the error): Node's 'lookup'.
  std::function<void(const Error&, const std::string& address, int family, const std::string& host)> lookup{};
  /// Before each attempt: Node's 'connectionAttempt'.
  std::function<void(const std::string& address, std::uint16_t port, int family)> attempt{};
  /// After a failed attempt when more remain: Node's 'connectionAttemptFailed'.
  std::function<void(const std::string& address, std::uint16_t port, int family, const Error&)> attempt_failed{};
  /// When an attempt times out: Node's 'connectionAttemptTimeout'.
  std::function<void(const std::string& address, std::uint16_t port, int family)> attempt_timeout{};
};

/// Node's `socket.connect(options)` options, for TCP or (with `path`) Unix.
struct ConnectOptions {
  PortValue port{};                         ///< required for TCP; validated as Node does
  std::string host = "localhost";
  std::optional<std::string> path{};          ///< a Unix socket path: host/port are ignored
  int family = 0;                           ///< 0, 4 or 6
  int hints = 0;
  std::optional<std::string> localAddress{};  ///< an IP literal to bind before connecting
  std::optional<PortValue> localPort{};
  LookupFunction lookup{};                    ///< empty: getaddrinfo
  std::optional<bool> autoSelectFamily{};     ///< empty: getDefaultAutoSelectFamily()
  std::optional<std::chrono::milliseconds> autoSelectFamilyAttemptTimeout{};
  bool noDelay = false;
  bool keepAlive = false;
  std::chrono::milliseconds keepAliveInitialDelay{0};
  ConnectObservers observers{};
  /// Consulted before each attempt: an error (e.g. ERR_IP_BLOCKED) stops the
  /// connect before any packet is sent to that address.
  std::function<Error(const std::string& address, int family)> address_filter{};
};

/// Validates options the way Node does before it starts connecting, throwing
/// synchronously (ERR_SOCKET_BAD_PORT, ERR_INVALID_IP_ADDRESS, ERR_INVALID_ARG_TYPE,
/// ERR_INVALID_ARG_VALUE, ERR_MISSING_ARGS). Returns the validated port.
std::uint16_t validate_connect_options(const ConnectOptions& options);

namespace detail {
/// The connect coroutine itself; it owns its copy of the options. Call berth::connect.
asio::awaitable<Stream> connect_coroutine(ConnectOptions options);
asio::awaitable<Stream> connect_coroutine(ConnectOptions options, Error& error);
}  // namespace detail

/// Connects: validates, resolves the host (the default lookup or a custom one),
/// and tries the addresses, with happy-eyeballs (an attempt every
/// autoSelectFamilyAttemptTimeout, 250 ms by default) when there are several.
/// The operation keeps its own copy of `options`.
///
/// On g++ before 13 the options must be a named variable: there
/// `co_await berth::connect({.port = p})` would crash at run time, and is rejected at
/// compile time (BERTH_REJECT_AGGREGATE_TEMPORARIES, in berth/detail/compiler.hpp).
inline asio::awaitable<Stream> connect(const ConnectOptions& options) {
  return detail::connect_coroutine(options);
}
inline asio::awaitable<Stream> connect(const ConnectOptions& options, Error& error) {
  return detail::connect_coroutine(options, error);
}
#if BERTH_REJECT_AGGREGATE_TEMPORARIES
// Everything that is not a named ConnectOptions (a braced list, ConnectOptions{...},
// std::move(options), a function's result) lands here: an rvalue binds to `&&` before
// `const&`. A template, so that the assertion fires only when a call picks it; the
// parameter is not deduced, so a braced list still reaches it.
template <class Options = ConnectOptions>
asio::awaitable<Stream> connect(std::type_identity_t<Options>&& options) {
  static_assert(detail::always_false<Options>, BERTH_AGGREGATE_TEMPORARY_MESSAGE(
      "berth::connect", "berth::ConnectOptions options{.port = p}; co_await berth::connect(options);"));
  return detail::connect_coroutine(std::move(options));
}
template <class Options = ConnectOptions>
asio::awaitable<Stream> connect(std::type_identity_t<Options>&& options, Error& error) {
  static_assert(detail::always_false<Options>, BERTH_AGGREGATE_TEMPORARY_MESSAGE(
      "berth::connect", "berth::ConnectOptions options{.port = p}; co_await berth::connect(options, error);"));
  return detail::connect_coroutine(std::move(options), error);
}
#else
inline asio::awaitable<Stream> connect(ConnectOptions&& options) {
  return detail::connect_coroutine(std::move(options));
}
inline asio::awaitable<Stream> connect(ConnectOptions&& options, Error& error) {
  return detail::connect_coroutine(std::move(options), error);
}
#endif

/// Connects to `host:port` (shorthand for the options form).
asio::awaitable<Stream> connect(std::string host, PortValue port);
/// Connects to a Unix socket path.
asio::awaitable<Stream> connect_path(std::string path);

/// Node's net.getDefaultAutoSelectFamily() / setDefaultAutoSelectFamily().
bool getDefaultAutoSelectFamily() noexcept;
void setDefaultAutoSelectFamily(bool value) noexcept;
/// Node's net.getDefaultAutoSelectFamilyAttemptTimeout() (ms; at least 10).
int getDefaultAutoSelectFamilyAttemptTimeout() noexcept;
void setDefaultAutoSelectFamilyAttemptTimeout(int ms);

/// The default lookup: getaddrinfo on Asio's resolver thread.
void default_lookup(const asio::any_io_executor& executor, const std::string& hostname,
                    const LookupOptions& options, LookupCallback callback);

}  // namespace berth
