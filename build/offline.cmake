# Offline build of deno_core's QuickJS engine: use simde from Debian's libsimde-dev
# instead of letting CMake's FetchContent download it.
set(FETCHCONTENT_SOURCE_DIR_SIMDE "/usr/include" CACHE PATH "simde from libsimde-dev" FORCE)
