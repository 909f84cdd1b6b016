#pragma once
// berth's awaitables need Asio's C++20 coroutine support. Asio 1.22 does not detect it
// under clang with libstdc++: berth's CMake target (berth::berth) and its pkg-config
// file (berth.pc) define the two macros; a build with neither stops here, in words.

#include <asio/detail/config.hpp>

#if !defined(ASIO_HAS_CO_AWAIT) || !defined(ASIO_HAS_STD_COROUTINE)
#error "berth needs Asio's C++20 coroutines: compile with -std=c++20 (or later) and, with clang, define ASIO_HAS_CO_AWAIT=1 and ASIO_HAS_STD_COROUTINE=1 (berth::berth in CMake and `pkg-config --cflags berth` do)"
#endif
