#pragma once
// berth::detail::Task: a move-only void() callable that keeps small callables inline.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace berth::detail {

/// What the nextTick queue holds. Unlike std::function (16 bytes inline in libstdc++),
/// it stores callables of up to 64 bytes without allocating: a socket's "after write"
/// tick (the socket, a write callback and a shared_ptr) fits, so writing allocates
/// nothing per message. Larger callables go to the heap.
class Task {
 public:
  static constexpr std::size_t inline_size = 64;

  Task() noexcept = default;

  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, Task> && std::is_invocable_v<std::decay_t<F>&>)
  Task(F&& f) {  // NOLINT: implicit, as std::function's
    using T = std::decay_t<F>;
    if constexpr (fits_inline<T>) {
      ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
      ops_ = &inline_ops<T>;
    } else {
      *reinterpret_cast<T**>(storage_) = new T(std::forward<F>(f));
      ops_ = &heap_ops<T>;
    }
  }

  Task(Task&& other) noexcept { take(other); }
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  void operator()() { ops_->call(storage_); }
  explicit operator bool() const noexcept { return ops_ != nullptr; }

 private:
  struct Ops {
    void (*call)(void* self);
    void (*move)(void* from, void* to) noexcept;  // leaves `from` empty (destroyed)
    void (*destroy)(void* self) noexcept;
  };

  template <class T>
  static constexpr bool fits_inline = sizeof(T) <= inline_size && alignof(T) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<T>;

  template <class T>
  static constexpr Ops inline_ops{
      [](void* self) { (*static_cast<T*>(self))(); },
      [](void* from, void* to) noexcept {
        ::new (to) T(std::move(*static_cast<T*>(from)));
        static_cast<T*>(from)->~T();
      },
      [](void* self) noexcept { static_cast<T*>(self)->~T(); }};

  template <class T>
  static constexpr Ops heap_ops{
      [](void* self) { (**static_cast<T**>(self))(); },
      [](void* from, void* to) noexcept { *static_cast<T**>(to) = *static_cast<T**>(from); },
      [](void* self) noexcept { delete *static_cast<T**>(self); }};

  void take(Task& other) noexcept {
    ops_ = other.ops_;
    if (ops_) ops_->move(other.storage_, storage_);
    other.ops_ = nullptr;
  }
  void reset() noexcept {
    if (ops_) ops_->destroy(storage_);
    ops_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char storage_[inline_size];
  const Ops* ops_ = nullptr;
};

}  // namespace berth::detail
