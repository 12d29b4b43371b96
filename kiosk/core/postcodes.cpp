// Placeholder until the postcode table lands.
#include "kiosk/core/postcodes.h"
