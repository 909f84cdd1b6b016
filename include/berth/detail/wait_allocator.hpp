#pragma once
// berth::detail::WaitAllocator: a block of its own size for each readiness wait that an
// idle connection keeps pending.

#include <cstddef>

#include "berth/detail/block_cache.hpp"

namespace berth::detail {

/// The kinds of readiness wait, each with a per-thread cache of freed blocks of its one
/// size: the event layer's (net::Socket's read wait) and the coroutine core's
/// (Stream::wait_readable).
struct SocketWaitBlocks;
struct StreamWaitBlocks;

/// The allocator a readiness wait's handler associates with its operation. Every idle
/// connection keeps one such operation; with Asio's default recycling allocator it would
/// sit in whatever block the thread freed last, often a larger one (an accept operation's
/// 320 bytes), for as long as the connection stays idle.
template <class T, class Kind>
struct WaitAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = WaitAllocator<U, Kind>;
  };
  WaitAllocator() noexcept = default;
  template <class U>
  WaitAllocator(const WaitAllocator<U, Kind>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(BlockCache<Kind>::allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { BlockCache<Kind>::deallocate(p, n * sizeof(T)); }
  template <class U>
  friend bool operator==(const WaitAllocator&, const WaitAllocator<U, Kind>&) noexcept {
    return true;
  }
};

}  // namespace berth::detail
