// Store conformance (both engines): the back office's agents calls.
#include "store_conformance.h"
