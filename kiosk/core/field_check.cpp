// Placeholder until the field checks land.
#include "kiosk/core/field_check.h"
