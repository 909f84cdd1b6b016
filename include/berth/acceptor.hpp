#pragma once
// berth::Acceptor: a listening TCP or Unix socket; `co_await accept()` yields a Stream.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/basic_socket_acceptor.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <optional>
#include <string>

#include "berth/address_info.hpp"
#include "berth/error.hpp"
#include "berth/loop.hpp"
#include "berth/stream.hpp"

namespace berth {

/// Where and how to listen. With neither `host` nor `path` nor `fd`, the acceptor
/// binds `::` (dual-stack) and falls back to `0.0.0.0` where IPv6 is unavailable.
struct ListenOptions {
  std::uint16_t port = 0;               ///< 0: the OS picks a port
  std::optional<std::string> host{};      ///< an IP literal; names are resolved by the caller
  std::optional<std::string> path{};      ///< a Unix socket path ('\0' first: abstract)
  std::optional<int> fd{};                ///< an already-bound socket to listen on
  int backlog = 511;                    ///< 0 or negative: 511, as Node
  bool ipv6Only = false;                ///< IPV6_V6ONLY on an IPv6 socket
  bool readableAll = false;             ///< chmod a+r on a Unix socket path
  bool writableAll = false;             ///< chmod a+w on a Unix socket path
  bool reusePort = false;               ///< SO_REUSEPORT, for N loops sharing a port
};

/// A listening socket. It keeps its loop alive while open unless unref()'d.
/// A Unix socket file it created is unlinked when it closes.
class Acceptor {
 public:
  explicit Acceptor(const asio::any_io_executor& executor);
  Acceptor(Acceptor&&) noexcept;
  Acceptor& operator=(Acceptor&&) noexcept;
  ~Acceptor();

  /// Binds and listens. Errors carry syscall "listen" and Node's message,
  /// e.g. `listen EADDRINUSE: address already in use :::8080`.
  void listen(const ListenOptions& options);
  void listen(const ListenOptions& options, Error& error);

  /// Accepts the next connection.
  asio::awaitable<Stream> accept();
  asio::awaitable<Stream> accept(Error& error);

  /// Stops listening (pending accepts complete with ECANCELED) and unlinks the
  /// socket file the acceptor created.
  void close() noexcept;
  /// Whether the acceptor is listening.
  bool is_open() const noexcept { return acceptor_.is_open(); }
  /// The bound address (an IP endpoint, or the Unix path); nullopt when closed.
  std::optional<AddressInfo> address() const;

  /// Lets the acceptor keep the loop alive (the default).
  void ref() noexcept { handle_ref_.ref(); }
  /// Stops the acceptor from keeping the loop alive.
  void unref() noexcept { handle_ref_.unref(); }
  /// The underlying Asio acceptor.
  asio::basic_socket_acceptor<asio::generic::stream_protocol>& native() noexcept { return acceptor_; }

 private:
  void listen_ip(const ListenOptions& options, const std::string& host, Error& error);
  void listen_path(const ListenOptions& options, Error& error);
  void listen_fd(const ListenOptions& options, Error& error);
  bool bind_and_listen(const Endpoint& endpoint, const ListenOptions& options, std::error_code& ec);

  asio::basic_socket_acceptor<asio::generic::stream_protocol> acceptor_;
  HandleRef handle_ref_;
  std::string unlink_path_{};
  std::optional<AddressInfo> path_address_{};
};

}  // namespace berth
