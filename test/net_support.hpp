#pragma once
// Helpers for the event layer's tests: run the thread's loop with a deadline and
// record events as trace lines.

#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "berth/loop.hpp"

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

/// An ordered list of what happened.
struct Trace {
  std::vector<std::string> lines;
  void operator()(std::string line) { lines.push_back(std::move(line)); }
};

}  // namespace berth::test
