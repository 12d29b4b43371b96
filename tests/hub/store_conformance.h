// The store conformance suite's fixture: each case runs on both engines (a real SQLite file and a real
// PostgreSQL server, pg_fixture.h) with a fresh, empty store. Areas add cases in their own files
// (conformance_*.cpp) with GENERATE(Engine::Sqlite, Engine::Postgres).
#pragma once
#include "hub_fixture.h"
#include "pg_fixture.h"

#include "sync/hub/store.h"
#include "sync/sqlite.h"

#include <libpq-fe.h>

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

// Runs one statement (test values only, written into its text) on the store's database behind its
// back, through the engine's own client, and returns the first column of the first row (or 0): what
// the area cases need to plant receipts, states and figures, and to count rows.
inline int64_t direct_sql(Engine engine, const std::string& where, const std::string& sql)
{
    INFO(sql);
    if (engine == Engine::Sqlite) {
        auto db = guichet::sync::Database::open(where);
        REQUIRE(db);
        auto statement = db->prepare(sql);
        INFO((statement ? std::string() : statement.error().message));
        REQUIRE(statement);
        auto row = statement->step();
        INFO((row ? std::string() : row.error().message));
        REQUIRE(row);
        return *row && !statement->is_null(0) ? statement->int64(0) : 0;
    }
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(where.c_str()), &PQfinish);
    REQUIRE(PQstatus(connection.get()) == CONNECTION_OK);
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
    INFO(PQerrorMessage(connection.get()));
    auto status = PQresultStatus(result.get());
    REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
    if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0 && !PQgetisnull(result.get(), 0, 0))
        return std::stoll(PQgetvalue(result.get(), 0, 0));
    return 0;
}

inline const char* name_of(Engine engine) { return engine == Engine::Sqlite ? "SQLite" : "PostgreSQL"; }

}
