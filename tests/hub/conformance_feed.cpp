// Store conformance (both engines): the back office's feed calls.
#include "store_conformance.h"
