#pragma once
// berth::detail::UniqueFunction: a move-only callable that keeps small callables inline;
// detail::Task, the void() one the nextTick queue holds.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace berth::detail {

template <class Signature, std::size_t InlineSize>
class UniqueFunction;

/// A move-only `R(Args...)` callable. Unlike std::function (16 bytes inline in libstdc++,
/// and only for trivially copyable callables), it stores any callable of up to
/// `InlineSize` bytes without allocating, including ones that own a handler or a
/// shared_ptr; larger ones go to the heap. Calling an empty one is undefined.
template <class R, class... Args, std::size_t InlineSize>
class UniqueFunction<R(Args...), InlineSize> {
 public:
  static constexpr std::size_t inline_size = InlineSize;

  UniqueFunction() noexcept = default;
  UniqueFunction(std::nullptr_t) noexcept {}  // NOLINT: as std::function's

  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> && !std::is_same_v<std::decay_t<F>, std::nullptr_t> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
  UniqueFunction(F&& f) {  // NOLINT: implicit, as std::function's
    using T = std::decay_t<F>;
    if constexpr (std::is_constructible_v<bool, const T&>) {
      if (!static_cast<bool>(f)) return;  // a null function pointer, an empty std::function: empty
    }
    if constexpr (fits_inline<T>) {
      ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
      ops_ = &inline_ops<T>;
    } else {
      *reinterpret_cast<T**>(storage_) = new T(std::forward<F>(f));
      ops_ = &heap_ops<T>;
    }
  }

  UniqueFunction(UniqueFunction&& other) noexcept { take(other); }
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  UniqueFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() { reset(); }

  R operator()(Args... args) const { return ops_->call(const_cast<unsigned char*>(storage_), std::forward<Args>(args)...); }
  explicit operator bool() const noexcept { return ops_ != nullptr; }

 private:
  struct Ops {
    R (*call)(void* self, Args&&... args);
    void (*move)(void* from, void* to) noexcept;  // leaves `from` empty (destroyed)
    void (*destroy)(void* self) noexcept;
  };

  template <class T>
  static constexpr bool fits_inline = sizeof(T) <= inline_size && alignof(T) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<T>;

  template <class T>
  static constexpr Ops inline_ops{
      [](void* self, Args&&... args) -> R { return (*static_cast<T*>(self))(std::forward<Args>(args)...); },
      [](void* from, void* to) noexcept {
        ::new (to) T(std::move(*static_cast<T*>(from)));
        static_cast<T*>(from)->~T();
      },
      [](void* self) noexcept { static_cast<T*>(self)->~T(); }};

  template <class T>
  static constexpr Ops heap_ops{
      [](void* self, Args&&... args) -> R { return (**static_cast<T**>(self))(std::forward<Args>(args)...); },
      [](void* from, void* to) noexcept { *static_cast<T**>(to) = *static_cast<T**>(from); },
      [](void* self) noexcept { delete *static_cast<T**>(self); }};

  void take(UniqueFunction& other) noexcept {
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

/// What the nextTick queue holds: a socket's "after write" tick (the socket, its write
/// callback and a shared_ptr) fits inline, so writing allocates nothing per message.
using Task = UniqueFunction<void(), 80>;

}  // namespace berth::detail
