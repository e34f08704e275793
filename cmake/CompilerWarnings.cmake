# kith_set_warnings(<target>): the strict warning set every Kith target builds with.
# -Werror only when Kith is the top-level project, so packagers with newer compilers are not broken.
function(kith_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Wunused -Woverloaded-virtual -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    # GCC 12 reports coroutine frames (Asio awaitables) as mismatched new/delete: a known false positive.
    -Wno-mismatched-new-delete)
  if(PROJECT_IS_TOP_LEVEL AND KITH_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
option(KITH_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" ON)
