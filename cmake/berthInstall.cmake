# Install rules and the package files that make find_package(berth) work, both
# after `cmake --install` and (through export()) straight from a build tree.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(berth_install_targets berth)
# berth_asio exists only when berth defined asio::asio itself (not when a parent
# project brought its own target).
if(TARGET berth_asio)
  list(APPEND berth_install_targets berth_asio)
endif()
install(TARGETS ${berth_install_targets} EXPORT berthTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(BERTH_ASIO_FETCHED)
  install(DIRECTORY ${BERTH_ASIO_INCLUDE_DIR}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.ipp")
endif()
install(EXPORT berthTargets NAMESPACE berth:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/berth)
export(EXPORT berthTargets NAMESPACE berth:: FILE ${PROJECT_BINARY_DIR}/berthTargets.cmake)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/berthConfig.cmake.in
  ${PROJECT_BINARY_DIR}/berthConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/berth
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
# 0.x releases may break the API at every minor version.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/berthConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/berthConfig.cmake ${PROJECT_BINARY_DIR}/berthConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/berth)

# berth.pc, for builds without CMake. It carries berth_asio's compile definitions,
# clang's coroutine ones included (harmless for g++), since pkg-config cannot tell
# the compilers apart.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(berth_pc_prefix_from_pcfiledir "")
  message(WARNING "berth: an absolute CMAKE_INSTALL_LIBDIR makes berth.pc name fixed paths")
else()
  file(RELATIVE_PATH berth_pc_prefix_from_pcfiledir "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
endif()
set(berth_pc_defines "-DASIO_STANDALONE -DASIO_NO_DEPRECATED -DASIO_DISABLE_STD_ALIGNED_ALLOC")
string(APPEND berth_pc_defines " -DASIO_HAS_CO_AWAIT=1 -DASIO_HAS_STD_COROUTINE=1")
set(berth_pc_requires "spdlog openssl >= 3")
configure_file(${CMAKE_CURRENT_LIST_DIR}/berth.pc.in ${PROJECT_BINARY_DIR}/berth.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/berth.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
