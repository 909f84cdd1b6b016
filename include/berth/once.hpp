#pragma once
// berth::once: Node's events.once, as an Asio asynchronous operation (co_await it).

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/cancellation_type.hpp>
#include <asio/execution/context.hpp>
#include <asio/post.hpp>
#include <asio/query.hpp>
#include <asio/use_awaitable.hpp>
#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "berth/abort_signal.hpp"
#include "berth/buffer.hpp"
#include "berth/detail/pending_operation.hpp"
#include "berth/error.hpp"
#include "berth/event_emitter.hpp"
#include "berth/loop.hpp"

namespace berth {

namespace detail {

// An event argument as the awaiting coroutine owns it: a BufferView (valid only during
// the emit) becomes a Buffer, references become values.
template <class A>
using owned_argument_t =
    std::conditional_t<std::is_same_v<std::remove_cvref_t<A>, BufferView>, Buffer, std::remove_cvref_t<A>>;

template <class... Args>
struct once_result {
  using type = std::tuple<owned_argument_t<Args>...>;
};
template <>
struct once_result<> {
  using type = void;
};
template <class A>
struct once_result<A> {
  using type = owned_argument_t<A>;
};

template <class Result>
struct once_signature {
  using type = void(std::exception_ptr, Result);
};
template <>
struct once_signature<void> {
  using type = void(std::exception_ptr);
};

template <class A>
decltype(auto) own_argument(const A& a) {
  if constexpr (std::is_same_v<std::remove_cvref_t<A>, BufferView>)
    return Buffer(a);
  else
    return a;
}

// One pending once(): the handler, and what to undo when it completes first by any route
// (the event, an 'error', a cancellation, the signal, the emitter destroyed).
// Emitter is the emitter's own type, so that a net::Socket's on/off (which switch its
// flowing mode) are the ones called.
template <class Handler, class Result, class EventSignature, class Emitter>
class OnceOperation final
    : public PendingOperation,
      public std::enable_shared_from_this<OnceOperation<Handler, Result, EventSignature, Emitter>> {
 public:
  OnceOperation(Handler handler, Emitter& emitter, const Event<EventSignature>& event, AbortSignal signal)
      : handler_(std::move(handler)),
        // A plain callback has no executor of its own: it runs on the loop, not on Asio's
        // system thread pool.
        executor_(asio::get_associated_executor(*handler_, berth::detail::callback_executor(Loop::current()))),
        emitter_(&emitter),
        event_(event),
        signal_(std::move(signal)) {}

  // Completes the operation once: removes its listeners, frees the cancellation slot
  // (unless the slot's own handler is what completes it), and settles: the handler runs
  // as a microtask, as Node settles a promise: the awaiting coroutine resumes after the
  // emit, not inside it.
  template <class... Values>
  void complete(std::exception_ptr failure, Values&&... values) {
    if (done_) return;
    done_ = true;
    unlink();
    detach();
    berth::detail::settle(executor_, [handler = std::move(*handler_), failure, ... values = std::forward<Values>(values)]() mutable {
      std::move(handler)(failure, std::move(values)...);
    });
    handler_.reset();
  }

  void fail(const Error& error) {
    if constexpr (std::is_void_v<Result>)
      complete(std::make_exception_ptr(error));
    else
      complete(std::make_exception_ptr(error), Result{});
  }

  // The emitter frees the operation's listeners (it is being destroyed) while it waits.
  void emitter_gone() {
    emitter_ = nullptr;
    fail(Error::aborted());
  }

  // Called by the cancellation slot's handler, which must not clear its own slot.
  void cancelled() {
    slot_in_use_ = true;
    fail(Error::aborted());
  }

  // The io_context shuts down first: the handler (a suspended coroutine's frame) is
  // freed without being called, as Asio frees its own pending operations.
  void abandon() noexcept override {
    if (done_) return;
    done_ = true;
    auto self = this->shared_from_this();  // removing the listeners drops their references
    detach();
    handler_.reset();
  }

  bool done() const noexcept { return done_; }
  AbortSignal& signal() noexcept { return signal_; }
  Handler& handler() noexcept { return *handler_; }
  const asio::any_io_executor& executor() const noexcept { return executor_; }

  ListenerId event_listener{};
  ListenerId error_listener{};
  std::optional<AbortSignal::ListenerId> abort_listener;

 private:
  void detach() noexcept {
    if (emitter_) {
      if (event_listener != ListenerId::none) emitter_->off(event_, event_listener);
      if (error_listener != ListenerId::none) emitter_->off(events::error, error_listener);
    }
    if (abort_listener) signal_.removeListener(*abort_listener);
    if (!slot_in_use_) asio::get_associated_cancellation_slot(*handler_).clear();
  }

  std::optional<Handler> handler_;
  asio::any_io_executor executor_;
  Emitter* emitter_;
  Event<EventSignature> event_;
  AbortSignal signal_;
  bool done_ = false;
  bool slot_in_use_ = false;
};

// Held by each listener once() adds: when the emitter frees the listener while the
// operation is pending (the emitter is being destroyed), the operation fails rather than
// waiting for ever.
template <class Operation>
struct OnceSentinel {
  std::shared_ptr<Operation> operation;
  explicit OnceSentinel(std::shared_ptr<Operation> op) noexcept : operation(std::move(op)) {}
  OnceSentinel(OnceSentinel&& other) noexcept = default;
  OnceSentinel(const OnceSentinel&) = delete;
  ~OnceSentinel() {
    if (operation && !operation->done()) operation->emitter_gone();
  }
};

}  // namespace detail

/// Options of once(): Node's `events.once(emitter, name, { signal })`, spelled
/// `berth::once(emitter, event, {controller.signal()})`. Not an aggregate on purpose: g++
/// before 13 destroys an aggregate temporary built in a co_await statement twice (see the
/// README's Compiler notes); a class with a constructor is safe there.
struct OnceOptions {
  OnceOptions() = default;
  OnceOptions(AbortSignal abort_signal) : signal(std::move(abort_signal)) {}  // NOLINT: {signal}
  /// Aborts the wait: the operation fails with the signal's reason (an AbortError,
  /// code ABORT_ERR, unless the controller gave another). An already aborted signal fails
  /// it at once.
  std::optional<AbortSignal> signal{};
};

/// Node's `events.once(emitter, name)`: waits for the next `event` of `emitter` and
/// completes with its arguments, owned: nothing for an event without arguments, the
/// value for one (a `BufferView` becomes a `Buffer`), a `std::tuple` for several.
/// `co_await berth::once(*socket, net::events::connect)`.
///
/// Fails (throws, with `asio::use_awaitable`) with:
/// - the Error of an `'error'` event that comes first, unless `'error'` is the event
///   awaited (then it completes with that Error);
/// - an AbortError (ABORT_ERR) when cancelled through the handler's cancellation slot
///   (any cancellation type; e.g. the losing side of `||` from
///   `asio::experimental::awaitable_operators`), or when the emitter is destroyed while
///   the operation waits; the signal's reason when `options.signal` aborts.
/// Whatever completes it first, both listeners it added are removed at that moment, so
/// `listenerCount` is back to what it was. The coroutine resumes after the emit, as a
/// microtask of the loop (as Node resumes after a promise settles: see
/// Loop::queueMicrotask), so the emitter may be destroyed by the awaiting code. Waiting does not keep the loop alive
/// (nor does a pending promise keep Node running). The emitter must belong to the
/// awaiting coroutine's loop.
template <class Emitter, class... Args, class CompletionToken = asio::use_awaitable_t<>>
  requires std::derived_from<Emitter, EventEmitter>
auto once(Emitter& emitter, const Event<void(Args...)>& event, OnceOptions options = {},
          CompletionToken&& token = {}) {
  using Result = typename detail::once_result<Args...>::type;
  using Signature = typename detail::once_signature<Result>::type;
  return asio::async_initiate<CompletionToken, Signature>(
      [&emitter, event, watch_signal = options.signal.has_value(),
       signal = std::move(options.signal).value_or(AbortSignal{})](auto handler) mutable {
        using Operation = detail::OnceOperation<decltype(handler), Result, void(Args...), Emitter>;
        auto op = std::make_shared<Operation>(std::move(handler), emitter, event, signal);
        if (watch_signal && signal.aborted()) {
          op->fail(signal.reason());
          return;
        }
        op->link(asio::query(op->executor(), asio::execution::context));
        op->event_listener = emitter.once(
            event, [sentinel = detail::OnceSentinel<Operation>(op)](detail::listener_arg_t<Args>... args) {
              if constexpr (std::is_void_v<Result>)
                sentinel.operation->complete(nullptr);
              else
                sentinel.operation->complete(nullptr, Result(detail::own_argument(args)...));
            });
        if (event.name != events::error.name) {
          op->error_listener =
              emitter.once(events::error, [sentinel = detail::OnceSentinel<Operation>(op)](const Error& error) {
                sentinel.operation->fail(error);
              });
        }
        if (watch_signal) {
          std::weak_ptr<Operation> weak = op;
          op->abort_listener = op->signal().onAbort([weak] {
            if (auto operation = weak.lock()) operation->fail(operation->signal().reason());
          });
        }
        auto slot = asio::get_associated_cancellation_slot(op->handler());
        if (slot.is_connected()) {
          std::weak_ptr<Operation> weak = op;
          slot.assign([weak](asio::cancellation_type) {
            if (auto operation = weak.lock()) operation->cancelled();
          });
        }
      },
      token);
}

/// once() on an emitter held by a shared_ptr (net::SocketPtr, net::ServerPtr).
template <class Emitter, class... Args, class CompletionToken = asio::use_awaitable_t<>>
  requires std::derived_from<Emitter, EventEmitter>
auto once(const std::shared_ptr<Emitter>& emitter, const Event<void(Args...)>& event, OnceOptions options = {},
          CompletionToken&& token = {}) {
  return once(*emitter, event, std::move(options), std::forward<CompletionToken>(token));
}

}  // namespace berth
