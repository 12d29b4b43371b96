// Writes the test vectors of the browser opener (sync/hub/office/static/app/opener.js): one key pair
// (plain and passphrase-protected), and records sealed to it, good and broken in every way
// open_export_line (sync/hub/keys.cpp) tells apart. tests/office/js/opener.test.mjs opens each in node
// and compares its verdict with `guichet-hub open` on the same export lines.
//
//   office_vectors OUTDIR   → OUTDIR/{plain.key, protected.key, passphrase, vectors.json}
#include "sync/hub/case_json.h"
#include "sync/hub/keys.h"
#include "sync/hub/records.h"
#include "sync/protocol.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iostream>

using namespace guichet::sync;
using namespace guichet::sync::hub;
using json = nlohmann::ordered_json;

namespace {

const char* passphrase = "une phrase de passe assez longue";

std::vector<uint8_t> seal_text(const std::array<uint8_t, crypto_box_PUBLICKEYBYTES>& public_key, const std::string& plaintext)
{
    std::vector<uint8_t> sealed(plaintext.size() + crypto_box_SEALBYTES);
    crypto_box_seal(sealed.data(), reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(), public_key.data());
    return sealed;
}

SubmissionRecord envelope(int n)
{
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
    return SubmissionRecord { id, "mairie-1", "change-of-address", 1, "2026-12-01T09:29:58.000Z", "2026-12-01T09:30:00.123Z", {} };
}

json payload_of(const SubmissionRecord& record)
{
    return json { { "id", record.id }, { "kiosk", record.kiosk }, { "procedure", record.procedure },
        { "version", record.version }, { "created_at", record.created_at }, { "assisted", false },
        { "answers",
            { { "language", "fr" },
                { "answers", { { "moved_on", "2026-11-20" }, { "has_children", "yes" }, { "phone", "=1+1" } } },
                { "outcomes", json::array() } } } };
}

// The record as GET /office/api/demandes/{id} serves it, and the same as an export line.
json vector(const std::string& name, const SubmissionRecord& record, const std::string& expect, bool hub_checks = true,
    const std::string& receipt = "", const std::optional<std::string>& sealed_override = std::nullopt)
{
    // What the API serves (case_json), except a garbled sealed field, which it could never serve.
    CaseRecord served;
    served.submission = record;
    served.receipt = receipt;
    auto api = json::parse(case_json(served));
    if (sealed_override)
        api["sealed"] = *sealed_override;
    std::string line;
    if (!receipt.empty()) {
        // The export line of a hub that stores receipts (issue 17): the code before the sealed bytes.
        json raw { { "id", record.id }, { "kiosk", record.kiosk }, { "procedure", record.procedure },
            { "version", record.version }, { "created_at", record.created_at }, { "received_at", record.received_at },
            { "receipt", receipt }, { "sealed", protocol::base64_encode(record.sealed) } };
        line = raw.dump();
    } else if (sealed_override) {
        // Not valid base64: build the line by hand, as a garbled export would be.
        json raw { { "id", record.id }, { "kiosk", record.kiosk }, { "procedure", record.procedure },
            { "version", record.version }, { "created_at", record.created_at }, { "received_at", record.received_at },
            { "sealed", *sealed_override } };
        line = raw.dump();
    } else {
        line = to_export_line(record);
    }
    return json { { "name", name }, { "record", api }, { "line", line }, { "expect", expect }, { "hub_checks", hub_checks } };
}

bool write(const std::filesystem::path& path, const std::string& text)
{
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
    return static_cast<bool>(file);
}

}

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: office_vectors OUTDIR\n";
        return 2;
    }
    if (sodium_init() < 0)
        return 1;
    std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    auto keys = KeyPair::generate();
    auto other = KeyPair::generate();
    auto protected_text = protect_secret_key(keys, passphrase);
    if (!protected_text) {
        std::cerr << protected_text.error().message << "\n";
        return 1;
    }
    std::vector<uint8_t> secret(keys.secret_key().begin(), keys.secret_key().end());

    json vectors = json::array();
    auto sealed_for = [&](SubmissionRecord record, const json& payload) {
        record.sealed = seal_text(keys.public_key(), payload.dump());
        return record;
    };

    auto good = sealed_for(envelope(1), payload_of(envelope(1)));
    vectors.push_back(vector("good", good, "ok"));

    auto tampered = good;
    tampered.sealed[tampered.sealed.size() / 2] ^= 0x01;
    vectors.push_back(vector("tampered byte", tampered, "seal"));

    auto elsewhere = envelope(2);
    elsewhere.sealed = seal_text(other.public_key(), payload_of(envelope(2)).dump());
    vectors.push_back(vector("sealed to another key", elsewhere, "seal"));

    // A good blob of submission 3 under the envelope of submission 4.
    auto moved = envelope(4);
    moved.sealed = sealed_for(envelope(3), payload_of(envelope(3))).sealed;
    vectors.push_back(vector("envelope moved onto another blob", moved, "mismatch:id"));

    auto mismatched = [&](const std::string& field, auto change) {
        auto record = envelope(10 + static_cast<int>(vectors.size()));
        auto payload = payload_of(record);
        change(record);
        record.sealed = seal_text(keys.public_key(), payload.dump());
        vectors.push_back(vector("envelope's " + field + " differs", record, "mismatch:" + field));
    };
    mismatched("kiosk", [](SubmissionRecord& r) { r.kiosk = "mairie-2"; });
    mismatched("procedure", [](SubmissionRecord& r) { r.procedure = "public-space-report"; });
    mismatched("version", [](SubmissionRecord& r) { r.version = 2; });
    mismatched("created_at", [](SubmissionRecord& r) { r.created_at = "2026-12-01T09:29:59.000Z"; });

    auto short_one = envelope(30);
    short_one.sealed = std::vector<uint8_t>(crypto_box_SEALBYTES - 1, 0x42);
    vectors.push_back(vector("shorter than a seal", short_one, "short"));

    auto not_json = envelope(31);
    not_json.sealed = seal_text(keys.public_key(), "this is not JSON");
    vectors.push_back(vector("plaintext not JSON", not_json, "payload"));

    auto no_answers = envelope(32);
    auto without = payload_of(no_answers);
    without.erase("answers");
    no_answers.sealed = seal_text(keys.public_key(), without.dump());
    vectors.push_back(vector("payload without answers", no_answers, "payload"));

    auto not_base64 = envelope(33);
    vectors.push_back(vector("sealed field not base64", not_base64, "record", true, "", std::string("!!!not base64!!!")));

    // Receipts (issue 17): the payload repeats the receipt code, checked against the envelope's when
    // both carry one. hub_checks false: the test compares with guichet-hub open only once that hub
    // reads receipts from export lines (its output envelope then shows the receipt).
    auto with_receipt = envelope(40);
    auto receipt_payload = payload_of(with_receipt);
    receipt_payload["receipt"] = "ABCDEFGHK";
    with_receipt.sealed = seal_text(keys.public_key(), receipt_payload.dump());
    vectors.push_back(vector("receipt matches", with_receipt, "ok", false, "ABCDEFGHK"));
    vectors.push_back(vector("receipt in the payload only (an older hub)", with_receipt, "ok"));
    vectors.push_back(vector("receipt differs", with_receipt, "mismatch:receipt", false, "ABCDEFGHJ"));

    bool written = write(out / "plain.key", protocol::base64_encode(secret) + "\n")
        && write(out / "protected.key", *protected_text) && write(out / "passphrase", std::string(passphrase) + "\n")
        && write(out / "vectors.json", vectors.dump(2) + "\n");
    sodium_memzero(secret.data(), secret.size());
    if (!written) {
        std::cerr << "office_vectors: cannot write into " << out.string() << "\n";
        return 1;
    }
    return 0;
}
