#pragma once
// berth::net::Server: Node's net.Server over berth::Acceptor.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <chrono>
#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "berth/abort_signal.hpp"
#include "berth/acceptor.hpp"
#include "berth/address_info.hpp"
#include "berth/detail/live_link.hpp"
#include "berth/event_emitter.hpp"
#include "berth/loop.hpp"
#include "berth/net/socket.hpp"
#include "berth/port.hpp"

namespace berth::net {

class Server;
/// A shared handle to a Server; it lives while listening or holding connections.
using ServerPtr = std::shared_ptr<Server>;
/// The 'connection' listener given to createServer.
using ConnectionListener = std::function<void(const SocketPtr&)>;

/// `net.createServer(options)`.
struct ServerOptions {
  bool allowHalfOpen = false;
  bool pauseOnConnect = false;
  bool noDelay = false;
  bool keepAlive = false;
  std::chrono::milliseconds keepAliveInitialDelay{0};
  std::size_t highWaterMark = 16384;
  /// Beyond Node v20 (as Node v23): peers the list blocks are dropped before 'connection'.
  std::shared_ptr<const BlockList> blockList{};
};

/// `server.listen(options)`.
struct ListenOptions {
  /// Absent (nullopt) is Node's `{}`; present but undefined (`PortValue{}`) or null is port 0.
  std::optional<PortValue> port{};
  std::optional<std::string> host{};
  std::optional<std::string> path{};
  int backlog = 511;
  bool exclusive = false;
  bool readableAll = false;
  bool writableAll = false;
  bool ipv6Only = false;
  std::optional<AbortSignal> signal{};
  std::optional<int> fd{};  ///< `listen(handle)`: an already-bound socket
  bool reusePort = false;   ///< SO_REUSEPORT, for one loop per core sharing a port
};

/// `server.listen(handle)`: an already-bound listening socket's descriptor.
struct Handle {
  int fd;
};

/// The 'drop' event's argument.
struct DropInfo {
  std::optional<std::string> localAddress{};
  std::optional<int> localPort{};
  std::optional<std::string> localFamily{};
  std::optional<std::string> remoteAddress{};
  std::optional<int> remotePort{};
  std::optional<std::string> remoteFamily{};
};

namespace events {
inline constexpr Event<void()> listening{"listening"};
inline constexpr Event<void(SocketPtr)> connection{"connection"};
inline constexpr Event<void(const DropInfo&)> drop{"drop"};
// A server's 'close' is events::close too; it always passes hadError = false.
}  // namespace events

/// Node's net.Server.
class Server : public EventEmitter, public std::enable_shared_from_this<Server> {
 protected:
  struct PrivateTag {};

 public:
  /// `net.createServer([options][, connectionListener])`.
  static ServerPtr create(ServerOptions options = {}, ConnectionListener connectionListener = {},
                          Loop& loop = Loop::current());
  Server(PrivateTag, Loop& loop, ServerOptions options);
  ~Server();

  /// `server.listen(options[, callback])`.
  Server& listen(ListenOptions options, std::function<void()> callback = {});
  /// `server.listen([callback])`: port 0 on `::` (or `0.0.0.0`).
  Server& listen(std::function<void()> callback = {});
  /// `server.listen(port[, host[, backlog]][, callback])`.
  Server& listen(PortValue port, std::function<void()> callback = {});
  Server& listen(PortValue port, std::string host, std::function<void()> callback = {});
  Server& listen(PortValue port, std::string host, int backlog, std::function<void()> callback = {});
  // Integer overloads: a literal 0 would otherwise pick the const char* (path) overload.
  template <std::integral I>
  Server& listen(I port, std::function<void()> callback = {}) { return listen(PortValue(port), std::move(callback)); }
  template <std::integral I>
  Server& listen(I port, std::string host, std::function<void()> callback = {}) {
    return listen(PortValue(port), std::move(host), std::move(callback));
  }
  template <std::integral I>
  Server& listen(I port, std::string host, int backlog, std::function<void()> callback = {}) {
    return listen(PortValue(port), std::move(host), backlog, std::move(callback));
  }
  /// `server.listen(path[, backlog][, callback])` (a numeric string is a port, as in Node).
  Server& listen(std::string path, std::function<void()> callback = {});
  Server& listen(const char* path, std::function<void()> callback = {}) { return listen(std::string(path), std::move(callback)); }
  Server& listen(std::string path, int backlog, std::function<void()> callback = {});
  /// `server.listen(handle[, backlog][, callback])`.
  Server& listen(Handle handle, int backlog = 511, std::function<void()> callback = {});

  /// `server.close([callback])`: stops accepting now; 'close' once the last
  /// connection has closed. The callback gets ERR_SERVER_NOT_RUNNING when the
  /// server was not listening.
  Server& close(std::function<void(const Error&)> callback = {});
  /// `server.address()`: the bound address (the path for a Unix socket); nullopt
  /// before listening and after close.
  std::optional<AddressInfo> address() const;
  /// `server.getConnections(callback)`: asynchronous, as Node.
  Server& getConnections(std::function<void(const Error&, std::size_t)> callback);
  /// `server.listening`.
  bool listening() const noexcept { return acceptor_ && acceptor_->is_open(); }
  /// `server.maxConnections`: nullopt or 0 is unlimited (Node v20).
  std::optional<int> maxConnections{};
  /// `server.ref()` / `unref()` (remembered before listen).
  Server& ref();
  Server& unref();
  /// The options the server was created with.
  const ServerOptions& options() const noexcept { return options_; }
  /// The loop the server runs on.
  Loop& loop() const noexcept { return *loop_; }

 private:
  friend class Socket;
  friend class berth::tls::Server;

 protected:
  /// Makes the Socket for an accepted stream (tls::Server makes TLSSockets): once per
  /// connection, never per chunk.
  virtual SocketPtr make_socket(berth::Stream stream, const SocketOptions& options);

 private:
  void bind(berth::ListenOptions core, std::optional<std::string> display_host);
  asio::awaitable<void> accept_loop(std::shared_ptr<Server> self, std::shared_ptr<Acceptor> acceptor,
                                    std::uint64_t generation);
  void on_accepted(berth::Stream stream);
  void connection_closed();
  void linger_close(berth::Stream stream);
  void emit_close_if_drained();
  template <class F>
  void post(F&& f);
  template <class Event, class... A>
  bool fire(const Event& event, A&&... args);

  Loop* loop_;
  detail::LiveLink live_;
  ServerOptions options_;
  std::shared_ptr<Acceptor> acceptor_;  // shared with the accept loop, which may outlive a close
  std::uint64_t listen_generation_ = 0;
  std::size_t connections_ = 0;
  bool refd_ = true;
  std::optional<AbortSignal> signal_;
  std::optional<AbortSignal::ListenerId> abort_listener_;
};

/// `net.createServer([options][, connectionListener])`.
ServerPtr createServer(ServerOptions options = {}, ConnectionListener connectionListener = {});
ServerPtr createServer(ConnectionListener connectionListener);

}  // namespace berth::net
