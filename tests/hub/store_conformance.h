// The store conformance suite's fixture: each case runs on both engines (a real SQLite file and a real
// PostgreSQL server, pg_fixture.h) with a fresh, empty store. Areas add cases in their own files
// (conformance_*.cpp) with GENERATE(Engine::Sqlite, Engine::Postgres).
#pragma once
#include "hub_fixture.h"
#include "pg_fixture.h"

#include "sync/hub/store.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

namespace guichet::test::conformance {

using guichet::sync::hub::Store;

enum class Engine { Sqlite, Postgres };

inline std::vector<uint8_t> bytes_of(std::string_view text) { return { text.begin(), text.end() }; }

// Where a fresh, empty store of `engine` lives: a file in `dir`, or a new database on the shared server.
inline std::string fresh_location(Engine engine, const TempDir& dir)
{
    if (engine == Engine::Sqlite)
        return (dir / "hub.db").string();
    return shared_postgres().create_database();
}

inline std::unique_ptr<Store> open_store(const std::string& where)
{
    auto store = Store::open(where);
    INFO((store ? std::string() : store.error().message));
    REQUIRE(store);
    return std::move(*store);
}

inline const char* name_of(Engine engine) { return engine == Engine::Sqlite ? "SQLite" : "PostgreSQL"; }

}
