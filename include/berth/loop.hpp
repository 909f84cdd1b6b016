#pragma once
// berth::Loop: an event loop over asio::io_context with Node's ref/unref rule:
// run() returns once only unref'd handles remain.

#include <asio/any_io_executor.hpp>
#include <asio/io_context.hpp>
#include <cstddef>
#include <memory>
#include <type_traits>

#include "berth/detail/task.hpp"

namespace berth {

/// An event loop over an `asio::io_context`. It either owns its context or attaches
/// to one the application already has. Handles (acceptors, streams, timers) count
/// themselves in the context while they are active and ref'd; `run()` returns when
/// that count is zero and no ready handler is left, as Node's process exits.
class Loop {
 public:
  /// A loop that owns its io_context.
  Loop();
  /// A loop attached to an existing io_context (which must outlive it).
  explicit Loop(asio::io_context& context);
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop();

  /// The loop of this thread, created on first use (Node's one loop per thread).
  static Loop& current();

  /// The underlying io_context.
  asio::io_context& context() noexcept { return *context_; }
  /// The context's executor, for `asio::co_spawn` and berth's objects.
  asio::any_io_executor get_executor() noexcept { return context_->get_executor(); }

  /// Runs handlers until no ref'd handle is active and no handler is ready.
  /// Exceptions thrown by handlers (an unheard 'error', a listener's throw)
  /// propagate out of run(); calling run() again resumes the loop.
  std::size_t run();
  /// Makes run() return as soon as possible.
  void stop();
  /// How many ref'd, active handles the loop has now.
  std::size_t ref_count() const noexcept;

  /// Node's process.nextTick: `f` runs after the current handler returns and before
  /// the loop handles any further I/O, in the order queued. (When the io_context is
  /// run directly rather than through run(), the queue still drains, as a posted handler.)
  /// Callables of up to 64 bytes are queued without allocating.
  template <class F>
    requires std::is_invocable_v<std::decay_t<F>&>
  void nextTick(F&& f) {
    queue_tick(detail::Task(std::forward<F>(f)));
  }

 private:
  void queue_tick(detail::Task task);

  std::unique_ptr<asio::io_context> owned_;
  asio::io_context* context_;
};

/// Runs the loop of this thread (Loop::current().run()).
inline std::size_t run() { return Loop::current().run(); }

/// A handle's share in keeping its loop alive: it counts while both active and
/// ref'd. Acceptors, streams and timers embed one; user code rarely needs it.
class HandleRef {
 public:
  explicit HandleRef(const asio::any_io_executor& executor);
  HandleRef(const HandleRef&) = delete;
  HandleRef& operator=(const HandleRef&) = delete;
  HandleRef(HandleRef&& other) noexcept;
  HandleRef& operator=(HandleRef&& other) noexcept;
  ~HandleRef();

  /// Marks the handle active (listening, open, armed).
  void activate() noexcept { set(true, refd_); }
  /// Marks the handle inactive (closed, disarmed).
  void deactivate() noexcept { set(false, refd_); }
  /// Lets the handle keep the loop alive (the default).
  void ref() noexcept { set(active_, true); }
  /// Stops the handle from keeping the loop alive.
  void unref() noexcept { set(active_, false); }
  /// Whether the handle is ref'd (whatever its activity).
  bool has_ref() const noexcept { return refd_; }
  /// Whether the handle is active.
  bool active() const noexcept { return active_; }

 private:
  void set(bool active, bool refd) noexcept;
  std::size_t* counter_;
  bool active_ = false;
  bool refd_ = true;
};

}  // namespace berth
