# Included by the consumer projects: berth keeps its warning flags to itself. Nothing
# its targets export (compile options, or definitions that carry flags) may change a
# consumer's warnings, as -Wno-mismatched-new-delete on asio::asio once did.
foreach(target berth::berth berth::asio asio::asio)
  if(NOT TARGET ${target})
    continue()
  endif()
  get_target_property(aliased ${target} ALIASED_TARGET)
  if(aliased)
    set(target ${aliased})
  endif()
  get_target_property(options ${target} INTERFACE_COMPILE_OPTIONS)
  if(options AND options MATCHES "-W")
    message(FATAL_ERROR "berth: ${target} pushes warning flags onto its consumers: ${options}")
  endif()
endforeach()
