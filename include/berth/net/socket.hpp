#pragma once
// berth::net::Socket: Node's net.Socket, an adapter over berth's coroutine core.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <concepts>
#include <type_traits>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "berth/abort_signal.hpp"
#include "berth/detail/task.hpp"
#include "berth/address_info.hpp"
#include "berth/buffer.hpp"
#include "berth/connect.hpp"
#include "berth/encoding.hpp"
#include "berth/error.hpp"
#include "berth/detail/fifo.hpp"
#include "berth/detail/live_link.hpp"
#include "berth/event_emitter.hpp"
#include "berth/loop.hpp"
#include "berth/detail/transport.hpp"
#include "berth/stream.hpp"
#include "berth/string_decoder.hpp"

namespace berth::tls {
class TLSSocket;
class Server;
}  // namespace berth::tls

namespace berth::net {

class Server;
class Socket;
class BlockList;

/// A shared handle to a Socket. As in Node, a socket with a handle (connecting,
/// connected or accepted) stays alive until its 'close' event, whoever holds it;
/// its listeners are released then.
using SocketPtr = std::shared_ptr<Socket>;

/// The `onread` option: read into the caller's buffer and hand it to `callback`
/// instead of emitting 'data'. `callback` returning false stops reading.
struct OnRead {
  std::span<std::uint8_t> buffer{};                          ///< reused for every read
  std::function<std::span<std::uint8_t>()> bufferFactory{};  ///< or: called for every read
  std::function<bool(std::size_t nread, std::span<std::uint8_t> buf)> callback{};
};

/// `new net.Socket(options)`.
struct SocketOptions {
  /// Wrap an open TCP or Unix stream socket (the Socket owns it from then on). A
  /// connected one is ready at once; an unconnected one (bound, say) is connected by
  /// a later connect(), on this same descriptor, as Node does. Reading starts at once
  /// (unless `readable` is false), so an unconnected descriptor nobody connects in the
  /// same tick fails its read: 'error' EINVAL ("read EINVAL"), as in Node.
  std::optional<int> fd{};
  bool allowHalfOpen = false;       ///< keep writable after the peer's FIN
  bool readable = true;             ///< with fd: allow reads
  bool writable = true;             ///< with fd: allow writes
  std::optional<AbortSignal> signal{};
  std::optional<OnRead> onread{};
  std::size_t highWaterMark = 16384;
};

/// `socket.connect(options)` / `net.connect(options)`: berth's core options plus
/// the event layer's.
struct ConnectOptions {
  PortValue port{};
  std::string host = "localhost";
  std::optional<std::string> path{};
  int family = 0;
  int hints = 0;
  std::optional<std::string> localAddress{};
  std::optional<PortValue> localPort{};
  LookupFunction lookup{};
  std::optional<bool> autoSelectFamily{};
  std::optional<std::chrono::milliseconds> autoSelectFamilyAttemptTimeout{};
  bool noDelay = false;
  bool keepAlive = false;
  std::chrono::milliseconds keepAliveInitialDelay{0};
  std::optional<std::chrono::milliseconds> timeout{};  ///< setTimeout() once created
  std::optional<OnRead> onread{};
  bool allowHalfOpen = false;  ///< keep writable after the peer's FIN (the Socket's option)
  std::optional<AbortSignal> signal{};
  std::shared_ptr<const BlockList> blockList{};  ///< refuse blocked addresses (ERR_IP_BLOCKED)

  // The Socket's own options (SocketOptions: these, allowHalfOpen, signal and onread),
  // which net.connect() and net.createConnection() pass to the Socket they create, as
  // Node passes its one options object to both `new net.Socket()` and
  // `socket.connect()`. A socket.connect() call ignores these four.
  /// Connect this descriptor, an open and unconnected TCP or Unix stream socket,
  /// rather than a new one (SocketOptions::fd). A path or an IP literal is connected
  /// at once; a name is looked up first and its first address (of `family`, if
  /// given) is tried, without happy eyeballs: one descriptor tries one address.
  std::optional<int> fd{};
  bool readable = true;             ///< false: never read (the Socket's `readable`)
  bool writable = true;             ///< false: never write (the Socket's `writable`)
  std::size_t highWaterMark = 16384;  ///< readable and writable high water mark, bytes
};

/// Socket events. Listener signatures are checked at compile time.
namespace events {
inline constexpr Event<void()> connect{"connect"};
inline constexpr Event<void()> ready{"ready"};
inline constexpr Event<void(BufferView)> data{"data"};
/// Paused mode: data (or the end) is waiting to be read with read().
inline constexpr Event<void()> readable{"readable"};
inline constexpr Event<void()> end{"end"};
inline constexpr Event<void()> finish{"finish"};
inline constexpr Event<void()> drain{"drain"};
inline constexpr Event<void()> timeout{"timeout"};
inline constexpr Event<void(bool hadError)> close{"close"};
/// Writable's 'pipe': a readable socket (the argument) piped into this one; emitted by pipe().
inline constexpr Event<void(SocketPtr source)> pipe{"pipe"};
/// Writable's 'unpipe': the argument stopped piping into this one (unpipe(), or pipe()'s
/// own cleanup when this socket closed, finished or errored, or the source ended with
/// `end = false`).
inline constexpr Event<void(SocketPtr source)> unpipe{"unpipe"};
inline constexpr Event<void(const Error&, const std::string& address, int family, const std::string& host)>
    lookup{"lookup"};
inline constexpr Event<void(const std::string& ip, int port, int family)> connectionAttempt{"connectionAttempt"};
inline constexpr Event<void(const std::string& ip, int port, int family, const Error&)>
    connectionAttemptFailed{"connectionAttemptFailed"};
inline constexpr Event<void(const std::string& ip, int port, int family)>
    connectionAttemptTimeout{"connectionAttemptTimeout"};
using berth::events::error;
}  // namespace events

/// A write's completion, as user code names it: an empty Error on success.
using WriteCallback = std::function<void(const Error&)>;
/// What write() and end() take and keep: any callable `void(const Error&)` (a lambda, a
/// WriteCallback), move-only so that it may own a completion handler (net::async_write's),
/// kept without allocating up to 32 bytes of captures (a WriteCallback fits). An empty
/// std::function or a null function pointer means no callback.
using WriteHandler = detail::UniqueFunction<void(const Error&), 32>;

/// A callback for Socket::end(): `void(const Error&)` (WriteHandler's signature), or
/// `void()` for a caller that ignores the error.
/// Checked on the stored copy, which is what gets called (a mutable lambda qualifies).
template <class F>
concept EndCallback = std::invocable<std::decay_t<F>&, const Error&> || std::invocable<std::decay_t<F>&>;

/// end()'s callback as a WriteHandler: a `void()` one is called at the same points,
/// its error dropped; an empty std::function stays empty.
template <EndCallback F>
WriteHandler as_end_callback(F&& callback) {
  using Stored = std::decay_t<F>;
  if constexpr (std::is_constructible_v<bool, const Stored&>) {
    if (!static_cast<bool>(callback)) return {};
  }
  if constexpr (std::invocable<Stored&, const Error&>) {
    return WriteHandler(std::forward<F>(callback));
  } else {
    return [callback = Stored(std::forward<F>(callback))](const Error&) mutable { callback(); };
  }
}

/// Node's net.Socket: a duplex stream over TCP or a Unix socket with Node's events,
/// properties and methods. Create with Socket::create() or net::connect().
class Socket : public EventEmitter, public std::enable_shared_from_this<Socket> {
  friend class SocketReader;  // reads into its own buffer (read_impl's `lend`)
  friend class berth::tls::TLSSocket;  // a Socket over a TLS transport (detail::Transport)

 public:
  /// `new net.Socket(options)` on the thread's loop (or the given one).
  static SocketPtr create(SocketOptions options = {}, Loop& loop = Loop::current());
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  using EventEmitter::on;
  /// Adding a 'data' listener starts the flow, as in Node (unless pause() was called or
  /// a 'readable' listener holds the socket in paused mode).
  template <ListenerFor<void(BufferView)> F>
  ListenerId on(const Event<void(BufferView)>& event, F&& listener) {
    ListenerId id = EventEmitter::on(event, std::forward<F>(listener));
    if (event.name == events::data.name) data_listener_added();
    return id;
  }
  /// Adding a 'readable' listener switches to paused mode, as Node's
  /// `readable.on('readable')`: readableFlowing() becomes false, data waits in the
  /// buffer for read(), and 'readable' takes precedence over the 'data' flow.
  /// (prependListener() does not, as in Node.)
  template <ListenerFor<void()> F>
  ListenerId on(const Event<void()>& event, F&& listener) {
    ListenerId id = EventEmitter::on(event, std::forward<F>(listener));
    if (event.name == events::readable.name) readable_listener_added();
    return id;
  }
  /// `emitter.addListener(event, listener)`: the same as on().
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId addListener(const Event<void(Args...)>& event, F&& listener) {
    return on(event, std::forward<F>(listener));
  }
  /// `emitter.once(event, listener)`: Node's once() goes through the stream's on(), so a
  /// 'data' once-listener starts the flow as on() does (readableFlowing() becomes true),
  /// and a 'readable' once-listener switches to paused mode, its removal when it fires
  /// being a removal (see off()). prependOnceListener() does neither, as in Node.
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId once(const Event<void(Args...)>& event, F&& listener) {
    if constexpr (sizeof...(Args) == 0) {
      if (event.name == events::readable.name) {
        ListenerId id = EventEmitter::once(event, [this, f = std::decay_t<F>(std::forward<F>(listener))]() mutable {
          readable_listener_removed();
          f();
        });
        readable_listener_added();
        return id;
      }
    }
    ListenerId id = EventEmitter::once(event, std::forward<F>(listener));
    if constexpr (std::is_same_v<void(Args...), void(BufferView)>) {
      if (event.name == events::data.name) data_listener_added();
    }
    return id;
  }
  /// `emitter.off(event, listener)` / `removeListener()`: removing a 'readable' listener
  /// re-evaluates the mode on the next tick, as Node's updateReadableListening: with
  /// 'data' listeners the socket flows again, with none (and no 'readable' listener)
  /// readableFlowing() returns to null.
  template <class Signature>
  bool off(const Event<Signature>& event, ListenerId id) {
    bool removed = EventEmitter::off(event, id);
    if (event.name == events::readable.name) readable_listener_removed();
    return removed;
  }
  template <class Signature>
  bool removeListener(const Event<Signature>& event, ListenerId id) {
    return off(event, id);
  }
  /// `emitter.removeAllListeners([event])`; for 'readable' (or all events) as off().
  template <class Signature>
  void removeAllListeners(const Event<Signature>& event) {
    EventEmitter::removeAllListeners(event);
    if (event.name == events::readable.name) readable_listener_removed();
  }
  void removeAllListeners() {
    EventEmitter::removeAllListeners();
    readable_listener_removed();
  }

  /// `socket.connect(options[, connectListener])`.
  Socket& connect(ConnectOptions options, std::function<void()> connectListener = {});
  /// `socket.connect(port[, host][, connectListener])`.
  Socket& connect(PortValue port, std::string host = "localhost", std::function<void()> connectListener = {});
  // Integer overloads: a literal 0 would otherwise pick the const char* (path) overload.
  template <std::integral I>
  Socket& connect(I port, std::string host = "localhost", std::function<void()> connectListener = {}) {
    return connect(PortValue(port), std::move(host), std::move(connectListener));
  }
  /// `socket.connect(path[, connectListener])`.
  Socket& connect(std::string path, std::function<void()> connectListener = {});
  Socket& connect(const char* path, std::function<void()> connectListener = {}) {
    return connect(std::string(path), std::move(connectListener));
  }
  /// `socket.connect(port, connectListener)`: no host, so "localhost", as Node.
  Socket& connect(PortValue port, std::function<void()> connectListener) {
    return connect(std::move(port), "localhost", std::move(connectListener));
  }
  template <std::integral I>
  Socket& connect(I port, std::function<void()> connectListener) {
    return connect(PortValue(port), "localhost", std::move(connectListener));
  }

  /// `socket.write(data[, encoding][, callback])`: true while the queue is under
  /// highWaterMark. Text is encoded with `encoding`; bytes go as they are.
  bool write(std::string_view text, Encoding encoding, WriteHandler callback = {});
  bool write(std::string_view text, WriteHandler callback = {});
  bool write(const char* text, WriteHandler callback = {}) { return write(std::string_view(text), std::move(callback)); }
  /// Node's write(null) is ERR_STREAM_NULL_VALUES; in C++ it does not compile.
  bool write(std::nullptr_t, WriteHandler = {}) = delete;
  bool write(const std::string& text, WriteHandler callback = {}) { return write(std::string_view(text), std::move(callback)); }
  bool write(BufferView bytes, WriteHandler callback = {});
  bool write(const Buffer& bytes, WriteHandler callback = {}) { return write(BufferView(bytes), std::move(callback)); }
  /// `write(data, encodingName, cb)`: throws ERR_UNKNOWN_ENCODING for a bad name.
  bool write(std::string_view text, std::string_view encodingName, WriteHandler callback = {});

  /// `socket.end([data[, encoding]][, callback])`: FIN after the queue drains.
  /// Before connect() nothing happens yet: as in Node, the FIN goes out once the
  /// connection is made (the writable side then reads as not ended again, and
  /// 'finish' and the callback follow the next end(), e.g. the automatic one after
  /// the peer's 'end' when allowHalfOpen is false).
  /// The callback is Node's: called once, with an empty Error just before 'finish';
  /// with ERR_STREAM_ALREADY_FINISHED (on the next turn) when the socket had already
  /// finished; and, when the socket is destroyed before it finishes, with the error
  /// it was destroyed with, else ERR_STREAM_DESTROYED, at the point Node calls it
  /// (beside the callbacks of the writes cut short; ERR_SOCKET_CLOSED_BEFORE_CONNECTION
  /// after 'close' when writes were waiting for the connection). As in Node, an end()
  /// first made on a socket already destroyed without error never calls it. The
  /// `void()` form is called at the same points and ignores the error.
  Socket& end() { return end_with(WriteHandler{}); }
  template <EndCallback F>
  Socket& end(F&& callback) {
    return end_with(as_end_callback(std::forward<F>(callback)));
  }
  Socket& end(std::string_view text) {
    write(text);
    return end();
  }
  template <EndCallback F>
  Socket& end(std::string_view text, F&& callback) {
    write(text);
    return end(std::forward<F>(callback));
  }
  Socket& end(std::string_view text, Encoding encoding) {
    write(text, encoding);
    return end();
  }
  template <EndCallback F>
  Socket& end(std::string_view text, Encoding encoding, F&& callback) {
    write(text, encoding);
    return end(std::forward<F>(callback));
  }
  Socket& end(BufferView bytes) {
    write(bytes);
    return end();
  }
  template <EndCallback F>
  Socket& end(BufferView bytes, F&& callback) {
    write(bytes);
    return end(std::forward<F>(callback));
  }
  Socket& end(const char* text) { return end(std::string_view(text)); }
  template <EndCallback F>
  Socket& end(const char* text, F&& callback) {
    return end(std::string_view(text), std::forward<F>(callback));
  }
  Socket& end(const std::string& text) { return end(std::string_view(text)); }
  template <EndCallback F>
  Socket& end(const std::string& text, F&& callback) {
    return end(std::string_view(text), std::forward<F>(callback));
  }
  /// `socket.destroy([error])`. Callbacks of writes not yet done are called as Node
  /// calls them: writes made while connecting get ERR_SOCKET_CLOSED_BEFORE_CONNECTION
  /// (the first; later ones `error` if given) from a 'close' listener registered at the
  /// first such write; a write the kernel was still taking completes without error;
  /// writes queued behind it get `error`, or ERR_STREAM_DESTROYED without one (before
  /// 'error' and 'close' when nothing was at the kernel, after 'error' otherwise).
  Socket& destroy(std::optional<Error> error = std::nullopt);
  /// `socket.destroySoon()`: end(), then destroy once finished.
  void destroySoon();
  /// `socket.resetAndDestroy()`: close with a TCP RST.
  Socket& resetAndDestroy();

  /// `socket.pause()`: stops the 'data' flow. As in Node, the socket goes on reading
  /// from the kernel into its buffer until readableLength() reaches
  /// readableHighWaterMark(); a socket paused before it started reading (before
  /// connecting, or accepted with pauseOnConnect) reads nothing. With the `onread`
  /// option, reading stops at once.
  Socket& pause();
  /// `socket.resume()`: flowing mode. Buffered data is delivered as 'data' on the next
  /// tick, then the socket reads on. With a 'readable' listener the socket stays in
  /// paused mode (readableFlowing() false) until that listener is removed.
  Socket& resume();
  /// `readable.isPaused()`: pause() was called, or the socket is in paused mode.
  bool isPaused() const noexcept;
  /// `socket.setEncoding([encoding])`: 'data' and read() deliver decoded text (data
  /// already buffered is decoded now), and readableLength() counts UTF-16 code units
  /// as Node's string lengths do.
  Socket& setEncoding(Encoding encoding = Encoding::utf8);
  Socket& setEncoding(std::string_view encodingName);
  /// `readable.read([size])` (paused mode): takes data from the buffer and returns it,
  /// also emitting it as 'data'.
  /// - no size: everything buffered, or nullopt if nothing is;
  /// - size (bytes; UTF-16 code units after setEncoding()): exactly `size` once that
  ///   many are buffered, else nullopt, except after the peer's end, when what remains
  ///   is returned;
  /// - read(0): returns nullopt and only starts reading (filling the buffer up to
  ///   readableHighWaterMark()) or schedules 'readable'.
  /// Reading from the kernel resumes whenever the buffer drops below the high water
  /// mark. A read() that finds the buffer empty after the peer's end returns nullopt
  /// and leads to 'end' on the next tick. A size above readableHighWaterMark() raises
  /// it to the next power of two; above 1 GiB (2^30) it throws ERR_OUT_OF_RANGE
  /// (RangeError). After setEncoding(), a size that would split a character needing two
  /// UTF-16 units takes the whole character (Node would return half of the pair).
  std::optional<Buffer> read(std::optional<std::size_t> size = std::nullopt);
  /// `readable.unshift(chunk)`: puts `chunk` back at the front of the buffer, to be
  /// read first ('readable' follows in paused mode when it was awaited). In flowing
  /// mode with an empty buffer and 'data' listeners it is emitted as 'data' at once,
  /// as in Node; pause() first to hold it. After 'end' the socket is destroyed with
  /// ERR_STREAM_UNSHIFT_AFTER_END_EVENT; on a destroyed socket it does nothing.
  /// After setEncoding() the bytes are taken as text in that encoding's output.
  void unshift(BufferView chunk);
  /// `socket.cork()` / `uncork()`: batch writes into one gather write.
  void cork() noexcept;
  void uncork();
  /// `readable.pipe(destination[, { end }])`, as Node v20's Readable.pipe: writes each
  /// 'data' chunk to `destination`; when a write is refused (or `destination` already
  /// needs a 'drain') this socket pauses until every destination it waits on drains. At
  /// this socket's 'end' it calls `destination->end()` (`end = false`: it unpipes
  /// instead). When `destination` closes, finishes or emits 'error', it is unpiped, and
  /// this socket pauses once nothing is left to pipe to: later data stays buffered here,
  /// never dropped. `destination` gets 'pipe' now and 'unpipe' then; pipe() adds
  /// Node's listeners ('data' and 'end' here; 'unpipe', 'error' (first in line),
  /// 'close', 'finish' and, once a write is refused, 'drain' there) and removes them
  /// when it unpipes. An 'error' no other listener hears is raised as if unheard.
  /// Returns `destination`. A null destination throws ERR_INVALID_ARG_TYPE.
  SocketPtr pipe(SocketPtr destination, bool end = true);
  /// `readable.unpipe([destination])`: stops piping into `destination` (the first
  /// pipe() to it), or into every destination when null; pauses this socket when none is
  /// left, and emits 'unpipe' on each destination let go. No-op for one not piped to.
  Socket& unpipe(const SocketPtr& destination = nullptr);

  /// `socket.setTimeout(timeout[, callback])`: one 'timeout' per idle period; 0 disables.
  /// Activity is what Node counts: connect() and its lookup and completion, every read
  /// (data or EOF), a write handed to the kernel and its completion, and queued bytes
  /// moving to the kernel (a draining queue is never idle; a stalled one is, even while
  /// more writes pile up behind it). Runs before connecting too; never closes the socket.
  Socket& setTimeout(std::chrono::milliseconds timeout, std::function<void()> callback = {});
  /// `setTimeout(double ms)`: validates as Node (ERR_OUT_OF_RANGE for negative or infinite).
  Socket& setTimeout(double ms, std::function<void()> callback = {});
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  Socket& setTimeout(I ms, std::function<void()> callback = {}) {
    return setTimeout(static_cast<double>(ms), std::move(callback));
  }
  /// Node throws ERR_INVALID_ARG_TYPE for setTimeout(true); in C++ a bool would
  /// silently become 1 ms (or 0, which disables), so it does not compile.
  template <class B>
    requires std::same_as<B, bool>
  Socket& setTimeout(B, std::function<void()> = {}) = delete;
  /// `socket.setNoDelay([noDelay])`. Before the connection exists it is remembered
  /// and applied when it does, as in Node.
  Socket& setNoDelay(bool noDelay = true);
  /// `socket.setKeepAlive([enable][, initialDelay])` (the delay in whole seconds, as
  /// Node truncates it). Before the connection exists it is remembered, as in Node.
  Socket& setKeepAlive(bool enable = false, std::chrono::milliseconds initialDelay = {});
  /// `socket.ref()` / `unref()`.
  Socket& ref();
  Socket& unref();

  /// `socket.address()`: empty before connecting and after close.
  std::optional<AddressInfo> address() const;
  /// `socket.bufferSize` (nullopt once closed) and `writableLength`.
  std::optional<std::size_t> bufferSize() const;
  std::size_t writableLength() const noexcept { return queued_length_; }
  std::size_t writableHighWaterMark() const noexcept { return high_water_mark_; }
  std::size_t readableHighWaterMark() const noexcept { return readable_high_water_mark_; }
  /// `readable.readableLength`: bytes buffered, not yet read or emitted (UTF-16 code
  /// units after setEncoding()), in paused and flowing mode alike.
  std::size_t readableLength() const noexcept { return length_; }
  /// Node's getter: a write was refused and 'drain' has not come yet; false once the
  /// socket is ending or destroyed (it will not drain then).
  bool writableNeedDrain() const noexcept { return !destroyed_ && !ending_ && need_drain_; }
  int writableCorked() const noexcept { return corked_; }
  /// `socket.bytesRead` / `bytesWritten` (queued bytes included, as Node counts).
  std::uint64_t bytesRead() const noexcept { return bytes_read_; }
  std::uint64_t bytesWritten() const noexcept;
  /// `socket.connecting`, `destroyed`, `pending`, `readyState`.
  bool connecting() const noexcept { return connecting_; }
  bool destroyed() const noexcept { return destroyed_; }
  bool pending() const noexcept { return !stream_ || connecting_ || destroyed_; }
  std::string readyState() const;
  /// `socket.readable` / `writable` and the stream states behind readyState.
  bool readable() const noexcept;
  bool writable() const noexcept;
  bool readableEnded() const noexcept { return end_emitted_; }
  std::optional<bool> readableFlowing() const noexcept { return flowing_; }
  bool writableEnded() const noexcept { return ending_; }
  bool writableFinished() const noexcept { return finished_; }
  /// `socket.errored`: the error that destroyed the socket, or empty. Read it when you
  /// need it: until the socket has an error, the reference is to a shared empty value,
  /// so a reference kept from before does not show a later error (copy the optional).
  const std::optional<Error>& errored() const noexcept;
  /// `socket.localAddress`, `localPort`, `localFamily` (nullopt when not connected).
  std::optional<std::string> localAddress() const;
  std::optional<int> localPort() const;
  std::optional<std::string> localFamily() const;
  /// `socket.remoteAddress`, `remotePort`, `remoteFamily` (cached after close).
  std::optional<std::string> remoteAddress() const;
  std::optional<int> remotePort() const;
  std::optional<std::string> remoteFamily() const;
  /// `socket.allowHalfOpen`.
  bool allowHalfOpen() const noexcept { return options_.allowHalfOpen; }
  /// `socket.timeout`: the idle timeout set, if any.
  std::optional<std::chrono::milliseconds> timeout() const noexcept;
  /// `socket.server`: the server that accepted this socket, or null.
  Server* server() const noexcept { return server_.get(); }
  /// `socket.autoSelectFamilyAttemptedAddresses`: "ip:port" (no brackets for IPv6, as Node) of
  /// each connection attempt, in order. Until a connect() records one, the reference is to
  /// a shared empty vector: read it again after 'connect' or 'error' rather than keeping it.
  const std::vector<std::string>& autoSelectFamilyAttemptedAddresses() const noexcept;
  /// The loop this socket runs on.
  Loop& loop() const noexcept { return *loop_; }

  /// Also drops the callbacks of writes and end() still pending (see EventEmitter).
  void loop_shutdown() noexcept override;

  /// For berth::net::Server: wraps an accepted stream.
  static SocketPtr accepted(berth::Stream stream, std::shared_ptr<Server> server, const SocketOptions& options, Loop& loop);

 private:
  struct PendingWrite {
    std::uint64_t end_offset;  // absolute position in the output after this write
    std::size_t length;        // what it adds to writableLength
    WriteHandler callback;
  };
  struct PrivateTag {};

 public:
  Socket(PrivateTag, Loop& loop, SocketOptions options);

 private:
  void attach(berth::Stream stream);
  void on_connected(berth::Stream stream);
  void connected();
  // options.signal: destroys the socket with the reason when it aborts (at once if it has).
  void watch_signal();
  // Takes an accepted stream: the accepting server, and reading started (or held back by
  // pauseOnConnect), as Node's onconnection does.
  void take_accepted(berth::Stream stream, std::shared_ptr<Server> server, const SocketOptions& options);
  void connect_adopted(berth::ConnectOptions core);
  void connect_adopted_to(const Endpoint& endpoint, std::string address, std::optional<int> port);
  void start_reading();
  void stop_reading();
  struct ReadWait;  // arm_read's handler
  void arm_read();
  void on_readable(const std::error_code& wait_error, std::uint64_t generation);
  void on_chunk(const std::uint8_t* data, std::size_t n, std::span<std::uint8_t> buffer);
  void emit_data(const std::uint8_t* data, std::size_t n);
  void push_chunk(const std::uint8_t* data, std::size_t n);
  void buffer_append(const std::uint8_t* data, std::size_t n);
  // read(size): the chunk goes to `result` (a new Buffer), or into `lend` (its capacity
  // reused: SocketReader's buffers, swapped with the socket's), or back to the flow.
  bool read_impl(std::optional<std::size_t> size, std::optional<Buffer>* result,
                 std::vector<std::uint8_t>* lend = nullptr);
  std::size_t how_much_to_read(std::optional<std::size_t> size) const noexcept;
  void emit_readable();
  void emit_readable_now();
  void flow();
  void resume_now();
  void end_readable();
  void data_listener_added();
  void readable_listener_added();
  void readable_listener_removed();
  void update_readable_listening();
  void on_eof();
  void emit_end();
  bool write_bytes(const std::uint8_t* data, std::size_t size, std::size_t length, WriteHandler callback);
  bool write_rejected(Error error, WriteHandler callback, bool destroy_with_error);
  void after_write(WriteHandler callback);
  void flush();
  asio::awaitable<void> write_pump(std::shared_ptr<Socket> self);
  void complete_writes();
  void run_end_callbacks();
  void maybe_finish();
  void maybe_destroy_after_both_ends();
  void destroy_impl(std::optional<Error> error, bool reset);
  void finish_close(berth::detail::Fifo<PendingWrite> in_kernel, berth::detail::Fifo<PendingWrite> failed, const Error& write_error,
                    bool had_error);
  void touch() noexcept;
  void arm_timer();
  void on_timer();
  void watch_connecting_writes();
  void fail_connecting_writes();
  void fail_end_callbacks(const Error& error);
  Socket& end_with(WriteHandler callback);
  void shutdown_after_connect();
  template <class F>
  void post(F&& f);
  template <class Event, class... A>
  bool fire(const Event& event, A&&... args);
  void emit_finish();

  // What only some sockets ever need (a connect(), a write queue, end() callbacks, an
  // error, an abort signal...), allocated by its first use: an idle connection that
  // echoes as it reads has none, and holds about 450 bytes (issue 14: an idle connection
  // costs at most 1 KiB).
  struct Cold;
  struct ColdDeleter {
    void operator()(Cold* cold) const noexcept;
  };
  Cold& cold();  // made on first use; it then lives as long as the socket
  // What sockets gain in ordinary use: the paused-mode buffer and the decoder (a
  // 'readable' listener, a SocketReader, pause()), the idle timeout (setTimeout()).
  struct Warm;
  struct WarmDeleter {
    void operator()(Warm* warm) const noexcept;
  };
  Warm& warm();  // made on first use, like cold()
  // Readable.pipe's state (Node's state.pipes and awaitDrainWriters), made by the first
  // pipe(); each pipe() call's listeners share one PipeLink.
  struct Piping;
  struct PipeLink;
  struct PipingDeleter {
    void operator()(Piping* piping) const noexcept;
  };
  void pipe_refused(const std::shared_ptr<PipeLink>& link, Socket& destination);
  static void pipe_drained(const PipeLink& link);
  static void pipe_cleanup(const std::shared_ptr<PipeLink>& link);
  void announce_unpipe(Socket& destination, const SocketPtr& self);
  const Error* errored_ptr() const noexcept;  // errored(), as a pointer
  void set_remote(berth::Stream& stream) noexcept;
  std::optional<AddressInfo> remote_info() const;

  Loop* loop_;
  detail::LiveLink live_;
  // The options the socket keeps (the signal lives in Cold; fd and highWaterMark are used
  // when it is made).
  struct KeptOptions {
    std::unique_ptr<OnRead> onread;  // the `onread` option
    bool allowHalfOpen = false;
    bool readable = true;
    bool writable = true;
  } options_;
  // The connection. With a transport it stays (closed) after destroy(), for the
  // transport's operations still finishing on it.
  std::optional<berth::Stream> stream_;
  // Null: bytes go straight to stream_ (the plain path). Else a TLSSocket's TLS stream.
  berth::detail::Transport* transport_ = nullptr;
  std::shared_ptr<Server> server_;  // the accepting server lives while its connections do
  std::unique_ptr<Cold, ColdDeleter> cold_;
  std::unique_ptr<Warm, WarmDeleter> warm_;
  std::unique_ptr<Piping, PipingDeleter> piping_;
  std::size_t high_water_mark_;
  std::size_t readable_high_water_mark_;
  // Node's ReadableState length: data read and not yet consumed (Cold::unconsumed holds
  // it; decoded text once setEncoding() was called), as Node counts it.
  std::size_t length_ = 0;
  std::uint64_t bytes_read_ = 0;
  // Writable side.
  std::vector<std::uint8_t> out_;   // bytes queued, not yet handed to the kernel
  std::uint64_t sent_ = 0;          // bytes handed to the kernel on this connection
  std::uint64_t queued_total_ = 0;  // bytes ever queued (sent_ + unsent)
  std::size_t queued_length_ = 0;   // writableLength
  // Bumped by destroy(): a readiness wait on a stream since closed (or replaced by a
  // reconnect) is told apart from one on the current stream. Stopping reading needs no
  // bump: a wait that finds reading_ false reads nothing.
  std::uint32_t read_generation_ = 0;
  std::uint32_t connect_generation_ = 0;
  int corked_ = 0;
  std::optional<bool> flowing_;
  std::optional<bool> paused_;    // Node's kPaused: pause() (true) or resume() (false) called
  std::optional<bool> want_ref_;  // ref()/unref() before the handle exists
  // The peer's address, cached for after close (an IPv4 or IPv6 sockaddr; none for a
  // Unix socket, whose remote address Node leaves undefined).
  std::uint8_t remote_size_ = 0;
  std::uint8_t remote_[28] = {};

  // Life cycle.
  bool connecting_ : 1 = false;
  bool destroyed_ : 1 = false;
  bool close_emitted_ : 1 = false;
  bool reset_on_connect_ : 1 = false;
  bool had_handle_ : 1 = false;   // connect() was called or a stream attached
  bool write_failed_ : 1 = false; // a write on a never-connected socket: destroyed next tick
  bool ended_before_connect_ : 1 = false;  // end() with no handle: the FIN waits for connect()
  bool shutdown_on_connect_ : 1 = false;   // ... and goes out once connected
  // Readable side (Node's ReadableState flags that schedule 'readable' and the flow).
  bool reading_ : 1 = false;
  bool read_armed_ : 1 = false;  // a readiness wait is pending
  bool eof_ : 1 = false;
  bool readable_listening_ : 1 = false;
  bool need_readable_ : 1 = false;
  bool emitted_readable_ : 1 = false;
  bool resume_scheduled_ : 1 = false;
  bool read_wanted_ : 1 = false;  // read() before the connection: read once connected
  bool end_emitted_ : 1 = false;
  // Writable side.
  bool pumping_ : 1 = false;
  bool batch_in_kernel_ : 1 = false;  // the pump's write of Cold::inflight is pending
  bool need_drain_ : 1 = false;
  bool ending_ : 1 = false;
  bool fin_sent_ : 1 = false;
  bool finish_posted_ : 1 = false;
  bool finished_ : 1 = false;
  // Options set before the connection existed, applied when it does (as Node).
  bool no_delay_ : 1 = false;
  bool keep_alive_ : 1 = false;
  bool peer_ended_ : 1 = false;  // allowHalfOpen false and the peer ended: writes fail with EPIPE
  bool destroy_soon_ : 1 = false;
  // Idle timeout (the rest is in Cold).
  bool timer_armed_ : 1 = false;
  bool timeout_fired_ : 1 = false;
};

/// `net.createConnection(options[, connectListener])` / `net.connect(...)`.
SocketPtr createConnection(ConnectOptions options, std::function<void()> connectListener = {});
SocketPtr createConnection(PortValue port, std::string host = "localhost", std::function<void()> connectListener = {});
SocketPtr createConnection(std::string path, std::function<void()> connectListener = {});
template <std::integral I>
SocketPtr createConnection(I port, std::string host = "localhost", std::function<void()> connectListener = {}) {
  return createConnection(PortValue(port), std::move(host), std::move(connectListener));
}
inline SocketPtr createConnection(const char* path, std::function<void()> connectListener = {}) {
  return createConnection(std::string(path), std::move(connectListener));
}
/// `net.createConnection(port, connectListener)`: host "localhost".
inline SocketPtr createConnection(PortValue port, std::function<void()> connectListener) {
  return createConnection(std::move(port), "localhost", std::move(connectListener));
}
template <std::integral I>
SocketPtr createConnection(I port, std::function<void()> connectListener) {
  return createConnection(PortValue(port), "localhost", std::move(connectListener));
}
inline SocketPtr connect(ConnectOptions options, std::function<void()> connectListener = {}) {
  return createConnection(std::move(options), std::move(connectListener));
}
inline SocketPtr connect(PortValue port, std::string host = "localhost", std::function<void()> connectListener = {}) {
  return createConnection(std::move(port), std::move(host), std::move(connectListener));
}
template <std::integral I>
SocketPtr connect(I port, std::string host = "localhost", std::function<void()> connectListener = {}) {
  return createConnection(PortValue(port), std::move(host), std::move(connectListener));
}
inline SocketPtr connect(std::string path, std::function<void()> connectListener = {}) {
  return createConnection(std::move(path), std::move(connectListener));
}
inline SocketPtr connect(const char* path, std::function<void()> connectListener = {}) {
  return createConnection(std::string(path), std::move(connectListener));
}
inline SocketPtr connect(PortValue port, std::function<void()> connectListener) {
  return createConnection(std::move(port), "localhost", std::move(connectListener));
}
template <std::integral I>
SocketPtr connect(I port, std::function<void()> connectListener) {
  return createConnection(PortValue(port), "localhost", std::move(connectListener));
}

/// Node's net.Stream alias.
using Stream = Socket;

}  // namespace berth::net
