# KITH_SANITIZE=ON builds everything with AddressSanitizer and UndefinedBehaviorSanitizer (CI runs the tests so).
option(KITH_SANITIZE "Build with ASan and UBSan" OFF)
if(KITH_SANITIZE)
  # -O1 keeps the instrumented suite fast enough for CI while keeping stack traces usable.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1)
  add_link_options(-fsanitize=address,undefined)
endif()
