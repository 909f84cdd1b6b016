# Dependencies are taken from the system first and fetched only when missing.
include(FetchContent)

# Asio ships no CMake package: berth defines asio::asio itself.
if(NOT TARGET asio::asio)
  find_path(BERTH_ASIO_INCLUDE_DIR asio.hpp)
  if(NOT BERTH_ASIO_INCLUDE_DIR)
    FetchContent_Declare(asio_upstream
      URL https://github.com/chriskohlhoff/asio/archive/refs/tags/asio-1-28-0.tar.gz)
    FetchContent_MakeAvailable(asio_upstream)
    set(BERTH_ASIO_INCLUDE_DIR ${asio_upstream_SOURCE_DIR}/asio/include CACHE PATH "" FORCE)
  endif()
  find_package(Threads REQUIRED)
  add_library(berth_asio INTERFACE)
  add_library(asio::asio ALIAS berth_asio)
  set_target_properties(berth_asio PROPERTIES EXPORT_NAME asio)
  target_include_directories(berth_asio SYSTEM INTERFACE $<BUILD_INTERFACE:${BERTH_ASIO_INCLUDE_DIR}>)
  target_compile_definitions(berth_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
    $<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1>)
  # g++ 12 warns about Asio's own coroutine frame allocator (a false positive:
  # the frame's operator new and delete are a matching pair).
  target_compile_options(berth_asio INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)
  target_link_libraries(berth_asio INTERFACE Threads::Threads)
endif()

if(NOT TARGET spdlog::spdlog)
  FetchContent_Declare(spdlog
    URL https://github.com/gabime/spdlog/archive/refs/tags/v1.10.0.tar.gz
    FIND_PACKAGE_ARGS 1.10)
  FetchContent_MakeAvailable(spdlog)
endif()

if(BERTH_BUILD_TESTS AND NOT TARGET Catch2::Catch2)
  FetchContent_Declare(Catch2
    URL https://github.com/catchorg/Catch2/archive/refs/tags/v2.13.10.tar.gz
    FIND_PACKAGE_ARGS 2.13)
  FetchContent_MakeAvailable(Catch2)
endif()
