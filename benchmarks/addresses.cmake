# Address benchmarks: isIP against inet_pton, BlockList::check against a linear
# scan (and, through bench_addresses.sh, against Node's BlockList).
add_executable(bench_is_ip ${CMAKE_CURRENT_LIST_DIR}/bench_is_ip.cpp)
target_link_libraries(bench_is_ip PRIVATE berth::berth)
target_compile_options(bench_is_ip PRIVATE -Wall -Wextra)

add_executable(bench_block_list ${CMAKE_CURRENT_LIST_DIR}/bench_block_list.cpp)
target_link_libraries(bench_block_list PRIVATE berth::berth)
target_compile_options(bench_block_list PRIVATE -Wall -Wextra)
