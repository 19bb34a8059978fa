// sample-host/app/money.h — amounts of money as whole cents: the host's names for text/money.h
// (one copy, shared with the module).
#pragma once

#include "text/money.h"

namespace host {

using crm::text::CentsToDecimal;
using crm::text::FormatCount;
using crm::text::FormatMoney;
using crm::text::ParseAmountCents;

}  // namespace host
