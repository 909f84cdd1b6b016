#include "berth/timer.hpp"

namespace berth {

Timer::Timer(PrivateTag, Loop& loop, std::function<void()> callback, std::chrono::milliseconds delay, bool repeat)
    : timer_(berth::detail::callback_executor(loop)),
      handle_ref_(loop.get_executor()),
      callback_(std::move(callback)),
      // Node runs a delay below 1 ms (or a negative one) after 1 ms.
      delay_(delay.count() < 1 ? std::chrono::milliseconds(1) : delay),
      repeat_(repeat) {}

std::shared_ptr<Timer> Timer::start(Loop& loop, std::function<void()> callback, std::chrono::milliseconds delay,
                                    bool repeat) {
  auto timer = std::make_shared<Timer>(PrivateTag{}, loop, std::move(callback), delay, repeat);
  timer->arm();
  return timer;
}

void Timer::arm() {
  handle_ref_.activate();
  timer_.expires_after(delay_);
  std::uint64_t generation = ++generation_;
  // The pending wait holds the timer, as Node's timer list does.
  timer_.async_wait([self = shared_from_this(), generation](const std::error_code& ec) {
    if (ec || generation != self->generation_) return;
    if (self->repeat_) self->arm();
    else self->handle_ref_.deactivate();
    self->callback_();
  });
}

Timer& Timer::ref() noexcept {
  handle_ref_.ref();
  return *this;
}

Timer& Timer::unref() noexcept {
  handle_ref_.unref();
  return *this;
}

Timer& Timer::refresh() {
  timer_.cancel();
  arm();
  return *this;
}

void Timer::close() noexcept {
  ++generation_;
  handle_ref_.deactivate();
  timer_.cancel();
}

}  // namespace berth
