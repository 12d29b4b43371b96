// Placeholder until the keyboard lands.
#include "screens/keyboard.h"
