#pragma once
// Starting berth's internal coroutines so that an exception thrown by a listener
// inside them reaches the caller of Loop::run(), as Node's uncaught exceptions do.

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <exception>
#include <system_error>
#include <utility>

namespace berth::detail {

/// Spawns `awaitable` on `executor`; an exception escaping it is rethrown from
/// the loop's run().
template <class Executor, class Awaitable>
void spawn(const Executor& executor, Awaitable&& awaitable) {
  asio::co_spawn(executor, std::forward<Awaitable>(awaitable), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
}

/// Spawns with a cancellation slot: emitting the slot's signal cancels the
/// coroutine's pending operation.
template <class Executor, class Awaitable>
void spawn(const Executor& executor, asio::cancellation_slot slot, Awaitable&& awaitable) {
  asio::co_spawn(executor, std::forward<Awaitable>(awaitable),
                 asio::bind_cancellation_slot(slot, [](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::system_error& cancelled) {
                     // Cancelled before it started: asio throws at its first co_await.
                     if (cancelled.code() == asio::error::operation_aborted) return;
                     throw;
                   }
                 }));
}

/// Re-raises `e` from the loop's run() on its next turn, after the caller has
/// finished the state transition it was making.
inline void rethrow_later(asio::io_context& context, std::exception_ptr e) {
  asio::post(context, [e] { std::rethrow_exception(e); });
}

/// Emits an event from inside berth's own bookkeeping: a listener's exception (or
/// an unheard 'error') still reaches run()'s caller, but only after berth has
/// completed the transition, so no socket or server is left half-updated.
template <class Emitter, class Event, class... A>
bool fire(Emitter& emitter, asio::io_context& context, const Event& event, A&&... args) {
  try {
    return emitter.emit(event, std::forward<A>(args)...);
  } catch (...) {
    rethrow_later(context, std::current_exception());
    return true;
  }
}

}  // namespace berth::detail
