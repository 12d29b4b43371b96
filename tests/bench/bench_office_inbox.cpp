// The back office's inbox at 100,000 stored submissions (issue 17: "server time p95 <= 50 ms"), on
// SQLite and on PostgreSQL (a real server, pg_fixture.h). It stores real sealed payloads (the kiosk's
// envelope, crypto_box_seal to a fresh key pair) through the store's own import path, spread over 4
// procedures, 20 kiosks, 4 states and a year of arrivals, then times each inbox query the
// /office/demandes page runs:
//   store:  Store::inbox() called in this process, as the page handler calls it (the server's time);
//   http:   the whole page GET /office/demandes?... from a real guichet-hub serve, signed in as an agent
//           (the store's query, the HTML, the session check, loopback HTTP).
// For each: the first page, a deep keyset page (past 80 % of the procedure's rows), the page before it,
// filters by state, by kiosk, by a month of dates, all three together, and the search by receipt code
// (found, and unknown). It prints p50, p95 and max in milliseconds per query and engine.
//
//   bench_office_inbox [sqlite|pg|all] [--rows N (default 100000)] [--runs N (default 200)] [--no-http]
//   bench_office_inbox seed --db FILE|URL --public-key FILE --rows N [--procedure ID]
//       the seeding path alone, for bench_office_browser.py: N real sealed change-of-address
//       submissions for the hub whose submission.pub is FILE, all of procedure ID (version 1).
//
// [SECTION] Seeding   [SECTION] Timing   [SECTION] HTTP   [SECTION] main
#include "../hub/hub_fixture.h"
#include "../hub/pg_fixture.h"

#include "sync/hub/case_json.h"
#include "sync/hub/office_html.h"
#include "sync/hub/store.h"
#include "sync/protocol.h"
#include "sync/receipt.h"
#include "sync/sqlite.h"

#include <libpq-fe.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <random>

using namespace guichet;
using guichet::sync::hub::InboxQuery;
using guichet::sync::hub::Store;
using Clock = std::chrono::steady_clock;

namespace {

// The procedures' shares of the rows (the first is the one the queries read), the kiosks, the states.
const std::vector<std::pair<std::string, int>> procedures { { "change-of-address", 50 }, { "civil-status-certificate", 25 },
    { "public-space-report", 15 }, { "adviser-appointment", 10 } };
constexpr int kiosk_count = 20;
const std::string agent_password = "bench horse battery staple";

// Thrown to main, so the hubs, PostgreSQL and the temporary directories are stopped and removed on the way.
[[noreturn]] void die(const std::string& message) { throw std::runtime_error(message); }

template<typename T> T value_or_die(Result<T> result, const std::string& what)
{
    if (!result)
        die(what + ": " + result.error().message);
    return std::move(*result);
}

std::string kiosk_name(int index)
{
    char name[32];
    std::snprintf(name, sizeof name, "mairie-%02d", index);
    return name;
}

// [SECTION] Seeding ---------------------------------------------------------------------------------

// A valid receipt code in its wire form (8 characters of the receipt alphabet and the check character,
// sync/receipt.h), unique by construction: the row number in base 32, scrambled by a fixed odd
// multiplier so neighbours do not share prefixes.
std::string receipt_of(int64_t row)
{
    static constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    uint64_t value = (static_cast<uint64_t>(row) * 0x9E3779B1ull + 12345) & ((1ull << 40) - 1);
    std::string code(8, '0');
    for (int i = 7; i >= 0; --i) {
        code[static_cast<size_t>(i)] = alphabet[value & 31];
        value >>= 5;
    }
    return code + sync::receipt_check_character(code);
}

std::string rfc3339(int64_t unix_s, int millis = 0)
{
    std::time_t t = unix_s;
    std::tm tm {};
    gmtime_r(&t, &tm);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
        tm.tm_min, tm.tm_sec, millis);
    return text;
}

// The answers a citizen gives to change-of-address at a kiosk (journey_feature.cpp's body), varied a little.
std::string answers_of(std::mt19937_64& random)
{
    static const char* communes[] = { "Bourg-en-Bresse", "Lyon", "Saint-Étienne", "Grenoble", "Annecy" };
    static const char* streets[] = { "avenue du Général de Gaulle", "rue des Lilas", "place de la République", "chemin des Écoliers" };
    nlohmann::json answers { { "moved_on", "2026-0" + std::to_string(1 + random() % 9) + "-1" + std::to_string(random() % 10) },
        { "new_address",
            { { "street", std::to_string(1 + random() % 120) + " " + streets[random() % 4] },
                { "postcode", "0" + std::to_string(1000 + random() % 9000) }, { "commune", communes[random() % 5] }, { "insee", "01053" } } },
        { "previous_postcode", std::to_string(10000 + random() % 80000) }, { "has_children", random() % 2 ? "yes" : "no" },
        { "phone", "06" + std::to_string(10000000 + random() % 89999999) }, { "inform", { "caf", "impots", "la_poste" } },
        { "caf_number", std::to_string(1000000 + random() % 8999999) }, { "consent", "yes" } };
    if (answers["has_children"] == "yes")
        answers["children_count"] = 1 + random() % 4;
    return nlohmann::json { { "language", "fr" }, { "answers", answers }, { "outcomes", nlohmann::json::array() } }.dump();
}

struct SeedPlan {
    int64_t rows = 100000;
    std::optional<std::string> only_procedure; // every row of this procedure (seed mode)
    int64_t first_arrival = 1764547200 - 365 * 86400; // a year before 2025-12-01
    int64_t span_s = 365 * 86400;
};

// Stores `plan.rows` submissions through Store::import_submissions (the copy path: it keeps the
// arrival times given), 1,000 per transaction, each a real seal of the kiosk's envelope.
void seed(Store& store, const std::array<uint8_t, crypto_box_PUBLICKEYBYTES>& public_key, const SeedPlan& plan)
{
    std::mt19937_64 random(17);
    for (int k = 0; k < kiosk_count; ++k)
        (void)store.enroll(kiosk_name(k)); // an existing kiosk (a second seed) is no error for the rows
    std::vector<int> wheel;
    for (size_t p = 0; p < procedures.size(); ++p)
        wheel.insert(wheel.end(), static_cast<size_t>(procedures[p].second), static_cast<int>(p));
    std::vector<sync::hub::SubmissionRecord> chunk;
    auto started = Clock::now();
    for (int64_t row = 0; row < plan.rows; ++row) {
        // Arrivals evenly over the span, oldest first, as they would come in.
        int64_t arrival = plan.first_arrival + plan.span_s * row / std::max<int64_t>(plan.rows, 1);
        sync::protocol::SealedPayload payload;
        payload.id = test::new_uuid();
        payload.kiosk = kiosk_name(static_cast<int>(random() % kiosk_count));
        payload.procedure = plan.only_procedure ? *plan.only_procedure : procedures[static_cast<size_t>(wheel[random() % wheel.size()])].first;
        payload.version = 1;
        payload.created_at = rfc3339(arrival - 5, static_cast<int>(row % 1000));
        payload.assisted = random() % 10 == 0;
        payload.answers_json = answers_of(random);
        payload.receipt = receipt_of(row);
        auto plaintext = value_or_die(sync::protocol::encode(payload), "encode a payload");
        std::vector<uint8_t> sealed(plaintext.size() + crypto_box_SEALBYTES);
        crypto_box_seal(sealed.data(), reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(), public_key.data());
        chunk.push_back({ payload.id, payload.kiosk, payload.procedure, 1, payload.created_at, rfc3339(arrival, static_cast<int>(row % 1000)),
            std::move(sealed), *payload.receipt });
        if (chunk.size() == 1000 || row + 1 == plan.rows) {
            value_or_die(store.import_submissions(chunk), "store submissions");
            chunk.clear();
        }
    }
    std::fprintf(stderr, "  stored %lld sealed submissions in %.1f s\n", static_cast<long long>(plan.rows),
        std::chrono::duration<double>(Clock::now() - started).count());
}

// Runs SQL behind the store's back through the engine's own client: the states agents would have set
// (one UPDATE instead of 100,000 transitions) and the statistics. Returns the first column of the first
// row, or "".
std::string run_sql(const std::string& where, const std::string& sql)
{
    if (!where.starts_with("postgres")) {
        auto db = value_or_die(sync::Database::open(where), "open " + where);
        auto statement = value_or_die(db.prepare(sql), sql.substr(0, 80));
        auto row = value_or_die(statement.step(), sql.substr(0, 80));
        return row && !statement.is_null(0) ? statement.text(0) : "";
    }
    std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(where.c_str()), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK)
        die(std::string("PostgreSQL: ") + PQerrorMessage(connection.get()));
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
    auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        die(sql.substr(0, 80) + ": " + PQerrorMessage(connection.get()));
    if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0 && !PQgetisnull(result.get(), 0, 0))
        return PQgetvalue(result.get(), 0, 0);
    return "";
}

// 40 % received, 20 % in progress, 30 % done, 10 % incomplete; the older a submission the likelier it
// is final, as in a service that keeps up.
void set_states(const std::string& where)
{
    run_sql(where, "UPDATE submissions SET state = CASE WHEN seq % 10 < 3 THEN 'done' WHEN seq % 10 = 3 THEN 'incomplete' "
                   "WHEN seq % 10 < 6 THEN 'in_progress' ELSE 'received' END, state_at = received_at, rev = 1, kiosk_rev = 1, "
                   "handler = 'bench', final_at = CASE WHEN seq % 10 < 4 THEN received_at END WHERE seq % 10 < 6");
}

// [SECTION] Timing ----------------------------------------------------------------------------------

struct Figures {
    double p50 = 0, p95 = 0, max = 0;
};

Figures figures_of(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
    return { at(0.50), at(0.95), ms.back() };
}

Figures time_runs(int runs, const std::function<void()>& once)
{
    for (int i = 0; i < 3; ++i) // warm the caches, as a hub that has served for a while
        once();
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        once();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return figures_of(std::move(ms));
}

// One query of the page: its name, the store's query and the page's URL parameters.
struct Case {
    std::string name;
    InboxQuery query;
    std::vector<std::pair<std::string, std::string>> params;
};

std::vector<Case> cases_for(const std::string& where, int64_t rows)
{
    const std::string& procedure = procedures[0].first;
    auto base = [&] {
        InboxQuery query;
        query.procedure = procedure;
        query.limit = 50; // office_cases.cpp's inbox_page_rows
        return query;
    };
    std::vector<Case> cases;
    cases.push_back({ "first page", base(), {} });
    // A deep page: the key of the row past 80 % of the procedure's rows, newest first.
    auto of_procedure = std::stoll(run_sql(where, "SELECT count(*) FROM submissions WHERE procedure = '" + procedure + "'"));
    auto offset = std::to_string(of_procedure * 8 / 10);
    auto at = run_sql(where, "SELECT received_at FROM submissions WHERE procedure = '" + procedure
            + "' ORDER BY received_at DESC, seq DESC LIMIT 1 OFFSET " + offset);
    auto seq = std::stoll(run_sql(where, "SELECT seq FROM submissions WHERE procedure = '" + procedure
            + "' ORDER BY received_at DESC, seq DESC LIMIT 1 OFFSET " + offset));
    auto deep = base();
    deep.after = std::pair(at, seq);
    cases.push_back({ "deep page (after row " + offset + ")", deep, { { "apres", sync::hub::format_cursor({ at, seq }) } } });
    auto back = base();
    back.before = std::pair(at, seq);
    cases.push_back({ "page before it", back, { { "avant", sync::hub::format_cursor({ at, seq }) } } });
    auto state = base();
    state.state = sync::hub::CaseState::InProgress;
    cases.push_back({ "state = in progress", state, { { "etat", "in_progress" } } });
    auto kiosk = base();
    kiosk.kiosk = kiosk_name(7);
    cases.push_back({ "kiosk = " + kiosk_name(7), kiosk, { { "kiosque", kiosk_name(7) } } });
    auto month = base();
    month.from = "2025-06-01T00:00:00.000Z";
    month.to = "2025-07-01T00:00:00.000Z";
    cases.push_back({ "dates = June 2025", month, { { "du", "2025-06-01" }, { "au", "2025-06-30" } } });
    auto all = month;
    all.state = sync::hub::CaseState::InProgress;
    all.kiosk = kiosk_name(7);
    cases.push_back({ "state + kiosk + dates", all, { { "etat", "in_progress" }, { "kiosque", kiosk_name(7) }, { "du", "2025-06-01" }, { "au", "2025-06-30" } } });
    // A code of the procedure: the receipt of a row in the middle.
    auto code = run_sql(where, "SELECT receipt FROM submissions WHERE procedure = '" + procedure + "' ORDER BY seq LIMIT 1 OFFSET "
            + std::to_string(of_procedure / 2));
    auto found = base();
    found.receipt = code;
    cases.push_back({ "receipt code (found)", found, { { "code", code.substr(0, 3) + "-" + code.substr(3, 3) + "-" + code.substr(6) } } });
    // A valid code that no row has (an invalid one never reaches the store: the page says so).
    auto none = receipt_of(rows + 1);
    auto unknown = base();
    unknown.receipt = none;
    cases.push_back({ "receipt code (unknown)", unknown, { { "code", none.substr(0, 3) + "-" + none.substr(3, 3) + "-" + none.substr(6) } } });
    return cases;
}

// [SECTION] HTTP ------------------------------------------------------------------------------------

std::optional<std::string> cookie_of(const httplib::Result& res, const std::string& name)
{
    for (size_t i = 0; i < res->get_header_value_count("Set-Cookie"); ++i) {
        auto header = res->get_header_value("Set-Cookie", i);
        if (header.starts_with(name + "="))
            return header.substr(name.size() + 1, header.find(';') - name.size() - 1);
    }
    return std::nullopt;
}

// Signs in through the real form; returns the session cookie's value.
std::string sign_in(httplib::Client& client, const std::string& name)
{
    auto page = client.Get("/office/connexion");
    if (!page || page->status != 200)
        die("GET /office/connexion failed");
    auto pre = cookie_of(page, "guichet_pre");
    if (!pre)
        die("no pre-session cookie");
    auto body = "_csrf=" + sync::hub::url_encode(*pre) + "&name=" + sync::hub::url_encode(name) + "&password="
        + sync::hub::url_encode(agent_password);
    auto res = client.Post("/office/connexion", { { "Cookie", "guichet_pre=" + *pre } }, body, "application/x-www-form-urlencoded");
    if (!res)
        die("POST /office/connexion failed");
    auto session = cookie_of(res, "guichet_session");
    if (!session || session->empty())
        die("signing in failed: HTTP " + std::to_string(res->status));
    return *session;
}

std::map<std::string, Figures> time_http(const test::TempDir& dir, const std::string& where, const std::vector<Case>& cases, int runs)
{
    std::string scope;
    for (auto& [procedure, share] : procedures)
        scope += (scope.empty() ? "" : ",") + procedure;
    auto added = test::run_hub(dir, { "agent", "add", "bench", "--db", where, "--role", "agent", "--procedures", scope, "--hash-cost", "test" },
        agent_password + "\n");
    if (added.exit_code != 0)
        die("agent add: " + added.err);
    test::ServedHub hub(dir, where, { "--agent-hash-cost", "test" });
    auto client = hub.client();
    client.set_keep_alive(true);
    auto session = sign_in(client, "bench");
    std::map<std::string, Figures> out;
    for (auto& c : cases) {
        std::string path = "/office/demandes?procedure=" + sync::hub::url_encode(procedures[0].first);
        for (auto& [name, value] : c.params)
            path += "&" + name + "=" + sync::hub::url_encode(value);
        out[c.name] = time_runs(runs, [&] {
            auto res = client.Get(path, { { "Cookie", "guichet_session=" + session } });
            if (!res || res->status != 200)
                die("GET " + path + ": " + (res ? "HTTP " + std::to_string(res->status) : "no answer"));
            if (res->body.find("fr-alert--warning") != std::string::npos)
                die("GET " + path + ": the page says a filter is not understood");
        });
    }
    return out;
}

// [SECTION] main ------------------------------------------------------------------------------------

std::string arg_value(std::vector<std::string>& args, const std::string& name)
{
    auto it = std::find(args.begin(), args.end(), name);
    if (it == args.end())
        return {};
    if (it + 1 == args.end())
        die(name + " needs a value");
    auto value = *(it + 1);
    args.erase(it, it + 2);
    return value;
}

int seed_only(std::vector<std::string> args)
{
    auto where = arg_value(args, "--db");
    auto key_file = arg_value(args, "--public-key");
    auto rows = arg_value(args, "--rows");
    auto procedure = arg_value(args, "--procedure");
    if (where.empty() || key_file.empty())
        die("seed needs --db and --public-key");
    auto key_text = test::read_text(key_file);
    while (!key_text.empty() && (key_text.back() == '\n' || key_text.back() == '\r'))
        key_text.pop_back();
    auto key_bytes = value_or_die(sync::protocol::base64_decode(key_text), "the public key " + key_file);
    if (key_bytes.size() != crypto_box_PUBLICKEYBYTES)
        die("the public key " + key_file + " is not 32 bytes");
    std::array<uint8_t, crypto_box_PUBLICKEYBYTES> key {};
    std::copy(key_bytes.begin(), key_bytes.end(), key.begin());
    auto store = value_or_die(Store::open(where), "open " + where);
    SeedPlan plan;
    plan.rows = rows.empty() ? 1000 : std::stoll(rows);
    plan.only_procedure = procedure.empty() ? procedures[0].first : procedure;
    plan.span_s = 30 * 86400;
    seed(*store, key, plan);
    return 0;
}

}

static int run(int argc, char** argv)
{
    if (sodium_init() < 0)
        die("libsodium cannot start");
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "seed")
        return seed_only({ args.begin() + 1, args.end() });
    auto rows_text = arg_value(args, "--rows");
    auto runs_text = arg_value(args, "--runs");
    bool http = true;
    if (auto it = std::find(args.begin(), args.end(), "--no-http"); it != args.end()) {
        http = false;
        args.erase(it);
    }
    std::string engines = args.empty() ? "all" : args[0];
    if (engines != "all" && engines != "sqlite" && engines != "pg")
        die("usage: bench_office_inbox [sqlite|pg|all] [--rows N] [--runs N] [--no-http] | seed --db WHERE --public-key FILE [--rows N]");
    int64_t rows = rows_text.empty() ? 100000 : std::stoll(rows_text);
    int runs = runs_text.empty() ? 200 : std::stoi(runs_text);
    setenv("GUICHET_HUB_TEST_HOOKS", "1", 1); // the agent's cheap Argon2id cost, so signing in is quick

    std::array<uint8_t, crypto_box_PUBLICKEYBYTES> public_key {};
    std::array<uint8_t, crypto_box_SECRETKEYBYTES> secret_key {};
    crypto_box_keypair(public_key.data(), secret_key.data());

    std::unique_ptr<test::PostgresServer> postgres;
    std::printf("Inbox of /office/demandes at %lld stored submissions (%s), %d runs per query; milliseconds p50 / p95 / max\n",
        static_cast<long long>(rows), procedures[0].first.c_str(), runs);
    for (std::string engine : { "sqlite", "pg" }) {
        if (engines != "all" && engines != engine)
            continue;
        test::TempDir dir;
        std::string where;
        if (engine == "sqlite") {
            where = (dir / "hub.db").string();
        } else {
            postgres = std::make_unique<test::PostgresServer>();
            where = postgres->create_database();
        }
        std::fprintf(stderr, "%s: seeding\n", engine.c_str());
        {
            auto store = value_or_die(Store::open(where), "open " + where);
            SeedPlan plan;
            plan.rows = rows;
            seed(*store, public_key, plan);
        }
        set_states(where);
        // The daily purge, through the store as the hub runs it: a hub in service has long deleted the
        // sealed answers of final submissions past their retention. Left to the hub's start, it ran
        // during the timed requests (a first page at 580 ms, PostgreSQL's counts slowed by the dead rows).
        {
            auto store = value_or_die(Store::open(where), "open " + where);
            auto purged = value_or_die(store->purge(sync::hub::PurgePolicy {}, rfc3339(std::time(nullptr))), "purge");
            std::fprintf(stderr, "  the daily purge deleted %lld sealed answers\n", static_cast<long long>(purged.purged));
        }
        // What autovacuum does on a server after such a load (statistics, and the visibility map that
        // lets the capped count read indexes only); SQLite's planner has its indexes only.
        if (engine == "pg")
            run_sql(where, "VACUUM ANALYZE");
        auto cases = cases_for(where, rows);
        std::map<std::string, Figures> in_store;
        {
            auto store = value_or_die(Store::open(where), "open " + where);
            for (auto& c : cases)
                in_store[c.name] = time_runs(runs, [&] {
                    auto page = store->inbox(c.query);
                    if (!page)
                        die(c.name + ": " + page.error().message);
                });
        }
        std::map<std::string, Figures> over_http;
        if (http)
            over_http = time_http(dir, where, cases, runs);
        std::printf("\n%s\n  %-34s %26s %26s\n", engine == "sqlite" ? "SQLite" : "PostgreSQL", "query", "Store::inbox",
            "GET /office/demandes");
        for (auto& c : cases) {
            auto& s = in_store[c.name];
            char store_text[64], http_text[64] = "-";
            std::snprintf(store_text, sizeof store_text, "%6.2f / %6.2f / %6.2f", s.p50, s.p95, s.max);
            if (http) {
                auto& h = over_http[c.name];
                std::snprintf(http_text, sizeof http_text, "%6.2f / %6.2f / %6.2f", h.p50, h.p95, h.max);
            }
            std::printf("  %-34s %26s %26s\n", c.name.c_str(), store_text, http_text);
        }
        std::fflush(stdout);
        postgres.reset();
    }
    sodium_memzero(secret_key.data(), secret_key.size());
    return 0;
}

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench_office_inbox: %s\n", error.what());
        return 1;
    }
}
