// `guichet-hub open --out DIR`: pages opened with the submission's key and checked (open_pages.h).
#include "sync/hub/open_pages.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <map>

namespace guichet::sync::hub {
namespace {

using nlohmann::json;

// The pages the sealed answers list (plan point 4): a document step's answer is {"pages":[{"n","sha256",
// …}]}, n → the clear JPEG's SHA-256, wherever the answers object nests it (the kiosk's payload holds
// {"language","answers":{step: answer},…}). Only the sealed side says what a page must be: the hub's
// manifest is the kiosk's word about the sealed bytes, not about their content.
void collect_pages(const json& node, std::map<int64_t, std::string>& listed, int depth)
{
    if (!node.is_object() || depth > 4)
        return;
    if (auto pages = node.find("pages"); pages != node.end() && pages->is_array()) {
        for (auto& page : *pages)
            if (page.is_object() && page.contains("n") && page["n"].is_number_integer() && page.contains("sha256")
                && page["sha256"].is_string())
                listed[page["n"].get<int64_t>()] = page["sha256"].get<std::string>();
        return;
    }
    for (auto& [key, value] : node.items())
        collect_pages(value, listed, depth + 1);
}

std::map<int64_t, std::string> listed_pages(const json& answers)
{
    std::map<int64_t, std::string> listed;
    collect_pages(answers, listed, 0);
    return listed;
}

void wipe_bytes(std::vector<uint8_t>& bytes) { sodium_memzero(bytes.data(), bytes.size()); }

}

Result<WrittenSubmission> write_opened_submission(Store& store, const KeyPair& keys, const std::string& opened_json_line,
    const std::filesystem::path& dir)
{
    auto root = json::parse(opened_json_line, nullptr, /*allow_exceptions=*/false);
    if (!root.is_object() || !root.contains("id") || !root["id"].is_string())
        return fail("the opened submission has no id");
    std::string id = root["id"];
    // The names become file names in DIR: only a UUID or a receipt code's letters and digits, never a
    // path a hostile record could steer ("../").
    if (!protocol::is_uuid(id))
        return fail("the opened submission's id is not a UUID");
    std::string name = id;
    if (auto receipt = root.find("receipt"); receipt != root.end() && receipt->is_string()) {
        auto& code = receipt->get_ref<const std::string&>();
        if (!code.empty() && code.size() <= 16
            && std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }))
            name = code;
    }
    WrittenSubmission written;
    auto json_path = dir / (name + ".json");
    if (auto done = write_new_file(json_path, opened_json_line + "\n", 0600); !done)
        return std::unexpected(done.error());
    written.files.push_back(json_path);

    auto listed = listed_pages(root.contains("answers") ? root["answers"] : json());
    root["answers"] = nullptr;
    auto pages = store.attachment_pages(id);
    if (!pages)
        return std::unexpected(pages.error());
    std::map<int64_t, const PageState*> at_hub;
    for (auto& page : *pages)
        at_hub[page.n] = &page;
    for (auto& [n, sha] : listed)
        if (!at_hub.contains(n))
            written.missing.push_back("page " + std::to_string(n + 1) + ": listed in the answers but never announced to the hub");
    for (auto& page : *pages) {
        auto label = "page " + std::to_string(page.n + 1) + " of " + std::to_string(pages->size());
        if (!page.complete()) {
            written.missing.push_back(label + ": still missing at the hub (" + std::to_string(page.received) + " of "
                + std::to_string(page.size) + " bytes arrived)");
            continue;
        }
        auto listing = listed.find(page.n);
        if (listing == listed.end()) {
            written.refused.push_back(label + ": the sealed answers do not list it, so it cannot be checked");
            continue;
        }
        auto sealed = store.attachment_bytes(id, page.n);
        if (!sealed)
            return std::unexpected(sealed.error());
        if (!*sealed || (*sealed)->size() < crypto_box_SEALBYTES) {
            written.missing.push_back(label + ": still missing at the hub");
            continue;
        }
        std::vector<uint8_t> clear((*sealed)->size() - crypto_box_SEALBYTES);
        if (crypto_box_seal_open(clear.data(), (*sealed)->data(), (*sealed)->size(), keys.public_key().data(), keys.secret_key().data())
            != 0) {
            written.refused.push_back(label + ": the seal does not open with this key (tampered, or sealed to another key)");
            continue;
        }
        if (protocol::sha256_hex(clear) != listing->second) {
            wipe_bytes(clear);
            written.refused.push_back(label + ": its SHA-256 is not the one the sealed answers list: not written");
            continue;
        }
        auto page_path = dir / (name + "-page-" + std::to_string(page.n + 1) + ".jpg");
        auto done = write_new_file(page_path, std::string_view(reinterpret_cast<const char*>(clear.data()), clear.size()), 0600);
        wipe_bytes(clear);
        if (!done)
            return std::unexpected(done.error());
        written.files.push_back(page_path);
    }
    return written;
}

}
