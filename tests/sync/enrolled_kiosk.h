// A kiosk enrolled at a hub, for the sync tests: a temporary folder, the administration's key pair, the
// hub's database with this kiosk enrolled (by the real guichet-hub), and the kiosk's real outbox.
#pragma once
#include "../hub/hub_fixture.h"
#include "sync_test_support.h"

#include <catch2/catch.hpp>

#include <ctime>

namespace guichet::test {

struct EnrolledKiosk {
    TempDir dir;
    KeyPair keys;
    std::filesystem::path hub_db = dir / "hub.sqlite";
    std::string token = enroll(dir, hub_db, "mairie-01");
    std::unique_ptr<sync::Outbox> outbox;

    EnrolledKiosk()
    {
        auto opened = sync::Outbox::open({ dir / "outbox.sqlite", "mairie-01", keys.public_key });
        REQUIRE(opened);
        outbox = std::move(*opened);
    }

    sync::Receipt submit(const std::string& answers)
    {
        sync::NewSubmission submission { "acte-naissance", 1, false, answers };
        auto receipt = outbox->enqueue(submission, static_cast<int64_t>(std::time(nullptr)));
        REQUIRE(receipt);
        return *receipt;
    }
};

}
