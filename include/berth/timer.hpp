#pragma once
// berth::setTimeout / setInterval: Node's timers, which keep the loop alive while
// pending unless unref()'d.

#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "berth/loop.hpp"

namespace berth {

/// A pending timeout or interval (Node's Timeout object).
class Timer : public std::enable_shared_from_this<Timer> {
  struct PrivateTag {};

 public:
  Timer(PrivateTag, Loop& loop, std::function<void()> callback, std::chrono::milliseconds delay, bool repeat);
  /// Starts a timer; prefer berth::setTimeout / setInterval.
  static std::shared_ptr<Timer> start(Loop& loop, std::function<void()> callback,
                                      std::chrono::milliseconds delay, bool repeat);

  /// Keeps the loop alive while pending (the default).
  Timer& ref() noexcept;
  /// Lets the loop end while this timer is pending.
  Timer& unref() noexcept;
  /// Whether the timer is ref'd.
  bool hasRef() const noexcept { return handle_ref_.has_ref(); }
  /// Restarts the delay from now (Node's timeout.refresh()).
  Timer& refresh();
  /// Cancels the timer (clearTimeout / clearInterval).
  void close() noexcept;

 private:
  void arm();
  asio::steady_timer timer_;
  HandleRef handle_ref_;
  std::function<void()> callback_;
  std::chrono::milliseconds delay_;
  bool repeat_;
  std::uint64_t generation_ = 0;
};

using TimerPtr = std::shared_ptr<Timer>;

/// Node's setTimeout(callback, delay): runs `callback` once after `delay`.
inline TimerPtr setTimeout(std::function<void()> callback, std::chrono::milliseconds delay,
                           Loop& loop = Loop::current()) {
  return Timer::start(loop, std::move(callback), delay, false);
}
/// Node's setInterval(callback, delay): runs `callback` every `delay` until cleared.
inline TimerPtr setInterval(std::function<void()> callback, std::chrono::milliseconds delay,
                            Loop& loop = Loop::current()) {
  return Timer::start(loop, std::move(callback), delay, true);
}
/// Node's clearTimeout / clearInterval (a null timer is ignored).
inline void clearTimeout(const TimerPtr& timer) noexcept {
  if (timer) timer->close();
}
inline void clearInterval(const TimerPtr& timer) noexcept { clearTimeout(timer); }

}  // namespace berth
