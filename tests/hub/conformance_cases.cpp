// Store conformance (both engines): the back office's cases calls.
#include "store_conformance.h"
