// alloc_counter: counts every heap allocation of the process it is linked into.
// Link the object library `alloc_counter` into a server (see echo.cmake). The count is
//  - printed to stderr on SIGUSR1,
//  - kept in the first 8 bytes of the file named by $BERTH_ALLOC_COUNT_FILE, if set, so that
//    `loadgen --alloc-file FILE` can read it before and after a run,
//  - returned by berth_alloc_count() for in-process use.
#pragma once

#include <cstdint>

extern "C" std::uint64_t berth_alloc_count() noexcept;
