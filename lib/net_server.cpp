#include "berth/net/server.hpp"

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <array>
#include <cmath>

#include "berth/is_ip.hpp"
#include "block_list_filter.hpp"
#include "log.hpp"
#include "spawn.hpp"

namespace berth::net {
namespace {

// util.inspect of a string: single quotes unless the text holds one.
std::string inspect_string(const std::string& s) {
  if (s.find('\'') == std::string::npos) return "'" + s + "'";
  return "\"" + s + "\"";
}

// util.inspect of the listen options a user set, for Node's ERR_INVALID_ARG_VALUE text.
// (A JavaScript object prints its properties in the order they were set; a C++ struct
// has no such order, so berth prints them in declaration order, defaults left out.)
std::string inspect_options(const ListenOptions& o) {
  std::string out;
  auto add = [&](const std::string& kv) { out += (out.empty() ? "" : ", ") + kv; };
  if (o.port) {
    const PortValue& p = *o.port;
    if (p.is_undefined()) add("port: undefined");
    else if (p.is_null()) add("port: null");
    else if (p.is_bool()) add(std::string("port: ") + (std::get<bool>(p.value()) ? "true" : "false"));
    else if (p.is_string()) add("port: " + inspect_string(std::get<std::string>(p.value())));
    else add("port: " + js_number_to_string(p.to_number()));
  }
  if (o.host) add("host: " + inspect_string(*o.host));
  if (o.path) add("path: " + inspect_string(*o.path));
  if (o.fd) add("fd: " + std::to_string(*o.fd));
  if (o.backlog != 511) add("backlog: " + std::to_string(o.backlog));
  if (o.exclusive) add("exclusive: true");
  if (o.readableAll) add("readableAll: true");
  if (o.writableAll) add("writableAll: true");
  if (o.ipv6Only) add("ipv6Only: true");
  if (o.reusePort) add("reusePort: true");
  return out.empty() ? "{}" : "{ " + out + " }";
}

// Node's isPipeName: a string that does not read as a number >= 0 names a pipe.
bool is_pipe_name(const std::string& s) {
  double n = js_string_to_number(s);
  return std::isnan(n) || n < 0;
}

}  // namespace

template <class Event, class... A>
bool Server::fire(const Event& event, A&&... args) {
  return berth::detail::fire(*this, loop_->context(), event, std::forward<A>(args)...);
}

template <class F>
void Server::post(F&& f) {
  // As Socket::post: the tick holds the callable itself, no std::function around it.
  loop_->nextTick([self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(); });
}

Server::Server(PrivateTag, Loop& loop, ServerOptions options) : loop_(&loop), options_(std::move(options)) {}

Server::~Server() {
  if (acceptor_) acceptor_->close();
}

ServerPtr Server::create(ServerOptions options, ConnectionListener connectionListener, Loop& loop) {
  auto server = std::make_shared<Server>(PrivateTag{}, loop, std::move(options));
  server->live_.link(loop.context(), server);
  if (connectionListener) server->on(events::connection, std::move(connectionListener));
  return server;
}

ServerPtr createServer(ServerOptions options, ConnectionListener connectionListener) {
  return Server::create(std::move(options), std::move(connectionListener));
}

ServerPtr createServer(ConnectionListener connectionListener) {
  return Server::create({}, std::move(connectionListener));
}

Server& Server::listen(std::function<void()> callback) {
  ListenOptions options;
  options.port = 0;
  return listen(std::move(options), std::move(callback));
}

Server& Server::listen(PortValue port, std::function<void()> callback) {
  ListenOptions options;
  // A PortValue is always a port (Node's listen('abc') is listen(std::string)).
  options.port = port.is_undefined() ? PortValue(0) : std::move(port);
  return listen(std::move(options), std::move(callback));
}

Server& Server::listen(PortValue port, std::string host, std::function<void()> callback) {
  return listen(std::move(port), std::move(host), 511, std::move(callback));
}

Server& Server::listen(PortValue port, std::string host, int backlog, std::function<void()> callback) {
  ListenOptions options;
  options.port = port.is_undefined() ? PortValue(0) : std::move(port);
  options.host = std::move(host);
  options.backlog = backlog;
  return listen(std::move(options), std::move(callback));
}

Server& Server::listen(std::string path, std::function<void()> callback) {
  return listen(std::move(path), 511, std::move(callback));
}

Server& Server::listen(std::string path, int backlog, std::function<void()> callback) {
  ListenOptions options;
  // Node's normalizeArgs: a string that reads as a number >= 0 (or is blank) is a port.
  if (is_pipe_name(path)) options.path = std::move(path);
  else options.port = std::move(path);
  options.backlog = backlog;
  return listen(std::move(options), std::move(callback));
}

Server& Server::listen(Handle handle, int backlog, std::function<void()> callback) {
  ListenOptions options;
  options.fd = handle.fd;
  options.backlog = backlog;
  return listen(std::move(options), std::move(callback));
}

Server& Server::listen(ListenOptions options, std::function<void()> callback) {
  if (listening())
    throw Error("ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.");
  // Node adds the callback before it validates anything: it stays after a throw.
  if (callback) once(events::listening, std::move(callback));
  berth::ListenOptions core;
  core.backlog = options.backlog > 0 ? options.backlog : 511;
  core.ipv6Only = options.ipv6Only;
  core.readableAll = options.readableAll;
  core.writableAll = options.writableAll;
  core.reusePort = options.reusePort;
  // Node's Server.prototype.listen, in its order: an fd >= 0; else a port that is set
  // (undefined and null mean 0; a number or string is validated, so a bad port throws
  // even beside a path); else a path that is a pipe name; else the options are invalid.
  const PortValue* port = options.port ? &*options.port : nullptr;
  bool tcp = false;
  if (options.fd && *options.fd >= 0) {
    core.fd = options.fd;
  } else if (port && (port->is_undefined() || port->is_null())) {
    core.port = 0;
    tcp = true;
  } else if (port && (port->is_number() || port->is_string())) {
    core.port = validate_port(*port, "options.port");
    tcp = true;
  } else if (options.path && is_pipe_name(*options.path)) {
    core.path = options.path;
  } else if (!options.port && !options.path) {
    throw Error("ERR_INVALID_ARG_VALUE",
                "The argument 'options' must have the property \"port\" or \"path\". Received " +
                    inspect_options(options),
                ErrorKind::TypeError);
  } else {
    throw Error("ERR_INVALID_ARG_VALUE", "The argument 'options' is invalid. Received " + inspect_options(options),
                ErrorKind::TypeError);
  }
  std::uint64_t generation = ++listen_generation_;

  if (options.signal) {
    if (abort_listener_ && signal_) signal_->removeListener(*abort_listener_);
    signal_ = options.signal;
    if (signal_->aborted()) {
      close();
      return *this;
    }
    std::weak_ptr<Server> weak = weak_from_this();
    abort_listener_ = signal_->onAbort([weak] {
      if (auto s = weak.lock()) s->close();
    });
  }

  // Node looks a host up only for a TCP listen, and only a non-empty one.
  if (!tcp || !options.host || options.host->empty()) {
    bind(std::move(core), std::nullopt);  // synchronous: listening is true at once
    return *this;
  }
  // With a host, Node looks it up first, so listening stays false until then.
  std::string host = *options.host;
  auto self = shared_from_this();
  // The lookup is a pending request: it keeps the loop alive until it answers.
  auto pending = std::make_shared<HandleRef>(loop_->get_executor());
  pending->activate();
  auto finish = [self, core, generation, host, pending](const Error& error,
                                                         std::vector<LookupAddress> addresses) mutable {
    pending->deactivate();
    if (generation != self->listen_generation_) return;
    if (error || addresses.empty()) {
      self->fire(berth::events::error, error ? error : Error::lookup_failed("ENOTFOUND", host));
      return;
    }
    core.host = addresses.front().address;
    self->bind(std::move(core), host);
  };
  if (isIP(host) != 0) {
    post([finish, host]() mutable { finish(Error{}, {{host, 0}}); });
  } else {
    default_lookup(berth::detail::callback_executor(*loop_), host, {}, std::move(finish));
  }
  return *this;
}

void Server::bind(berth::ListenOptions core, std::optional<std::string>) {
  auto acceptor = std::make_shared<Acceptor>(loop_->get_executor());
  Error error;
  acceptor->listen(core, error);
  if (error) {
    BERTH_DEBUG_NET("listen error {}", error.message);
    post([this, error] { fire(berth::events::error, error); });
    return;
  }
  if (!refd_) acceptor->unref();
  acceptor_ = acceptor;
  std::uint64_t generation = listen_generation_;
  berth::detail::spawn(berth::detail::callback_executor(*loop_), accept_loop(shared_from_this(), acceptor, generation));
  post([this, generation] {
    if (generation == listen_generation_ && listening()) fire(events::listening);
  });
}

asio::awaitable<void> Server::accept_loop(std::shared_ptr<Server> /*keeps the server alive*/,
                                          std::shared_ptr<Acceptor> acceptor, std::uint64_t generation) {
  asio::steady_timer backoff(berth::detail::callback_executor(*loop_));
  while (acceptor->is_open()) {
    Error error;
    berth::Stream stream = co_await acceptor->accept(error);
    if (generation != listen_generation_ || !acceptor->is_open()) {
      stream.close();
      co_return;
    }
    if (error) {
      if (error.code == "EMFILE" || error.code == "ENFILE" || error.code == "ENOBUFS" || error.code == "ENOMEM") {
        // Out of descriptors: keep serving the connections we have and retry
        // shortly, rather than spinning or giving up the listener.
        BERTH_DEBUG_NET("accept {}: retrying in 50 ms", error.code);
        backoff.expires_after(std::chrono::milliseconds(50));
        std::error_code ignored;
        co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        continue;
      }
      if (error.code == "ECONNABORTED") continue;
      fire(berth::events::error, error);
      continue;
    }
    on_accepted(std::move(stream));
  }
}

void Server::on_accepted(berth::Stream stream) {
  bool full = maxConnections && *maxConnections > 0 && connections_ >= static_cast<std::size_t>(*maxConnections);
  auto remote = stream.remote_address();
  bool blocked = options_.blockList && remote && !remote->is_unix() &&
                 is_blocked(*options_.blockList, remote->address, remote->family == "IPv6" ? 6 : 4);
  if (full || blocked) {
    DropInfo info;
    auto local = stream.local_address();
    if (local && !local->is_unix()) {
      info.localAddress = local->address;
      info.localPort = local->port;
      info.localFamily = local->family;
    }
    if (remote && !remote->is_unix()) {
      info.remoteAddress = remote->address;
      info.remotePort = remote->port;
      info.remoteFamily = remote->family;
    }
    linger_close(std::move(stream));
    fire(events::drop, info);
    return;
  }
  if (options_.noDelay) stream.set_no_delay(true);
  if (options_.keepAlive)
    stream.set_keep_alive(true, static_cast<unsigned>(options_.keepAliveInitialDelay.count() / 1000));
  SocketOptions socket_options;
  socket_options.allowHalfOpen = options_.allowHalfOpen;
  socket_options.highWaterMark = options_.highWaterMark;
  auto socket = make_socket(std::move(stream), socket_options);
  ++connections_;
  fire(events::connection, socket);
}

SocketPtr Server::make_socket(berth::Stream stream, const SocketOptions& options) {
  return Socket::accepted(std::move(stream), shared_from_this(), options, *loop_);
}

void Server::linger_close(berth::Stream stream) {
  // Closing a socket whose peer's data is unread sends a reset. Send our FIN now and
  // close once the peer's FIN arrives (or after a grace period): the dropped client
  // sees 'end' and 'close'(false), as with Node.
  stream.unref();
  Error ignored;
  stream.shutdown_write(ignored);
  berth::detail::spawn(berth::detail::callback_executor(*loop_), [](berth::Stream s) -> asio::awaitable<void> {
    std::array<std::uint8_t, 4096> scratch;
    asio::steady_timer grace(co_await asio::this_coro::executor, std::chrono::seconds(2));
    grace.async_wait([&s](const std::error_code& ec) {
      if (!ec) s.cancel();
    });
    for (;;) {
      Error error;
      std::size_t n = co_await s.read_some(asio::buffer(scratch), error);
      if (error || n == 0) break;
    }
    grace.cancel();
    s.close();
  }(std::move(stream)));
}

void Server::connection_closed() {
  if (connections_ > 0) --connections_;
  emit_close_if_drained();
}

void Server::emit_close_if_drained() {
  if (listening() || connections_ > 0) return;
  post([this] { fire(events::close, false); });
}

Server& Server::close(std::function<void(const Error&)> callback) {
  if (callback) {
    if (!listening()) {
      once(events::close, [callback] {
        callback(Error("ERR_SERVER_NOT_RUNNING", "Server is not running."));
      });
    } else {
      once(events::close, [callback] { callback(Error{}); });
    }
  }
  ++listen_generation_;  // a pending lookup must not bind any more
  if (acceptor_) {
    acceptor_->close();
    acceptor_.reset();
  }
  if (abort_listener_ && signal_) {
    signal_->removeListener(*abort_listener_);
    abort_listener_.reset();
  }
  emit_close_if_drained();
  return *this;
}

std::optional<AddressInfo> Server::address() const {
  if (!acceptor_) return std::nullopt;
  return acceptor_->address();
}

Server& Server::getConnections(std::function<void(const Error&, std::size_t)> callback) {
  post([this, callback = std::move(callback)] { callback(Error{}, connections_); });
  return *this;
}

Server& Server::ref() {
  refd_ = true;
  if (acceptor_) acceptor_->ref();
  return *this;
}

Server& Server::unref() {
  refd_ = false;
  if (acceptor_) acceptor_->unref();
  return *this;
}

}  // namespace berth::net
