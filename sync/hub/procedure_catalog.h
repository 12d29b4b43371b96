// The procedures the back office knows (plan §2.5): read from a folder of procedure files (the
// kiosk's format, assets/procedures) with the kiosk core's own parser, kept by (id, version), and
// turned into the French labels the browser needs to show opened answers (plan §2.4). The hub never
// opens a submission: these labels are all it contributes to reading one.
#pragma once
#include "kiosk/core/procedure.h"
#include "kiosk/core/result.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::sync::hub {

class Store;

// The labels of one procedure version, as GET /office/api/procedures/{id}/{version} serves them:
// {"id","version","title","questions":[{"id","title","type"[,"options":{value:label}][,"unit"][,"consent"]}],
//  "documents":{id:title},"outcomes":{id:title}}, in French (else whatever language the file has). "documents"
// names each document step, whose scanned pages the submission lists under that id. Types are the procedure
// format's names (text, number, date, choice, multi_choice, yes_no, consent, address); yes_no
// questions carry the options {"yes":"Oui","no":"Non"}.
std::string procedure_labels_json(const Procedure& definition);
// The same from a stored definition (procedure_definitions.definition: the file's JSON text).
Result<std::string> procedure_labels_json(std::string_view definition_json);

struct CatalogEntry {
    std::shared_ptr<const Procedure> procedure;
    std::string definition_json;       // the file's text, as remember_procedure keeps it
    std::optional<int> retention_days; // the file's top-level retention_days, when it has one
};

class ProcedureCatalog {
public:
    // Every *.json file of `dir` (or the one file `dir` names), in name order. A file that does not
    // parse, or repeats an (id, version) already read, is left out and listed in problems().
    static Result<ProcedureCatalog> load(const std::filesystem::path& dir);
    // Adds the procedures of every channel published in the hub's pack depot (serve --packs DIR:
    // channels/<channel>.json, blobs/<hash>): each procedures/*.json file of each channel's manifest.
    // The same (id, version) in two channels is one entry; a different text under it is a problem.
    Result<void> add_pack_depot(const std::filesystem::path& packs_dir);

    const CatalogEntry* find(std::string_view id, int64_t version) const;
    // The highest version of `id`, if any.
    const CatalogEntry* latest(std::string_view id) const;
    const std::map<std::pair<std::string, int64_t>, CatalogEntry, std::less<>>& entries() const { return m_entries; }
    const std::vector<std::string>& problems() const { return m_problems; }

    // remember_procedure for each entry (insert if absent), so a later pack that drops or changes a
    // version leaves the submissions made with it their labels.
    Result<void> remember_all(Store& store) const;

private:
    void add_text(const std::string& where, std::string text, bool same_text_is_fine);
    std::map<std::pair<std::string, int64_t>, CatalogEntry, std::less<>> m_entries;
    std::vector<std::string> m_problems;
};

}
