#pragma once
// berth::detail::LoopExecutor: the executor of a berth::Loop, an io_context executor that
// runs Node's "after every callback" step (the nextTick queue drains) once each handler
// it runs returns.

#include <asio/execution.hpp>
#include <asio/io_context.hpp>
#include <asio/prefer.hpp>
#include <asio/query.hpp>
#include <asio/require.hpp>
#include <type_traits>
#include <utility>

namespace berth::detail {

/// What a loop does after each callback: drain its nextTick queue, and, inside
/// Loop::run(), stop the io_context once nothing keeps the loop alive. Defined in loop.cpp.
struct LoopHooks;
void enter_callback(LoopHooks* hooks) noexcept;
void after_callback(LoopHooks* hooks);
void leave_callback(LoopHooks* hooks) noexcept;

/// Wraps an io_context executor (`Inner`, one of its required or preferred variants).
/// Every function it executes — each completion handler of the loop's I/O objects and
/// timers, each posted function, each resumption of a coroutine spawned on the loop — is
/// followed by the loop's after-callback step, wherever Asio runs it. So Loop::run() can
/// call io_context::run() once, instead of one run_one() per handler, and Asio's
/// per-thread recycling of operation and coroutine-frame memory (which lives as long as
/// one run()/run_one() call) spans the whole run: steady state allocates nothing.
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
    void operator()() {
      // A callback run inside another (an inline dispatch) leaves the step to the outer.
      struct Scope {
        LoopHooks* hooks;
        explicit Scope(LoopHooks* h) noexcept : hooks(h) { enter_callback(h); }
        ~Scope() { leave_callback(hooks); }
      } scope(hooks);
      std::move(f)();
      after_callback(hooks);  // not after a throw: the exception leaves run() first
    }
  };

  Inner inner_;
  LoopHooks* hooks_;
};

using LoopExecutor = BasicLoopExecutor<asio::io_context::executor_type>;

}  // namespace berth::detail
