#include "berth/loop.hpp"

#include "berth/detail/live_link.hpp"
#include "berth/detail/loop_executor.hpp"
#include "berth/detail/pending_operation.hpp"
#include "berth/event_emitter.hpp"

#include <asio/execution_context.hpp>
#include <asio/query.hpp>
#include <asio/execution/context.hpp>
#include <asio/post.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "berth/error.hpp"

namespace berth {
namespace {
class RefCountService;
}

// The after-callback step's state (see LoopExecutor).
struct detail::LoopHooks {
  // The ref count (first: HandleRef and its Requests hold a pointer to it, from which
  // count_released() finds the rest).
  std::size_t count = 0;
  RefCountService* state = nullptr;
  asio::io_context* context = nullptr;
  std::size_t depth = 0;       // callbacks running, nested ones included
  bool stop_when_idle = false;  // inside Loop::run(): stop the context once nothing is alive
  bool stopped_idle = false;    // ... and it was stopped so
  bool idle_check_posted = false;
};

namespace {

// The ref count lives in the io_context itself, so every object built on an
// executor of that context counts in the same place, whoever made the Loop.
class RefCountService : public asio::execution_context::service {
 public:
  using key_type = RefCountService;
  static inline asio::execution_context::id id;
  explicit RefCountService(asio::execution_context& ctx) : service(ctx) {
    hooks.state = this;
  }
  detail::LoopHooks hooks;
  // Node's nextTick queue and its microtask queue (settled promises: the awaiting
  // coroutines the event layer resumes): vectors drained front to back, reused so that
  // steady state allocates nothing for the queues themselves.
  struct Queue {
    std::vector<detail::Task> tasks;
    std::size_t head = 0;
    bool empty() const noexcept { return head == tasks.size(); }
    // Runs every queued task, including tasks queued by tasks. Returns how many ran.
    std::size_t drain() {
      std::size_t ran = 0;
      while (head < tasks.size()) {
        auto f = std::move(tasks[head++]);
        if (head == tasks.size()) {
          tasks.clear();
          head = 0;
        }
        ++ran;
        f();  // may throw: the queue stays consistent for the next drain
      }
      return ran;
    }
    void destroy() {
      while (!tasks.empty()) {
        auto queued = std::move(tasks);
        tasks.clear();
        head = 0;
        queued.clear();
      }
    }
  };
  Queue ticks;
  Queue microtasks;
  bool drain_posted = false;
  // Servers and sockets alive on this context (see LiveLink).
  detail::LiveLink* live = nullptr;
  // Operations waiting on emitters (see PendingOperation).
  detail::PendingOperation* pending = nullptr;
  bool shut_down = false;

  bool has_ticks() const noexcept { return !ticks.empty() || !microtasks.empty(); }

  // Node's processTicksAndRejections: every tick, then every microtask, again until both
  // queues are empty. Returns how many ran.
  std::size_t drain_ticks() {
    std::size_t ran = 0;
    do {
      ran += ticks.drain();
      ran += microtasks.drain();
    } while (!ticks.empty());
    return ran;
  }

 private:
  // Breaks the listener cycles of whatever is still alive. The emitters are held while
  // their listeners go, so none is destroyed while the list is being walked.
  void shutdown() override {
    shut_down = true;
    std::vector<std::shared_ptr<EventEmitter>> alive;
    while (detail::LiveLink* link = live) {
      if (auto emitter = link->emitter.lock()) alive.push_back(std::move(emitter));
      link->held.reset();  // `alive` holds it now
      link->unlink();
    }
    for (auto& emitter : alive) emitter->loop_shutdown();
    // Each abandon() may free others (a coroutine frame that owned an emitter): always
    // take the list's head.
    while (detail::PendingOperation* operation = pending) {
      operation->unlink();
      operation->abandon();
    }
    // Ticks queued by all this (an off() schedules one holding its socket) will never run:
    // destroy them now, while the services the objects they hold need are still there, as
    // the io_context destroys its pending handlers.
    ticks.destroy();
    microtasks.destroy();
  }
};

RefCountService& state_of(asio::execution_context& ctx) { return asio::use_service<RefCountService>(ctx); }

std::size_t& counter_of(asio::execution_context& ctx) { return state_of(ctx).hooks.count; }

}  // namespace

void detail::enter_callback(LoopHooks* hooks) noexcept { ++hooks->depth; }

// The count fell to zero outside the callbacks the loop executor runs (in a handler
// scheduled on the io_context directly): Loop::run() still ends, once what is queued ran.
void detail::count_released(std::size_t* counter) noexcept {
  static_assert(std::is_standard_layout_v<LoopHooks>);
  auto* hooks = reinterpret_cast<LoopHooks*>(counter);
  if (!hooks->stop_when_idle || hooks->depth > 0 || hooks->idle_check_posted || !hooks->context) return;
  hooks->idle_check_posted = true;
  asio::post(*hooks->context, [hooks] {
    hooks->idle_check_posted = false;
    hooks->state->drain_ticks();
    if (hooks->stop_when_idle && hooks->count == 0) {
      hooks->stopped_idle = true;
      hooks->context->stop();
    }
  });
}
void detail::leave_callback(LoopHooks* hooks) noexcept { --hooks->depth; }

// Ticks queued by code that ran outside the loop's callbacks (a coroutine resumed on the
// io_context's executor, a function posted there) run before the next callback, as Node
// drains them before it handles further I/O. (Their posted drain finds the queue empty.)
// A tick that throws here must not cost the callback it precedes (an I/O completion lost
// would stall its socket): the exception leaves run() from a handler of its own, next.
void detail::before_callback(LoopHooks* hooks) noexcept {
  if (hooks->depth != 1) return;
  try {
    hooks->state->drain_ticks();
  } catch (...) {
    asio::post(*hooks->context, [e = std::current_exception()] { std::rethrow_exception(e); });
  }
}

detail::LoopHooks* detail::hooks_of(Loop& loop) noexcept { return loop.hooks_; }

asio::any_io_executor detail::callback_executor(Loop& loop) noexcept {
  return LoopExecutor(loop.context().get_executor(), hooks_of(loop));
}

// Node's step after every callback: the nextTick queue drains; and in Loop::run(), once no
// handle is alive and no tick is left, the io_context stops so that run() can finish with
// what is ready (see run_as_current).
void detail::after_callback(LoopHooks* hooks) {
  if (hooks->depth != 1) return;
  RefCountService& state = *hooks->state;
  state.drain_ticks();
  if (hooks->stop_when_idle && state.hooks.count == 0 && hooks->context) {
    hooks->stopped_idle = true;
    hooks->context->stop();
  }
}

namespace {
// The thread's current loop: what the event layer's factories and berth::run() use.
thread_local Loop* current_loop = nullptr;
}  // namespace

// An owned io_context is run by one thread, and every I/O object on it is used on that
// thread only (README, "Thread rules"): Asio's per-descriptor lock has nothing to guard,
// so it is off (UNSAFE_IO: two mutex operations fewer per readiness wait and per I/O
// completion). The scheduler keeps its lock: posting from other threads stays safe.
Loop::Loop()
    : owned_(std::make_unique<asio::io_context>(ASIO_CONCURRENCY_HINT_UNSAFE_IO)),
      context_(owned_.get()),
      hooks_(&state_of(*context_).hooks) {
  if (!current_loop) current_loop = this;
  hooks_->context = context_;
}
Loop::Loop(asio::io_context& context) : context_(&context), hooks_(&state_of(*context_).hooks) {
  if (!current_loop) current_loop = this;
  hooks_->context = context_;
}
Loop::~Loop() {
  if (current_loop == this) current_loop = nullptr;
}

Loop* detail::current_loop() noexcept { return berth::current_loop; }

Loop& Loop::current() {
  if (current_loop) return *current_loop;
  thread_local Loop loop;  // becomes current_loop as it is constructed
  current_loop = &loop;    // again, should a user's loop have come and gone meanwhile
  return loop;
}

namespace {
// Makes a loop the thread's current one while its run() runs.
class CurrentWhileRunning {
 public:
  explicit CurrentWhileRunning(Loop* loop) noexcept : previous_(current_loop) { current_loop = loop; }
  ~CurrentWhileRunning() { current_loop = previous_; }
  CurrentWhileRunning(const CurrentWhileRunning&) = delete;
  CurrentWhileRunning& operator=(const CurrentWhileRunning&) = delete;

 private:
  Loop* previous_;
};
}  // namespace

std::size_t Loop::run() {
  Loop* previous = current_loop;
  std::size_t handled = run_as_current();
  // Two loops on one thread, by mistake: objects made on the current loop, another loop run.
  if (handled == 0 && previous && previous != this && previous->context_ != context_ &&
      counter_of(*previous->context_) > 0)
    throw Error("ERR_INVALID_STATE",
                "Invalid state: Loop::run() found nothing to do, while this thread's current loop "
                "(Loop::current(), which net::createServer, net::connect, setTimeout and berth::run use) has " +
                    std::to_string(counter_of(*previous->context_)) +
                    " active handles or requests. Construct your Loop before making those objects, so it "
                    "is the thread's current loop, or run the current loop with berth::run().");
  return handled;
}

std::size_t Loop::run_as_current() {
  CurrentWhileRunning as_current(this);
  RefCountService& state = *hooks_->state;
  std::size_t handled = 0;
  context_->restart();
  for (;;) {
    // As in Node, the nextTick queue drains after every callback (the loop executor's
    // after-callback step does it for the handlers it runs; this, for the others).
    handled += state.drain_ticks();
    if (state.hooks.count > 0) {
      // One run() for as long as something is alive: the after-callback step stops it
      // when nothing is. (One run_one() per handler would cost a run_one() call each,
      // and Asio's recycled memory would be freed at the end of every one.)
      struct StopWhenIdle {
        detail::LoopHooks& hooks;
        explicit StopWhenIdle(detail::LoopHooks& h) noexcept : hooks(h) {
          hooks.stop_when_idle = true;
          hooks.stopped_idle = false;
        }
        ~StopWhenIdle() { hooks.stop_when_idle = false; }
      } stop_when_idle(state.hooks);
      std::size_t n = context_->run();
      handled += n;
      if (state.hooks.stopped_idle) {
        context_->restart();  // nothing alive: what is ready runs below, then run() ends
        continue;
      }
      if (n == 0 || context_->stopped()) break;  // stopped by stop(), or nothing pending
      continue;
    } else {
      // No ref'd handle: run what is ready (it may ref something), then stop.
      std::size_t n = context_->poll_one();
      if (n == 0 && !state.has_ticks()) break;
      handled += n;
    }
    if (context_->stopped()) break;
  }
  return handled;
}

void Loop::queue_tick(detail::Task task) {
  hooks_->state->ticks.tasks.push_back(std::move(task));
  post_drain();
}

void Loop::queue_microtask(detail::Task task) {
  hooks_->state->microtasks.tasks.push_back(std::move(task));
  post_drain();
}

void Loop::post_drain() {
  RefCountService& state = *hooks_->state;
  // Inside a loop callback, its after-callback step drains the queues. Outside (a
  // coroutine's code, a function posted on the io_context), the next callback drains them
  // first (before_callback), or this handler if none comes before it.
  if (!state.drain_posted && state.hooks.depth == 0) {
    state.drain_posted = true;
    detail::LoopHooks* hooks = hooks_;
    asio::post(*context_, [hooks] {
      hooks->state->drain_posted = false;
      detail::run_callback(hooks, [] {});
    });
  }
}

void Loop::stop() { context_->stop(); }

asio::any_io_executor Loop::get_executor() noexcept { return context_->get_executor(); }

void detail::LiveLink::link(asio::io_context& context, std::weak_ptr<EventEmitter> member) {
  RefCountService& state = state_of(context);
  if (head || state.shut_down) return;
  emitter = std::move(member);
  head = &state.live;
  next = state.live;
  if (next) next->prev = this;
  state.live = this;
}

void detail::PendingOperation::link(asio::execution_context& context) {
  if (head) return;
  // The thread's loop without a service lookup (a mutex and a walk of the registry,
  // per awaited read otherwise).
  Loop* loop = berth::current_loop;
  RefCountService& state = loop && static_cast<asio::execution_context*>(&loop->context()) == &context
                               ? *hooks_of(*loop)->state
                               : state_of(context);
  head = &state.pending;
  next = state.pending;
  if (next) next->prev = this;
  state.pending = this;
}

void detail::PendingOperation::unlink() noexcept {
  if (!head) return;
  if (prev) prev->next = next;
  else *head = next;
  if (next) next->prev = prev;
  prev = next = nullptr;
  head = nullptr;
}

void detail::LiveLink::unlink() noexcept {
  if (!head) return;
  if (prev) prev->next = next;
  else *head = next;
  if (next) next->prev = prev;
  prev = next = nullptr;
  head = nullptr;
}

std::size_t Loop::ref_count() const noexcept { return counter_of(*context_); }

HandleRef::HandleRef(const asio::any_io_executor& executor)
    : counter_(&counter_of(asio::query(executor, asio::execution::context))) {}

HandleRef::HandleRef(HandleRef&& other) noexcept
    : counter_(other.counter_),
      activities_(other.activities_),
      flag_(other.flag_),
      refd_(other.refd_),
      counted_(other.counted_) {
  for (Activity* a = activities_; a; a = a->next_) a->owner_ = this;
  other.activities_ = nullptr;
  other.flag_ = false;
  other.counted_ = false;
}

HandleRef& HandleRef::operator=(HandleRef&& other) noexcept {
  if (this != &other) {
    detach_activities();
    flag_ = false;
    update();
    counter_ = other.counter_;
    activities_ = other.activities_;
    flag_ = other.flag_;
    refd_ = other.refd_;
    counted_ = other.counted_;
    for (Activity* a = activities_; a; a = a->next_) a->owner_ = this;
    other.activities_ = nullptr;
    other.flag_ = false;
    other.counted_ = false;
  }
  return *this;
}

HandleRef::~HandleRef() {
  detach_activities();
  flag_ = false;
  update();
}

// Activities outliving their handle (an operation still completing after its stream
// was destroyed) end without touching it.
void HandleRef::detach_activities() noexcept {
  Activity* a = activities_;
  while (a) {
    Activity* next = a->next_;
    a->owner_ = nullptr;
    a->prev_ = a->next_ = nullptr;
    a = next;
  }
  activities_ = nullptr;
}

void HandleRef::update() noexcept {
  bool counts = refd_ && (flag_ || activities_ != nullptr);
  if (counts != counted_) {
    if (counts) ++*counter_;
    else if (--*counter_ == 0) detail::count_released(counter_);
    counted_ = counts;
  }
}

}  // namespace berth
