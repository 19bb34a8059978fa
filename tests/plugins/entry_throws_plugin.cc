// tests/plugins/entry_throws_plugin.cc — a hand-written entry (not CRM_PLUGIN) that lets an
// exception escape: the host must catch it, mark the plugin failed and keep running.
#include <stdexcept>

#include "host-api/plugin.h"

CRM_PLUGIN_MANIFEST("test-entry-throws", "Entry throws", "1.0.0");

CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar* registrar, crm::HostServices*,
                                           crm::Status*) {
  crm::ScheduledJob job;
  job.id = "never-committed";
  job.run = [] { return crm::Status::Ok(); };
  (void)registrar->AddScheduledJob(std::move(job));
  throw std::runtime_error("boom from the entry");
}
