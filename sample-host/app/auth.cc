// sample-host/app/auth.cc — implementation of auth.h (being written).
// Placeholder so the target builds while the headers are reviewed.
#include "sample-host/app/auth.h"
