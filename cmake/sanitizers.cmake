# EEGD_SANITIZE applies to everything built in this tree (the asan and tsan presets).
if(EEGD_SANITIZE)
  add_compile_options(-fsanitize=${EEGD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EEGD_SANITIZE})
endif()
