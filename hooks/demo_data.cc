// hooks/demo_data.cc — the module's demo data (host API 1.1 DemoSeeder, SPEC H9): four document
// types as in the seeds, the client-area settings, and documents for some demo clients so every
// state shows.
#include <memory>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "host-api/hooks.h"
#include "host-api/http.h"
#include "plugin/access.h"
#include "plugin/documents/use_cases.h"

namespace cd::hooks {
namespace {

LocalizedText Text(std::string en, std::string fr, std::string nl) {
  LocalizedText t;
  t.en = std::move(en);
  t.fr = std::move(fr);
  t.nl = std::move(nl);
  return t;
}

// A small valid PDF (one empty page): enough for libmagic and for a browser to open.
std::string TinyPdf(const std::string& title) {
  std::string objects[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                           "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
                           " /Resources << /Font << /F1 5 0 R >> >> >>",
                           "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string stream = "BT /F1 24 Tf 72 760 Td (" + title + ") Tj ET";
  objects[3] =
      "<< /Length " + std::to_string(stream.size()) + " >>\nstream\n" + stream + "\nendstream";
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < 5; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 6\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    std::string n = std::to_string(off);
    pdf += std::string(10 - n.size(), '0') + n + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// Stores `pdf` as the client's document of `type` through the upload use case (sniffing,
// hashing, atomic write, archive, timeline), as staff would.
crm::Status UploadDemo(Context& ctx, const crm::Principal& staff, int64_t client_id,
                       const DocumentType& type, const std::string& file_name,
                       const std::string& pdf,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string boundary = "demo-boundary-5f3a";
  std::string body;
  for (const auto& [k, v] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v +
            "\r\n";
  }
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
          file_name + "\"\r\nContent-Type: application/pdf\r\n\r\n" + pdf + "\r\n--" + boundary +
          "--\r\n";
  size_t pos = 0;
  UploadRequest request;
  request.client_id = client_id;
  request.type_id = type.id;
  request.content_type = "multipart/form-data; boundary=" + boundary;
  request.content_length = body.size();
  request.read = [&](char* out, size_t size) -> crm::Result<size_t> {
    size_t n = std::min(size, body.size() - pos);
    body.copy(out, n, pos);
    pos += n;
    return n;
  };
  return UploadDocument(ctx.services, staff, request).status();
}

// The four document types of the seeds, created in this order.
crm::Result<std::vector<DocumentType>> CreateDemoTypes(Context& ctx) {
  struct Spec {
    LocalizedText name, help;
    UploadMode mode;
    std::vector<FieldDef> fields;
    int max_files;
  };
  std::vector<Spec> specs = {
      {Text("Identity document", "Pièce d'identité", "Identiteitsbewijs"),
       Text("Front and back of your ID card or passport.",
            "Recto et verso de votre carte d'identité ou passeport.",
            "Voor- en achterkant van uw identiteitskaart of paspoort."),
       UploadMode::kRequired,
       {{"date_of_issue", Text("Date of issue", "Date de délivrance", "Datum van afgifte"),
         FieldType::kDate, true},
        {"place_of_issue", Text("Place of issue", "Lieu de délivrance", "Plaats van afgifte"),
         FieldType::kText, false}},
       2},
      {Text("Signed contract", "Contrat signé", "Ondertekend contract"),
       Text("The contract, signed on every page.", "Le contrat, signé à chaque page.",
            "Het contract, op elke pagina ondertekend."),
       UploadMode::kRequired,
       {},
       1},
      {Text("Proof of address", "Justificatif de domicile", "Bewijs van woonplaats"),
       Text("A utility bill of less than three months.", "Une facture de moins de trois mois.",
            "Een factuur van minder dan drie maanden oud."),
       UploadMode::kOptional,
       {},
       1},
      {Text("Compliance certificate", "Certificat de conformité", "Conformiteitsattest"),
       Text("Issued by our office.", "Délivré par notre bureau.", "Uitgereikt door ons kantoor."),
       UploadMode::kAdminOnly,
       {{"reference", Text("Reference", "Référence", "Referentie"), FieldType::kText, false}},
       1},
  };
  std::vector<DocumentType> types;
  for (const Spec& s : specs) {
    TypeDraft d;
    d.name = s.name;
    d.help = s.help;
    d.upload_mode = s.mode;
    d.fields = s.fields;
    d.max_files = s.max_files;
    CRM_ASSIGN_OR_RETURN(DocumentType t, ctx.services.types().Create(d));
    types.push_back(t);
  }

  return types;
}

// The client-area settings of the demo: menu entry on, gate off, a translated intro.
crm::Status SaveDemoSettings(Context& ctx) {
  Settings settings;
  settings.show_menu_entry = true;
  settings.mandatory_gate = false;
  settings.intro_markdown = Text(
      "Welcome! Please send us the documents below.\n\n"
      "- **Required** documents are needed before we can open your file.\n"
      "- Photos taken with your phone are fine: make sure the text is readable.\n",
      "Bienvenue ! Merci de nous transmettre les documents ci-dessous.\n\n"
      "- Les documents **obligatoires** sont nécessaires à l’ouverture de votre dossier.\n"
      "- Les photos prises avec votre téléphone conviennent : veillez à ce que le texte soit "
      "lisible.\n",
      "Welkom! Bezorg ons de onderstaande documenten.\n\n"
      "- **Verplichte** documenten zijn nodig voordat we uw dossier kunnen openen.\n"
      "- Foto’s genomen met uw telefoon zijn goed: zorg dat de tekst leesbaar is.\n");
  return ctx.services.settings().Save(settings);
}

crm::Status SeedDemo(Context& ctx, const std::vector<int64_t>& client_ids) {
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> existing, ctx.services.types().List(true));
  if (!existing.empty()) return crm::Status::Ok();  // never over an admin's own types
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, CreateDemoTypes(ctx));
  CRM_RETURN_IF_ERROR(SaveDemoSettings(ctx));

  // Staff acting for the demo: every document permission.
  crm::Principal staff;
  staff.kind = crm::Principal::Kind::kAdmin;
  staff.display_name = "Demo";
  staff.permissions = {kPermRead, kPermWrite, kPermSettings};
  // Clients 1..6 complete, 7..12 half-way, the rest have nothing yet.
  for (size_t i = 0; i < client_ids.size() && i < 12; ++i) {
    int64_t id = client_ids[i];
    CRM_RETURN_IF_ERROR(
        UploadDemo(ctx, staff, id, types[0], "identity-card.pdf", TinyPdf("Identity card"),
                   {{"date_of_issue", "2023-03-14"}, {"place_of_issue", "Bruxelles"}}));
    if (i < 6) {
      CRM_RETURN_IF_ERROR(
          UploadDemo(ctx, staff, id, types[1], "contract-signed.pdf", TinyPdf("Contract"), {}));
      CRM_RETURN_IF_ERROR(UploadDemo(ctx, staff, id, types[3], "certificate.pdf",
                                     TinyPdf("Certificate"),
                                     {{"reference", "C-2026-0" + std::to_string(i + 1)}}));
    }
  }
  return crm::Status::Ok();
}

}  // namespace

crm::Status RegisterDemoData(crm::Registrar& registrar, const ContextPtr& ctx) {
  return registrar.AddDemoSeeder(crm::DemoSeeder{
      "types-and-documents",
      [ctx](const std::vector<int64_t>& client_ids) { return SeedDemo(*ctx, client_ids); }});
}

}  // namespace cd::hooks
