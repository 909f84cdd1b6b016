#pragma once
// berth::detail::BlockCache: a thread's few freed blocks of one size, re-used.

#include <cstddef>
#include <new>
#include <utility>

namespace berth::detail {

/// A thread's cache of a few freed blocks of one size (`Tag` names the kind of object), for
/// objects many connections allocate and free in turn: re-using them allocates nothing.
/// Header-only so that the allocation inlines into the operation that asks for it.
template <class Tag>
class BlockCache {
 public:
  static void* allocate(std::size_t size) {
    State& cache = state;
    if (cache.size == size)
      for (void*& block : cache.blocks)
        if (block != nullptr) return std::exchange(block, nullptr);
    return ::operator new(size);
  }

  static void deallocate(void* block, std::size_t size) noexcept {
    State& cache = state;
    if (!cache.gone && (cache.size == size || cache.size == 0)) {
      // The first block this thread keeps registers the release at its exit. Here, not in
      // allocate(): a block may be freed on a thread that never allocated one (a wait begun
      // on one thread of a pool, completed on another).
      if (cache.size == 0) register_release();
      cache.size = size;
      for (void*& slot : cache.blocks)
        if (slot == nullptr) {
          slot = block;
          return;
        }
    }
    ::operator delete(block);
  }

 private:
  struct State {
    void* blocks[4] = {};
    std::size_t size = 0;  // of every cached block: they are all one type's
    bool gone = false;     // the thread is exiting: free blocks at once
  };
  struct Release {
    ~Release() {
      for (void*& block : state.blocks)
        if (block != nullptr) ::operator delete(std::exchange(block, nullptr));
      state.gone = true;
    }
  };
  static void register_release() noexcept { thread_local Release release; }
  static thread_local State state;  // trivially destructible: valid all thread long
};
template <class Tag>
thread_local typename BlockCache<Tag>::State BlockCache<Tag>::state;

}  // namespace berth::detail
