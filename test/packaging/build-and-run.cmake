# Runs one packaging step (cmake -P):
#   -DINSTALL_FROM=<build dir> -DPREFIX=<dir> [-DCONFIG=<cfg>]: a fresh `cmake --install`;
#   -DSETTINGS=<file> [-DCONFIG=<cfg>]: configure, build (-j2) and run a consumer project;
#     the file sets project_source, project_binary and configure_args.
cmake_minimum_required(VERSION 3.25)

set(config_args)
if(CONFIG)
  set(config_args --config ${CONFIG})
endif()

if(INSTALL_FROM)
  file(REMOVE_RECURSE ${PREFIX})
  execute_process(COMMAND ${CMAKE_COMMAND} --install ${INSTALL_FROM} --prefix ${PREFIX} ${config_args}
                  COMMAND_ERROR_IS_FATAL ANY)
  return()
endif()

include(${SETTINGS})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${project_source} -B ${project_binary} ${configure_args}
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${project_binary} --parallel 2 ${config_args}
                COMMAND_ERROR_IS_FATAL ANY)
# Single-config generators put the program in the build directory, multi-config ones
# in a directory per configuration.
set(program ${project_binary}/packaging_test)
if(CONFIG AND EXISTS ${project_binary}/${CONFIG}/packaging_test)
  set(program ${project_binary}/${CONFIG}/packaging_test)
endif()
execute_process(COMMAND ${program} COMMAND_ERROR_IS_FATAL ANY)
