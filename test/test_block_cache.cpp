#include "berth/detail/block_cache.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <thread>
#include <vector>

// From test_event_emitter.cpp, which replaces operator new and delete for the program.
namespace berth::test {
void watch_deletes(void* const* blocks, std::size_t count) noexcept;
std::size_t watched_blocks_deleted() noexcept;
}  // namespace berth::test

namespace {

struct TestBlocks;
using Cache = berth::detail::BlockCache<TestBlocks>;
constexpr std::size_t kBlockSize = 200;

void watch(const std::vector<void*>& blocks) {
  berth::test::watch_deletes(blocks.data(), blocks.size());
}

TEST_CASE("BlockCache re-uses a freed block of its size on the same thread", "[block_cache]") {
  std::thread([] {
    void* first = Cache::allocate(kBlockSize);
    Cache::deallocate(first, kBlockSize);
    void* again = Cache::allocate(kBlockSize);
    CHECK(again == first);
    Cache::deallocate(again, kBlockSize);
  }).join();
}

TEST_CASE("BlockCache frees the blocks a thread kept when that thread exits, "
          "also when the thread never allocated one", "[block_cache]") {
  // A wait begun on one thread of a pool and completed on another frees its block on a
  // thread whose cache never allocated: that thread's cache must still give it back.
  std::vector<void*> blocks;
  std::thread([&] {
    for (int i = 0; i < 3; ++i) blocks.push_back(Cache::allocate(kBlockSize));
  }).join();
  watch(blocks);
  std::size_t during = 0;
  std::thread([&] {
    for (void* block : blocks) Cache::deallocate(block, kBlockSize);
    during = berth::test::watched_blocks_deleted();
  }).join();
  CHECK(during == 0);  // kept while the thread lives
  CHECK(berth::test::watched_blocks_deleted() == 3);

  SECTION("and a thread that allocated frees what it kept too") {
    std::vector<void*> own;
    std::thread([&] {
      own = {Cache::allocate(kBlockSize), Cache::allocate(kBlockSize)};
      watch(own);
      Cache::deallocate(own[0], kBlockSize);
      Cache::deallocate(own[1], kBlockSize);
    }).join();
    CHECK(berth::test::watched_blocks_deleted() == 2);
  }
}

TEST_CASE("BlockCache keeps four blocks and frees the fifth at once", "[block_cache]") {
  std::size_t during = 0;
  std::thread([&] {
    std::vector<void*> blocks;
    for (int i = 0; i < 5; ++i) blocks.push_back(Cache::allocate(kBlockSize));
    watch(blocks);
    for (void* block : blocks) Cache::deallocate(block, kBlockSize);
    during = berth::test::watched_blocks_deleted();
  }).join();
  CHECK(during == 1);
  CHECK(berth::test::watched_blocks_deleted() == 5);
}

}  // namespace
