// hooks/attestations.cc — wires attestations (issue 13): the PDF worker's supervisor (the
// cd-pdf-worker executable beside the module's .so, or $CD_PDF_WORKER), the service, its routes
// and its admin pages (attestation_pages.cc).
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include "hooks/attestation_pages.h"
#include "hooks/context.h"
#include "plugin/attestations/api_routes.h"

namespace cd::hooks {
namespace {

std::string WorkerPath() {
  if (const char* env = std::getenv("CD_PDF_WORKER"); env != nullptr && *env != '\0') return env;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&WorkerPath), &info) != 0 && info.dli_fname != nullptr)
    return (std::filesystem::path(info.dli_fname).parent_path() / "cd-pdf-worker").string();
  return "cd-pdf-worker";
}

}  // namespace

crm::Status RegisterAttestations(crm::Registrar& registrar, std::shared_ptr<Context> ctx) {
  attestations::PdfConverterOptions options;
  options.command = {WorkerPath(), "--profile", "{profile}"};
  options.work_dir = ctx->host.DataDir() / "attestations-tmp";
  auto converter = std::make_shared<attestations::PdfConverter>(options);
  auto service = std::shared_ptr<attestations::AttestationService>(
      new attestations::AttestationService(ctx->host, ctx->services.files(), *converter),
      [ctx, converter](attestations::AttestationService* s) { delete s; });
  CRM_RETURN_IF_ERROR(attestations::RegisterAttestationRoutes(registrar, service));
  CRM_RETURN_IF_ERROR(RegisterAttestationPages(registrar, ctx, service));
  // The worker starts with the host (LibreOfficeKit takes ~3 s to load), so that the first
  // request finds it warm; every 10 minutes a crashed or recycled worker is started again.
  return registrar.AddScheduledJobRunAtStart(
      crm::ScheduledJob{"pdf-worker-warm", 600, [converter]() { return converter->Warm(); }});
}

}  // namespace cd::hooks
