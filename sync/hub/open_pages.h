// `guichet-hub open --out DIR` (issue 18): each opened submission's JSON and its scanned pages, each
// page opened with the same secret key and checked against the SHA-256 the sealed answers list.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/keys.h"
#include "sync/hub/store.h"

#include <filesystem>
#include <string>
#include <vector>

namespace guichet::sync::hub {

struct WrittenSubmission {
    std::vector<std::filesystem::path> files; // the JSON first, then each page written
    std::vector<std::string> missing;         // pages the hub does not have whole yet, in words
    std::vector<std::string> refused;         // pages that did not open or did not match, in words
};

// Writes `opened_json_line` (open_export_line's answer with integrity ok) as DIR/<name>.json and each
// page the hub holds whole as DIR/<name>-page-<n+1>.jpg (0600), <name> being the receipt code or else
// the id. A page that does not open, or whose clear SHA-256 is not the one its answers list, is
// refused (not written) and said in `refused`. Fails for what stops the whole submission (a file that
// cannot be written, the hub's database).
Result<WrittenSubmission> write_opened_submission(Store& store, const KeyPair& keys, const std::string& opened_json_line,
    const std::filesystem::path& dir);

}
