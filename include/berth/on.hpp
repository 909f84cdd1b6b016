#pragma once
// berth::on: Node's events.on, an async sequence of an emitter's events (co_await next()).

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/execution/context.hpp>
#include <asio/post.hpp>
#include <asio/query.hpp>
#include <asio/use_awaitable.hpp>
#include <deque>
#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "berth/abort_signal.hpp"
#include "berth/detail/pending_operation.hpp"
#include "berth/detail/stored_handler.hpp"
#include "berth/error.hpp"
#include "berth/event_emitter.hpp"
#include "berth/loop.hpp"
#include "berth/once.hpp"

namespace berth {

/// Options of on(): Node's `events.on(emitter, name, { signal })`, spelled
/// `berth::on(emitter, event, {controller.signal()})`; not an aggregate, as OnceOptions.
struct OnOptions {
  OnOptions() = default;
  OnOptions(AbortSignal abort_signal) : signal(std::move(abort_signal)) {}  // NOLINT: {signal}
  /// Ends the sequence: the pending and every later next() fail with the signal's reason
  /// (an AbortError, ABORT_ERR), and the listeners go.
  std::optional<AbortSignal> signal{};
};

namespace detail {

template <class... Args>
struct on_value {
  using type = std::tuple<owned_argument_t<Args>...>;
};
template <class A>
struct on_value<A> {
  using type = owned_argument_t<A>;
};

// The state the listeners and the EventStream share.
template <class Value>
class EventQueue final : public PendingOperation {
 public:
  // A next() waiting for a value: completes once, with the value, nullopt (the end) or an
  // error. An awaiting coroutine's handler is kept inline.
  using Waiter = StoredHandler<4 * sizeof(void*), std::exception_ptr, std::optional<Value>>;

  ~EventQueue() { unlink(); }

  void push(Value value) {
    if (ended()) return;
    queue_.push_back(std::move(value));
    serve();
  }
  void fail(Error error) {
    if (ended()) return;
    error_ = std::move(error);
    release_listeners();
    serve();
  }
  void close() {
    if (ended()) return;
    closed_ = true;
    release_listeners();
    serve();
  }
  // The emitter frees the listeners while the sequence is open: it is being destroyed.
  void emitter_gone() {
    emitter_ = nullptr;
    listeners_.clear();
    fail(Error::aborted());
  }

  // What next() completes with now, if anything: a queued value first, then the error or
  // the end.
  bool ready() const noexcept { return !queue_.empty() || ended(); }
  bool ended() const noexcept { return closed_ || error_.has_value(); }
  template <class Complete>
  void take(Complete&& complete) {
    if (!queue_.empty()) {
      Value value = std::move(queue_.front());
      queue_.pop_front();
      complete(nullptr, std::optional<Value>(std::move(value)));
    } else if (error_) {
      // Thrown once; the sequence is done afterwards, as Node's iterator.
      auto failure = std::make_exception_ptr(*error_);
      error_.reset();
      closed_ = true;
      complete(failure, std::optional<Value>());
    } else {
      complete(nullptr, std::optional<Value>());
    }
  }

  template <class Handler>
  void wait(Handler&& handler, const asio::any_io_executor& executor) {
    waiter_.emplace(std::forward<Handler>(handler), executor);
    link(asio::query(executor, asio::execution::context));
  }
  asio::cancellation_slot waiter_slot() const noexcept { return waiter_.slot(); }
  // A cancelled next(): it fails; the sequence goes on (later events stay queued).
  void cancel_waiter() {
    if (!waiter_) return;
    unlink();
    waiter_.post(std::make_exception_ptr(Error::aborted()), std::nullopt);
  }
  bool waiting() const noexcept { return static_cast<bool>(waiter_); }

  // The io_context shuts down with a next() pending: its handler (a coroutine frame, which
  // may own the EventStream and so this queue) is freed without being called.
  void abandon() noexcept override {
    waiter_.clear_slot();
    waiter_.reset();
  }

  // Removes the listeners (while the emitter lives).
  void release_listeners() noexcept {
    auto listeners = std::move(listeners_);
    listeners_.clear();
    if (emitter_)
      for (auto& remove : listeners) remove(*emitter_);
  }

  EventEmitter* emitter_ = nullptr;
  // How to remove each listener this sequence added (with the emitter's own off()).
  std::vector<std::function<void(EventEmitter&)>> listeners_;
  std::optional<AbortSignal> signal_;
  std::optional<AbortSignal::ListenerId> abort_listener_;

 private:
  void serve() {
    if (!waiter_ || !ready()) return;
    unlink();
    take([&](std::exception_ptr failure, std::optional<Value> value) {
      waiter_.clear_slot();
      waiter_.post(failure, std::move(value));
    });
  }

  std::deque<Value> queue_;
  std::optional<Error> error_;
  bool closed_ = false;
  Waiter waiter_;
};

template <class Queue>
struct OnSentinel {
  std::shared_ptr<Queue> queue;
  explicit OnSentinel(std::shared_ptr<Queue> q) noexcept : queue(std::move(q)) {}
  OnSentinel(OnSentinel&&) noexcept = default;
  OnSentinel(const OnSentinel&) = delete;
  ~OnSentinel() {
    if (queue && queue->emitter_ && !queue->ended()) queue->emitter_gone();
  }
};

}  // namespace detail

/// The sequence on() returns: Node's async iterator over an emitter's events (Emitter is
/// the emitter's type, Args the event's arguments). Move-only;
/// destroying it (or close()) removes its listeners, as Node's `return()` does.
///
/// Every event that arrives while no next() waits is queued, in order, as in Node, without
/// bound: for a socket's data with backpressure, read the socket from the coroutine
/// instead. An `'error'` (unless it is the event listened to) ends the sequence: the
/// events queued before it come first, then next() throws it, once: later next() calls give nullopt, as
/// Node's iterator. Events given to close_on()
/// end it the same way with nullopt (Node's `close` option).
template <class Emitter, class... Args>
class EventStream {
 public:
  /// One event's arguments, owned: the value for one argument (a BufferView becomes a
  /// Buffer), a std::tuple for several or none.
  using value_type = typename detail::on_value<Args...>::type;

  EventStream(EventStream&&) noexcept = default;
  EventStream& operator=(EventStream&& other) {
    if (this != &other) {
      close();
      queue_ = std::move(other.queue_);
    }
    return *this;
  }
  ~EventStream() {
    if (queue_) close();
  }

  /// The next event's arguments; nullopt once the sequence has ended (close_on, close());
  /// throws the 'error' that ended it, or an AbortError (the signal; the emitter destroyed;
  /// this next() cancelled through its cancellation slot, which leaves the sequence open).
  /// One next() at a time. `while (auto chunk = co_await chunks.next()) ...`
  template <class CompletionToken = asio::use_awaitable_t<>>
  auto next(CompletionToken&& token = {}) {
    using Value = value_type;
    return asio::async_initiate<CompletionToken, void(std::exception_ptr, std::optional<Value>)>(
        [queue = queue_](auto handler) {
          // A plain callback has no executor of its own: it runs on the loop, not on Asio's
          // system thread pool.
          auto executor = asio::get_associated_executor(handler, berth::detail::callback_executor(Loop::current()));
          if (!queue) {
            berth::detail::settle(executor, [handler = std::move(handler)]() mutable {
              std::move(handler)(nullptr, std::optional<Value>());
            });
            return;
          }
          if (queue->waiting()) {
            berth::detail::settle(executor, [handler = std::move(handler)]() mutable {
              std::move(handler)(std::make_exception_ptr(Error(
                                     "ERR_INVALID_STATE", "Invalid state: a next() of this EventStream is already pending")),
                                 std::optional<Value>());
            });
            return;
          }
          if (queue->ready()) {
            queue->take([&](std::exception_ptr failure, std::optional<Value> value) {
              berth::detail::settle(executor, [handler = std::move(handler), failure, value = std::move(value)]() mutable {
                std::move(handler)(failure, std::move(value));
              });
            });
            return;
          }
          auto slot = asio::get_associated_cancellation_slot(handler);
          queue->wait(std::move(handler), executor);
          if (slot.is_connected()) {
            std::weak_ptr<detail::EventQueue<Value>> weak = queue;
            slot.assign([weak](asio::cancellation_type) {
              if (auto q = weak.lock()) q->cancel_waiter();
            });
          }
        },
        token);
  }

  /// Ends the sequence when `event` is emitted (Node's `close` option): the events queued
  /// before it come first, then next() gives nullopt.
  template <class... CloseArgs>
  EventStream& close_on(const Event<void(CloseArgs...)>& event) {
    if (!queue_ || queue_->ended() || !queue_->emitter_) return *this;
    using Queue = detail::EventQueue<value_type>;
    auto& emitter = static_cast<Emitter&>(*queue_->emitter_);
    ListenerId id = emitter.once(event, [sentinel = detail::OnSentinel<Queue>(queue_)] { sentinel.queue->close(); });
    queue_->listeners_.push_back([event, id](EventEmitter& e) { static_cast<Emitter&>(e).off(event, id); });
    return *this;
  }

  /// Node's `return()`: ends the sequence now and removes its listeners; a pending next()
  /// completes with nullopt.
  void close() {
    if (!queue_) return;
    auto signal = std::exchange(queue_->signal_, std::nullopt);
    auto abort_listener = std::exchange(queue_->abort_listener_, std::nullopt);
    if (signal && abort_listener) signal->removeListener(*abort_listener);
    queue_->close();
  }

  /// Whether the sequence has ended (next() gives what is still queued, then the end).
  bool ended() const noexcept { return !queue_ || queue_->ended(); }

  /// Made by on().
  explicit EventStream(std::shared_ptr<detail::EventQueue<value_type>> queue) noexcept : queue_(std::move(queue)) {}

 private:
  std::shared_ptr<detail::EventQueue<value_type>> queue_;
};

/// Node's `events.on(emitter, name[, { signal }])`: an EventStream of `event`'s emits,
/// from now until an 'error', close_on()'s events, the signal, close(), or the emitter's
/// destruction:
///   auto chunks = berth::on(socket, net::events::data);
///   chunks.close_on(net::events::end);
///   while (auto chunk = co_await chunks.next()) ...   // chunk: std::optional<Buffer>
template <class Emitter, class... Args>
  requires std::derived_from<Emitter, EventEmitter>
EventStream<Emitter, Args...> on(Emitter& emitter, const Event<void(Args...)>& event, OnOptions options = {}) {
  using Sequence = EventStream<Emitter, Args...>;
  using Value = typename Sequence::value_type;
  using Queue = detail::EventQueue<Value>;
  auto queue = std::make_shared<Queue>();
  queue->emitter_ = &emitter;
  if (options.signal && options.signal->aborted()) {
    queue->fail(options.signal->reason());
    return Sequence(std::move(queue));
  }
  ListenerId id = emitter.on(event, [sentinel = detail::OnSentinel<Queue>(queue)](detail::listener_arg_t<Args>... args) {
    sentinel.queue->push(Value(detail::own_argument(args)...));
  });
  queue->listeners_.push_back([event, id](EventEmitter& e) { static_cast<Emitter&>(e).off(event, id); });
  if (event.name != events::error.name) {
    ListenerId error_id = emitter.on(
        events::error, [sentinel = detail::OnSentinel<Queue>(queue)](const Error& error) { sentinel.queue->fail(error); });
    queue->listeners_.push_back([error_id](EventEmitter& e) { static_cast<Emitter&>(e).off(events::error, error_id); });
  }
  if (options.signal) {
    queue->signal_ = options.signal;
    std::weak_ptr<Queue> weak = queue;
    queue->abort_listener_ = queue->signal_->onAbort([weak] {
      if (auto q = weak.lock(); q && q->signal_) q->fail(q->signal_->reason());
    });
  }
  return Sequence(std::move(queue));
}

/// on() on an emitter held by a shared_ptr (net::SocketPtr, net::ServerPtr).
template <class Emitter, class... Args>
  requires std::derived_from<Emitter, EventEmitter>
EventStream<Emitter, Args...> on(const std::shared_ptr<Emitter>& emitter, const Event<void(Args...)>& event,
                                 OnOptions options = {}) {
  return on(*emitter, event, std::move(options));
}

}  // namespace berth
