# The malloc that Kith's executables (the bot and the benchmarks) link: `kith_allocator`.
#
# jemalloc (Debian libjemalloc-dev) by default: ingest allocates and frees a few small strings per event on
# two threads (the event loop and the logic thread), and with jemalloc the bot's ingest path ran 13-22% faster
# than with glibc's malloc in the same runs (bench/README.md, "Ingest"). KITH_ALLOCATOR=system keeps glibc's.
# Sanitizer builds always keep the system one: ASan replaces malloc itself.
set(KITH_ALLOCATOR jemalloc CACHE STRING "malloc for the kith executable and the benchmarks: jemalloc or system")
set_property(CACHE KITH_ALLOCATOR PROPERTY STRINGS jemalloc system)

add_library(kith_allocator INTERFACE)
if(KITH_ALLOCATOR STREQUAL "jemalloc" AND NOT KITH_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(kith_allocator INTERFACE PkgConfig::JEMALLOC)
  target_compile_definitions(kith_allocator INTERFACE KITH_JEMALLOC=1)
elseif(NOT KITH_ALLOCATOR STREQUAL "system" AND NOT KITH_ALLOCATOR STREQUAL "jemalloc")
  message(FATAL_ERROR "KITH_ALLOCATOR is '${KITH_ALLOCATOR}': use jemalloc or system")
endif()
