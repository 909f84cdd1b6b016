#include "berth/net/socket.hpp"

#include <asio/bind_executor.hpp>

#include <asio/co_spawn.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <asio/this_coro.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "berth/detail/block_cache.hpp"
#include "berth/is_ip.hpp"
#include "block_list_filter.hpp"
#include "connect_lookup.hpp"
#include "berth/net/server.hpp"
#include "log.hpp"
#include "spawn.hpp"

namespace berth::net {
namespace {

// JavaScript's string length (UTF-16 code units) of UTF-8 text: Node's
// writableLength counts characters for strings.
std::size_t js_length(std::string_view utf8) {
  std::size_t units = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte starts a code point
    if (c >= 0xF0) ++units;           // four-byte sequences are surrogate pairs
  }
  return units;
}

// One read buffer per thread, shared by every socket on the loop: 'data'
// listeners see it only during the call, so an idle socket holds no read memory.
std::span<std::uint8_t> shared_read_buffer() {
  thread_local std::array<std::uint8_t, 64 * 1024> buffer;
  return buffer;
}

// Socket::Cold's memory: a connection that ends in an error (a peer's reset) makes one,
// so a server whose connections come and go re-uses the blocks of those gone.
struct ColdBlocks;
struct WarmBlocks;

Error destroyed_error() {
  return Error("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
}

Error end_destroyed_error() {
  return Error("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed");
}

}  // namespace

template <class Event, class... A>
bool Socket::fire(const Event& event, A&&... args) {
  return berth::detail::fire(*this, loop_->context(), event, std::forward<A>(args)...);
}

template <class F>
void Socket::post(F&& f) {
  // A template rather than std::function: the tick holds the callable itself (see Task).
  loop_->nextTick([self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(); });
}

struct Socket::Cold {
  // Connecting, errors.
  std::optional<AbortSignal> signal;  // the `signal` option
  std::optional<AbortSignal::ListenerId> abort_listener;
  std::shared_ptr<asio::cancellation_signal> connect_cancel;  // cancels a pending connect on destroy()
  std::vector<std::string> attempted;
  std::optional<Error> errored;
  // Writable side: the batch the write pump is sending, the writes not done yet.
  std::vector<std::uint8_t> inflight;
  std::size_t inflight_done = 0;    // of inflight, what the kernel took so far
  std::uint64_t progress_mark = 0;  // sent_ + inflight_done when the timer last looked
  berth::detail::Fifo<PendingWrite> pending;
  // Writes made while connecting fail in a 'close' listener, at the place Node's
  // own listener would be (registered by the first write handed on while connecting).
  std::optional<ListenerId> connecting_writes_listener;
  berth::detail::Fifo<PendingWrite> connecting_failed;
  unsigned keep_alive_delay_s = 0;
  std::vector<WriteHandler> end_callbacks;
  std::vector<WriteHandler> ends_cut_short;  // end() callbacks of a destroyed socket, still to call
};

struct Socket::Warm {
  // Readable side: the buffer of data read and not yet consumed (decoded text once
  // setEncoding() was called), an emptied buffer kept for its capacity, the decoder.
  std::vector<std::uint8_t> unconsumed;
  std::vector<std::uint8_t> spare;
  std::optional<StringDecoder> decoder;
  std::string decoded;
  // Idle timeout.
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::steady_clock::time_point last_activity{};
  std::optional<asio::steady_timer> timer;  // made by the first setTimeout
  std::optional<ListenerId> timeout_listener;
};

namespace {
// A socket's Cold or Warm part, in a block from its per-thread cache.
template <class Part, class Blocks>
Part* make_part() {
  void* block = berth::detail::BlockCache<Blocks>::allocate(sizeof(Part));
  try {
    return new (block) Part();
  } catch (...) {
    berth::detail::BlockCache<Blocks>::deallocate(block, sizeof(Part));
    throw;
  }
}

template <class Blocks, class Part>
void free_part(Part* part) noexcept {
  part->~Part();
  berth::detail::BlockCache<Blocks>::deallocate(part, sizeof(Part));
}
}  // namespace

Socket::Cold& Socket::cold() {
  if (!cold_) [[unlikely]] cold_.reset(make_part<Cold, ColdBlocks>());
  return *cold_;
}

void Socket::ColdDeleter::operator()(Cold* cold) const noexcept { free_part<ColdBlocks>(cold); }

Socket::Warm& Socket::warm() {
  if (!warm_) [[unlikely]] warm_.reset(make_part<Warm, WarmBlocks>());
  return *warm_;
}

void Socket::WarmDeleter::operator()(Warm* warm) const noexcept { free_part<WarmBlocks>(warm); }

const Error* Socket::errored_ptr() const noexcept {
  return cold_ && cold_->errored ? &*cold_->errored : nullptr;
}

const std::optional<Error>& Socket::errored() const noexcept {
  static const std::optional<Error> none;
  return cold_ ? cold_->errored : none;
}

std::optional<std::chrono::milliseconds> Socket::timeout() const noexcept {
  return warm_ ? warm_->timeout : std::nullopt;
}

const std::vector<std::string>& Socket::autoSelectFamilyAttemptedAddresses() const noexcept {
  static const std::vector<std::string> none;
  return cold_ ? cold_->attempted : none;
}

Socket::Socket(PrivateTag, Loop& loop, SocketOptions options)
    : loop_(&loop),
      high_water_mark_(options.highWaterMark),
      readable_high_water_mark_(options.highWaterMark) {
  options_.allowHalfOpen = options.allowHalfOpen;
  options_.readable = options.readable;
  options_.writable = options.writable;
  if (options.onread) options_.onread = std::make_unique<OnRead>(std::move(*options.onread));
  if (options.signal) cold().signal = std::move(options.signal);
}

Socket::~Socket() = default;

void Socket::loop_shutdown() noexcept {
  EventEmitter::removeAllListeners();
  if (!cold_) return;
  Cold& c = *cold_;
  // Taken out first: destroying a callback may free a coroutine frame, and with it
  // whatever it owned (other sockets, a SocketReader that destroys this socket).
  std::vector<WriteHandler> dropped;
  for (auto& w : c.pending) dropped.push_back(std::move(w.callback));
  for (auto& cb : c.end_callbacks) dropped.push_back(std::move(cb));
  for (auto& cb : c.ends_cut_short) dropped.push_back(std::move(cb));
  c.end_callbacks.clear();
  c.ends_cut_short.clear();
  dropped.clear();
}

SocketPtr Socket::create(SocketOptions options, Loop& loop) {
  if (options.fd && *options.fd < 0)
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"fd\" is out of range. It must be >= 0 && <= 2147483647. Received " +
                    std::to_string(*options.fd),
                ErrorKind::RangeError);
  std::optional<int> fd = options.fd;
  auto socket = std::make_shared<Socket>(PrivateTag{}, loop, std::move(options));
  socket->live_.link(loop.context(), socket);
  if (fd) {
    socket->attach(berth::Stream::adopt(loop.get_executor(), *fd));
    if (socket->options_.readable) socket->start_reading();
  }
  socket->watch_signal();
  return socket;
}

void Socket::watch_signal() {
  if (!cold_ || !cold_->signal) return;
  auto& signal = *cold_->signal;
  // Unlike Node v20, a pre-aborted signal destroys the socket for good: a later
  // connect() does not revive it (see the README).
  if (signal.aborted()) {
    destroy(signal.reason());
  } else {
    // As in Node, where the signal's listener keeps the socket reachable: a socket
    // waiting on its signal lives until it closes, whoever else holds it.
    auto self = shared_from_this();
    live_.hold(self);
    std::weak_ptr<Socket> weak = self;
    cold_->abort_listener = signal.onAbort([weak, signal] {
      if (auto s = weak.lock()) s->destroy(signal.reason());
    });
  }
}

SocketPtr Socket::accepted(berth::Stream stream, std::shared_ptr<Server> server, const SocketOptions& options, Loop& loop) {
  auto socket = std::make_shared<Socket>(PrivateTag{}, loop, options);
  socket->live_.link(loop.context(), socket);
  socket->take_accepted(std::move(stream), std::move(server), options);
  return socket;
}

void Socket::take_accepted(berth::Stream stream, std::shared_ptr<Server> server, const SocketOptions& options) {
  bool paused = server && server->options().pauseOnConnect;
  server_ = std::move(server);
  attach(std::move(stream));
  if (options.readable) {
    if (paused) flowing_ = false;
    else start_reading();
  }
}


// ---- connecting ----------------------------------------------------------

Socket& Socket::connect(PortValue port, std::string host, std::function<void()> connectListener) {
  ConnectOptions options;
  options.port = std::move(port);
  options.host = std::move(host);
  return connect(std::move(options), std::move(connectListener));
}

Socket& Socket::connect(std::string path, std::function<void()> connectListener) {
  ConnectOptions options;
  // Node's isPipeName: a string that reads as a number is a port.
  double n = js_string_to_number(path);
  if (!std::isnan(n) && n >= 0) options.port = path;  // "" too: Number("") is 0
  else options.path = std::move(path);
  return connect(std::move(options), std::move(connectListener));
}

Socket& Socket::connect(ConnectOptions options, std::function<void()> connectListener) {
  berth::ConnectOptions core;
  core.port = options.port;
  core.host = options.host;
  core.path = options.path;
  core.family = options.family;
  core.hints = options.hints;
  core.localAddress = options.localAddress;
  core.localPort = options.localPort;
  core.lookup = options.lookup;
  core.autoSelectFamily = options.autoSelectFamily;
  core.autoSelectFamilyAttemptTimeout = options.autoSelectFamilyAttemptTimeout;
  core.noDelay = options.noDelay;
  core.keepAlive = options.keepAlive;
  core.keepAliveInitialDelay = options.keepAliveInitialDelay;
  if (options.blockList) core.address_filter = block_list_filter(options.blockList);
  had_handle_ = true;
  connecting_ = true;  // Node leaves a socket whose connect() threw 'opening'
  // net.connect sets the timeout before it connects: a bad timeout throws first.
  if (options.timeout && options.timeout->count() < 0)
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"msecs\" is out of range. It must be a non-negative finite number. Received " +
                    std::to_string(options.timeout->count()),
                ErrorKind::RangeError);
  berth::validate_connect_options(core);  // throws synchronously, as Node does
  if (options.timeout) setTimeout(*options.timeout);
  if (options.onread) options_.onread = std::make_unique<OnRead>(*options.onread);
  touch();  // Node's connect() refreshes the idle timer

  if (destroyed_) {
    // A destroyed socket may connect again; its counters restart.
    destroyed_ = close_emitted_ = false;
    ending_ = fin_sent_ = finish_posted_ = finished_ = eof_ = end_emitted_ = peer_ended_ = false;
    if (cold_) cold_->errored.reset();
    if (warm_) warm_->unconsumed.clear();  // the flowing state (resume()/pause()) carries over, as in Node
    bytes_read_ = 0;
    sent_ = queued_total_ = 0;
    queued_length_ = 0;
    length_ = 0;
  }
  if (ended_before_connect_) {
    // Node's new handle resets the writable state (initSocketHandle's _undestroy)
    // while the end()'s shutdown still waits for 'connect': the FIN goes out then,
    // and 'finish' follows the next end().
    ended_before_connect_ = false;
    ending_ = false;
    shutdown_on_connect_ = true;
  }
  if (connectListener) once(events::connect, std::move(connectListener));
  live_.hold(shared_from_this());  // until 'close', whoever else holds it
  connecting_ = true;
  cold().attempted.clear();
  std::uint32_t generation = ++connect_generation_;
  std::weak_ptr<Socket> weak = weak_from_this();
  auto lookups = std::make_shared<int>(0);
  core.observers.lookup = [weak, lookups](const Error& e, const std::string& address, int family,
                                          const std::string& host) {
    ++*lookups;
    if (auto s = weak.lock()) {
      s->touch();  // Node refreshes the idle timer once the lookup answers
      s->fire(events::lookup, e, address, family, host);
    }
  };
  core.observers.attempt = [weak, lookups](const std::string& ip, std::uint16_t port, int family) {
    if (auto s = weak.lock()) {
      // Node fills autoSelectFamilyAttemptedAddresses only when it tried several.
      if (*lookups > 1) s->cold().attempted.push_back(ip + ":" + std::to_string(port));
      s->fire(events::connectionAttempt, ip, static_cast<int>(port), family);
    }
  };
  core.observers.attempt_failed = [weak](const std::string& ip, std::uint16_t port, int family, const Error& e) {
    if (auto s = weak.lock()) s->fire(events::connectionAttemptFailed, ip, static_cast<int>(port), family, e);
  };
  core.observers.attempt_timeout = [weak](const std::string& ip, std::uint16_t port, int family) {
    if (auto s = weak.lock()) s->fire(events::connectionAttemptTimeout, ip, static_cast<int>(port), family);
  };
  BERTH_DEBUG_NET("connect: {}", options.path ? *options.path : options.host);
  if (stream_) {
    // A socket made from a descriptor: Node connects that same handle.
    connect_adopted(std::move(core));
    return *this;
  }
  cold().connect_cancel = std::make_shared<asio::cancellation_signal>();
  // Node starts connecting on the next tick: listeners added right after connect()
  // see 'lookup' and 'connectionAttempt'.
  auto start = [self = shared_from_this(), core = std::move(core), generation]() mutable {
    if (generation != self->connect_generation_ || self->destroyed_) return;
    berth::detail::spawn(berth::detail::callback_executor(*self->loop_), self->cold_->connect_cancel->slot(),
                [self, core = std::move(core), generation]() mutable -> asio::awaitable<void> {
                  // destroy() cancels this coroutine: its operations then complete
                  // with an error code rather than throwing out of run().
                  co_await asio::this_coro::throw_if_cancelled(false);
                  Error error;
                  berth::Stream stream = co_await berth::detail::connect_coroutine(std::move(core), error);
                  // On loopback the server's accept is ready in the same reactor turn as
                  // this connect. libuv runs it first, so a Node server has the connection
                  // by the time the client's 'connect' listeners run; yield once to match.
                  if (!error) co_await asio::post(berth::detail::callback_executor(*self->loop_), asio::use_awaitable);
                  if (generation != self->connect_generation_ || self->destroyed_) {
                    stream.close();
                    co_return;
                  }
                  self->connecting_ = false;
                  if (error) {
                    self->destroy_impl(std::move(error), false);
                    co_return;
                  }
                  self->on_connected(std::move(stream));
                });
  };
  loop_->nextTick(std::move(start));
  return *this;
}

void Socket::attach(berth::Stream stream) {
  had_handle_ = true;
  live_.hold(shared_from_this());  // until 'close', whoever else holds it
  stream_.emplace(std::move(stream));
  set_remote(*stream_);
  if (want_ref_ && !*want_ref_) stream_->unref();
  // Node's afterConnect applies only what was turned on before the handle existed.
  if (no_delay_) stream_->set_no_delay(true);
  if (keep_alive_) stream_->set_keep_alive(true, cold_ ? cold_->keep_alive_delay_s : 0);
}

// The remote address cache, as a sockaddr (remoteAddress() and the others format it).
void Socket::set_remote(berth::Stream& stream) noexcept {
  remote_size_ = 0;
  std::error_code ec;
  Endpoint ep = stream.socket().remote_endpoint(ec);
  if (ec) return;
  int family = ep.data()->sa_family;
  if ((family != AF_INET && family != AF_INET6) || ep.size() > sizeof remote_) return;
  std::memcpy(remote_, ep.data(), ep.size());
  remote_size_ = static_cast<std::uint8_t>(ep.size());
}

// Node's connect() on a socket that already has a handle (new Socket({fd})): the
// same descriptor connects. The connect(2) is made here, synchronously, as Node's
// uv_pipe_connect makes it (an IP literal: on Node's next tick, still before the loop
// polls): reading has started on the descriptor, and an unconnected one polled now
// would fail that read with EINVAL. A name is looked up first, as Node's
// lookupAndConnect does, and the first address tried.
void Socket::connect_adopted(berth::ConnectOptions core) {
  std::uint32_t generation = ++connect_generation_;
  auto fail_later = [this, generation](Error error) {
    post([this, generation, error = std::move(error)]() mutable {
      if (generation != connect_generation_ || destroyed_) return;
      connecting_ = false;
      destroy_impl(std::move(error), false);
    });
  };
  if (core.path && !core.path->empty()) {
    try {
      connect_adopted_to(make_unix_endpoint(*core.path, "connect"), *core.path, std::nullopt);
    } catch (const Error& e) {
      fail_later(e);
    }
    return;
  }
  const std::string host = core.host.empty() ? std::string("localhost") : core.host;
  const auto port = static_cast<std::uint16_t>(core.port.to_number());
  if (isIP(host) != 0) {
    connect_adopted_to(make_ip_endpoint(host, port), host, port);
    return;
  }
  LookupFunction lookup = detail::connect_lookup_function(berth::detail::callback_executor(*loop_), core);
  std::weak_ptr<Socket> weak = weak_from_this();
  lookup(host, detail::connect_lookup_options(core),
         [weak, generation, host, port](const Error& lookup_error, std::vector<LookupAddress> found) {
           auto self = weak.lock();
           if (!self || generation != self->connect_generation_ || self->destroyed_) return;
           Error error = lookup_error;
           if (!error && found.empty()) error = Error::lookup_failed("ENOTFOUND", host);
           self->touch();
           if (error) {
             self->fire(events::lookup, error, std::string(), 0, host);
             if (generation != self->connect_generation_ || self->destroyed_) return;
             self->connecting_ = false;
             self->destroy_impl(std::move(error), false);
             return;
           }
           const LookupAddress first = found.front();
           self->fire(events::lookup, Error{}, first.address, first.family, host);
           if (generation != self->connect_generation_ || self->destroyed_) return;
           try {
             self->connect_adopted_to(make_ip_endpoint(first.address, port), first.address, port);
           } catch (const Error& e) {
             self->connecting_ = false;
             self->destroy_impl(e, false);
           }
         });
}

void Socket::connect_adopted_to(const Endpoint& endpoint, std::string address, std::optional<int> port) {
  std::uint32_t generation = connect_generation_;
  if (port && *port <= 0) port.reset();  // Node names a port only above 0
  std::weak_ptr<Socket> weak = weak_from_this();
  // Asio makes the connect(2) call in async_connect itself; only its completion waits.
  stream_->socket().async_connect(
      endpoint, asio::bind_executor(berth::detail::callback_executor(*loop_), [weak, generation, address = std::move(address), port](const std::error_code& ec) {
        auto self = weak.lock();
        if (!self || generation != self->connect_generation_ || self->destroyed_) return;
        self->connecting_ = false;
        if (ec) {
          self->destroy_impl(Error::from_system(ec, "connect", address, port), false);
          return;
        }
        self->set_remote(*self->stream_);
        self->connected();
      }));
}

void Socket::on_connected(berth::Stream stream) {
  attach(std::move(stream));
  connected();
}

void Socket::connected() {
  touch();
  if (cold_ && cold_->connecting_writes_listener) {
    // Node's write-on-connect drops its 'close' listener.
    removeListener(events::close, *cold_->connecting_writes_listener);
    cold_->connecting_writes_listener.reset();
  }
  fire(events::connect);
  fire(events::ready);  // Node emits it even when a 'connect' listener destroyed the socket
  if (destroyed_) return;
  if (reset_on_connect_) {
    destroy_impl(std::nullopt, true);
    return;
  }
  if (transport_) [[unlikely]]
    transport_->transport_connected();  // the handshake: until it ends, flush() and reads wait
  flush();
  maybe_finish();
  if (options_.readable && (flowing_ != false || read_wanted_)) start_reading();
}

// The FIN of an end() made before connect(): called by maybe_finish() once
// connected and once the writes made while connecting have gone out.
void Socket::shutdown_after_connect() {
  shutdown_on_connect_ = false;
  if (fin_sent_) return;
  fin_sent_ = true;
  Error error;
  stream_->shutdown_write(error);
}

// ---- reading -------------------------------------------------------------
//
// The readable side follows Node's stream.Readable state machine (ReadableState's
// length, flowing, needReadable, emittedReadable, readableListening, resumeScheduled,
// kPaused), with one shortcut kept for speed: in flowing mode with an empty buffer a
// chunk goes straight from the read buffer to the 'data' listeners, as Node's
// addChunk does, without being copied or allocated.

void Socket::start_reading() {
  if (!stream_) read_wanted_ = true;  // Node's _read waits for 'connect'
  if (reading_ || !stream_ || destroyed_ || eof_) return;
  reading_ = true;
  stream_->set_reading(true);  // keeps the loop alive while ref'd (see HandleRef's table)
  if (!read_armed_) arm_read();
}

// uv_read_stop: a wait still pending finds reading_ false and reads nothing, and the
// stream stops keeping the loop alive at once.
void Socket::stop_reading() {
  reading_ = false;
  if (stream_) stream_->set_reading(false);
}

// arm_read's completion handler: a struct rather than a lambda for its allocator.
struct Socket::ReadWait {
  using allocator_type = berth::detail::WaitAllocator<void, berth::detail::SocketWaitBlocks>;
  allocator_type get_allocator() const noexcept { return {}; }

  void operator()(const std::error_code& ec) {
    berth::detail::run_callback(hooks, [&] { self->on_readable(ec, generation); });
  }

  std::shared_ptr<Socket> self;
  std::uint64_t generation;
  berth::detail::LoopHooks* hooks;
};

// Reading is a readiness callback, as libuv's uv_read_start, rather than a coroutine:
// an idle socket then holds one small wait operation and no coroutine frames, and
// pause()/resume() start nothing new (a pending wait simply finds reading_ false).
void Socket::arm_read() {
  if (transport_) [[unlikely]] {
    transport_->transport_arm_read();
    return;
  }
  read_armed_ = true;
  // The stream is on the io_context's own executor, so Asio invokes this directly; the
  // loop's callback step (nextTick drains) is run here rather than by a wrapping executor.
  stream_->socket().async_wait(berth::Stream::socket_type::wait_read,
                               ReadWait{shared_from_this(), read_generation_, berth::detail::hooks_of(*loop_)});
}


void Socket::on_readable(const std::error_code& wait_error, std::uint64_t generation) {
  // Loop liveness: whatever stopped reading in here (EOF, onread returning false,
  // highWaterMark with nobody consuming, a listener's pause()) stops the stream being
  // active when this returns, as libuv's uv_read_stop does.
  struct SyncReading {
    Socket* s;
    ~SyncReading() {
      if (s->stream_) s->stream_->set_reading(s->reading_);
    }
  } sync_reading{this};
  read_armed_ = false;
  auto still_mine = [&] { return reading_ && generation == read_generation_ && stream_ && !destroyed_; };
  if (!still_mine()) {
    // Paused: resume() arms again. A wait of an earlier generation (a stream since
    // replaced): arm for the current one if it reads.
    if (generation != read_generation_ && reading_ && stream_ && !destroyed_) arm_read();
    return;
  }
  if (wait_error) {
    reading_ = false;
    destroy_impl(Error::from_system(wait_error, "read"), false);
    return;
  }
  // Drain what is there, a bounded number of reads so one socket cannot starve others.
  std::error_code ec;
  for (int i = 0; i < 8 && still_mine(); ++i) {
    std::span<std::uint8_t> buffer = shared_read_buffer();
    if (options_.onread) {
      if (options_.onread->bufferFactory) buffer = options_.onread->bufferFactory();
      else buffer = options_.onread->buffer;
    }
    bool would_block = false, eof = false;
    std::size_t n = stream_->try_read(asio::buffer(buffer.data(), buffer.size()), ec, would_block, eof);
    if (ec) {
      reading_ = false;
      destroy_impl(Error::from_system(ec, "read"), false);
      return;
    }
    if (would_block) break;
    if (eof) {
      reading_ = false;
      on_eof();
      return;
    }
    on_chunk(buffer.data(), n, buffer);
    if (n < buffer.size()) break;
  }
  if (still_mine() && !read_armed_) arm_read();
}

void Socket::on_chunk(const std::uint8_t* data, std::size_t n, std::span<std::uint8_t> buffer) {
  bytes_read_ += n;
  touch();
  if (options_.onread) {
    if (options_.onread->callback && !options_.onread->callback(n, buffer))
      reading_ = false;  // stops reading, yet isPaused() stays false, as in Node
    return;
  }
  // Node's addChunk: flowing with nothing buffered, the chunk is emitted as it is (with
  // no 'data' listener while flowing, Node drops it too). A listener added with
  // prependListener() before any resume() (which, as in Node, does not start the flow)
  // is served the same way.
  if ((!warm_ || warm_->unconsumed.empty()) &&
      (flowing_ == true || (!flowing_ && !readable_listening_ && listenerCount(events::data) > 0))) {
    emit_data(data, n);
    return;
  }
  push_chunk(data, n);
}

void Socket::emit_data(const std::uint8_t* data, std::size_t n) {
  if (warm_ && warm_->decoder) {
    std::string& decoded = warm_->decoded;
    decoded.clear();
    warm_->decoder->write(BufferView(data, n), decoded);
    if (!decoded.empty()) fire(events::data, BufferView(decoded));
  } else {
    fire(events::data, BufferView(data, n));
  }
}

void Socket::buffer_append(const std::uint8_t* data, std::size_t n) {
  Warm& c = warm();
  c.unconsumed.insert(c.unconsumed.end(), data, data + n);
  length_ += c.decoder ? js_length(std::string_view(reinterpret_cast<const char*>(data), n)) : n;
}

// Node's push(chunk) of a chunk that is not emitted at once: buffered (decoded first),
// 'readable' scheduled when awaited, and reading stops at the high water mark
// (push() returning false makes Node's socket call readStop()).
void Socket::push_chunk(const std::uint8_t* data, std::size_t n) {
  if (warm_ && warm_->decoder) {
    std::string& decoded = warm_->decoded;
    decoded.clear();
    warm_->decoder->write(BufferView(data, n), decoded);
    if (decoded.empty()) return;  // half a character: nothing to add yet
    buffer_append(reinterpret_cast<const std::uint8_t*>(decoded.data()), decoded.size());
  } else {
    buffer_append(data, n);
  }
  // Flowing with data already buffered (a resume() not yet run, an unshift()): the
  // flow that 'readable' scheduling runs delivers it.
  if (need_readable_ || flowing_ == true) emit_readable();
  if (length_ >= readable_high_water_mark_) stop_reading();
}

std::size_t Socket::how_much_to_read(std::optional<std::size_t> size) const noexcept {
  if (size && *size == 0) return 0;
  if (length_ == 0 && eof_) return 0;
  if (!size) return length_;  // Node's flowing mode takes one chunk: berth keeps one
  if (*size <= length_) return *size;
  return eof_ ? length_ : 0;
}

namespace {

// The bytes of the longest prefix of UTF-8 `text` holding `units` UTF-16 code units;
// a character needing two units is not split.
std::size_t utf8_prefix_bytes(const std::vector<std::uint8_t>& text, std::size_t units) {
  std::size_t i = 0, taken = 0;
  while (i < text.size() && taken < units) {
    unsigned char c = text[i];
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if ((c & 0xC0) != 0x80) taken += c >= 0xF0 ? 2 : 1;
    i = std::min(text.size(), i + len);
  }
  return i;
}

// Node's computeNewHighWaterMark: the next power of two, at most 1 GiB.
std::size_t new_high_water_mark(std::size_t n) {
  constexpr std::size_t max = std::size_t{1} << 30;
  if (n > max)
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"size\" is out of range. It must be <= 1GiB. Received " + std::to_string(n),
                ErrorKind::RangeError);
  std::size_t hwm = 1;
  while (hwm < n) hwm <<= 1;
  return hwm;
}

}  // namespace

// Node's Readable.prototype.read(n). `result`, when given, receives what was taken
// (the public read()); the flow passes none. True if data was taken (and emitted).
bool Socket::read_impl(std::optional<std::size_t> size, std::optional<Buffer>* result,
                       std::vector<std::uint8_t>* lend) {
  if (size && *size > readable_high_water_mark_) readable_high_water_mark_ = new_high_water_mark(*size);
  if (!size || *size != 0) emitted_readable_ = false;
  // read(0) with enough buffered (or at the end): just schedule 'readable' or 'end'.
  if (size == std::size_t{0} && need_readable_ &&
      ((readable_high_water_mark_ != 0 ? length_ >= readable_high_water_mark_ : length_ > 0) || eof_)) {
    if (length_ == 0 && eof_) end_readable();
    else emit_readable();
    return false;
  }
  std::size_t n = how_much_to_read(size);
  if (n == 0 && eof_) {
    if (length_ == 0) end_readable();
    return false;
  }
  // Read more from the kernel while below the high water mark.
  bool do_read = need_readable_ || length_ == 0 || length_ - n < readable_high_water_mark_;
  if (eof_ || reading_ || destroyed_ || errored_ptr()) do_read = false;
  if (do_read) {
    if (length_ == 0) need_readable_ = true;
    start_reading();
  }
  if (n == 0) {
    need_readable_ = length_ <= readable_high_water_mark_;
    return false;
  }
  // The flow reuses the capacity of its last chunk: a paused-and-resumed pipe (or any
  // flow through the buffer) does not allocate for every chunk.
  Warm& c = warm();  // n > 0: something is buffered, so it exists
  std::vector<std::uint8_t> chunk = lend ? std::move(*lend) : result ? std::vector<std::uint8_t>() : std::move(c.spare);
  chunk.clear();
  std::size_t bytes = c.decoder ? utf8_prefix_bytes(c.unconsumed, n) : n;
  if (bytes >= c.unconsumed.size()) {
    chunk.swap(c.unconsumed);
    length_ = 0;
  } else {
    auto cut = c.unconsumed.begin() + static_cast<std::ptrdiff_t>(bytes);
    chunk.assign(c.unconsumed.begin(), cut);
    c.unconsumed.erase(c.unconsumed.begin(), cut);
    std::size_t units = c.decoder ? js_length(std::string_view(reinterpret_cast<const char*>(chunk.data()), bytes)) : bytes;
    length_ -= std::min(length_, units);
  }
  if (length_ == 0) {
    if (!eof_) need_readable_ = true;
    // read() past the end (no size, or more than there was): 'end' follows.
    if ((!size || *size != n) && eof_) end_readable();
  }
  if (!close_emitted_ && !errored_ptr()) fire(events::data, BufferView(chunk));
  if (result) {
    *result = Buffer(std::move(chunk));
  } else if (lend) {
    *lend = std::move(chunk);
  } else if (chunk.capacity() > c.spare.capacity() && chunk.capacity() <= 4 * readable_high_water_mark_ + 64 * 1024) {
    chunk.clear();
    c.spare.swap(chunk);
  }
  return true;
}

std::optional<Buffer> Socket::read(std::optional<std::size_t> size) {
  // With `onread` Node's read() (re)starts reading; the buffer stays empty.
  if (options_.onread && stream_ && !connecting_) start_reading();
  std::optional<Buffer> result;
  read_impl(size, &result);
  return result;
}

void Socket::unshift(BufferView chunk) {
  if (chunk.empty()) return;
  if (end_emitted_) {
    destroy_impl(Error("ERR_STREAM_UNSHIFT_AFTER_END_EVENT", "stream.unshift() after end event"), false);
    return;
  }
  if (destroyed_ || errored_ptr()) return;
  if (flowing_ == true && length_ == 0 && listenerCount(events::data) > 0) {
    fire(events::data, chunk);
    return;
  }
  Warm& c = warm();
  std::size_t units = c.decoder ? js_length(chunk) : chunk.size();
  c.unconsumed.insert(c.unconsumed.begin(), chunk.begin(), chunk.end());
  length_ += units;
  if (need_readable_) emit_readable();
}

// Node's emitReadable: 'readable' on the next tick, once however often it is asked.
void Socket::emit_readable() {
  need_readable_ = false;
  if (emitted_readable_) return;
  emitted_readable_ = true;
  post([this] { emit_readable_now(); });
}

// Node's emitReadable_.
void Socket::emit_readable_now() {
  if (!destroyed_ && !errored_ptr() && (length_ > 0 || eof_)) {
    fire(events::readable);
    emitted_readable_ = false;
  }
  need_readable_ = flowing_ != true && !eof_ && length_ <= readable_high_water_mark_;
  flow();
}

void Socket::flow() {
  while (flowing_ == true && read_impl(std::nullopt, nullptr)) {
  }
}

// Node's endReadable: 'end' on the next tick, if nothing was unshifted meanwhile.
void Socket::end_readable() {
  if (end_emitted_) return;
  post([this] {
    if (!errored_ptr() && !close_emitted_ && !end_emitted_ && length_ == 0) emit_end();
  });
}

void Socket::on_eof() {
  touch();  // Node refreshes the idle timer on every read result, EOF included
  // A failed send may have taken the socket's pending ECONNRESET, leaving the next
  // read to return 0: a connection the peer reset is not a clean end.
  // (Only while a write is in flight and before our FIN: after both FINs Linux also
  // reports the CLOSE state.)
  if (stream_ && pumping_ && !fin_sent_ && stream_->reset_by_peer()) {
    destroy_impl(Error::from_system(std::make_error_code(std::errc::connection_reset), "read"), false);
    return;
  }
  if (eof_) return;
  // Node's onEofChunk: the decoder's remainder joins the buffer, 'readable' is emitted
  // at once; then net's onStreamRead calls read(0), which ends an empty stream.
  if (warm_ && warm_->decoder) {
    std::string& decoded = warm_->decoded;
    decoded.clear();
    warm_->decoder->end({}, decoded);
    if (!decoded.empty()) buffer_append(reinterpret_cast<const std::uint8_t*>(decoded.data()), decoded.size());
  }
  eof_ = true;
  need_readable_ = false;
  emitted_readable_ = true;
  emit_readable_now();
  read_impl(0, nullptr);
}

void Socket::emit_end() {
  if (end_emitted_ || destroyed_) return;
  end_emitted_ = true;
  // Node's writeAfterFIN: once the peer has ended, a write after our own end()
  // fails with EPIPE; until then (e.g. inside 'end') writes still go out.
  if (!options_.allowHalfOpen) peer_ended_ = true;
  fire(events::end);
  if (destroyed_) return;
  if (!options_.allowHalfOpen && !ending_) end();  // after the 'end' listeners
  maybe_destroy_after_both_ends();
}

Socket& Socket::pause() {
  // Node's net.Socket stops the handle only for `onread`; otherwise it reads on into
  // the buffer until the high water mark.
  if (options_.onread) stop_reading();
  flowing_ = false;
  paused_ = true;
  return *this;
}

Socket& Socket::resume() {
  if (options_.onread && !destroyed_) start_reading();
  if (flowing_ != true) {
    // With a 'readable' listener resume() does not flow, as in Node.
    flowing_ = !readable_listening_;
    if (!resume_scheduled_ && !destroyed_) {
      if (*flowing_ && (!warm_ || warm_->unconsumed.empty()) && !eof_) {
        // Nothing waits: Node's resume_ would only read(0), which starts reading.
        start_reading();
      } else {
        resume_scheduled_ = true;
        post([this] { resume_now(); });
      }
    }
  }
  paused_ = false;
  return *this;
}

// Node's resume_.
void Socket::resume_now() {
  if (!reading_) read_impl(0, nullptr);
  resume_scheduled_ = false;
  flow();
  if (flowing_ == true && !reading_) read_impl(0, nullptr);
}

bool Socket::isPaused() const noexcept { return paused_ == true || flowing_ == false; }

// Node's Readable.on('data').
void Socket::data_listener_added() {
  readable_listening_ = listenerCount(events::readable) > 0;
  if (flowing_ != false) resume();
}

// Node's Readable.on('readable').
void Socket::readable_listener_added() {
  if (end_emitted_ || readable_listening_) return;
  readable_listening_ = need_readable_ = true;
  flowing_ = false;
  emitted_readable_ = false;
  if (length_ > 0) emit_readable();
  else if (!reading_) post([this] { read_impl(0, nullptr); });
}

void Socket::readable_listener_removed() {
  if (destroyed_) return;
  post([this] { update_readable_listening(); });
}

// Node's updateReadableListening.
void Socket::update_readable_listening() {
  readable_listening_ = listenerCount(events::readable) > 0;
  if (resume_scheduled_ && paused_ == false) flowing_ = true;
  else if (listenerCount(events::data) > 0) resume();
  else if (!readable_listening_) flowing_ = std::nullopt;
}

Socket& Socket::setEncoding(Encoding encoding) {
  Warm& c = warm();
  bool was_text = c.decoder.has_value();
  c.decoder.emplace(encoding);
  // Node decodes what is buffered already (text buffered before stays as it is).
  if (!was_text && !c.unconsumed.empty()) {
    std::string text;
    c.decoder->write(BufferView(c.unconsumed), text);
    c.unconsumed.assign(text.begin(), text.end());
    length_ = js_length(text);
  }
  return *this;
}

Socket& Socket::setEncoding(std::string_view encodingName) { return setEncoding(toEncoding(encodingName)); }

// ---- writing -------------------------------------------------------------

bool Socket::write(std::string_view text, Encoding encoding, WriteHandler callback) {
  if (encoding == Encoding::utf8)
    return write_bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), js_length(text),
                       std::move(callback));
  auto bytes = encode(text, encoding);
  return write_bytes(bytes.data(), bytes.size(), js_length(text), std::move(callback));
}

bool Socket::write(std::string_view text, WriteHandler callback) {
  return write(text, Encoding::utf8, std::move(callback));
}

bool Socket::write(std::string_view text, std::string_view encodingName, WriteHandler callback) {
  return write(text, toEncoding(encodingName), std::move(callback));
}

bool Socket::write(BufferView bytes, WriteHandler callback) {
  return write_bytes(bytes.data(), bytes.size(), bytes.size(), std::move(callback));
}

bool Socket::write_rejected(Error error, WriteHandler callback, bool destroy_with_error) {
  if (callback) post([callback = std::move(callback), error] { callback(error); });
  if (destroy_with_error) destroy_impl(std::move(error), false);
  return false;
}

bool Socket::write_bytes(const std::uint8_t* data, std::size_t size, std::size_t length, WriteHandler callback) {
  // Node's writeAfterFIN replaces write() itself, so it answers even once destroyed.
  if (ending_ && peer_ended_) {
    // Node's writeAfterFIN error carries only its code and message.
    Error epipe("EPIPE", "This socket has been ended by the other party");
    return write_rejected(std::move(epipe), std::move(callback), true);
  }
  if (destroyed_) return write_rejected(destroyed_error(), std::move(callback), false);
  if (ending_) return write_rejected(Error("ERR_STREAM_WRITE_AFTER_END", "write after end"), std::move(callback), true);
  if (!stream_ && !connecting_) {
    // Node fails the write now and destroys the socket on the next tick.
    write_failed_ = true;
    Error closed("ERR_SOCKET_CLOSED", "Socket is closed");
    write_rejected(closed, std::move(callback), false);
    post([this, closed] { destroy_impl(closed, false); });
    return false;
  }

  queued_total_ += size;
  queued_length_ += length;
  // As Node v20's writeOrBuffer, the answer is taken after the write was handed on: a
  // write the kernel takes whole has left writableLength already, so it returns true.
  auto answer = [this] {
    bool below = queued_length_ < high_water_mark_;
    if (!below) need_drain_ = true;
    return below && !destroyed_;
  };

  std::size_t taken = 0;
  bool direct = !transport_ && stream_ && !connecting_ && corked_ == 0 && !pumping_ && out_.empty();
  // A write handed to the kernel is activity; one queued behind another (or corked, or
  // waiting for the connection) is not, as in Node.
  if (direct) touch();
  if (direct && size > 0) {
    std::error_code ec;
    taken = stream_->try_write(asio::buffer(data, size), ec);
    if (ec) {
      // Let the failure surface the way an asynchronous write failure does.
      out_.insert(out_.end(), data, data + size);
      cold().pending.push_back({queued_total_, length, std::move(callback)});
      destroy_impl(Error::from_system(ec, "write"), false);
      return false;
    }
    sent_ += taken;
  }
  if (direct && taken == size) {
    queued_length_ -= length;
    bool below = answer();
    if (callback || need_drain_ || ending_) after_write(std::move(callback));
    return below;
  }
  out_.insert(out_.end(), data + taken, data + size);
  cold().pending.push_back({queued_total_, length, std::move(callback)});
  if (stream_ && !connecting_ && corked_ == 0) flush();
  if (connecting_ && corked_ == 0) watch_connecting_writes();
  return answer();
}

void Socket::after_write(WriteHandler callback) {
  // Node's afterWrite: 'drain' first, then the callback, then maybe 'finish'.
  post([this, callback = std::move(callback)] {
    if (need_drain_ && queued_length_ == 0 && !ending_ && !destroyed_) {
      need_drain_ = false;
      fire(events::drain);
    }
    if (callback) callback(Error{});
    maybe_finish();
  });
}

void Socket::flush() {
  if (pumping_ || out_.empty() || !stream_ || connecting_ || destroyed_ || corked_ > 0) return;
  if (transport_ && !transport_->ready()) return;
  pumping_ = true;
  berth::detail::spawn(berth::detail::callback_executor(*loop_), write_pump(shared_from_this()));
}

asio::awaitable<void> Socket::write_pump(std::shared_ptr<Socket> /*keeps the socket alive*/) {
  Cold& c = cold();  // lives as long as the socket
  while (!out_.empty() && stream_ && !destroyed_) {
    // New writes append to out_ while this batch is in flight, so write from a
    // second buffer; the two swap and keep their capacity.
    c.inflight.clear();
    c.inflight.swap(out_);
    c.inflight_done = 0;
    c.progress_mark = sent_;
    touch();  // a batch handed to the kernel
    std::error_code ec;
    // The completion condition sees the progress of each partial write: the idle
    // timer counts bytes moving out of the queue as activity (Node's _onTimeout).
    batch_in_kernel_ = true;
    auto request = stream_->request();  // a pending write keeps the loop alive, ref'd or not
    std::size_t n;
    std::optional<Error> transport_error;  // empty on the plain path: nothing built per batch
    if (transport_) [[unlikely]] {
      Error error;
      n = co_await transport_->transport_write(asio::buffer(c.inflight), error);
      if (error) transport_error = std::move(error);
    } else {
      n = co_await asio::async_write(
          stream_->socket(), asio::buffer(c.inflight),
          [&c](const std::error_code& e, std::size_t done) -> std::size_t {
            c.inflight_done = done;
            return e ? 0 : c.inflight.size() - done;
          },
          asio::redirect_error(asio::use_awaitable, ec));
    }
    batch_in_kernel_ = false;
    if (destroyed_) break;
    sent_ += n;
    c.inflight_done = 0;
    if (n > 0) touch();  // a write completed (Node's onWriteComplete)
    complete_writes();
    if (ec || transport_error) [[unlikely]] {
      pumping_ = false;
      destroy_impl(transport_error ? std::move(*transport_error) : Error::from_system(ec, "write"), false);
      co_return;
    }
  }
  pumping_ = false;
  // After a backlog, give memory back: an idle socket should cost little.
  if (out_.empty() && out_.capacity() > 4 * high_water_mark_) std::vector<std::uint8_t>().swap(out_);
  if (c.inflight.capacity() > 4 * high_water_mark_) std::vector<std::uint8_t>().swap(c.inflight);
  maybe_finish();
}

void Socket::complete_writes() {
  if (!cold_) return;
  auto& pending = cold_->pending;
  while (!pending.empty() && pending.front().end_offset <= sent_) {
    PendingWrite done = std::move(pending.front());
    pending.pop_front();
    queued_length_ -= done.length;
    after_write(std::move(done.callback));
  }
}

std::uint64_t Socket::bytesWritten() const noexcept { return queued_total_; }

std::optional<std::size_t> Socket::bufferSize() const {
  if ((!stream_ || destroyed_) && !connecting_) return std::nullopt;
  return queued_length_;
}

void Socket::cork() noexcept { ++corked_; }

void Socket::uncork() {
  if (corked_ > 0 && --corked_ == 0) {
    flush();
    if (connecting_ && cold_ && !cold_->pending.empty()) watch_connecting_writes();
  }
}

// Node hands the first uncorked write made while connecting to _writeGeneric, which
// registers a 'close' listener failing it with ERR_SOCKET_CLOSED_BEFORE_CONNECTION
// (the writes behind it then fail with the socket's error, or that one). berth
// registers one listener at the same moment, so the callbacks run where Node's would:
// inside the 'close' emission, after the listeners registered before the write.
void Socket::watch_connecting_writes() {
  Cold& c = cold();
  if (c.connecting_writes_listener) return;
  c.connecting_writes_listener = once(events::close, [this](bool) {
    cold_->connecting_writes_listener.reset();
    fail_connecting_writes();
  });
}

void Socket::fail_connecting_writes() {
  auto failed = std::move(cold().connecting_failed);
  cold_->connecting_failed.clear();
  Error before("ERR_SOCKET_CLOSED_BEFORE_CONNECTION", "Socket closed before the connection was established");
  bool first = true;
  for (auto& w : failed) {
    if (w.callback) w.callback(first || !errored_ptr() ? before : *errored_ptr());
    first = false;
  }
  // Node's failed write-on-connect errors the stream first, so end() sees that error.
  fail_end_callbacks(before);
}

// With the stream's error (Node's state.errored), or `otherwise` when it has none.
void Socket::fail_end_callbacks(const Error& otherwise) {
  if (!cold_) return;
  auto callbacks = std::move(cold_->ends_cut_short);
  cold_->ends_cut_short.clear();
  for (auto& cb : callbacks) cb(errored_ptr() ? *errored_ptr() : otherwise);
}

Socket& Socket::end_with(WriteHandler callback) {
  if (callback) {
    // Node's Writable.end: an error for a stream finished, or destroyed after an
    // end() or an error, on the next tick; otherwise the callback waits for 'finish'.
    // A stream destroyed cleanly before any end() keeps it forever (it never
    // finishes): berth drops it instead, which nobody can tell apart.
    if (finished_) {
      post([callback = std::move(callback)] {
        callback(Error("ERR_STREAM_ALREADY_FINISHED", "Cannot call end after a stream was finished"));
      });
    } else if (destroyed_ && (ending_ || errored_ptr())) {
      loop_->nextTick([callback = std::move(callback)] { callback(end_destroyed_error()); });
    } else if (!destroyed_) {
      cold().end_callbacks.push_back(std::move(callback));
    }
  }
  // A write with no connection errored the stream: Node's end() then leaves it unended.
  if (ending_ || destroyed_ || write_failed_) return *this;
  if (corked_ > 0) {
    // Node's end() uncorks: what was corked goes out before the FIN.
    corked_ = 1;
    uncork();
  }
  ending_ = true;
  if (!stream_ && !connecting_) {
    // No connection yet: nothing happens until connect() (Node's _final waits for
    // 'connect'); then the FIN goes out.
    ended_before_connect_ = true;
    return *this;
  }
  maybe_finish();
  return *this;
}

void Socket::run_end_callbacks() {
  if (!cold_) return;
  auto callbacks = std::move(cold_->end_callbacks);
  cold_->end_callbacks.clear();
  for (auto& cb : callbacks) cb(Error{});
}

void Socket::maybe_finish() {
  if (destroyed_ || connecting_ || !stream_) return;
  if (transport_ && !transport_->ready()) return;
  if (pumping_ || !out_.empty() || queued_length_ > 0) return;
  if (shutdown_on_connect_) shutdown_after_connect();
  if (!ending_ || finished_ || finish_posted_) return;
  finish_posted_ = true;
  if (!fin_sent_) {
    fin_sent_ = true;
    if (transport_) [[unlikely]] {
      transport_->transport_shutdown();  // calls emit_finish() once its close and the FIN are out
      return;
    }
    Error error;
    stream_->shutdown_write(error);
  }
  post([this] { emit_finish(); });
}

void Socket::emit_finish() {
  if (destroyed_) return;
  finished_ = true;
  run_end_callbacks();
  fire(events::finish);
  if (destroy_soon_) {
    destroy_impl(std::nullopt, false);
    return;
  }
  maybe_destroy_after_both_ends();
}

void Socket::maybe_destroy_after_both_ends() {
  if (destroyed_) return;
  bool read_done = end_emitted_ || !options_.readable;
  bool write_done = finished_;
  if (read_done && write_done) destroy_impl(std::nullopt, false);
}

void Socket::destroySoon() {
  destroy_soon_ = true;
  if (!ending_) end();
  if (finished_) destroy_impl(std::nullopt, false);
}

// ---- destroying ----------------------------------------------------------

Socket& Socket::destroy(std::optional<Error> error) {
  destroy_impl(std::move(error), false);
  return *this;
}

Socket& Socket::resetAndDestroy() {
  if (stream_ && !connecting_) destroy_impl(std::nullopt, true);
  else if (connecting_) reset_on_connect_ = true;
  else destroy_impl(Error("ERR_SOCKET_CLOSED", "Socket is closed"), false);
  return *this;
}

void Socket::destroy_impl(std::optional<Error> error, bool reset) {
  if (destroyed_) return;
  destroyed_ = true;
  bool had_stream = stream_.has_value();
  if (connecting_ && cold_ && cold_->connect_cancel) cold_->connect_cancel->emit(asio::cancellation_type::terminal);
  connecting_ = false;
  ended_before_connect_ = shutdown_on_connect_ = false;
  ++connect_generation_;
  reading_ = false;
  ++read_generation_;
  if (error) cold().errored = error;
  if (warm_ && warm_->timer) warm_->timer->cancel();
  timer_armed_ = false;
  if (cold_ && cold_->abort_listener && cold_->signal) {
    cold_->signal->removeListener(*cold_->abort_listener);
    cold_->abort_listener.reset();
  }
  if (stream_) {
    if (reset) stream_->reset();
    else stream_->close();
    if (!transport_) stream_.reset();  // a transport's operations may still name it
  }
  // The callbacks of writes not done, as Node calls them: writes made while
  // connecting fail in the 'close' listener (watch_connecting_writes); a batch the
  // kernel was taking completes without error when the handle closes (Node's
  // onWriteComplete on a destroyed stream), the writes behind it fail then; with no
  // write at the kernel the queued ones fail on the next tick, before 'error'.
  berth::detail::Fifo<PendingWrite> failed, in_kernel;
  bool writes_wait_for_close = false;  // writes made while connecting: see watch_connecting_writes
  if (cold_) {
    Cold& c = *cold_;
    failed = std::move(c.pending);
    c.pending.clear();
    writes_wait_for_close = c.connecting_writes_listener.has_value();
    // end()'s callbacks follow the writes' at the same point, with the stream's error
    // (Node's state.errored) or ERR_STREAM_DESTROYED.
    c.ends_cut_short = std::move(c.end_callbacks);
    c.end_callbacks.clear();
  }
  if (writes_wait_for_close) {
    cold_->connecting_failed = std::move(failed);
    failed.clear();
  } else if (batch_in_kernel_) {
    std::uint64_t batch_end = sent_ + cold_->inflight.size();
    while (!failed.empty() && failed.front().end_offset <= batch_end) {
      in_kernel.push_back(std::move(failed.front()));
      failed.pop_front();
    }
  }
  // Built only for writes that will be told (two strings a socket otherwise).
  Error write_error = failed.empty() ? Error{} : error ? *error : destroyed_error();
  if (writes_wait_for_close) {
    // They wait with the writes for 'close' (fail_connecting_writes).
  } else if (in_kernel.empty() && (!failed.empty() || (cold_ && !cold_->ends_cut_short.empty()))) {
    loop_->nextTick([self = shared_from_this(), failed = std::move(failed), write_error]() mutable {
      for (auto& w : failed)
        if (w.callback) w.callback(write_error);
      if (self->cold_ && !self->cold_->ends_cut_short.empty()) self->fail_end_callbacks(end_destroyed_error());
    });
    failed.clear();
  }
  out_.clear();
  queued_length_ = 0;
  BERTH_DEBUG_NET("destroy{}", error ? " with " + error->code : std::string());
  // Node counts the connection out of its server at once, and emits the socket's
  // 'close' once the handle has closed, a loop turn later.
  if (server_) {
    server_->connection_closed();
  }
  bool had_error = error.has_value() && had_handle_;  // Node passes undefined without a handle
  auto emit_close = [this, self = shared_from_this(), error = std::move(error), in_kernel = std::move(in_kernel),
                     failed = std::move(failed), write_error, had_error]() mutable {
    // Node's order: 'error', then the callbacks of writes cut short, then 'close'.
    if (error) {
      try {
        emit(berth::events::error, *error);
      } catch (...) {
        // An unheard 'error' (or a throwing listener) reaches run() first, as Node's
        // uncaught exception would end the process; 'close' follows if the loop runs on.
        berth::detail::rethrow_later(loop_->context(), std::current_exception());
        asio::post(berth::detail::callback_executor(*loop_), [this, self, in_kernel = std::move(in_kernel), failed = std::move(failed),
                                      write_error, had_error]() mutable {
          finish_close(std::move(in_kernel), std::move(failed), write_error, had_error);
        });
        return;
      }
    }
    finish_close(std::move(in_kernel), std::move(failed), write_error, had_error);
  };
  if (had_stream) asio::post(berth::detail::callback_executor(*loop_), std::move(emit_close));
  else loop_->nextTick(std::move(emit_close));
}

void Socket::finish_close(berth::detail::Fifo<PendingWrite> in_kernel, berth::detail::Fifo<PendingWrite> failed, const Error& write_error,
                          bool had_error) {
  for (auto& w : in_kernel)
    if (w.callback) w.callback(Error{});
  for (auto& w : failed)
    if (w.callback) w.callback(write_error);
  if (cold_ && !cold_->ends_cut_short.empty() && !cold_->connecting_writes_listener)
    fail_end_callbacks(end_destroyed_error());
  close_emitted_ = true;
  fire(events::close, had_error);
  if (!destroyed_) return;  // a 'close' listener connected it again: keep its listeners
  server_ = nullptr;
  // Listeners often capture the socket: release them so nothing cycles.
  removeAllListeners();
  if (cold_) cold_->connecting_writes_listener.reset();
  live_.release();  // the caller still holds this socket
}

// ---- timeouts, options, ref ----------------------------------------------

void Socket::touch() noexcept {
  timeout_fired_ = false;
  // Only an idle timeout reads the time of the last activity (setTimeout sets it too):
  // no clock read per read and per write otherwise.
  if (!warm_ || !warm_->timeout || warm_->timeout->count() <= 0) return;
  warm_->last_activity = std::chrono::steady_clock::now();
  if (!timer_armed_ && !destroyed_) arm_timer();
}

void Socket::arm_timer() {
  Warm& c = warm();
  if (!c.timer) c.timer.emplace(berth::detail::callback_executor(*loop_));
  timer_armed_ = true;
  c.timer->expires_at(c.last_activity + *c.timeout);
  std::weak_ptr<Socket> weak = weak_from_this();
  // The timer is not a ref'd handle: it never keeps the loop alive, as in Node.
  c.timer->async_wait([weak](const std::error_code& ec) {
    auto self = weak.lock();
    if (!self || ec) return;
    self->on_timer();
  });
}

void Socket::on_timer() {
  timer_armed_ = false;
  Warm& c = warm();  // the timer is in it
  if (destroyed_ || !c.timeout || c.timeout->count() == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now < c.last_activity + *c.timeout) {
    arm_timer();  // there was activity: wait for the rest of the idle period
    return;
  }
  // Node's _onTimeout: a write the kernel is still taking that moved since the timer
  // last looked is activity; a queue that did not move is idle.
  // (A batch in the kernel means the write pump made Cold.)
  if (batch_in_kernel_ && sent_ + cold_->inflight_done != cold_->progress_mark) {
    cold_->progress_mark = sent_ + cold_->inflight_done;
    c.last_activity = now;
    arm_timer();
    return;
  }
  if (timeout_fired_) return;
  timeout_fired_ = true;
  fire(events::timeout);
}

Socket& Socket::setTimeout(std::chrono::milliseconds timeout, std::function<void()> callback) {
  if (destroyed_) return *this;
  Warm& c = warm();
  c.timeout = timeout;
  if (timeout.count() == 0) {
    if (c.timer) c.timer->cancel();
    timer_armed_ = false;
    if (callback && c.timeout_listener) {
      removeListener(events::timeout, *c.timeout_listener);
      c.timeout_listener.reset();
    }
    return *this;
  }
  if (callback) c.timeout_listener = once(events::timeout, std::move(callback));
  if (c.timer) c.timer->cancel();
  timer_armed_ = false;
  c.last_activity = std::chrono::steady_clock::now();
  timeout_fired_ = false;
  arm_timer();
  return *this;
}

Socket& Socket::setTimeout(double ms, std::function<void()> callback) {
  if (destroyed_) return *this;
  // Node assigns socket.timeout before it validates the value.
  if (!std::isnan(ms) && !std::isinf(ms)) warm().timeout = std::chrono::milliseconds(static_cast<long long>(ms));
  if (!(ms >= 0) || std::isinf(ms))
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"msecs\" is out of range. It must be a non-negative finite number. Received " +
                    js_number_to_string(ms),
                ErrorKind::RangeError);
  return setTimeout(std::chrono::milliseconds(static_cast<long long>(ms)), std::move(callback));
}

Socket& Socket::setNoDelay(bool noDelay) {
  no_delay_ = noDelay;
  if (stream_) stream_->set_no_delay(noDelay);
  return *this;
}

Socket& Socket::setKeepAlive(bool enable, std::chrono::milliseconds initialDelay) {
  keep_alive_ = enable;
  unsigned delay_s = initialDelay.count() > 0 ? static_cast<unsigned>(initialDelay.count() / 1000) : 0;
  if (delay_s != 0 || cold_) cold().keep_alive_delay_s = delay_s;
  if (stream_) stream_->set_keep_alive(enable, delay_s);
  return *this;
}

Socket& Socket::ref() {
  want_ref_ = true;
  if (stream_) stream_->ref();
  return *this;
}

Socket& Socket::unref() {
  want_ref_ = false;
  if (stream_) stream_->unref();
  return *this;
}

// ---- properties ----------------------------------------------------------

std::optional<AddressInfo> Socket::address() const {
  if (!stream_) return std::nullopt;
  auto a = stream_->local_address();
  if (a && a->is_unix()) return std::nullopt;  // Node gives {} for a pipe
  return a;
}

bool Socket::readable() const noexcept { return !destroyed_ && !end_emitted_ && options_.readable; }
bool Socket::writable() const noexcept { return !destroyed_ && !ending_ && !write_failed_ && options_.writable; }

std::string Socket::readyState() const {
  if (connecting_) return "opening";
  bool r = readable(), w = writable();
  if (r && w) return "open";
  if (r) return "readOnly";
  if (w) return "writeOnly";
  return "closed";
}

std::optional<std::string> Socket::localAddress() const {
  auto a = address();
  if (!a || a->is_unix()) return std::nullopt;
  return a->address;
}

std::optional<int> Socket::localPort() const {
  auto a = address();
  if (!a || a->is_unix()) return std::nullopt;
  return a->port;
}

std::optional<std::string> Socket::localFamily() const {
  auto a = address();
  if (!a || a->is_unix()) return std::nullopt;
  return a->family;
}

std::optional<AddressInfo> Socket::remote_info() const {
  if (remote_size_ == 0) return std::nullopt;
  Endpoint ep;
  std::memcpy(ep.data(), remote_, remote_size_);
  ep.resize(remote_size_);
  return to_address_info(ep);
}

std::optional<std::string> Socket::remoteAddress() const {
  auto a = remote_info();
  if (!a || a->is_unix()) return std::nullopt;
  return std::move(a->address);
}

std::optional<int> Socket::remotePort() const {
  auto a = remote_info();
  if (!a || a->is_unix()) return std::nullopt;
  return a->port;
}

std::optional<std::string> Socket::remoteFamily() const {
  auto a = remote_info();
  if (!a || a->is_unix()) return std::nullopt;
  return std::move(a->family);
}

// ---- Readable.pipe ---------------------------------------------------------
//
// Node v20's Readable.prototype.pipe and unpipe, state for state: the destinations in
// pipe order (state.pipes), the ones a refused write waits on (awaitDrainWriters: one,
// or a set once a second destination was piped), and per pipe() call the listeners it
// added, removed together by the cleanup its 'unpipe' listener runs.

namespace {
// The first of `pipes` that is `dest`, compared by address while alive; an expired one
// matches nothing (its address may be reused).
std::vector<std::weak_ptr<Socket>>::iterator find_pipe(std::vector<std::weak_ptr<Socket>>& pipes, const Socket* dest) {
  return std::find_if(pipes.begin(), pipes.end(), [dest](const std::weak_ptr<Socket>& pipe) {
    auto locked = pipe.lock();
    return locked && locked.get() == dest;
  });
}
}  // namespace

struct Socket::Piping {
  std::vector<std::weak_ptr<Socket>> pipes;  // Node's state.pipes
  std::vector<const Socket*> await_drain;    // awaitDrainWriters' members (identities only)
  bool awaiting = false;                     // awaitDrainWriters is set (a writer, or a set)
  bool multi = false;                        // kMultiAwaitDrain: it is a set
  bool* has_unpiped = nullptr;               // the unpipe being announced (Node's unpipeInfo)
};

struct Socket::PipeLink {
  std::weak_ptr<Socket> source;
  std::weak_ptr<Socket> destination;
  const Socket* destination_id = nullptr;
  ListenerId on_end{}, on_data{}, on_unpipe{}, on_error{}, on_close{}, on_finish{};
  std::optional<ListenerId> on_drain;  // added by the first refused write
  bool cleaned_up = false;
};

void Socket::PipingDeleter::operator()(Piping* piping) const noexcept { delete piping; }

SocketPtr Socket::pipe(SocketPtr destination, bool end) {
  if (!destination)
    throw Error("ERR_INVALID_ARG_TYPE", "The \"destination\" argument must be a Socket. Received null");
  if (!piping_) piping_.reset(new Piping());
  Piping& state = *piping_;
  if (state.pipes.size() == 1 && !state.multi) {
    state.multi = true;  // the one writer awaited so far (if any) becomes the set's member
    state.awaiting = true;
  }
  state.pipes.push_back(destination);
  Socket& dest = *destination;
  auto link = std::make_shared<PipeLink>();
  link->source = weak_from_this();
  link->destination = destination;
  link->destination_id = &dest;

  auto on_end = [link, end] {
    auto dest = link->destination.lock();
    if (!dest) return;
    if (end) {
      dest->end();
    } else if (auto src = link->source.lock()) {
      src->unpipe(dest);
    }
  };
  if (end_emitted_)
    post(std::move(on_end));
  else
    link->on_end = once(events::end, std::move(on_end));
  link->on_unpipe = dest.on(events::unpipe, [link](const SocketPtr& readable) {
    auto src = link->source.lock();
    if (!src || readable != src || !src->piping_) return;
    bool* has_unpiped = src->piping_->has_unpiped;
    if (has_unpiped && !*has_unpiped) {
      *has_unpiped = true;
      pipe_cleanup(link);
    }
  });
  // As Node's closure, the data listener keeps the destination alive while piping (a
  // socket without a handle nobody else holds would otherwise be freed, its data lost).
  // It runs only while this socket is alive: `this` needs no weak reference.
  link->on_data = on(events::data, [this, link, destination](BufferView chunk) {
    if (!destination->write(chunk)) pipe_refused(link, *destination);
  });
  link->on_error = dest.prependListener(events::error, [link](const Error& error) {
    auto dest = link->destination.lock();
    if (!dest) return;
    if (auto src = link->source.lock()) src->unpipe(dest);
    dest->off(events::error, link->on_error);
    // pipe() does not swallow an error nobody else hears: raised as unheard, as Node's
    // (an 'error' emitted by hand on a socket that has none destroys it, errorOrDestroy).
    if (dest->listenerCount(events::error) == 0) {
      if (dest->errored_ptr())
        dest->emit(events::error, error);
      else if (!dest->destroyed())
        dest->destroy(error);
    }
  });
  link->on_close = dest.once(events::close, [link](bool) {
    auto dest = link->destination.lock();
    if (!dest) return;
    dest->off(events::finish, link->on_finish);
    if (auto src = link->source.lock()) src->unpipe(dest);
  });
  link->on_finish = dest.once(events::finish, [link] {
    auto dest = link->destination.lock();
    if (!dest) return;
    dest->off(events::close, link->on_close);
    if (auto src = link->source.lock()) src->unpipe(dest);
  });
  dest.emit(events::pipe, shared_from_this());
  if (dest.writableNeedDrain())
    pipe_refused(link, dest);
  else if (flowing_ != true)
    resume();
  return destination;
}

// Node's pipe()'s pause(): a write to `dest` was refused (or it needed a drain already).
void Socket::pipe_refused(const std::shared_ptr<PipeLink>& link, Socket& dest) {
  if (!link->cleaned_up) {
    // If the user unpiped during dest.write(), waiting on it would stall this socket.
    Piping& state = *piping_;
    bool piped = find_pipe(state.pipes, &dest) != state.pipes.end();
    if (piped && state.pipes.size() == 1) {
      state.await_drain.assign(1, &dest);
      state.awaiting = true;
      state.multi = false;
    } else if (piped && state.pipes.size() > 1) {
      if (std::find(state.await_drain.begin(), state.await_drain.end(), &dest) == state.await_drain.end())
        state.await_drain.push_back(&dest);
    }
    pause();
  }
  if (!link->on_drain) link->on_drain = dest.on(events::drain, [link] { pipe_drained(*link); });
}

// Node's pipeOnDrain: `dest` drained; resume once no destination is awaited.
void Socket::pipe_drained(const PipeLink& link) {
  auto src = link.source.lock();
  if (!src || !src->piping_) return;
  Piping& state = *src->piping_;
  if (!state.multi && state.awaiting && state.await_drain.size() == 1 &&
      state.await_drain[0] == link.destination_id) {
    state.awaiting = false;
    state.await_drain.clear();
  } else if (state.multi) {
    std::erase(state.await_drain, link.destination_id);
  }
  if ((!state.awaiting || state.await_drain.empty()) && src->listenerCount(events::data) > 0) src->resume();
}

// Node's pipe()'s cleanup, run by the destination's 'unpipe' listener.
void Socket::pipe_cleanup(const std::shared_ptr<PipeLink>& link) {
  auto dest = link->destination.lock();
  auto src = link->source.lock();
  if (dest) {
    dest->off(events::close, link->on_close);
    dest->off(events::finish, link->on_finish);
    if (link->on_drain) dest->off(events::drain, *link->on_drain);
    dest->off(events::error, link->on_error);
    dest->off(events::unpipe, link->on_unpipe);
  }
  if (src) {
    src->off(events::end, link->on_end);
    src->off(events::data, link->on_data);
  }
  link->cleaned_up = true;
  // A source waiting on this destination's drain would never flow again: drained now.
  // (Node reads the state's needDrain here, not the writableNeedDrain getter.)
  if (link->on_drain && src && src->piping_ && src->piping_->awaiting && dest && dest->need_drain_)
    pipe_drained(*link);
}

Socket& Socket::unpipe(const SocketPtr& destination) {
  if (!piping_ || piping_->pipes.empty()) return *this;
  auto self = shared_from_this();
  if (!destination) {
    auto dests = std::exchange(piping_->pipes, {});
    pause();
    for (const auto& pipe : dests)
      if (auto dest = pipe.lock()) announce_unpipe(*dest, self);
    return *this;
  }
  auto& pipes = piping_->pipes;
  auto found = find_pipe(pipes, destination.get());
  if (found == pipes.end()) return *this;
  pipes.erase(found);
  if (pipes.empty()) pause();
  announce_unpipe(*destination, self);
  return *this;
}

// dest.emit('unpipe', src, { hasUnpiped: false }): the first of this socket's pipe
// listeners on `dest` to hear it cleans its pipe up.
void Socket::announce_unpipe(Socket& dest, const SocketPtr& self) {
  bool has_unpiped = false;
  struct Restore {
    bool*& slot;
    bool* saved;
    ~Restore() { slot = saved; }
  } restore{piping_->has_unpiped, std::exchange(piping_->has_unpiped, &has_unpiped)};
  dest.emit(events::unpipe, self);
}

// ---- net.createConnection ------------------------------------------------

SocketPtr createConnection(ConnectOptions options, std::function<void()> connectListener) {
  SocketOptions socket_options;
  socket_options.fd = options.fd;
  socket_options.allowHalfOpen = options.allowHalfOpen;
  socket_options.readable = options.readable;
  socket_options.writable = options.writable;
  socket_options.signal = options.signal;
  socket_options.onread = options.onread;
  socket_options.highWaterMark = options.highWaterMark;
  auto socket = Socket::create(std::move(socket_options));
  if (!socket->destroyed()) socket->connect(std::move(options), std::move(connectListener));
  return socket;
}

SocketPtr createConnection(PortValue port, std::string host, std::function<void()> connectListener) {
  ConnectOptions options;
  options.port = std::move(port);
  options.host = std::move(host);
  return createConnection(std::move(options), std::move(connectListener));
}

SocketPtr createConnection(std::string path, std::function<void()> connectListener) {
  auto socket = Socket::create();
  socket->connect(std::move(path), std::move(connectListener));
  return socket;
}

}  // namespace berth::net
