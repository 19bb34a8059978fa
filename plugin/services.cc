// plugin/services.cc — builds the module's service objects over the host's services.
// Temp files live in the plugin's own data folder, committed files in the host's store.
#include "plugin/services.h"

namespace cd {

Services::Services(crm::HostServices& host)
    : host_(host),
      types_(host),
      settings_(host),
      files_(host.DataDir(), host.Files()),
      documents_(host, types_, files_),
      journal_(host) {}

}  // namespace cd
