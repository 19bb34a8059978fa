# tests/server_fixture.cmake — crm_add_server_fixture(NAME SCRIPT DIR PORT LABEL): a CTest fixture
# that starts a throw-away server on loopback with a .ci script (`SCRIPT start DIR PORT`) before the
# first test that requires NAME and stops it (`SCRIPT stop DIR`) after the last.
function(crm_add_server_fixture name script dir port label)
  add_test(NAME ${name}_start COMMAND "${CMAKE_SOURCE_DIR}/.ci/${script}" start "${dir}" ${port})
  set_tests_properties(${name}_start PROPERTIES FIXTURES_SETUP ${name} LABELS ${label} TIMEOUT 120)
  add_test(NAME ${name}_stop COMMAND "${CMAKE_SOURCE_DIR}/.ci/${script}" stop "${dir}")
  set_tests_properties(${name}_stop PROPERTIES FIXTURES_CLEANUP ${name} LABELS ${label} TIMEOUT 120)
endfunction()
