# tests/cmake/e2e_suite.cmake — crm_add_e2e_suite: one end-to-end suite (a GoogleTest executable
# that drives the real sample-host over HTTP) and its CTest runs, the same shape for every suite.
#
#   crm_add_e2e_suite(NAME
#     SOURCES file.cc ...
#     [LIBRARIES lib ...]        linked besides crm_test_e2e_env, crm_test_e2e_helpers, Boost::json
#                                and GTest::gtest_main
#     [DEFINITIONS "X=\"...\"" ...]  compile definitions besides PREFIX_SAMPLE_HOST and
#                                PREFIX_PLUGIN_DIR
#     [DEPENDS target ...]       built first besides sample-host (and client-documents when
#                                PLUGIN_DIR is not given)
#     [PREFIX CD_E2E]            the macros' prefix: CD_E2E (the module's suites) or CRM_E2E (host)
#     [PLUGIN_DIR dir]           the --plugins folder; the module's build folder by default
#     [TIMEOUT 300]              of each test of the SQLite run (one CTest entry per test)
#     [LABELS label ...]         of the SQLite run's tests
#     [PG]                       also each test again as NAME's `<test>.pg` on PostgreSQL (the
#                                `pg` fixture's server; each site its own database)
#     [PG_S3]                    also the whole binary as one entry `NAME.pg` on PostgreSQL + S3
#                                (the `pg` and `s3` fixtures; each site its own database and
#                                bucket): gtest_discover_tests flattens list-valued properties (two
#                                fixtures, two variables), plain add_test keeps them
#     [PG_TIMEOUT 900])          of the `.pg` entries (default: TIMEOUT for PG, 900 for PG_S3)
#
# The PostgreSQL and S3 runs get their servers' URLs in CRM_E2E_PG_URL and CRM_E2E_S3_URL
# (tests/support/e2e_env.h); crm_e2e_engines_env() gives the same variables to other tests.

# The environment of a run on PostgreSQL (+ S3 with "S3"): the `pg` fixture's server
# (tests/pg, CRM_TEST_PG_PORT) and the `s3` fixture's (tests/storage, CRM_TEST_S3_PORT).
function(crm_e2e_engines_env out)
  set(env "CRM_E2E_PG_URL=postgresql://postgres@127.0.0.1:${CRM_TEST_PG_PORT}/crm")
  if("S3" IN_LIST ARGN)
    list(APPEND env
      "CRM_E2E_S3_URL=s3://test?endpoint=http://127.0.0.1:${CRM_TEST_S3_PORT}&region=us-east-1")
  endif()
  set(${out} "${env}" PARENT_SCOPE)
endfunction()

function(crm_add_e2e_suite name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "PG;PG_S3" "PREFIX;PLUGIN_DIR;TIMEOUT;PG_TIMEOUT"
                        "SOURCES;LIBRARIES;DEFINITIONS;DEPENDS;LABELS")
  if(NOT arg_PREFIX)
    set(arg_PREFIX CD_E2E)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  if(NOT arg_PLUGIN_DIR)
    set(arg_PLUGIN_DIR "$<TARGET_FILE_DIR:client-documents>")
    list(APPEND arg_DEPENDS client-documents)
  endif()
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE crm_test_e2e_env crm_test_e2e_helpers ${arg_LIBRARIES}
                        Boost::json GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    "${arg_PREFIX}_SAMPLE_HOST=\"$<TARGET_FILE:sample-host>\""
    "${arg_PREFIX}_PLUGIN_DIR=\"${arg_PLUGIN_DIR}\"" ${arg_DEFINITIONS})
  add_dependencies(${name} sample-host ${arg_DEPENDS})

  set(properties TIMEOUT ${arg_TIMEOUT})
  if(arg_LABELS)
    list(APPEND properties LABELS ${arg_LABELS})
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${properties})
  if(arg_PG)
    if(NOT arg_PG_TIMEOUT)
      set(arg_PG_TIMEOUT ${arg_TIMEOUT})
    endif()
    crm_e2e_engines_env(pg_env)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 TEST_SUFFIX .pg PROPERTIES
      TIMEOUT ${arg_PG_TIMEOUT} FIXTURES_REQUIRED pg LABELS postgres ENVIRONMENT "${pg_env}")
  endif()
  if(arg_PG_S3)
    if(NOT arg_PG_TIMEOUT)
      set(arg_PG_TIMEOUT 900)
    endif()
    crm_e2e_engines_env(engines_env S3)
    add_test(NAME ${name}.pg COMMAND ${name} --gtest_brief=1)
    set_tests_properties(${name}.pg PROPERTIES TIMEOUT ${arg_PG_TIMEOUT}
      FIXTURES_REQUIRED "pg;s3" LABELS "postgres;s3" ENVIRONMENT "${engines_env}")
  endif()
endfunction()
