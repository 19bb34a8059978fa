// plugin/services.cc — builds the module's service objects over the host's services.
// The file store lives in the plugin's own data folder.
#include "plugin/services.h"

namespace cd {

Services::Services(crm::HostServices& host)
    : host_(host),
      types_(host),
      settings_(host),
      files_(host.DataDir()),
      documents_(host, types_, files_),
      journal_(host) {}

}  // namespace cd
