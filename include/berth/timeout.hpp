#pragma once
// berth::with_timeout: bounds any awaitable operation by a deadline.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <chrono>
#include <type_traits>

#include "berth/error.hpp"

namespace berth {

/// The error a timed-out operation throws: code ETIMEDOUT, syscall as given.
inline Error timeout_error(const char* syscall = "") {
  Error e = Error::from_system(std::make_error_code(std::errc::timed_out), syscall);
  if (!*syscall) e.message = "operation timed out";
  return e;
}

/// Runs `operation`; if `timeout` passes first, the operation is cancelled through
/// its cancellation slot and berth::Error ETIMEDOUT is thrown.
template <class T>
asio::awaitable<T> with_timeout(asio::awaitable<T> operation, std::chrono::steady_clock::duration timeout) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  auto outcome = co_await (std::move(operation) || timer.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) throw timeout_error();
  if constexpr (!std::is_void_v<T>) co_return std::move(std::get<0>(outcome));
}

}  // namespace berth
