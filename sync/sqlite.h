// A thin RAII layer over SQLite for the outbox and the hub: a database, prepared statements, and a
// transaction that commits explicitly and rolls back in its destructor. Errors are Result values that
// carry SQLite's message and the statement that failed.
#pragma once
#include "kiosk/core/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace guichet::sync {

class Statement;

enum class Durability {
    Full,   // WAL + synchronous=FULL: a COMMIT that returned survives a power cut
    Normal, // WAL + synchronous=NORMAL, for data that can be rebuilt
};

class Database {
public:
    // Opens (creating if needed) a database file in WAL mode with foreign keys and a busy timeout.
    static Result<Database> open(const std::filesystem::path& path, Durability = Durability::Full);

    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    int64_t changes() const;
    sqlite3* handle() const { return m_db.get(); }

    // Brings the schema to `migrations.size()` by running each step whose number is above PRAGMA
    // user_version, each in its own transaction with the version bump. A database from a newer
    // version of the program (user_version above what we know) is refused.
    Result<void> migrate(std::span<const std::string_view> migrations);
    Result<int> user_version();

private:
    struct Closer {
        void operator()(sqlite3*) const;
    };
    std::unique_ptr<sqlite3, Closer> m_db;
    std::string m_path;
};

class Statement {
public:
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::span<const uint8_t> blob);
    Statement& bind_null(int index);
    Statement& bind(int index, std::nullopt_t) { return bind_null(index); }
    template<typename T>
    Statement& bind(int index, const std::optional<T>& value)
    {
        return value ? bind(index, *value) : bind_null(index);
    }

    // Steps once: true when a row is ready, false when done.
    Result<bool> step();
    // Steps to the end (for statements that return no rows) and resets for the next use.
    Result<void> run();
    // Steps through the rows, calling `visit` on each until it returns false or the rows end.
    Result<void> each_row(const std::function<bool(const Statement&)>& visit);
    void reset();

    int64_t int64(int column) const;
    std::string text(int column) const;
    std::vector<uint8_t> blob(int column) const;
    bool is_null(int column) const;

private:
    friend class Database;
    struct Finalizer {
        void operator()(sqlite3_stmt*) const;
    };
    std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
    sqlite3* m_db = nullptr;
    Error m_bind_error; // the first bind failure, reported by step()
};

// BEGIN IMMEDIATE ... COMMIT. If commit() was not called (an early return, an error), the destructor
// rolls back, so a half-made change never lands.
class Transaction {
public:
    static Result<Transaction> begin(Database&);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

private:
    explicit Transaction(Database& db)
        : m_db(&db)
    {
    }
    Database* m_db;
    bool m_open = true;
};

}
