// The PostgreSQL test fixture itself: a real server starts in a temporary directory, answers on its Unix
// socket, survives an immediate stop with its committed data, and leaves nothing behind.
#include "pg_fixture.h"

#include <catch2/catch.hpp>

namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultSet = std::unique_ptr<PGresult, decltype(&PQclear)>;

Connection connect(const std::string& url) { return Connection(PQconnectdb(url.c_str()), &PQfinish); }

std::string query_one(PGconn* connection, const char* sql)
{
    ResultSet result(PQexec(connection, sql), &PQclear);
    INFO(PQerrorMessage(connection));
    REQUIRE(PQresultStatus(result.get()) == PGRES_TUPLES_OK);
    REQUIRE(PQntuples(result.get()) == 1);
    return PQgetvalue(result.get(), 0, 0);
}

}

TEST_CASE("The PostgreSQL fixture runs a real server on a private socket and keeps commits across an immediate stop", "[hub][pg]")
{
    std::filesystem::path dir;
    {
        guichet::test::PostgresServer server;
        dir = server.dir();
        auto url = server.create_database();
        {
            auto connection = connect(url);
            INFO(PQerrorMessage(connection.get()));
            REQUIRE(PQstatus(connection.get()) == CONNECTION_OK);
            CHECK(query_one(connection.get(), "SELECT current_setting('listen_addresses')").empty());
            CHECK(query_one(connection.get(), "SELECT current_setting('unix_socket_directories')") == dir.string());
            CHECK(query_one(connection.get(), "SELECT current_user") == "guichet");
            ResultSet made(PQexec(connection.get(), "CREATE TABLE t (x int); INSERT INTO t VALUES (42)"), &PQclear);
            REQUIRE(PQresultStatus(made.get()) == PGRES_COMMAND_OK);
        }
        server.stop(guichet::test::PostgresServer::StopMode::Immediate);
        CHECK(PQstatus(connect(url).get()) != CONNECTION_OK);
        server.start();
        auto again = connect(url);
        REQUIRE(PQstatus(again.get()) == CONNECTION_OK);
        CHECK(query_one(again.get(), "SELECT x FROM t") == "42");
    }
    CHECK_FALSE(std::filesystem::exists(dir));
}
