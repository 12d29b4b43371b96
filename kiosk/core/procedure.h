// A procedure ("démarche") as data (docs/procedures.md): parsed from its JSON file into a model the
// journey walks through. Parsing is also validating: every problem is reported with its JSON path, so
// the same code serves the kiosk (which skips a bad file) and `guichetctl validate`.
#pragma once
#include "kiosk/core/expression.h"
#include "kiosk/core/field_check.h"
#include "kiosk/core/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

// Language code -> text.
using LocalizedText = std::map<std::string, std::string, std::less<>>;
// The text in `language`, else French, else any; empty when there is none.
const std::string& localized(const LocalizedText&, std::string_view language);

struct Option {
    std::string value;
    LocalizedText label;
};

struct Field {
    FieldRules rules;
    std::vector<Option> options; // choice, multi_choice
    LocalizedText unit;          // number, optional
    LocalizedText consent_label; // consent
    std::map<std::string, LocalizedText, std::less<>> errors; // error code -> message for this field
    bool printable = false;       // the answer may go on the take-home receipt (an appointment slot); never a NIR, a tax number, an IBAN

    const Option* find_option(std::string_view value) const;
};

enum class StepKind {
    Info,
    Question,
    Document, // a paper the citizen scans (issue 18)
};

// What a document step asks the citizen to scan (docs/procedures.md, "Documents").
struct DocumentSpec {
    LocalizedText accepted; // what is accepted: "Une facture d'électricité ou de gaz de moins de 3 mois"
    LocalizedText voice;    // what the voice says to guide placing the page; optional
    int min_pages = 1;
    int max_pages = 1;
    bool required = true; // an optional document can be skipped
    bool color = false;   // scanned in colour, else greyscale
};
inline constexpr int max_document_pages = 10;

struct Step {
    std::string id;
    StepKind kind = StepKind::Info;
    LocalizedText title, text, help;
    std::optional<Expression> show_if;
    Field field; // questions only
    DocumentSpec document; // documents only
};

struct DataUse {
    LocalizedText recipient, purpose, retention;
};

// Something to tell the citizen at the end, when its condition holds over the answers (the aids a
// benefits pre-check suggests asking a mediator about). Indicative, never a decision.
struct Outcome {
    std::string id;
    std::optional<Expression> show_if;
    LocalizedText title, text;
};

// What the printed receipt says after the code (issue 19): what happens next and when, the papers to bring.
struct TakeHome {
    LocalizedText next;
    std::vector<LocalizedText> bring;
};

inline constexpr int procedure_format = 1;

// The longest text of each kind a procedure may give, in characters (code points), in every language;
// the schema's maxLength says the same. Each is a few times the longest shipped text of its kind, and
// short enough to be read on one screen (docs/decisions.md, issue 15).
struct TextLimit {
    std::size_t characters;
    std::string_view name; // "a procedure title": how the message names the text
};
inline constexpr TextLimit procedure_title_limit { 120, "a procedure title" };
inline constexpr TextLimit summary_limit { 200, "a summary" };
inline constexpr TextLimit need_limit { 200, "an item of what_you_need" };
inline constexpr TextLimit data_use_limit { 500, "a data use text" };
inline constexpr TextLimit step_title_limit { 200, "a step title" };
inline constexpr TextLimit paragraph_limit { 1000, "a text or help" };
inline constexpr TextLimit option_label_limit { 120, "an option label" };
inline constexpr TextLimit consent_label_limit { 500, "a consent label" };
inline constexpr TextLimit unit_limit { 30, "a unit" };
inline constexpr TextLimit error_message_limit { 300, "an error message" };
inline constexpr TextLimit outcome_title_limit { 200, "an outcome title" };
// Ids (the procedure's, a step's, an option's value, an outcome's), in characters.
inline constexpr std::size_t max_id_characters = 64;
// How many of each a file may list: a procedure is read on a kiosk, one screen a step.
inline constexpr std::size_t max_steps = 100;
inline constexpr std::size_t max_options = 100;
inline constexpr std::size_t max_outcomes = 50;
inline constexpr std::size_t max_needs = 20;
// retention_days: one day to ten years.
inline constexpr int max_retention_days = 3650;

struct Procedure {
    std::string id;
    int64_t version = 0;
    std::string category;
    std::string icon;
    std::vector<std::string> languages;
    LocalizedText title, summary;
    int duration_minutes = 0;
    std::vector<LocalizedText> what_you_need;
    DataUse data_use;
    // How long the hub keeps a submission's sealed answers after it is processed (done or incomplete),
    // in days: the number behind data_use.retention's text. Optional in format 1; the hub then applies
    // its default and `guichetctl validate` warns.
    std::optional<int> retention_days;
    std::vector<Step> steps;
    std::vector<Outcome> outcomes;
    TakeHome take_home; // optional

    const Step* find_step(std::string_view id) const;
};

const std::vector<std::string_view>& procedure_categories(); // in catalog order
const std::vector<std::string_view>& procedure_icons();

// One problem in a procedure file, where it is.
struct Problem {
    std::string file;
    std::string path; // a JSON path: "$.steps[3].field.type"
    std::string message;
};
std::string to_string(const Problem&);

struct ValidationOptions {
    std::vector<std::string> languages { "fr", "en", "pt", "es" }; // the kiosk's configured languages
};

// A procedure when it has no problem; otherwise the problems, every one that was found.
struct Parsed {
    std::optional<Procedure> procedure;
    std::vector<Problem> problems;
};
Parsed parse_procedure(const nlohmann::json&, const ValidationOptions&, std::string_view file = {});
Parsed load_procedure_file(const std::filesystem::path&, const ValidationOptions&);

// Every procedure of a folder (its *.json files, in name order). A file with a problem is left out and
// its problems listed; so is a second file with an id already taken.
struct Catalog {
    std::vector<std::shared_ptr<const Procedure>> procedures; // by category, then file name
    std::vector<Problem> problems;

    std::shared_ptr<const Procedure> find(std::string_view id) const;
};
Catalog load_catalog(const std::filesystem::path& dir_or_file, const ValidationOptions&);

}
