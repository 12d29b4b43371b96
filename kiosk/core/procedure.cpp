// Reading procedure files: the shape of docs/procedures.md, then what a schema cannot check (references,
// conditions, translations, reachability). Every problem found is reported, not only the first.
// [SECTION] model  [SECTION] reader  [SECTION] fields and steps  [SECTION] cross-checks  [SECTION] catalog
#include "kiosk/core/procedure.h"
#include "kiosk/core/input_limits.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace guichet {

// [SECTION] model

const std::string& localized(const LocalizedText& text, std::string_view language)
{
    static const std::string empty;
    if (auto found = text.find(language); found != text.end())
        return found->second;
    if (auto found = text.find("fr"); found != text.end())
        return found->second;
    return text.empty() ? empty : text.begin()->second;
}

const Option* Field::find_option(std::string_view value) const
{
    for (auto& option : options) {
        if (option.value == value)
            return &option;
    }
    return nullptr;
}

const Step* Procedure::find_step(std::string_view wanted) const
{
    for (auto& step : steps) {
        if (step.id == wanted)
            return &step;
    }
    return nullptr;
}

const std::vector<std::string_view>& procedure_categories()
{
    static const std::vector<std::string_view> categories { "civil_status", "housing", "appointments", "public_space",
        "benefits", "other" };
    return categories;
}

const std::vector<std::string_view>& procedure_icons()
{
    static const std::vector<std::string_view> icons { "document", "home", "calendar", "warning", "euro", "person" };
    return icons;
}

// Control characters are escaped: a message quoting a NUL or a newline from a file stays one whole line.
std::string to_string(const Problem& problem)
{
    std::string text;
    if (!problem.file.empty())
        text += problem.file + ": ";
    return escape_controls(text + problem.path + ": " + problem.message);
}

std::shared_ptr<const Procedure> Catalog::find(std::string_view id) const
{
    for (auto& procedure : procedures) {
        if (procedure->id == id)
            return procedure;
    }
    return nullptr;
}

// [SECTION] reader

namespace {

using nlohmann::json;

const std::regex procedure_id_pattern("[a-z0-9][a-z0-9-]*");
const std::regex name_pattern("[a-z][a-z0-9_]*");
const std::regex language_pattern("[a-z]{2}");

// The codes a field's `errors` may replace (docs/procedures.md, the schema's `errors`): those field_check
// refuses with. A misspelt code would never be shown, so it is refused.
const std::set<std::string, std::less<>> field_error_codes { "required", "too_long", "not_a_number", "too_small",
    "too_large", "invalid_date", "date_in_future", "date_in_past", "too_young", "too_old", "invalid_name",
    "invalid_postcode", "unknown_postcode", "invalid_phone", "invalid_email", "invalid_nir", "nir_key",
    "invalid_tax_number", "invalid_iban", "iban_check", "too_few_selected", "too_many_selected", "consent_required",
    "choose_commune" };

// A document step's texts (issue 18), as the other limits in procedure.h: what is accepted is shown under
// the title and spoken, the voice's guidance is spoken while the citizen places the page, so each is a
// sentence or two.
constexpr TextLimit document_accepted_limit { 300, "what a document step accepts" };
constexpr TextLimit document_voice_limit { 300, "a document step's voice text" };

// Walks one file's JSON, collecting problems at their JSON paths.
class Reader {
public:
    Reader(std::string_view file, const ValidationOptions& options)
        : m_file(file)
        , m_options(options)
    {
    }

    void problem(const std::string& path, std::string message) { m_problems.push_back({ m_file, path, std::move(message) }); }
    std::vector<Problem>& problems() { return m_problems; }
    const ValidationOptions& options() const { return m_options; }
    std::vector<std::string> languages; // the file's own, once read

    // Reports keys of `object` that are not in `known`.
    void only_keys(const json& object, const std::string& path, std::initializer_list<std::string_view> known)
    {
        for (auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) == known.end())
                problem(path, "unknown key '" + shown(key) + "'");
        }
    }

    const json* member(const json& object, const std::string& path, std::string_view key, bool required)
    {
        if (auto found = object.find(key); found != object.end())
            return &*found;
        if (required)
            problem(path, "missing key '" + std::string(key) + "'");
        return nullptr;
    }

    std::optional<std::string> string(const json& object, const std::string& path, std::string_view key, bool required,
        const std::regex* pattern = nullptr, std::string_view pattern_text = {})
    {
        auto* value = member(object, path, key, required);
        if (!value)
            return std::nullopt;
        auto at = path + "." + std::string(key);
        if (!value->is_string()) {
            problem(at, "must be a string");
            return std::nullopt;
        }
        auto text = value->get<std::string>();
        // Every string with a pattern is an id; its length is checked first, so the regex never runs on
        // a huge one.
        if (pattern && character_count(text) > max_id_characters) {
            problem(at, "is " + std::to_string(character_count(text)) + " characters long; an id may have at most "
                    + std::to_string(max_id_characters));
            return std::nullopt;
        }
        if (pattern && !std::regex_match(text, *pattern)) {
            problem(at, "'" + shown(text) + "' must match " + std::string(pattern_text));
            return std::nullopt;
        }
        return text;
    }

    std::optional<int64_t> integer(const json& object, const std::string& path, std::string_view key, bool required,
        int64_t min, int64_t max)
    {
        auto* value = member(object, path, key, required);
        if (!value)
            return std::nullopt;
        auto at = path + "." + std::string(key);
        if (!value->is_number_integer()) {
            problem(at, "must be an integer");
            return std::nullopt;
        }
        // 2^63 and above are read as unsigned: as int64_t they would wrap round to a negative number.
        if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(max)) {
            problem(at, std::to_string(value->get<uint64_t>()) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
            return std::nullopt;
        }
        auto number = value->get<int64_t>();
        if (number < min || number > max) {
            problem(at, std::to_string(number) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
            return std::nullopt;
        }
        return number;
    }

    std::optional<bool> boolean(const json& object, const std::string& path, std::string_view key)
    {
        auto* value = member(object, path, key, false);
        if (!value)
            return std::nullopt;
        if (!value->is_boolean()) {
            problem(path + "." + std::string(key), "must be true or false");
            return std::nullopt;
        }
        return value->get<bool>();
    }

    // A localized text: every language of the file, no empty string, none longer than its limit.
    LocalizedText text(const json& object, const std::string& path, std::string_view key, bool required, TextLimit limit)
    {
        auto* value = member(object, path, key, required);
        if (!value)
            return {};
        return text_value(*value, path + "." + std::string(key), limit);
    }

    LocalizedText text_value(const json& value, const std::string& at, TextLimit limit)
    {
        LocalizedText text;
        if (!value.is_object()) {
            problem(at, "must be a localized text: an object from language code to text");
            return text;
        }
        for (auto& [language, entry] : value.items()) {
            if (language.size() != 2 || !std::regex_match(language, language_pattern)) {
                problem(at, "'" + shown(language) + "' is not a two-letter language code");
                continue;
            }
            if (!entry.is_string() || entry.get_ref<const std::string&>().empty()) {
                problem(at + "." + language, "must be a non-empty string");
                continue;
            }
            auto& words = entry.get_ref<const std::string&>();
            if (auto length = character_count(words); length > limit.characters) {
                problem(at + "." + language, "is " + std::to_string(length) + " characters long; " + std::string(limit.name)
                        + " may have at most " + std::to_string(limit.characters));
                continue;
            }
            text[language] = words;
        }
        for (auto& language : languages) {
            if (!text.contains(language) && value.is_object() && !value.contains(language))
                problem(at, "missing the '" + language + "' translation");
        }
        return text;
    }

private:
    std::string m_file;
    const ValidationOptions& m_options;
    std::vector<Problem> m_problems;
};

std::string count_problem(size_t count, std::string_view things, std::string_view holder, size_t max)
{
    return "has " + std::to_string(count) + " " + std::string(things) + "; " + std::string(holder) + " may have at most "
        + std::to_string(max);
}

std::string index_path(const std::string& path, std::string_view key, size_t index)
{
    return path + "." + std::string(key) + "[" + std::to_string(index) + "]";
}

// [SECTION] fields and steps

void read_options(Reader& reader, const json& object, const std::string& path, Field& field)
{
    auto* options = reader.member(object, path, "options", true);
    if (!options)
        return;
    if (!options->is_array()) {
        reader.problem(path + ".options", "must be an array");
        return;
    }
    if (options->size() > max_options) {
        reader.problem(path + ".options", count_problem(options->size(), "options", "a question", max_options));
        return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < options->size(); ++i) {
        auto at = index_path(path, "options", i);
        auto& entry = (*options)[i];
        if (!entry.is_object()) {
            reader.problem(at, "must be an object with 'value' and 'label'");
            continue;
        }
        reader.only_keys(entry, at, { "value", "label" });
        Option option;
        option.value = reader.string(entry, at, "value", true, &name_pattern, "[a-z][a-z0-9_]*").value_or("");
        option.label = reader.text(entry, at, "label", true, option_label_limit);
        if (!option.value.empty() && !seen.insert(option.value).second)
            reader.problem(at + ".value", "'" + shown(option.value) + "' is used by an earlier option");
        field.options.push_back(std::move(option));
        field.rules.option_values.push_back(field.options.back().value);
    }
    if (options->size() < 2)
        reader.problem(path + ".options", "needs at least two options");
}

Field read_field(Reader& reader, const json& object, const std::string& path)
{
    Field field;
    if (!object.is_object()) {
        reader.problem(path, "must be an object");
        return field;
    }
    auto type_name = reader.string(object, path, "type", true);
    if (!type_name)
        return field;
    auto type = field_type_from_name(*type_name);
    if (!type) {
        reader.problem(path + ".type",
            "unknown field type '" + shown(*type_name) + "' (text, number, date, choice, multi_choice, yes_no, consent, address)");
        return field;
    }
    field.rules.type = *type;
    field.rules.required = reader.boolean(object, path, "required").value_or(true);
    field.printable = reader.boolean(object, path, "printable").value_or(false);

    switch (*type) {
    case FieldType::Text: {
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "preset", "max_length" });
        if (auto preset_text = reader.string(object, path, "preset", false)) {
            if (auto preset = preset_from_name(*preset_text))
                field.rules.preset = *preset;
            else
                reader.problem(path + ".preset",
                    "unknown preset '" + shown(*preset_text) + "' (free, person_name, postcode, phone, email, nir, tax_number, iban)");
        }
        if (auto length = reader.integer(object, path, "max_length", false, 1, 2000))
            field.rules.max_length = static_cast<int>(*length);
        // The paper leaves the kiosk in the citizen's hand, or is forgotten on it: identity and bank numbers never go on it.
        if (field.printable
            && (field.rules.preset == TextPreset::Nir || field.rules.preset == TextPreset::TaxNumber || field.rules.preset == TextPreset::Iban))
            reader.problem(path + ".printable", "a " + std::string(preset_name(field.rules.preset)) + " is never printed on the receipt");
        // A preset has its own length; a max_length there would be silently ignored.
        if (field.rules.preset != TextPreset::Free && object.contains("max_length"))
            reader.problem(path + ".max_length", "is for the free preset only");
        break;
    }
    case FieldType::Number: {
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "min", "max", "unit" });
        constexpr int64_t limit = 1'000'000'000;
        field.rules.min = reader.integer(object, path, "min", false, -limit, limit);
        field.rules.max = reader.integer(object, path, "max", false, -limit, limit);
        if (field.rules.min && field.rules.max && *field.rules.min > *field.rules.max)
            reader.problem(path, "min is greater than max");
        field.unit = reader.text(object, path, "unit", false, unit_limit);
        break;
    }
    case FieldType::Date: {
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "rules" });
        if (auto* rules = reader.member(object, path, "rules", false)) {
            auto at = path + ".rules";
            if (!rules->is_object()) {
                reader.problem(at, "must be an object");
            } else {
                reader.only_keys(*rules, at, { "past", "future", "min_age", "max_age" });
                auto& date = field.rules.date;
                date.past = reader.boolean(*rules, at, "past").value_or(false);
                date.future = reader.boolean(*rules, at, "future").value_or(false);
                if (auto age = reader.integer(*rules, at, "min_age", false, 0, 150))
                    date.min_age = static_cast<int>(*age);
                if (auto age = reader.integer(*rules, at, "max_age", false, 0, 150))
                    date.max_age = static_cast<int>(*age);
                if (date.past && date.future)
                    reader.problem(at, "'past' and 'future' together leave only today: use one");
                if (date.min_age && date.max_age && *date.min_age > *date.max_age)
                    reader.problem(at, "min_age is greater than max_age");
            }
        }
        break;
    }
    case FieldType::Choice:
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "options" });
        read_options(reader, object, path, field);
        break;
    case FieldType::MultiChoice: {
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "options", "min_selected", "max_selected" });
        read_options(reader, object, path, field);
        auto count = static_cast<int64_t>(field.options.size());
        if (auto min = reader.integer(object, path, "min_selected", false, 0, std::max<int64_t>(count, 0)))
            field.rules.min_selected = static_cast<int>(*min);
        if (auto max = reader.integer(object, path, "max_selected", false, 1, std::max<int64_t>(count, 1)))
            field.rules.max_selected = static_cast<int>(*max);
        if (field.rules.min_selected && field.rules.max_selected && *field.rules.min_selected > *field.rules.max_selected)
            reader.problem(path, "min_selected is greater than max_selected");
        break;
    }
    case FieldType::YesNo:
        reader.only_keys(object, path, { "type", "required", "printable", "errors" });
        field.rules.option_values = { "yes", "no" };
        break;
    case FieldType::Consent:
        reader.only_keys(object, path, { "type", "required", "printable", "errors", "label" });
        field.consent_label = reader.text(object, path, "label", true, consent_label_limit);
        break;
    case FieldType::Address:
        reader.only_keys(object, path, { "type", "required", "printable", "errors" });
        break;
    }

    if (auto* errors = reader.member(object, path, "errors", false)) {
        if (!errors->is_object()) {
            reader.problem(path + ".errors", "must be an object from error code to localized text");
        } else {
            for (auto& [code, message] : errors->items()) {
                if (!field_error_codes.contains(code)) {
                    reader.problem(path + ".errors", "unknown error code '" + shown(code) + "' (docs/procedures.md lists them)");
                    continue;
                }
                field.errors[code] = reader.text_value(message, path + ".errors." + code, error_message_limit);
            }
        }
    }
    return field;
}

DocumentSpec read_document(Reader& reader, const json& object, const std::string& path)
{
    DocumentSpec document;
    if (!object.is_object()) {
        reader.problem(path, "must be an object with 'accepted', and optionally 'voice', 'min_pages', 'max_pages', "
                             "'required' and 'color'");
        return document;
    }
    reader.only_keys(object, path, { "accepted", "voice", "min_pages", "max_pages", "required", "color" });
    document.accepted = reader.text(object, path, "accepted", true, document_accepted_limit);
    document.voice = reader.text(object, path, "voice", false, document_voice_limit);
    if (auto pages = reader.integer(object, path, "min_pages", false, 1, max_document_pages))
        document.min_pages = static_cast<int>(*pages);
    // Without max_pages the step takes exactly min_pages: "min_pages": 2 alone means a two-page document,
    // not a contradiction with a default of 1.
    document.max_pages = document.min_pages;
    if (auto pages = reader.integer(object, path, "max_pages", false, document.min_pages, max_document_pages))
        document.max_pages = static_cast<int>(*pages);
    document.required = reader.boolean(object, path, "required").value_or(true);
    document.color = reader.boolean(object, path, "color").value_or(false);
    return document;
}

std::optional<Expression> read_condition(Reader& reader, const json& object, const std::string& path)
{
    auto text = reader.string(object, path, "show_if", false);
    if (!text)
        return std::nullopt;
    auto parsed = Expression::parse(*text);
    if (!parsed) {
        // The condition is quoted (escaped, cut when long) so the author sees where the position points.
        reader.problem(path + ".show_if", "the condition does not parse: " + parsed.error().message + " (in: "
                + shown(*text, 120) + ")");

        return std::nullopt;
    }
    return std::move(*parsed);
}

Step read_step(Reader& reader, const json& object, const std::string& path)
{
    Step step;
    if (!object.is_object()) {
        reader.problem(path, "must be an object");
        return step;
    }
    step.id = reader.string(object, path, "id", true, &name_pattern, "[a-z][a-z0-9_]*").value_or("");
    auto kind = reader.string(object, path, "kind", true);
    if (kind == "question") {
        step.kind = StepKind::Question;
        reader.only_keys(object, path, { "id", "kind", "title", "text", "help", "show_if", "field" });
        if (auto* field = reader.member(object, path, "field", true))
            step.field = read_field(reader, *field, path + ".field");
    } else if (kind == "document") {
        step.kind = StepKind::Document;
        reader.only_keys(object, path, { "id", "kind", "title", "text", "help", "show_if", "document" });
        if (auto* document = reader.member(object, path, "document", true))
            step.document = read_document(reader, *document, path + ".document");
    } else if (kind == "info") {
        reader.only_keys(object, path, { "id", "kind", "title", "text", "help", "show_if" });
    } else if (kind) {
        reader.problem(path + ".kind", "unknown step kind '" + shown(*kind) + "' (info, question or document)");
    }
    step.title = reader.text(object, path, "title", true, step_title_limit);
    step.text = reader.text(object, path, "text", step.kind == StepKind::Info, paragraph_limit);
    step.help = reader.text(object, path, "help", false, paragraph_limit);
    step.show_if = read_condition(reader, object, path);
    return step;
}

// [SECTION] cross-checks

// A condition may read only earlier questions, and may compare a choice with one of its values only.
// A document step has no value a condition could read (its pages are sealed images), so naming one gets
// its own message rather than "not an earlier question", which would puzzle an author who sees the step.
void check_condition(Reader& reader, const Expression& condition, const std::string& path,
    const std::map<std::string, const Step*, std::less<>>& earlier_questions, const std::set<std::string, std::less<>>& documents)
{
    for (auto& name : condition.names()) {
        if (documents.contains(name))
            reader.problem(path, "'" + shown(name) + "' is a document step: a condition cannot read a scanned document");
        else if (!earlier_questions.contains(name))
            reader.problem(path, "'" + shown(name) + "' is not an earlier question");
    }
    for (auto& [name, literal] : condition.compared_strings()) {
        auto found = earlier_questions.find(name);
        if (found == earlier_questions.end())
            continue;
        auto& rules = found->second->field.rules;
        bool has_values = rules.type == FieldType::Choice || rules.type == FieldType::MultiChoice
            || rules.type == FieldType::YesNo;
        if (has_values && std::find(rules.option_values.begin(), rules.option_values.end(), literal) == rules.option_values.end())
            reader.problem(path, "'" + shown(literal) + "' is not a value of '" + shown(name) + "': the comparison can never hold");
    }
    if (condition.always_false())
        reader.problem(path, "the condition is always false: the step can never be shown");
}

void check_steps(Reader& reader, const Procedure& procedure)
{
    std::map<std::string, const Step*, std::less<>> earlier_questions;
    std::set<std::string, std::less<>> documents; // every document step's id, earlier or later
    for (auto& step : procedure.steps) {
        if (step.kind == StepKind::Document && !step.id.empty())
            documents.insert(step.id);
    }
    std::set<std::string> ids;
    bool any_question = false;
    for (size_t i = 0; i < procedure.steps.size(); ++i) {
        auto& step = procedure.steps[i];
        auto at = index_path("$", "steps", i);
        if (!step.id.empty() && !ids.insert(step.id).second)
            reader.problem(at + ".id", "'" + shown(step.id) + "' is the id of an earlier step");
        if (step.show_if)
            check_condition(reader, *step.show_if, at + ".show_if", earlier_questions, documents);
        if (step.kind == StepKind::Question) {
            any_question = true;
            earlier_questions[step.id] = &step;
        }
    }
    // A document alone is not enough: the agent needs at least one answer to know whose pages they are.
    if (!any_question)
        reader.problem("$.steps", "a procedure needs at least one question");
    for (size_t i = 0; i < procedure.outcomes.size(); ++i) {
        if (auto& condition = procedure.outcomes[i].show_if)
            check_condition(reader, *condition, index_path("$", "outcomes", i) + ".show_if", earlier_questions, documents);
    }
}

void read_languages(Reader& reader, const json& object, Procedure& procedure)
{
    auto* value = reader.member(object, "$", "languages", true);
    if (!value)
        return;
    if (!value->is_array()) {
        reader.problem("$.languages", "must be an array of language codes");
        return;
    }
    for (auto& code : *value) {
        if (!code.is_string() || code.get_ref<const std::string&>().size() != 2
            || !std::regex_match(code.get<std::string>(), language_pattern)) {
            reader.problem("$.languages", "holds something that is not a two-letter language code");
            continue;
        }
        if (std::find(procedure.languages.begin(), procedure.languages.end(), code.get<std::string>())
            != procedure.languages.end()) {
            reader.problem("$.languages", "lists '" + code.get<std::string>() + "' twice");
            continue;
        }
        procedure.languages.push_back(code.get<std::string>());
    }
    if (std::find(procedure.languages.begin(), procedure.languages.end(), "fr") == procedure.languages.end())
        reader.problem("$.languages", "must include 'fr', the kiosk's base language");
    for (auto& wanted : reader.options().languages) {
        if (std::find(procedure.languages.begin(), procedure.languages.end(), wanted) == procedure.languages.end())
            reader.problem("$.languages", "lacks '" + wanted + "', a language this kiosk offers");
    }
    reader.languages = procedure.languages;
}

void read_one_of(Reader& reader, const json& object, std::string_view key, const std::vector<std::string_view>& allowed,
    std::string& out)
{
    auto value = reader.string(object, "$", key, true);
    if (!value)
        return;
    if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end()) {
        std::string list;
        for (auto& name : allowed)
            list += (list.empty() ? "" : ", ") + std::string(name);
        reader.problem("$." + std::string(key), "unknown " + std::string(key) + " '" + shown(*value) + "' (" + list + ")");
        return;
    }
    out = *value;
}

void read_outcomes(Reader& reader, const json& object, Procedure& procedure)
{
    auto* value = reader.member(object, "$", "outcomes", false);
    if (!value)
        return;
    if (!value->is_array()) {
        reader.problem("$.outcomes", "must be an array");
        return;
    }
    if (value->size() > max_outcomes) {
        reader.problem("$.outcomes", count_problem(value->size(), "outcomes", "a procedure", max_outcomes));
        return;
    }
    for (size_t i = 0; i < value->size(); ++i) {
        auto at = index_path("$", "outcomes", i);
        auto& entry = (*value)[i];
        if (!entry.is_object()) {
            reader.problem(at, "must be an object");
            continue;
        }
        reader.only_keys(entry, at, { "id", "show_if", "title", "text" });
        Outcome outcome;
        outcome.id = reader.string(entry, at, "id", true, &name_pattern, "[a-z][a-z0-9_]*").value_or("");
        outcome.show_if = read_condition(reader, entry, at);
        outcome.title = reader.text(entry, at, "title", true, outcome_title_limit);
        outcome.text = reader.text(entry, at, "text", false, paragraph_limit);
        procedure.outcomes.push_back(std::move(outcome));
    }
}

// What the printed receipt adds (issue 19): what happens next and when, and the papers to bring.
void read_take_home(Reader& reader, const nlohmann::json& object, Procedure& procedure)
{
    auto* value = reader.member(object, "$", "take_home", false);
    if (!value)
        return;
    if (!value->is_object()) {
        reader.problem("$.take_home", "must be an object with next and bring");
        return;
    }
    reader.only_keys(*value, "$.take_home", { "next", "bring" });
    procedure.take_home.next = reader.text(*value, "$.take_home", "next", false, paragraph_limit);
    if (auto* bring = reader.member(*value, "$.take_home", "bring", false)) {
        if (!bring->is_array())
            reader.problem("$.take_home.bring", "must be an array of localized texts");
        else if (bring->size() > max_needs)
            reader.problem("$.take_home.bring", count_problem(bring->size(), "items", "take_home.bring", max_needs));
        else
            for (size_t i = 0; i < bring->size(); ++i)
                procedure.take_home.bring.push_back(reader.text_value((*bring)[i], index_path("$.take_home", "bring", i), need_limit));
    }
}

}

Parsed parse_procedure(const nlohmann::json& object, const ValidationOptions& options, std::string_view file)
{
    Reader reader(file, options);
    Procedure procedure;
    if (!object.is_object()) {
        reader.problem("$", "a procedure file holds one JSON object");
        return { std::nullopt, std::move(reader.problems()) };
    }
    reader.only_keys(object, "$",
        { "format", "id", "version", "category", "icon", "languages", "title", "summary", "duration_minutes",
            "what_you_need", "data_use", "retention_days", "steps", "outcomes", "take_home" });
    if (auto format = reader.integer(object, "$", "format", true, 1, 1000); format && *format != procedure_format)
        reader.problem("$.format", "format " + std::to_string(*format) + " is not one this kiosk reads (1)");
    procedure.id = reader.string(object, "$", "id", true, &procedure_id_pattern, "[a-z0-9][a-z0-9-]*").value_or("");
    procedure.version = reader.integer(object, "$", "version", true, 1, 1'000'000'000).value_or(0);
    read_one_of(reader, object, "category", procedure_categories(), procedure.category);
    read_one_of(reader, object, "icon", procedure_icons(), procedure.icon);
    read_languages(reader, object, procedure);
    procedure.title = reader.text(object, "$", "title", true, procedure_title_limit);
    procedure.summary = reader.text(object, "$", "summary", true, summary_limit);
    procedure.duration_minutes = static_cast<int>(reader.integer(object, "$", "duration_minutes", true, 1, 120).value_or(0));

    if (auto* needs = reader.member(object, "$", "what_you_need", true)) {
        if (!needs->is_array())
            reader.problem("$.what_you_need", "must be an array of localized texts");
        else if (needs->size() > max_needs)
            reader.problem("$.what_you_need", count_problem(needs->size(), "items", "what_you_need", max_needs));
        else
            for (size_t i = 0; i < needs->size(); ++i)
                procedure.what_you_need.push_back(reader.text_value((*needs)[i], index_path("$", "what_you_need", i), need_limit));
    }
    if (auto* use = reader.member(object, "$", "data_use", true)) {
        if (!use->is_object()) {
            reader.problem("$.data_use", "must be an object with recipient, purpose and retention");
        } else {
            reader.only_keys(*use, "$.data_use", { "recipient", "purpose", "retention" });
            procedure.data_use.recipient = reader.text(*use, "$.data_use", "recipient", true, data_use_limit);
            procedure.data_use.purpose = reader.text(*use, "$.data_use", "purpose", true, data_use_limit);
            procedure.data_use.retention = reader.text(*use, "$.data_use", "retention", true, data_use_limit);
        }
    }
    if (auto days = reader.integer(object, "$", "retention_days", false, 1, max_retention_days))
        procedure.retention_days = static_cast<int>(*days);
    if (auto* steps = reader.member(object, "$", "steps", true)) {
        if (!steps->is_array())
            reader.problem("$.steps", "must be an array of steps");
        else if (steps->size() > max_steps)
            reader.problem("$.steps", count_problem(steps->size(), "steps", "a procedure", max_steps));
        else
            for (size_t i = 0; i < steps->size(); ++i)
                procedure.steps.push_back(read_step(reader, (*steps)[i], index_path("$", "steps", i)));
    }
    read_outcomes(reader, object, procedure);
    read_take_home(reader, object, procedure);
    check_steps(reader, procedure);

    if (!reader.problems().empty())
        return { std::nullopt, std::move(reader.problems()) };
    return { std::move(procedure), {} };
}

Parsed load_procedure_file(const std::filesystem::path& path, const ValidationOptions& options)
{
    // The size is checked before the file is read, and the nesting before a tree is built: a huge or
    // deeply nested file costs one bounded read and one pass, never the memory of its tree.
    auto file = path.string();
    auto text = read_file_at_most(path, max_procedure_bytes, "a procedure file");
    if (!text && text.error().kind == ReadProblem::Kind::TooLarge)
        return { std::nullopt, { { file, "$", text.error().reason } } };
    if (!text)
        return { std::nullopt, { { file, "$", "cannot be read: " + text.error().reason } } };
    auto object = parse_json_bounded(*text);
    if (!object)
        return { std::nullopt, { { file, "$", object.error().message } } };

    return parse_procedure(*object, options, file);
}

// [SECTION] catalog

Catalog load_catalog(const std::filesystem::path& where, const ValidationOptions& options)
{
    Catalog catalog;
    std::vector<std::filesystem::path> files;
    std::error_code error;
    if (std::filesystem::is_directory(where, error)) {
        for (auto& entry : std::filesystem::directory_iterator(where, error)) {
            if (entry.path().extension() == ".json")
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
    } else if (std::filesystem::exists(where, error)) {
        files.push_back(where);
    } else {
        catalog.problems.push_back({ where.string(), "$", "no such file or folder" });
        return catalog;
    }
    for (auto& file : files) {
        auto parsed = load_procedure_file(file, options);
        catalog.problems.insert(catalog.problems.end(), parsed.problems.begin(), parsed.problems.end());
        if (!parsed.procedure)
            continue;
        if (catalog.find(parsed.procedure->id)) {
            catalog.problems.push_back({ file.string(), "$.id", "'" + parsed.procedure->id + "' is the id of another procedure file" });
            continue;
        }
        catalog.procedures.push_back(std::make_shared<const Procedure>(std::move(*parsed.procedure)));
    }
    auto& categories = procedure_categories();
    auto rank = [&](const std::string& category) { return std::find(categories.begin(), categories.end(), category) - categories.begin(); };
    std::stable_sort(catalog.procedures.begin(), catalog.procedures.end(),
        [&](auto& a, auto& b) { return rank(a->category) < rank(b->category); });
    return catalog;
}

}
