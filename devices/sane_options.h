// Setting a SANE device's options by name: the scan mode, resolution and area the kiosk asks for, and the
// configuration's extra options ("source" = "Flatbed"), whatever their type. Internal to devices/.
#pragma once
#include "kiosk/core/result.h"

#include <sane/sane.h>
#include <sane/saneopts.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::devices::sane {

// Whether a number outside the option's range is brought into it (the scan area: a scanner smaller than
// A4 scans what it can) or refused.
enum class Fit { Clamp, Exact };

// The option named `name`; an error when the device has none, or has it inactive or read-only.
Result<std::pair<SANE_Int, const SANE_Option_Descriptor*>> find_option(SANE_Handle, std::string_view name);
bool has_active_option(SANE_Handle, std::string_view name);

// Numbers in the option's own unit (mm, dpi, pixels), for an int or fixed option. A word-list constraint
// takes the nearest listed value.
Result<void> set_number(SANE_Handle, std::string_view name, double value, Fit);
Result<void> set_string(SANE_Handle, std::string_view name, std::string_view value);

// The scan mode whose name is `wanted` ("Color", "Gray"), or failing that the first whose name contains
// one of `alike` ("color", "colour"), ignoring case: backends spell them differently.
Result<std::string> set_mode(SANE_Handle, std::string_view wanted, const std::vector<std::string_view>& alike);

// An option from the configuration, its text read according to the option's type: string, int, fixed
// (a decimal number) or bool (true/false, yes/no, 1/0).
Result<void> set_from_text(SANE_Handle, std::string_view name, std::string_view text);

// The configuration's extra options, in passes: an option may be inactive until another is set
// ("read-limit-size" after "read-limit"), whatever the order they are listed in.
Result<void> set_all_from_text(SANE_Handle, const std::vector<std::pair<std::string, std::string>>& options);

// The unit of a numeric option (SANE_UNIT_MM, SANE_UNIT_PIXEL, …), for converting the scan area.
Result<SANE_Unit> option_unit(SANE_Handle, std::string_view name);

}
