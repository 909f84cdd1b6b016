#include "berth/detail/wait_allocator.hpp"

#include "block_cache.hpp"

namespace berth::detail {
namespace {
struct SocketWaitBlocks;
struct StreamWaitBlocks;
}  // namespace

void* allocate_wait_block(WaitBlocks kind, std::size_t size) {
  return kind == WaitBlocks::socket ? BlockCache<SocketWaitBlocks>::allocate(size)
                                    : BlockCache<StreamWaitBlocks>::allocate(size);
}

void deallocate_wait_block(WaitBlocks kind, void* block, std::size_t size) noexcept {
  if (kind == WaitBlocks::socket) BlockCache<SocketWaitBlocks>::deallocate(block, size);
  else BlockCache<StreamWaitBlocks>::deallocate(block, size);
}

}  // namespace berth::detail
