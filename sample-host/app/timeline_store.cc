// sample-host/app/timeline_store.cc — implementation of timeline_store.h (being written).
// Placeholder so the target builds while the headers are reviewed.
#include "sample-host/app/timeline_store.h"
