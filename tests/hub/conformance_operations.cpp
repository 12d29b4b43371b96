// Store conformance (both engines): the back office's operations calls.
#include "store_conformance.h"
