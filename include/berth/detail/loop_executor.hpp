#pragma once
// berth::detail::LoopExecutor: the executor of a berth::Loop, an io_context executor that
// runs Node's "after every callback" step (the nextTick queue drains) once each handler
// it runs returns.

#include <asio/any_io_executor.hpp>
#include <asio/execution.hpp>
#include <asio/io_context.hpp>
#include <asio/prefer.hpp>
#include <asio/query.hpp>
#include <asio/require.hpp>
#include <type_traits>
#include <utility>

namespace berth {
class Loop;
}

namespace berth::detail {

/// What a loop does around each callback: drain its nextTick queue, and, inside
/// Loop::run(), stop the io_context once nothing keeps the loop alive. Defined in loop.cpp.
struct LoopHooks;
void enter_callback(LoopHooks* hooks) noexcept;
void before_callback(LoopHooks* hooks) noexcept;
void after_callback(LoopHooks* hooks);
void leave_callback(LoopHooks* hooks) noexcept;

/// Runs `f` as one of the loop's callbacks, Node's way: ticks queued outside any callback
/// run first, and the nextTick queue drains once `f` returns (not after a throw: the
/// exception leaves run() first). Nested inside another callback (an inline dispatch) it
/// leaves both steps to the outer one. berth's own completion handlers, which run on the
/// io_context's executor, go through here.
template <class F>
void run_callback(LoopHooks* hooks, F&& f) {
  enter_callback(hooks);
  struct Leave {
    LoopHooks* hooks;
    ~Leave() { leave_callback(hooks); }
  } leave{hooks};
  before_callback(hooks);
  std::forward<F>(f)();
  after_callback(hooks);
}

/// Wraps an io_context executor (`Inner`, one of its required or preferred variants) so
/// that every function it executes is a loop callback (run_callback): berth's internal
/// coroutines (connect, accept, the write pump), timers and posts that emit events run on
/// it. It costs Asio's type-erased dispatch on each completion (Asio invokes directly only
/// for the io_context's own executor), so the hot paths — I/O objects, the read-readiness
/// handler, users' coroutines — use the io_context's executor and run_callback by hand.
template <class Inner>
class BasicLoopExecutor {
 public:
  BasicLoopExecutor(Inner inner, LoopHooks* hooks) noexcept : inner_(std::move(inner)), hooks_(hooks) {}

  template <class Property>
    requires asio::can_query<const Inner&, const Property&>::value
  constexpr decltype(auto) query(const Property& property) const
      noexcept(asio::is_nothrow_query<const Inner&, const Property&>::value) {
    return asio::query(inner_, property);
  }

  template <class Property>
    requires asio::can_require<const Inner&, const Property&>::value
  auto require(const Property& property) const {
    using Required = std::decay_t<decltype(asio::require(inner_, property))>;
    return BasicLoopExecutor<Required>(asio::require(inner_, property), hooks_);
  }

  template <class Property>
    requires asio::can_prefer<const Inner&, const Property&>::value
  auto prefer(const Property& property) const {
    using Preferred = std::decay_t<decltype(asio::prefer(inner_, property))>;
    return BasicLoopExecutor<Preferred>(asio::prefer(inner_, property), hooks_);
  }

  template <class Function>
  void execute(Function&& f) const {
    asio::execution::execute(inner_, Callback<std::decay_t<Function>>{std::forward<Function>(f), hooks_});
  }

  const Inner& inner() const noexcept { return inner_; }
  LoopHooks* hooks() const noexcept { return hooks_; }

  friend bool operator==(const BasicLoopExecutor& a, const BasicLoopExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.hooks_ == b.hooks_;
  }
  friend bool operator!=(const BasicLoopExecutor& a, const BasicLoopExecutor& b) noexcept { return !(a == b); }

 private:
  template <class F>
  struct Callback {
    F f;
    LoopHooks* hooks;
    void operator()() { run_callback(hooks, std::move(f)); }
  };

  Inner inner_;
  LoopHooks* hooks_;
};

using LoopExecutor = BasicLoopExecutor<asio::io_context::executor_type>;

/// `loop`'s executor whose functions are loop callbacks (see BasicLoopExecutor).
asio::any_io_executor callback_executor(Loop& loop) noexcept;

/// The io_context's own executor beneath a callback executor (any other returned as it
/// is): what berth's I/O objects are made on, whatever coroutine makes them.
inline asio::any_io_executor io_executor(const asio::any_io_executor& executor) noexcept {
  if (const auto* wrapped = executor.target<LoopExecutor>()) return wrapped->inner();
  return executor;
}

}  // namespace berth::detail
