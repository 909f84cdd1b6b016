#pragma once
// berth::AbortController / berth::AbortSignal: Node's (and the web's) cancellation pair.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "berth/error.hpp"

namespace berth {

/// A signal that an AbortController can fire once. Copies share one state, so a
/// signal can be handed to several operations (listen, connect, Socket).
class AbortSignal {
 public:
  using ListenerId = std::uint64_t;

  /// Whether abort() has been called.
  bool aborted() const noexcept { return state_->aborted; }
  /// The reason given to abort(): Node's AbortError unless the caller chose one.
  const Error& reason() const noexcept { return state_->reason; }
  /// Calls `f` once when the signal aborts (never if it already has: check aborted()).
  ListenerId onAbort(std::function<void()> f) {
    state_->listeners.push_back({++state_->next_id, std::move(f)});
    return state_->next_id;
  }
  /// Removes a listener added with onAbort.
  void removeListener(ListenerId id) {
    auto& ls = state_->listeners;
    for (auto it = ls.begin(); it != ls.end(); ++it)
      if (it->id == id) {
        ls.erase(it);
        return;
      }
  }
  /// A signal that is already aborted (Node's AbortSignal.abort()).
  static AbortSignal abort(Error reason = Error::aborted()) {
    AbortSignal s;
    s.state_->aborted = true;
    s.state_->reason = std::move(reason);
    return s;
  }

 private:
  friend class AbortController;
  struct Listener {
    ListenerId id;
    std::function<void()> f;
  };
  struct State {
    bool aborted = false;
    Error reason;
    ListenerId next_id = 0;
    std::vector<Listener> listeners;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

/// Owns a signal and fires it.
class AbortController {
 public:
  /// The signal to hand to operations.
  AbortSignal signal() const { return signal_; }
  /// Aborts: every listener runs once, in registration order.
  void abort(Error reason = Error::aborted()) {
    auto& state = *signal_.state_;
    if (state.aborted) return;
    state.aborted = true;
    state.reason = std::move(reason);
    auto listeners = std::move(state.listeners);
    state.listeners.clear();
    for (auto& l : listeners) l.f();
  }

 private:
  AbortSignal signal_;
};

}  // namespace berth
