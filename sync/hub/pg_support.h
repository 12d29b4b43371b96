// What the PostgreSQL engine's files share (pg_store.cpp and pg_store_<area>.cpp): statement
// parameters, execution with errors as values, column readers, transactions, and the connection lease.
// Internal to the engine: only its own .cpp files include it.
#pragma once
#include "sync/hub/pg_store.h"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guichet::sync::hub::pg {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

inline std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

inline Error pg_error(PGconn* connection, std::string_view what)
{
    return Error { "PostgreSQL: " + std::string(what) + ": " + trimmed(PQerrorMessage(connection)) };
}

// One statement parameter: text, bytes (sent in binary), or NULL.
struct Param {
    std::string value;
    bool binary = false;
    bool null = false;

    Param(std::string_view text)
        : value(text)
    {
    }
    Param(const char* text)
        : value(text)
    {
    }
    Param(const std::string& text)
        : value(text)
    {
    }
    Param(int64_t number)
        : value(std::to_string(number))
    {
    }
    Param(std::span<const uint8_t> bytes)
        : value(reinterpret_cast<const char*>(bytes.data()), bytes.size())
        , binary(true)
    {
    }
    template<typename T>
    Param(const std::optional<T>& maybe)
        : Param(maybe ? Param(*maybe) : Param(std::string_view()))
    {
        null = !maybe.has_value();
    }
};

struct Prepared {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
};

inline Prepared prepare(const std::vector<Param>& params)
{
    Prepared prepared;
    for (auto& param : params) {
        prepared.values.push_back(param.null ? nullptr : param.value.data());
        prepared.lengths.push_back(static_cast<int>(param.value.size()));
        prepared.formats.push_back(param.binary ? 1 : 0);
    }
    return prepared;
}

inline Result<ResultPtr> exec(PGconn* connection, const char* sql, const std::vector<Param>& params = {})
{
    auto prepared = prepare(params);
    ResultPtr result(PQexecParams(connection, sql, static_cast<int>(params.size()), nullptr, prepared.values.data(),
                         prepared.lengths.data(), prepared.formats.data(), 0),
        &PQclear);
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return std::unexpected(pg_error(connection, sql));
    return result;
}

inline Result<void> exec_plain(PGconn* connection, const char* sql)
{
    ResultPtr result(PQexec(connection, sql), &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK && PQresultStatus(result.get()) != PGRES_TUPLES_OK)
        return std::unexpected(pg_error(connection, sql));
    return {};
}

inline std::string text(const PGresult* result, int row, int column) { return PQgetvalue(result, row, column); }

inline int64_t int64(const PGresult* result, int row, int column) { return std::stoll(PQgetvalue(result, row, column)); }

inline bool is_null(const PGresult* result, int row, int column) { return PQgetisnull(result, row, column) != 0; }

// bytea columns come back as text in PostgreSQL's hex form.
inline std::vector<uint8_t> bytes(const PGresult* result, int row, int column)
{
    size_t length = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result, row, column)), &length);
    if (!raw)
        return {};
    std::vector<uint8_t> out(raw, raw + length);
    PQfreemem(raw);
    return out;
}

// ROLLBACK unless commit() was called, like sync::Transaction.
class PgTransaction {
public:
    explicit PgTransaction(PGconn* connection)
        : m_connection(connection)
    {
    }
    ~PgTransaction()
    {
        if (m_open)
            PQclear(PQexec(m_connection, "ROLLBACK"));
    }
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    Result<void> begin() { return exec_plain(m_connection, "BEGIN"); }
    // A COMMIT that does not answer COMMAND_OK may or may not have landed: the caller reports a failure,
    // and the kiosk's retry then learns `duplicate` for what did land.
    Result<void> commit()
    {
        m_open = false;
        return exec_plain(m_connection, "COMMIT");
    }

private:
    PGconn* m_connection;
    bool m_open = true;
};

}

namespace guichet::sync::hub {

class PgStore::Lease {
public:
    Lease(PgStore& store, PGconn* connection)
        : m_store(&store)
        , m_connection(connection)
    {
    }
    Lease(Lease&& other) noexcept
        : m_store(other.m_store)
        , m_connection(std::exchange(other.m_connection, nullptr))
    {
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease()
    {
        if (!m_connection)
            return;
        // A connection is reused only when it is healthy and outside any transaction.
        if (PQstatus(m_connection) == CONNECTION_OK && PQtransactionStatus(m_connection) == PQTRANS_IDLE)
            m_store->give_back(m_connection);
        else
            PQfinish(m_connection);
    }
    PGconn* get() const { return m_connection; }

private:
    PgStore* m_store;
    PGconn* m_connection;
};

}
