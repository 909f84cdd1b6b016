#pragma once
// berth::Loop: an event loop over asio::io_context with libuv's (so Node's) rule:
// run() returns once no handle is both active and ref'd and no request is pending.

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <cstddef>
#include <memory>
#include <type_traits>

#include "berth/detail/loop_executor.hpp"
#include "berth/detail/task.hpp"

namespace berth {
class Loop;
namespace detail {
// Called when a loop's ref count falls to zero (see loop.cpp).
void count_released(std::size_t* counter) noexcept;
// The loop's after-callback state (see detail/loop_executor.hpp).
struct LoopHooks;
LoopHooks* hooks_of(Loop& loop) noexcept;
// The thread's current loop, or null (unlike Loop::current(), never makes one).
Loop* current_loop() noexcept;
}  // namespace detail

/// An event loop over an `asio::io_context`. It either owns its context or attaches
/// to one the application already has.
///
/// One loop per thread, as in Node. The event layer's factories (`net::createServer`,
/// `net::connect`, `net::Socket::create`, `berth::setTimeout`) and `berth::run()` use the
/// thread's *current* loop, Loop::current(): the first Loop constructed on a thread
/// becomes its current loop until it is destroyed, and a loop is the current one while
/// its run() runs. Where none was constructed, current() makes one on first use. So
/// `berth::Loop loop; auto server = net::createServer(...); loop.run();` runs the
/// server. A run() that finds nothing to do while the thread's current loop has live
/// handles (objects were made on that other loop) throws ERR_INVALID_STATE saying so,
/// rather than returning at once with the program silently doing nothing. Handles (acceptors, streams, timers) count
/// themselves in the context while they are active and ref'd, and pending requests
/// (writes, connects, lookups) while they last; `run()` returns when that count is
/// zero and no ready handler is left, as Node's process exits (see HandleRef).
class Loop {
 public:
  /// A loop that owns its io_context.
  Loop();
  /// A loop attached to an existing io_context (which must outlive it).
  explicit Loop(asio::io_context& context);
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop();

  /// The thread's current loop (see above): the first Loop constructed on this thread
  /// while it lives, the loop whose run() is running, else one made on first use.
  static Loop& current();

  /// The underlying io_context.
  asio::io_context& context() noexcept { return *context_; }
  /// The loop's executor, for `asio::co_spawn` and berth's I/O objects: the io_context's
  /// own, so Asio runs completions on it directly. berth's event-layer callbacks (listeners,
  /// timers, write callbacks) drain the nextTick queue after each one, as Node does after
  /// every callback. Ticks queued elsewhere, in a coroutine's code or in a function posted
  /// here, run before berth's next callback, or on a handler of their own when none comes
  /// first: never later than the I/O that follows, as in Node.
  asio::any_io_executor get_executor() noexcept;

  /// Runs handlers until no handle is both active and ref'd, no request is pending
  /// and no handler is ready. The loop is the thread's current loop meanwhile. Throws
  /// berth::Error ERR_INVALID_STATE when it ran nothing at all while the thread's current
  /// loop, another one, has active ref'd handles or pending requests.
  /// Exceptions thrown by handlers (an unheard 'error', a listener's throw)
  /// propagate out of run(); calling run() again resumes the loop.
  std::size_t run();
  /// Makes run() return as soon as possible.
  void stop();
  /// How many active, ref'd handles and pending requests the loop has now.
  std::size_t ref_count() const noexcept;

  /// Node's process.nextTick: `f` runs after the current handler returns and before
  /// the loop handles any further I/O, in the order queued. (When the io_context is
  /// run directly rather than through run(), the queue still drains, as a posted handler.)
  /// Callables of up to 80 bytes are queued without allocating.
  template <class F>
    requires std::is_invocable_v<std::decay_t<F>&>
  void nextTick(F&& f) {
    queue_tick(detail::Task(std::forward<F>(f)));
  }

  /// Node's queueMicrotask: `f` runs once the current handler and the nextTick queue are
  /// done (after every queued tick, as Node runs microtasks after the ticks), before the
  /// loop handles any further I/O, in the order queued. The event layer's awaitable
  /// operations (berth::once, berth::on, SocketReader, net::async_write) resume their
  /// coroutines so, as Node settles a promise. Callables of up to 80 bytes are queued
  /// without allocating.
  template <class F>
    requires std::is_invocable_v<std::decay_t<F>&>
  void queueMicrotask(F&& f) {
    queue_microtask(detail::Task(std::forward<F>(f)));
  }

 private:
  void queue_tick(detail::Task task);
  void queue_microtask(detail::Task task);
  void post_drain();
  std::size_t run_as_current();

  friend detail::LoopHooks* detail::hooks_of(Loop& loop) noexcept;

  std::unique_ptr<asio::io_context> owned_;
  asio::io_context* context_;
  detail::LoopHooks* hooks_;
};

namespace detail {
/// Settles an event-layer operation as Node settles a promise: `f` (the completion
/// handler bound to its arguments) runs as a microtask of this thread's loop when
/// `executor` is that loop's (its io_context's own, or its callback executor), and is
/// posted to `executor` otherwise (a strand, another thread's loop, another context).
template <class F>
void settle(const asio::any_io_executor& executor, F&& f) {
  Loop* loop = current_loop();
  const asio::io_context* context = nullptr;
  if (const auto* native = executor.target<asio::io_context::executor_type>()) context = &native->context();
  else if (const auto* wrapped = executor.target<LoopExecutor>()) context = &wrapped->inner().context();
  if (loop && context == &loop->context()) loop->queueMicrotask(std::forward<F>(f));
  else asio::post(executor, std::forward<F>(f));
}
}  // namespace detail

/// Runs the loop of this thread (Loop::current().run()).
inline std::size_t run() { return Loop::current().run(); }

/// A handle's share in keeping its loop alive, by libuv's rule: a handle counts while it
/// is both *active* and ref'd; a pending request (a write, a connect, a lookup) counts
/// whatever the handle's ref says. Open is not alive: an idle connected socket lets
/// run() return. Acceptors, streams and timers embed one; user code rarely needs it.
///
/// What is active, per state (pinned against Node v20, test/test_loop_alive.cpp):
///
/// | handle / state                                         | keeps run() going?        |
/// |--------------------------------------------------------|---------------------------|
/// | Timer armed / fired (not repeating) / closed           | yes / no / no             |
/// | Acceptor, net::Server listening / closed               | yes / no                  |
/// | Stream idle (open, no operation pending)               | no                        |
/// | Stream with a read or wait_readable pending            | yes                       |
/// | Stream with a write pending (a request)                | yes, even unref'd         |
/// | connect() resolving or connecting (a request)          | yes, even unref'd         |
/// | net::Socket connected and reading (flowing or not)     | yes                       |
/// | net::Socket paused once reading (pause(), no onread)   | yes: it reads on (*)      |
/// | net::Socket paused before reading, or with onread      | no                        |
/// | net::Socket paused with a write in flight              | yes, until it completes   |
/// | net::Socket ending: shutdown, then 'finish'            | no, once 'finish' ran     |
/// | net::Socket after 'end' (EOF), allowHalfOpen or not    | no (reading stopped)      |
/// | net::Socket whose onread callback returned false       | no (reading stopped)      |
/// | net::Socket at highWaterMark with nobody consuming     | no (reading stopped)      |
/// | net::Socket readable:false, or without a handle        | no                        |
/// | net::Socket destroyed                                  | no                        |
/// | any of the above unref()'d                             | only its pending requests |
///
/// (*) As Node v20's: a socket paused after reading started reads on into its buffer
/// until readableHighWaterMark (then the row "at highWaterMark" applies); one paused
/// before (pause() before connecting, pauseOnConnect) reads nothing, and with the
/// `onread` option pause() stops reading at once.
///
/// Ready handlers and nextTick callbacks always run before run() returns.
class HandleRef {
 public:
  class Activity;
  class Request;

  explicit HandleRef(const asio::any_io_executor& executor);
  HandleRef(const HandleRef&) = delete;
  HandleRef& operator=(const HandleRef&) = delete;
  HandleRef(HandleRef&& other) noexcept;
  HandleRef& operator=(HandleRef&& other) noexcept;
  ~HandleRef();

  /// Marks the handle active (listening, reading, armed).
  void activate() noexcept {
    flag_ = true;
    update();
  }
  /// Marks the handle inactive (closed, not reading, disarmed). Activities still
  /// held keep it active until they end.
  void deactivate() noexcept {
    flag_ = false;
    update();
  }
  /// Lets the handle keep the loop alive (the default).
  void ref() noexcept {
    refd_ = true;
    update();
  }
  /// Stops the handle from keeping the loop alive (its pending requests still do).
  void unref() noexcept {
    refd_ = false;
    update();
  }
  /// Whether the handle is ref'd (whatever its activity).
  bool has_ref() const noexcept { return refd_; }
  /// Whether the handle is active: activate()d, or an Activity is held on it.
  bool active() const noexcept { return flag_ || activities_ != nullptr; }
  /// A pending request on this handle's loop (see Request).
  Request request() const noexcept;

 private:
  friend class Activity;
  void update() noexcept;
  void detach_activities() noexcept;
  std::size_t* counter_;
  Activity* activities_ = nullptr;
  bool flag_ = false;
  bool refd_ = true;
  bool counted_ = false;
};

/// The handle is active while an Activity on it lives (e.g. a read in flight); several
/// may overlap. Moving the handle carries its activities along; destroying the handle
/// first leaves them harmless. Taking and dropping one is a few pointer updates.
class HandleRef::Activity {
 public:
  explicit Activity(HandleRef& handle) noexcept : owner_(&handle), next_(handle.activities_) {
    if (next_) next_->prev_ = this;
    handle.activities_ = this;
    handle.update();
  }
  Activity(Activity&& other) noexcept : owner_(other.owner_), prev_(other.prev_), next_(other.next_) {
    if (owner_) {
      if (prev_) prev_->next_ = this;
      else owner_->activities_ = this;
      if (next_) next_->prev_ = this;
    }
    other.owner_ = nullptr;
    other.prev_ = other.next_ = nullptr;
  }
  Activity(const Activity&) = delete;
  Activity& operator=(const Activity&) = delete;
  Activity& operator=(Activity&&) = delete;
  ~Activity() {
    if (!owner_) return;
    if (prev_) prev_->next_ = next_;
    else owner_->activities_ = next_;
    if (next_) next_->prev_ = prev_;
    owner_->update();
  }

 private:
  friend class HandleRef;
  HandleRef* owner_;
  Activity* prev_ = nullptr;
  Activity* next_;
};

/// A pending request (libuv's uv_req_t: a write, a connect, a lookup): it keeps the
/// loop alive while it lives, whether or not its handle is ref'd. A counter update.
class HandleRef::Request {
 public:
  explicit Request(std::size_t* counter) noexcept : counter_(counter) { ++*counter_; }
  Request(Request&& other) noexcept : counter_(other.counter_) { other.counter_ = nullptr; }
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  Request& operator=(Request&&) = delete;
  ~Request() {
    if (counter_ && --*counter_ == 0) detail::count_released(counter_);
  }

 private:
  std::size_t* counter_;
};

inline HandleRef::Request HandleRef::request() const noexcept { return Request(counter_); }

}  // namespace berth
