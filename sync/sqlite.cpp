// SQLite wrapper.
#include "sync/sqlite.h"

#include <sqlite3.h>

namespace guichet::sync {
namespace {

Error sqlite_error(sqlite3* db, std::string_view what)
{
    return Error { std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory") };
}

}

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Result<Database> Database::open(const std::filesystem::path& path, Durability durability)
{
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    Database db;
    db.m_db.reset(raw);
    db.m_path = path.string();
    if (rc != SQLITE_OK)
        return std::unexpected(sqlite_error(raw, "cannot open the database '" + path.string() + "'"));
    sqlite3_busy_timeout(raw, 5000);
    sqlite3_extended_result_codes(raw, 1);
    std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=";
    pragmas += durability == Durability::Full ? "FULL;" : "NORMAL;";
    if (auto done = db.exec(pragmas); !done)
        return fail("cannot open the database '" + path.string() + "': " + done.error().message);
    return db;
}

Result<void> Database::exec(std::string_view sql)
{
    char* message = nullptr;
    std::string text(sql);
    if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string error = message ? message : sqlite3_errmsg(m_db.get());
        sqlite3_free(message);
        return fail(error + " (in: " + text.substr(0, 80) + ")");
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr) != SQLITE_OK)
        return std::unexpected(sqlite_error(m_db.get(), "cannot prepare '" + std::string(sql.substr(0, 80)) + "'"));
    Statement statement;
    statement.m_stmt.reset(raw);
    statement.m_db = m_db.get();
    return statement;
}

int64_t Database::changes() const { return sqlite3_changes64(m_db.get()); }

Result<int> Database::user_version()
{
    auto statement = prepare("PRAGMA user_version");
    if (!statement)
        return std::unexpected(statement.error());
    auto row = statement->step();
    if (!row)
        return std::unexpected(row.error());
    return static_cast<int>(statement->int64(0));
}

Result<void> Database::migrate(std::span<const std::string_view> migrations)
{
    auto version = user_version();
    if (!version)
        return std::unexpected(version.error());
    if (*version > static_cast<int>(migrations.size()))
        return fail("the database '" + m_path + "' has schema version " + std::to_string(*version)
            + ", newer than this program knows (" + std::to_string(migrations.size()) + ")");
    for (int step = *version; step < static_cast<int>(migrations.size()); ++step) {
        auto transaction = Transaction::begin(*this);
        if (!transaction)
            return std::unexpected(transaction.error());
        if (auto done = exec(migrations[step]); !done)
            return fail("migration " + std::to_string(step + 1) + " failed: " + done.error().message);
        if (auto done = exec("PRAGMA user_version = " + std::to_string(step + 1)); !done)
            return done;
        if (auto done = transaction->commit(); !done)
            return done;
    }
    return {};
}

Statement& Statement::bind(int index, int64_t value)
{
    if (sqlite3_bind_int64(m_stmt.get(), index, value) != SQLITE_OK && m_bind_error.message.empty())
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text64(m_stmt.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK
        && m_bind_error.message.empty())
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind(int index, std::span<const uint8_t> blob)
{
    if (sqlite3_bind_blob64(m_stmt.get(), index, blob.data(), blob.size(), SQLITE_TRANSIENT) != SQLITE_OK
        && m_bind_error.message.empty())
        m_bind_error = sqlite_error(m_db, "bind");
    return *this;
}

Statement& Statement::bind_null(int index)
{
    sqlite3_bind_null(m_stmt.get(), index);
    return *this;
}

Result<bool> Statement::step()
{
    if (!m_bind_error.message.empty())
        return std::unexpected(m_bind_error);
    int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    auto error = sqlite_error(m_db, std::string("'") + sqlite3_sql(m_stmt.get()) + "'");
    sqlite3_reset(m_stmt.get());
    return std::unexpected(error);
}

Result<void> Statement::run()
{
    for (;;) {
        auto row = step();
        if (!row) {
            reset();
            return std::unexpected(row.error());
        }
        if (!*row)
            break;
    }
    reset();
    return {};
}

Result<void> Statement::each_row(const std::function<bool(const Statement&)>& visit)
{
    for (;;) {
        auto row = step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row || !visit(*this))
            return {};
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
    m_bind_error = {};
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(m_stmt.get(), column); }

std::string Statement::text(int column) const
{
    auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt.get(), column));
    return data ? std::string(data, static_cast<size_t>(sqlite3_column_bytes(m_stmt.get(), column))) : std::string();
}

std::vector<uint8_t> Statement::blob(int column) const
{
    auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(m_stmt.get(), column));
    return data ? std::vector<uint8_t>(data, data + sqlite3_column_bytes(m_stmt.get(), column)) : std::vector<uint8_t>();
}

bool Statement::is_null(int column) const { return sqlite3_column_type(m_stmt.get(), column) == SQLITE_NULL; }

Result<Transaction> Transaction::begin(Database& db)
{
    if (auto done = db.exec("BEGIN IMMEDIATE"); !done)
        return std::unexpected(done.error());
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_db(other.m_db)
    , m_open(other.m_open)
{
    other.m_open = false;
}

Transaction::~Transaction()
{
    if (m_open)
        (void)m_db->exec("ROLLBACK");
}

Result<void> Transaction::commit()
{
    auto done = m_db->exec("COMMIT");
    if (done)
        m_open = false;
    return done;
}

}
