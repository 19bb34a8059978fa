# host-api/cmake/CrmPlugin.cmake — how a library is built against host-api.
#   crm_embed_files(<target> DIR <dir> FUNCTION <ns::Name> MODE migrations|files [GLOBS <pattern>...])
#     adds a generated source defining ns::Name() from the files of DIR, regenerated
#     when a file changes (see embed_files.cmake for the two shapes).
#   crm_add_plugin(<target> SOURCES ... [OUTPUT_DIR <dir>])
#     a MODULE library: hidden visibility (only the entry and the manifest are
#     exported), no undefined symbols (all a plugin needs comes through HostServices),
#     no "lib" prefix, written to OUTPUT_DIR (default <build>/plugins, the folder
#     sample-host loads by default)/<target>.so.
set(CRM_HOST_API_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(crm_embed_files target)
  cmake_parse_arguments(ARG "" "DIR;FUNCTION;MODE" "GLOBS" ${ARGN})
  if(NOT ARG_GLOBS)
    if(ARG_MODE STREQUAL "migrations")
      set(ARG_GLOBS "*.sql")
    else()
      set(ARG_GLOBS "*")
    endif()
  endif()
  string(MAKE_C_IDENTIFIER "${ARG_FUNCTION}" stem)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${stem}_embedded.cc")
  set(deps "")
  foreach(g IN LISTS ARG_GLOBS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS "${ARG_DIR}/${g}")
    list(APPEND deps ${found})
  endforeach()
  string(REPLACE ";" "\\;" globs_arg "${ARG_GLOBS}")
  # The file names go on the command line too: ninja reruns a command when its line
  # changes, so removing or renaming a file regenerates the source (a deleted migration
  # must not stay embedded). The script ignores this argument.
  set(names "")
  foreach(f IN LISTS deps)
    file(RELATIVE_PATH rel "${ARG_DIR}" "${f}")
    string(APPEND names "${rel},")
  endforeach()
  string(SHA256 names_hash "${names}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DDIR=${ARG_DIR}" "-DGLOBS=${globs_arg}" "-DOUT_FILE=${out}"
            "-DFUNCTION=${ARG_FUNCTION}" "-DMODE=${ARG_MODE}" "-DFILES_HASH=${names_hash}"
            -P "${CRM_HOST_API_CMAKE_DIR}/embed_files.cmake"
    DEPENDS ${deps} "${CRM_HOST_API_CMAKE_DIR}/embed_files.cmake"
    COMMENT "Embedding ${ARG_DIR} (${ARG_MODE})"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

function(crm_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIR}")
  target_link_libraries(${target} PRIVATE crm_host_api)
  if(NOT CRM_SANITIZE)
    # Under ASan the runtime symbols come from the host executable.
    target_link_options(${target} PRIVATE "-Wl,-z,defs")
  endif()
endfunction()
