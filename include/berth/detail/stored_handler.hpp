#pragma once
// berth::detail::StoredHandler: one pending completion handler of any type, parked in an
// object that waits for something else (an event, a socket's data) to complete it.

#include "berth/loop.hpp"
#include <asio/any_io_executor.hpp>
#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/post.hpp>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace berth::detail {

/// Holds one completion handler for a signature `void(Args...)`, type-erased, until
/// post() sends it its arguments. A handler that fits `InlineSize` bytes (an awaiting
/// coroutine's handler is a pointer or two) lives inside the object: parking and
/// completing it allocate nothing. A larger one (a
/// callback with big captures) goes to the heap.
///
/// The handler runs on its associated executor, or on the fallback given to emplace() (a
/// plain callback has none: it runs on the loop, not on Asio's system thread pool), never
/// inside post(): the waiting code resumes after whatever completed it has returned (a
/// microtask of the loop, see settle()).
template <std::size_t InlineSize, class... Args>
class StoredHandler {
 public:
  StoredHandler() = default;
  StoredHandler(const StoredHandler&) = delete;
  StoredHandler& operator=(const StoredHandler&) = delete;
  ~StoredHandler() { reset(); }

  /// Parks `handler` (none may be parked yet).
  template <class Handler>
  void emplace(Handler&& handler, const asio::any_io_executor& fallback) {
    using H = std::decay_t<Handler>;
    if constexpr (fits_inline<H>) {
      object_ = ::new (static_cast<void*>(storage_)) H(std::forward<Handler>(handler));
    } else {
      object_ = new H(std::forward<Handler>(handler));
    }
    vtable_ = &vtable_for<H>;
    fallback_ = fallback;
  }

  explicit operator bool() const noexcept { return object_ != nullptr; }

  /// The parked handler's cancellation slot (unconnected when none is parked).
  asio::cancellation_slot slot() const noexcept { return object_ ? vtable_->slot(object_) : asio::cancellation_slot(); }

  /// Clears the parked handler's cancellation slot: done before completing by any route
  /// other than the slot's own handler, which must not clear itself.
  void clear_slot() noexcept {
    if (object_) vtable_->slot(object_).clear();
  }

  /// Posts the handler with `args` to its executor; nothing is parked afterwards.
  void post(Args... args) {
    void* object = std::exchange(object_, nullptr);
    vtable_->post(object, object == static_cast<void*>(storage_), fallback_, std::move(args)...);
  }

  /// Destroys the parked handler without calling it (the io_context shuts down: a
  /// suspended coroutine's frame is freed, as Asio frees its own pending handlers).
  void reset() noexcept {
    if (void* object = std::exchange(object_, nullptr)) vtable_->destroy(object, object == static_cast<void*>(storage_));
  }

 private:
  struct VTable {
    void (*post)(void* object, bool in_place, const asio::any_io_executor& fallback, Args&&... args);
    void (*destroy)(void* object, bool in_place) noexcept;
    asio::cancellation_slot (*slot)(void* object) noexcept;
  };

  template <class H>
  static constexpr bool fits_inline = sizeof(H) <= InlineSize && alignof(H) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<H>;

  template <class H>
  static void destroy_object(void* object, bool in_place) noexcept {
    if (in_place) static_cast<H*>(object)->~H();
    else delete static_cast<H*>(object);
  }

  template <class H>
  static constexpr VTable vtable_for{
      [](void* object, bool in_place, const asio::any_io_executor& fallback, Args&&... args) {
        H handler(std::move(*static_cast<H*>(object)));
        destroy_object<H>(object, in_place);
        auto executor = asio::get_associated_executor(handler, fallback);
        settle(executor, [handler = std::move(handler), ... args = std::move(args)]() mutable {
          std::move(handler)(std::move(args)...);
        });
      },
      &destroy_object<H>,
      [](void* object) noexcept -> asio::cancellation_slot {
        return asio::get_associated_cancellation_slot(*static_cast<H*>(object));
      },
  };

  alignas(std::max_align_t) unsigned char storage_[InlineSize];
  void* object_ = nullptr;
  const VTable* vtable_ = nullptr;
  asio::any_io_executor fallback_;
};

}  // namespace berth::detail
