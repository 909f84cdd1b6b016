#pragma once
// Helpers for the event layer's tests: run the thread's loop with a deadline and
// record events as trace lines.

#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "berth/loop.hpp"
#include "berth/timer.hpp"

namespace berth::test {

/// Runs the thread's loop until it ends by itself (no ref'd handle left);
/// throws if `limit` passes first so that no test can hang.
inline void run_loop(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto& loop = Loop::current();
  auto expired = std::make_shared<bool>(false);
  asio::steady_timer deadline(loop.context(), limit);
  deadline.async_wait([expired, &loop](std::error_code ec) {
    if (!ec) {
      *expired = true;
      loop.stop();
    }
  });
  loop.run();
  deadline.cancel();  // its handler runs (as a no-op) at the next run()
  if (*expired) throw std::runtime_error("the loop did not end within its time limit");
}

/// Runs `make()`'s awaitable on the thread's loop (where net:: objects live) with
/// run_loop(limit), the loop kept alive until the coroutine ends (it may wait on plain Asio
/// timers, which do not count); throws what it throws, or if `limit` passed first.
template <class MakeAwaitable>
void run_coro_on_loop(MakeAwaitable make, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  std::exception_ptr failure;
  bool finished = false;
  TimerPtr keep_alive = setTimeout([] {}, limit);
  asio::co_spawn(Loop::current().get_executor(), make(), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    clearTimeout(keep_alive);
  });
  run_loop(limit + std::chrono::seconds(1));
  if (failure) std::rethrow_exception(failure);
  if (!finished) throw std::runtime_error("the test coroutine did not finish within its time limit");
}

/// An ordered list of what happened.
struct Trace {
  std::vector<std::string> lines;
  void operator()(std::string line) { lines.push_back(std::move(line)); }
};

}  // namespace berth::test
