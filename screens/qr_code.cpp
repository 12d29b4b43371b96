// Placeholder until the QR code lands.
#include "screens/qr_code.h"
