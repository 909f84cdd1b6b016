# Echo benchmark harness (issue 6): the load generator, the peer echo servers and the
# allocation counter. run.sh builds and runs them; see README.md.
#
# To add one of berth's servers: write servers/berth_NAME_echo.cpp (it becomes the targets
# berth_NAME_echo and berth_NAME_echo_counted, see below) and give it a line in run.sh's server
# table. Any other server: berth_bench_server(NAME SOURCE LIBS...) here.

set(berth_bench_dir ${CMAKE_CURRENT_LIST_DIR})

# -O2 even in the default RelWithDebInfo build, and warnings on, for every harness target.
function(berth_bench_target target)
  target_compile_options(${target} PRIVATE -O2 -Wall -Wextra)
endfunction()

add_executable(loadgen ${berth_bench_dir}/loadgen.cpp)
target_compile_features(loadgen PRIVATE cxx_std_20)
# --tls: the TLS modes' client is asio::ssl over OpenSSL (found by the top-level CMakeLists).
target_link_libraries(loadgen PRIVATE asio::asio OpenSSL::SSL OpenSSL::Crypto)
berth_bench_target(loadgen)

# Links into a server to count its heap allocations (see alloc_counter.hpp). Its malloc would
# fight AddressSanitizer's, so the counted servers are left out of sanitizer builds.
set(berth_bench_counted_suffix _counted)
if(BERTH_SANITIZE)
  set(berth_bench_counted_suffix)
else()
  add_library(alloc_counter OBJECT ${berth_bench_dir}/alloc_counter.cpp)
  target_compile_features(alloc_counter PUBLIC cxx_std_20)
  target_include_directories(alloc_counter PUBLIC ${berth_bench_dir})
  berth_bench_target(alloc_counter)
endif()

# berth_bench_server(NAME SOURCE LIBS...): NAME, and NAME_counted linked with alloc_counter.
# The source is compiled once (an object library) and linked into both: the counter only
# replaces the allocation functions at link time.
function(berth_bench_server name source)
  add_library(${name}_objects OBJECT ${source})
  target_compile_features(${name}_objects PRIVATE cxx_std_20)
  target_link_libraries(${name}_objects PRIVATE ${ARGN})
  berth_bench_target(${name}_objects)
  foreach(suffix "" ${berth_bench_counted_suffix})
    add_executable(${name}${suffix} $<TARGET_OBJECTS:${name}_objects>)
    target_link_libraries(${name}${suffix} PRIVATE ${ARGN})
  endforeach()
  if(berth_bench_counted_suffix)
    target_link_libraries(${name}_counted PRIVATE alloc_counter)
  endif()
endfunction()

berth_bench_server(asio_echo ${berth_bench_dir}/servers/asio_echo.cpp asio::asio)
# The TLS peer: raw asio::ssl (servers/asio_tls_echo.cpp).
berth_bench_server(asio_tls_echo ${berth_bench_dir}/servers/asio_tls_echo.cpp asio::asio OpenSSL::SSL OpenSSL::Crypto)

# berth's own echo servers: every servers/berth_*.cpp, linked with berth, plus a _counted twin
# linked with alloc_counter for run.sh's allocation pass.
file(GLOB berth_bench_servers CONFIGURE_DEPENDS ${berth_bench_dir}/servers/berth_*.cpp)
foreach(src IN LISTS berth_bench_servers)
  get_filename_component(name ${src} NAME_WE)
  berth_bench_server(${name} ${src} berth::berth)
endforeach()

# libuv peer: only where pkg-config finds libuv (Debian: libuv1-dev).
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(BERTH_LIBUV QUIET IMPORTED_TARGET libuv)
endif()
if(BERTH_LIBUV_FOUND)
  enable_language(C)
  add_executable(libuv_echo ${berth_bench_dir}/servers/libuv_echo.c)
  target_link_libraries(libuv_echo PRIVATE PkgConfig::BERTH_LIBUV)
  berth_bench_target(libuv_echo)
else()
  message(STATUS "berth benchmarks: libuv not found (Debian: libuv1-dev), libuv_echo is not built")
endif()
