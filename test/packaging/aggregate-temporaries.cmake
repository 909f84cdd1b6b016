# Compiles aggregate_temporaries/spellings.cpp once per spelling, -fsyntax-only, with
# the flags a consumer of berth::berth gets, and checks what berth does with each.
#   cmake -DCXX=... -DFLAGS=a|b|c [-DIMPLICIT=dir|dir] -DSOURCE=... -DEXPECT=rejected|accepted -P this file
# Spelling 0 (the safe ones) must compile everywhere. Spellings 1-5 pass a temporary
# ConnectOptions: with EXPECT=rejected (g++ before 13) each must fail with berth's
# static_assert text; with EXPECT=accepted (other compilers) each must compile.
foreach(var CXX FLAGS SOURCE EXPECT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "aggregate-temporaries.cmake needs -D${var}=...")
  endif()
endforeach()

string(REPLACE "|" ";" flags "${FLAGS}")
# Empty include directories or definitions (a generator expression that yields nothing
# for this compiler) leave a bare -I or -D, which would swallow the next argument.
list(FILTER flags EXCLUDE REGEX "^-[ID]$")
# The compiler's own include directories (IMPLICIT, |-separated), which CMake leaves off
# its command lines too: an explicit -I/usr/include can upset libstdc++'s #include_next.
string(REPLACE "|" ";" implicit "${IMPLICIT}")
foreach(dir IN LISTS implicit)
  list(REMOVE_ITEM flags "-I${dir}")
endforeach()
list(REMOVE_DUPLICATES flags)

set(message_regex "g\\+\\+ before 13 destroys an aggregate temporary twice when its statement also has a co_await")
set(failures "")
foreach(spelling 0 1 2 3 4 5)
  execute_process(
    COMMAND ${CXX} ${flags} -fsyntax-only -DBERTH_SPELLING=${spelling} ${SOURCE}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(spelling EQUAL 0 OR EXPECT STREQUAL "accepted")
    if(NOT result EQUAL 0)
      string(APPEND failures "spelling ${spelling} should compile, but:\n${out}\n")
    else()
      message(STATUS "spelling ${spelling}: compiles")
    endif()
  else()
    if(result EQUAL 0)
      string(APPEND failures "spelling ${spelling} should be refused by berth's static_assert, but it compiles\n")
    elseif(NOT out MATCHES "${message_regex}")
      string(APPEND failures "spelling ${spelling} fails, but without berth's message:\n${out}\n")
    else()
      string(REGEX MATCH "[^\n]*static assertion failed[^\n]*" line "${out}")
      message(STATUS "spelling ${spelling}: refused: ${line}")
    endif()
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
