#pragma once
// Starting berth's internal coroutines so that an exception thrown by a listener
// inside them reaches the caller of Loop::run(), as Node's uncaught exceptions do.

#include <asio/co_spawn.hpp>
#include <exception>
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

}  // namespace berth::detail
