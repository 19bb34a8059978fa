// sample-host/app/client_store.cc — implementation of client_store.h (being written).
// Placeholder so the target builds while the headers are reviewed.
#include "sample-host/app/client_store.h"
