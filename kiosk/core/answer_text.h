// How answers and refusals read, in the citizen's language: on the review screen, next to a field, and
// in speech. Dates read day first, choices by their label, never by their internal value.
#pragma once
#include "kiosk/core/field_check.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/procedure.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace guichet {

// The answer as the citizen would say it; "No answer" (localized) for null.
std::string answer_text(const Step&, const nlohmann::json& answer, std::string_view language, const Strings&);

// Why an answer is refused: the field's own message for that code if the procedure gives one, else the
// kiosk's (error.<code>), with {min} and {max} filled in.
std::string error_text(const Field&, const FieldError&, std::string_view language, const Strings&);

}
