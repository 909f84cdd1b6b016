#pragma once
// berth::detail::WaitAllocator: a block of its own size for each readiness wait that an
// idle connection keeps pending.

#include <cstddef>

namespace berth::detail {

/// The kinds of readiness wait, each with a per-thread cache of freed blocks of its one
/// size: the event layer's (net::Socket's read wait) and the coroutine core's
/// (Stream::wait_readable).
enum class WaitBlocks { socket, stream };

/// A block of `size` bytes for a wait of `kind` (one the thread freed, when it has one).
void* allocate_wait_block(WaitBlocks kind, std::size_t size);
/// Returns a block from allocate_wait_block(kind, size).
void deallocate_wait_block(WaitBlocks kind, void* block, std::size_t size) noexcept;

/// The allocator a readiness wait's handler associates with its operation. Every idle
/// connection keeps one such operation; with Asio's default recycling allocator it would
/// sit in whatever block the thread freed last, often a larger one (an accept operation's
/// 320 bytes), for as long as the connection stays idle.
template <class T, WaitBlocks Kind>
struct WaitAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = WaitAllocator<U, Kind>;
  };
  WaitAllocator() noexcept = default;
  template <class U>
  WaitAllocator(const WaitAllocator<U, Kind>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_wait_block(Kind, n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { deallocate_wait_block(Kind, p, n * sizeof(T)); }
  template <class U>
  friend bool operator==(const WaitAllocator&, const WaitAllocator<U, Kind>&) noexcept {
    return true;
  }
};

}  // namespace berth::detail
