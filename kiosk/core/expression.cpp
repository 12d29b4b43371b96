// Placeholder until the expression language lands.
#include "kiosk/core/expression.h"
