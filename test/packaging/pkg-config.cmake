# The pkg-config packaging test (cmake -P): builds the find_package consumer's program
# without CMake, with what `pkg-config --cflags --libs berth` gives for the installed
# prefix, and runs it.
#   -DPREFIX=<install prefix> -DLIBDIR=<its lib directory, relative> -DCXX=<compiler>
#   -DSOURCE=<main.cpp> -DBINARY=<output directory> -DPKG_CONFIG=<pkg-config>
cmake_minimum_required(VERSION 3.25)

set(ENV{PKG_CONFIG_PATH} "${PREFIX}/${LIBDIR}/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs berth
                OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "pkg-config --cflags --libs berth: ${flags}")
separate_arguments(flags UNIX_COMMAND "${flags}")
file(MAKE_DIRECTORY ${BINARY})
execute_process(COMMAND ${CXX} -std=c++20 ${SOURCE} ${flags} -o ${BINARY}/packaging_test
                COMMAND_ERROR_IS_FATAL ANY)
# A shared libberth is found beside the install's other libraries.
set(ENV{LD_LIBRARY_PATH} "${PREFIX}/${LIBDIR}")
execute_process(COMMAND ${BINARY}/packaging_test COMMAND_ERROR_IS_FATAL ANY)
