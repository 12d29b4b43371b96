// Putting answers and refusals into words.
#include "kiosk/core/answer_text.h"

namespace guichet {

std::string answer_text(const Step& step, const nlohmann::json& answer, std::string_view language, const Strings& strings)
{
    if (step.kind == StepKind::Document) { // "2 pages numérisées"; a skipped optional document: "Pas de document"
        if (answer.is_null())
            return strings.get(language, "document.none");
        int count = answer.value("pages", 0);
        return format_text(strings.get(language, count == 1 ? "document.one_page" : "document.pages"), { { "count", std::to_string(count) } });
    }
    if (answer.is_null())
        return strings.get(language, "review.no_answer");
    auto& field = step.field;
    auto label_of = [&](const std::string& value) {
        auto* option = field.find_option(value);
        return option ? localized(option->label, language) : value;
    };
    switch (field.rules.type) {
    case FieldType::Text:
        return answer.get<std::string>();
    case FieldType::Number: {
        auto text = std::to_string(answer.get<int64_t>());
        if (auto& unit = localized(field.unit, language); !unit.empty())
            text += " " + unit;
        return text;
    }
    case FieldType::Date: {
        auto date = from_iso(answer.get<std::string>());
        if (!date)
            return answer.get<std::string>();
        char text[16];
        std::snprintf(text, sizeof text, "%02d/%02d/%04d", date->day, date->month, date->year);
        return text;
    }
    case FieldType::Choice:
        return label_of(answer.get<std::string>());
    case FieldType::MultiChoice: {
        std::string text;
        for (auto& value : answer)
            text += (text.empty() ? "" : ", ") + label_of(value.get<std::string>());
        return text;
    }
    case FieldType::YesNo:
    case FieldType::Consent:
        return strings.get(language, answer == "yes" ? "common.yes" : "common.no");
    case FieldType::Address:
        return answer.value("street", "") + ", " + answer.value("postcode", "") + " " + answer.value("commune", "");
    }
    return answer.dump();
}

std::string error_text(const Field& field, const FieldError& error, std::string_view language, const Strings& strings)
{
    std::string_view text;
    if (auto found = field.errors.find(error.code); found != field.errors.end())
        text = localized(found->second, language);
    if (text.empty())
        text = strings.get(language, "error." + error.code);
    return format_text(text, error.values);
}

}
