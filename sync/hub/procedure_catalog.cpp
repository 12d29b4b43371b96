// Procedure files for the back office, and their French labels (procedure_catalog.h).
#include "sync/hub/procedure_catalog.h"

#include "sync/hub/pack_tools.h"
#include "sync/hub/store.h"
#include "sync/pack.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace guichet::sync::hub {
namespace {

using ordered = nlohmann::ordered_json;

const std::string& french(const LocalizedText& text) { return localized(text, "fr"); }

Result<std::string> read_file(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return fail("cannot read '" + path.string() + "'");
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

}

std::string procedure_labels_json(const Procedure& definition)
{
    ordered questions = ordered::array();
    for (auto& step : definition.steps) {
        if (step.kind != StepKind::Question)
            continue;
        auto type = step.field.rules.type;
        ordered question { { "id", step.id }, { "title", french(step.title) }, { "type", field_type_name(type) } };
        if (type == FieldType::Choice || type == FieldType::MultiChoice) {
            ordered options = ordered::object();
            for (auto& option : step.field.options)
                options[option.value] = french(option.label);
            question["options"] = std::move(options);
        } else if (type == FieldType::YesNo) {
            question["options"] = ordered { { "yes", "Oui" }, { "no", "Non" } };
        }
        if (type == FieldType::Number && !french(step.field.unit).empty())
            question["unit"] = french(step.field.unit);
        if (type == FieldType::Consent)
            question["consent"] = french(step.field.consent_label);
        questions.push_back(std::move(question));
    }
    // A document step's pages arrive under its id (answers[id].pages): its title names them in the back office.
    ordered documents = ordered::object();
    for (auto& step : definition.steps) {
        if (step.kind == StepKind::Document)
            documents[step.id] = french(step.title);
    }
    ordered outcomes = ordered::object();
    for (auto& outcome : definition.outcomes)
        outcomes[outcome.id] = french(outcome.title);
    ordered labels { { "id", definition.id }, { "version", definition.version }, { "title", french(definition.title) },
        { "questions", std::move(questions) }, { "documents", std::move(documents) }, { "outcomes", std::move(outcomes) } };
    return labels.dump(-1, ' ', false, ordered::error_handler_t::replace);
}

Result<std::string> procedure_labels_json(std::string_view definition_json)
{
    auto root = nlohmann::json::parse(definition_json, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded())
        return fail("the stored procedure definition is not JSON");
    auto parsed = parse_procedure(root, ValidationOptions {});
    if (!parsed.procedure)
        return fail("the stored procedure definition does not parse: "
            + (parsed.problems.empty() ? std::string("no procedure") : to_string(parsed.problems.front())));
    return procedure_labels_json(*parsed.procedure);
}

Result<ProcedureCatalog> ProcedureCatalog::load(const std::filesystem::path& dir)
{
    std::error_code error;
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_regular_file(dir, error)) {
        files.push_back(dir);
    } else {
        if (!std::filesystem::is_directory(dir, error))
            return fail("the procedures folder '" + dir.string() + "' does not exist");
        for (auto& entry : std::filesystem::directory_iterator(dir, error))
            if (entry.is_regular_file() && entry.path().extension() == ".json")
                files.push_back(entry.path());
        if (error)
            return fail("cannot list '" + dir.string() + "': " + error.message());
        std::sort(files.begin(), files.end());
    }
    ProcedureCatalog catalog;
    for (auto& path : files) {
        auto text = read_file(path);
        if (!text) {
            catalog.m_problems.push_back(text.error().message);
            continue;
        }
        catalog.add_text(path.string(), std::move(*text), false);
    }
    return catalog;
}

void ProcedureCatalog::add_text(const std::string& where, std::string text, bool same_text_is_fine)
{
    auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
        m_problems.push_back(where + ": not JSON");
        return;
    }
    auto parsed = parse_procedure(root, ValidationOptions {}, where);
    if (!parsed.procedure) {
        for (auto& problem : parsed.problems)
            m_problems.push_back(to_string(problem));
        return;
    }
    std::optional<int> retention_days;
    if (auto found = root.find("retention_days"); found != root.end() && found->is_number_integer())
        retention_days = found->get<int>();
    auto key = std::pair(parsed.procedure->id, parsed.procedure->version);
    if (auto existing = m_entries.find(key); existing != m_entries.end()) {
        if (!(same_text_is_fine && existing->second.definition_json == text))
            m_problems.push_back(where + ": " + key.first + " version " + std::to_string(key.second)
                + " is already given by another file; this one is left out");
        return;
    }
    m_entries.emplace(key, CatalogEntry { std::make_shared<const Procedure>(std::move(*parsed.procedure)), std::move(text), retention_days });
}

Result<void> ProcedureCatalog::add_pack_depot(const std::filesystem::path& packs_dir)
{
    PackDepot depot(packs_dir);
    std::error_code error;
    std::vector<std::string> channels;
    for (auto& entry : std::filesystem::directory_iterator(packs_dir / "channels", error))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
            channels.push_back(entry.path().stem().string());
    if (error)
        return fail("cannot list the channels of the pack depot '" + packs_dir.string() + "': " + error.message());
    std::sort(channels.begin(), channels.end());
    for (auto& channel : channels) {
        auto envelope = depot.manifest(channel);
        if (!envelope)
            continue;
        // The hub published it (pack publish checked every file); it holds no key to check the signature.
        auto signed_manifest = pack::read_installed_envelope(*envelope);
        if (!signed_manifest) {
            m_problems.push_back("channel " + channel + ": " + signed_manifest.error().message);
            continue;
        }
        for (auto& file : signed_manifest->manifest.files) {
            if (!file.path.starts_with("procedures/") || !file.path.ends_with(".json"))
                continue;
            auto text = read_file(depot.blob_path(file.hash));
            if (!text) {
                m_problems.push_back("channel " + channel + ", " + file.path + ": " + text.error().message);
                continue;
            }
            add_text("channel " + channel + ", " + file.path, std::move(*text), true);
        }
    }
    return {};
}

const CatalogEntry* ProcedureCatalog::find(std::string_view id, int64_t version) const
{
    auto found = m_entries.find(std::pair(std::string(id), version));
    return found == m_entries.end() ? nullptr : &found->second;
}

const CatalogEntry* ProcedureCatalog::latest(std::string_view id) const
{
    const CatalogEntry* best = nullptr;
    for (auto& [key, entry] : m_entries)
        if (key.first == id)
            best = &entry; // the map orders versions upwards
    return best;
}

Result<void> ProcedureCatalog::remember_all(Store& store) const
{
    for (auto& [key, entry] : m_entries)
        if (auto done = store.remember_procedure(key.first, key.second, entry.definition_json, entry.retention_days); !done)
            return done;
    return {};
}

}
