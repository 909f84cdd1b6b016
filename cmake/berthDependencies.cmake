# Dependencies are taken from the system first and fetched only when missing.
# A parent project may also provide the targets (asio::asio, spdlog::spdlog,
# Catch2::Catch2) before adding berth; berth then uses those.
include(FetchContent)

# Asio ships no CMake package: berth defines asio::asio itself.
if(NOT TARGET asio::asio)
  find_path(BERTH_ASIO_INCLUDE_DIR asio.hpp DOC "Directory holding standalone Asio's asio.hpp")
  if(NOT BERTH_ASIO_INCLUDE_DIR)
    message(STATUS "berth: standalone Asio not found, fetching it")
    FetchContent_Declare(asio_upstream
      URL https://github.com/chriskohlhoff/asio/archive/refs/tags/asio-1-28-0.tar.gz)
    FetchContent_MakeAvailable(asio_upstream)
    set(BERTH_ASIO_INCLUDE_DIR ${asio_upstream_SOURCE_DIR}/asio/include CACHE PATH
        "Directory holding standalone Asio's asio.hpp" FORCE)
    # Cached, as the fetch happens only on the first configure. A fetched Asio is
    # installed beside berth's headers so that the package does not point into this build.
    set(BERTH_ASIO_FETCHED ON CACHE INTERNAL "")
  endif()
  file(STRINGS ${BERTH_ASIO_INCLUDE_DIR}/asio/version.hpp berth_asio_version_line
       REGEX "^#define ASIO_VERSION ")
  string(REGEX REPLACE ".*// ([0-9.]+).*" "\\1" BERTH_ASIO_VERSION "${berth_asio_version_line}")
  message(STATUS "berth: standalone Asio ${BERTH_ASIO_VERSION} in ${BERTH_ASIO_INCLUDE_DIR}")

  find_package(Threads REQUIRED)
  add_library(berth_asio INTERFACE)
  add_library(asio::asio ALIAS berth_asio)
  set_target_properties(berth_asio PROPERTIES EXPORT_NAME asio)
  # The installed include directory is filled in by berthConfig.cmake, which finds
  # Asio on the machine that uses the package.
  target_include_directories(berth_asio SYSTEM INTERFACE $<BUILD_INTERFACE:${BERTH_ASIO_INCLUDE_DIR}>)
  # Asio 1.22 detects co_await on clang only through the Coroutines TS header
  # <experimental/coroutine>, which libstdc++ lacks; C++20 <coroutine> works, so say so.
  # ASIO_DISABLE_STD_ALIGNED_ALLOC: Asio 1.22 picks aligned_alloc/free or operator
  # new/delete for its recycled frames by testing _GLIBCXX_HAVE_ALIGNED_ALLOC, which is
  # only defined once some standard header came first. A translation unit that includes
  # Asio first then gets the other pair, and the linker keeps one copy of each inline
  # function: memory from aligned_alloc freed with operator delete (AddressSanitizer's
  # alloc-dealloc-mismatch). One choice for every translation unit removes the split.
  target_compile_definitions(berth_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
    ASIO_DISABLE_STD_ALIGNED_ALLOC
    $<$<CXX_COMPILER_ID:Clang>:ASIO_HAS_CO_AWAIT=1 ASIO_HAS_STD_COROUTINE=1>)
  target_link_libraries(berth_asio INTERFACE Threads::Threads)
endif()

# OpenSSL 3, for berth::tls (through asio::ssl). Found on the system only: a TLS library
# is the system's to update, not berth's to fetch. A parent project may bring its own
# OpenSSL::SSL and OpenSSL::Crypto targets.
if(NOT TARGET OpenSSL::SSL)
  find_package(OpenSSL 3 REQUIRED)
  message(STATUS "berth: OpenSSL ${OPENSSL_VERSION} (${OPENSSL_SSL_LIBRARY})")
endif()

if(NOT TARGET spdlog::spdlog)
  # A fetched spdlog has to be installed (and exported) with berth, and be
  # position-independent to go into a shared libberth.
  if(BERTH_INSTALL)
    set(SPDLOG_INSTALL ON CACHE BOOL "")
  endif()
  if(BUILD_SHARED_LIBS)
    set(SPDLOG_BUILD_PIC ON CACHE BOOL "")
  endif()
  FetchContent_Declare(spdlog
    URL https://github.com/gabime/spdlog/archive/refs/tags/v1.10.0.tar.gz
    FIND_PACKAGE_ARGS 1.10)
  FetchContent_MakeAvailable(spdlog)
  if(DEFINED spdlog_SOURCE_DIR)
    message(STATUS "berth: spdlog fetched into ${spdlog_SOURCE_DIR}")
  else()
    message(STATUS "berth: spdlog ${spdlog_VERSION} from ${spdlog_DIR}")
  endif()
endif()

if(BERTH_BUILD_TESTS AND NOT TARGET Catch2::Catch2)
  FetchContent_Declare(Catch2
    URL https://github.com/catchorg/Catch2/archive/refs/tags/v2.13.10.tar.gz
    FIND_PACKAGE_ARGS 2.13)
  FetchContent_MakeAvailable(Catch2)
  if(DEFINED catch2_SOURCE_DIR)
    # Catch.cmake (catch_discover_tests) lives in contrib/ of a fetched Catch2 2.x;
    # an installed one puts its directory on the module path itself.
    list(APPEND CMAKE_MODULE_PATH ${catch2_SOURCE_DIR}/contrib)
    message(STATUS "berth: Catch2 fetched into ${catch2_SOURCE_DIR}")
  else()
    message(STATUS "berth: Catch2 ${Catch2_VERSION} from ${Catch2_DIR}")
  endif()
endif()
