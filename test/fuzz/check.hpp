#pragma once
// EXPECT for the fuzz targets: a broken invariant aborts, so libFuzzer keeps the input.

#include <cstdio>
#include <cstdlib>

namespace berth::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace berth::fuzz

#define EXPECT(condition)                            \
  do {                                               \
    if (!(condition)) ::berth::fuzz::fail(#condition); \
  } while (0)
