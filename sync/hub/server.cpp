// Routes, authentication and logging of the hub's HTTP server (cpp-httplib).
#include "sync/hub/server.h"

#include "sync/clock_text.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"
#include "sync/hub/office_status.h"
#include "sync/hub/pack_routes.h"

#include <guichet/version.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <charconv>
#include <cstring>
#include <malloc.h>
#include <mutex>
#include <regex>
#include <sys/socket.h>
#include <unistd.h>

namespace guichet::sync::hub {
namespace {

using nlohmann::json;

// What a handler learned about the request, for the log line that the logger writes after the
// response: httplib calls both on the same worker thread, and the logger only sees const objects.
struct RequestNote {
    std::string kiosk;
    std::optional<size_t> items;
    size_t body_bytes = 0; // read by a handler
};
thread_local RequestNote t_note;

std::mutex g_log_mutex;

void log_line(std::string line)
{
    line += '\n';
    std::lock_guard lock(g_log_mutex);
    // One write per line keeps lines whole when several processes share the log.
    (void)!::write(STDERR_FILENO, line.data(), line.size());
}

// A request path is attacker-chosen: keep it printable and short in the log.
std::string printable(std::string_view text, size_t limit = 160)
{
    std::string out;
    for (char c : text.substr(0, limit))
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (text.size() > limit)
        out += "...";
    return out;
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

void send_json(httplib::Response& res, int status, const json& body)
{
    res.status = status;
    res.set_content(dump(body), "application/json");
}

void send_error(httplib::Response& res, int status, std::string message)
{
    send_json(res, status, json { { "error", std::move(message) } });
}

// The store failed (its database is down, slow past its timeouts, or refused the change): nothing the
// kiosk sent was committed, so it is told to come back later, like any other 503, never `stored`.
void send_unavailable(httplib::Response& res, int retry_after_s, std::string message)
{
    res.set_header("Retry-After", std::to_string(retry_after_s));
    send_error(res, 503, std::move(message));
}

// The kiosk named by the request's bearer token; otherwise sends 401 (or 503) and returns nullopt. A
// token that was revoked, or a previous token whose grace has ended, is told apart from an unknown one,
// so the kiosk's technician screen can say what to do.
std::optional<std::string> authenticate(Store& store, const HubClock& clock, const httplib::Request& req, httplib::Response& res,
    int retry_after_s)
{
    auto header = req.get_header_value("Authorization");
    constexpr std::string_view scheme = "bearer ";
    bool bearer = header.size() > scheme.size()
        && std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    if (!bearer) {
        res.set_header("Connection", "close"); // its body stays unread
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "missing bearer token: send 'Authorization: Bearer <kiosk token>'");
        return std::nullopt;
    }
    auto check = store.check_token(std::string_view(header).substr(scheme.size()), clock.now_text());
    if (!check) {
        log_line("guichet-hub: cannot check a token: " + check.error().message);
        res.set_header("Connection", "close");
        send_unavailable(res, retry_after_s, "the hub cannot check tokens right now; retry later");
        return std::nullopt;
    }
    auto refuse = [&](std::string_view reason, std::string message) {
        res.set_header("Connection", "close");
        res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + std::string(reason) + "\"");
        send_json(res, 401, json { { "error", std::move(message) }, { "reason", reason } });
    };
    switch (check->state) {
    case TokenState::Valid:
    case TokenState::ValidPrevious:
        t_note.kiosk = check->kiosk;
        return check->kiosk;
    case TokenState::Revoked:
        refuse("revoked", "this kiosk's token was revoked at the hub (guichet-hub kiosk revoke)");
        return std::nullopt;
    case TokenState::Expired:
        refuse("expired", "this kiosk's token was replaced (guichet-hub kiosk rotate) and its grace period has ended");
        return std::nullopt;
    case TokenState::Unknown:
        break;
    }
    res.set_header("Connection", "close");
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    send_error(res, 401, "unknown token: this kiosk is not enrolled here, or its token was replaced");
    return std::nullopt;
}

// Reads the request body through httplib's content reader, which has already undone any
// Content-Encoding: a gzip body of a few kilobytes could otherwise inflate to gigabytes. Stops at
// protocol::max_body_bytes of decoded bytes and answers 413.
std::optional<std::string> read_bounded_body(
    const httplib::Request& req, const httplib::ContentReader& reader, httplib::Response& res)
{
    std::string body;
    // httplib refuses a declared length over its limit inside the reader; we answer 413 for it.
    auto declared = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
    bool too_large = declared > protocol::max_body_bytes;
    // One allocation of the declared size rather than doublings up to twice the body.
    if (!too_large)
        body.reserve(declared);
    bool complete = reader([&](const char* data, size_t length) {
        if (body.size() + length > protocol::max_body_bytes) {
            too_large = true;
            return false;
        }
        body.append(data, length);
        return true;
    });
    t_note.body_bytes = body.size();
    if (too_large) {
        res.set_header("Connection", "close");
        send_error(res, 413, "the body is larger than " + std::to_string(protocol::max_body_bytes) + " bytes once decoded");
        return std::nullopt;
    }
    if (!complete) {
        res.set_header("Connection", "close");
        send_error(res, 400, "the body could not be read");
        return std::nullopt;
    }
    return body;
}

// What both POST handlers do before their own work: the token, the bounded body, its decoding, and
// the check that the body speaks for the token's kiosk. On any failure the answer has been sent.
template<typename Body>
std::optional<std::pair<std::string, Body>> accept_body(Store& store, const HubClock& clock, int retry_after_s,
    const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
    Result<Body> (*decode)(std::string_view), std::string_view what)
{
    auto kiosk = authenticate(store, clock, req, res, retry_after_s);
    if (!kiosk)
        return std::nullopt;
    auto body = read_bounded_body(req, reader, res);
    if (!body)
        return std::nullopt;
    auto decoded = decode(*body);
    if (!decoded) {
        send_error(res, 400, "malformed " + std::string(what) + ": " + decoded.error().message);
        return std::nullopt;
    }
    if (decoded->kiosk != *kiosk) {
        send_error(res, 403, "this token belongs to kiosk '" + *kiosk + "', not to '" + printable(decoded->kiosk, 64) + "'");
        return std::nullopt;
    }
    return std::pair { std::move(*kiosk), std::move(*decoded) };
}

bool is_body_route(const httplib::Request& req)
{
    return req.method == "POST" && (req.path == "/v1/submissions" || req.path == "/v1/heartbeat");
}

// Issue 18: a sealed page's chunk, PUT /v1/submissions/{id}/attachments/{n}, raw bytes.
constexpr const char* attachment_pattern = R"(/v1/submissions/([0-9a-f-]{36})/attachments/([0-9]{1,3}))";
const std::regex attachment_route(attachment_pattern);

bool is_chunk_route(const httplib::Request& req)
{
    return req.method == "PUT" && req.path.starts_with("/v1/submissions/") && std::regex_match(req.path, attachment_route);
}

// Before any handler, and before httplib reads a byte of a body: a body goes only to the two POST
// routes, and only as JSON. Anything else (multipart, a form, text) would reach httplib's multipart
// reader, which our handlers do not provide (it answered 500), or be read whole for nothing.
bool refuse_unexpected_body(const httplib::Request& req, httplib::Response& res)
{
    bool has_body = req.has_header("Transfer-Encoding")
        || std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > 0;
    if (is_body_route(req)) {
        if (media_type_is(req.get_header_value("Content-Type"), "application/json"))
            return false;
        res.set_header("Connection", "close"); // its body stays unread
        send_error(res, 415, "the body must be 'Content-Type: application/json', not '" + printable(req.get_header_value("Content-Type"), 64) + "'");
        return true;
    }
    if (is_chunk_route(req)) {
        if (media_type_is(req.get_header_value("Content-Type"), "application/octet-stream"))
            return false;
        res.set_header("Connection", "close");
        send_error(res, 415, "a page's chunk must be 'Content-Type: application/octet-stream', not '"
            + printable(req.get_header_value("Content-Type"), 64) + "'");
        return true;
    }
    // The back office has its own policy: forms, and JSON under /office/api/ (office_routes.h).
    if (req.path.starts_with("/office/")) {
        auto length = req.get_header_value("Content-Length");
        auto refusal = office_body_policy(req.method, req.path, req.get_header_value("Content-Type"),
            length.empty() ? std::nullopt : std::optional<size_t>(std::strtoull(length.c_str(), nullptr, 10)),
            req.has_header("Transfer-Encoding"));
        if (!refusal)
            return false;
        res.set_header("Connection", "close");
        send_error(res, refusal->status, refusal->message);
        return true;
    }
    if (!has_body)
        return false;
    res.set_header("Connection", "close");
    if (req.method == "POST")
        send_error(res, 404, "no such endpoint");
    else
        send_error(res, 400, "this request takes no body");
    return true;
}

// The states a kiosk is owed, as batch and heartbeat answers carry them.
std::vector<protocol::StateUpdate> on_the_wire(const std::vector<KioskStateUpdate>& owed)
{
    std::vector<protocol::StateUpdate> states;
    for (auto& state : owed)
        states.push_back({ state.id, std::string(name_of(state.state)), state.message, state.at, state.rev });
    return states;
}

std::string_view default_error_message(int status)
{
    switch (status) {
    case 400:
        return "malformed HTTP request";
    case 404:
        return "no such endpoint";
    case 413:
        return "the body is too large";
    case 414:
        return "the request URI is too long";
    default:
        return "the request failed";
    }
}

}

Result<ListenAddress> parse_listen_address(std::string_view text)
{
    auto bad = [&](std::string_view why) {
        return fail("--listen '" + std::string(text) + "': " + std::string(why) + "; expected HOST:PORT, e.g. 127.0.0.1:8443");
    };
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return bad("no port");
    ListenAddress address;
    auto host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            return bad("an IPv6 host must be in brackets");
        host = host.substr(1, host.size() - 2);
    }
    address.host = std::string(host);
    auto port = text.substr(colon + 1);
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || address.port < 0 || address.port > 65535)
        return bad("the port must be a number from 0 to 65535");
    return address;
}

// httplib (Debian's 0.11, built with brotli) compresses an answer with brotli at its highest quality
// whenever the client accepts br: 250 ms for one 200 KB page of the export's API, where gzip takes 7 ms
// (bench_office_browser: most of the export's time). "br" is struck out of Accept-Encoding before
// httplib chooses, so browsers get gzip. The request is httplib's own non-const object; only the
// handler's view of it is const.
static void strike_brotli(const httplib::Request& request)
{
    auto& req = const_cast<httplib::Request&>(request);
    auto [first, last] = req.headers.equal_range("Accept-Encoding");
    for (auto it = first; it != last; ++it) {
        std::string kept;
        std::string_view rest = it->second;
        while (!rest.empty()) {
            auto comma = rest.find(',');
            auto token = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            while (!token.empty() && token.front() == ' ')
                token.remove_prefix(1);
            auto coding = token.substr(0, token.find(';'));
            while (!coding.empty() && coding.back() == ' ')
                coding.remove_suffix(1);
            if (coding == "br")
                continue;
            kept += (kept.empty() ? "" : ", ") + std::string(token);
        }
        it->second = kept.empty() ? "identity" : kept;
    }
}

Result<std::string> parse_public_url(std::string_view text)
{
    auto bad = [&](std::string_view why) {
        return fail("--public-url '" + std::string(text.substr(0, 200)) + "': " + std::string(why)
            + "; expected an address such as https://guichet.mairie.fr");
    };
    std::string_view rest;
    if (text.starts_with("https://"))
        rest = text.substr(8);
    else if (text.starts_with("http://"))
        rest = text.substr(7);
    else
        return bad("it must begin with https:// (or http://)");
    // The kiosk receives status_url in 512 bytes at most (sync/protocol.cpp), with "/suivi/" after it.
    if (text.size() > 400)
        return bad("it is longer than 400 characters");
    for (unsigned char c : text)
        if (c <= ' ' || c >= 0x7f)
            return bad("it contains a space, a control or a non-ASCII character");
    if (text.find_first_of("?#") != std::string_view::npos)
        return bad("it must not have a query (?) or a fragment (#)");
    auto host = rest.substr(0, rest.find('/'));
    if (host.empty())
        return bad("it has no host");
    if (host.find('@') != std::string_view::npos)
        return bad("it must not hold a user name or password");
    std::string url(text);
    while (url.ends_with('/'))
        url.pop_back();
    return url;
}

HubServer::HubServer(Store& store, ServerOptions options)
    : m_store(store)
    , m_options(std::move(options))
{
}

HubServer::~HubServer() = default;

Result<int> HubServer::bind()
{
    m_options.gate.retry_after_s = m_options.retry_after_s;
    if (m_options.tls_cert || m_options.tls_key) {
        if (!m_options.tls_cert || !m_options.tls_key)
            return fail("TLS needs both --tls-cert and --tls-key");
        // httplib's SSLServer loads the certificate and key and sets the TLS options; the gate serves
        // with its context, so TLS connections get the same deadlines and caps as plain ones.
        m_tls = std::make_unique<httplib::SSLServer>(m_options.tls_cert->c_str(), m_options.tls_key->c_str());
        if (!m_tls->is_valid())
            return fail("cannot load the TLS certificate '" + m_options.tls_cert->string() + "' with the key '"
                + m_options.tls_key->string() + "'");
        m_http = std::make_unique<GatedServer>(m_options.gate, m_tls->ssl_context());
    } else {
        // Plain HTTP goes through the gate (sync/hub/gate.h), so slow clients cannot hold the workers.
        m_http = std::make_unique<GatedServer>(m_options.gate);
    }
    // The back office (issue 17): its files are loaded now, so a hub without them says so at start.
    m_options.office.secure_cookies = m_options.office.secure_cookies || m_tls != nullptr;
    auto office = make_office_context(m_store, m_options.office, m_options.clock);
    if (!office)
        return std::unexpected(office.error());
    m_office = std::move(*office);
    install_routes();

    auto& listen = m_options.listen;
    errno = 0;
    int port = listen.port;
    if (port == 0)
        port = m_http->bind_to_any_port(listen.host);
    else if (!m_http->bind_to_port(listen.host, port))
        port = -1;
    if (port >= 0)
        m_http->widen_backlog(SOMAXCONN);
    if (port < 0) {
        int saved = errno;
        return fail("cannot listen on " + listen.host + ":" + std::to_string(listen.port)
            + (saved ? std::string(": ") + std::strerror(saved) : std::string(": unknown host or address in use")));
    }
    return port;
}

Result<void> HubServer::run()
{
    if (!m_http)
        return fail("the server must be bound before it runs");
    bool listened = m_http->listen_after_bind();
    m_http->shut_down_gate();
    if (!listened && !m_stop_requested)
        return fail("the server stopped accepting connections on its own (accept failed)");
    return {};
}

void HubServer::stop()
{
    m_stop_requested = true;
    if (m_http)
        m_http->stop();
}

void HubServer::install_routes()
{
    auto& http = *m_http;
    http.set_payload_max_length(protocol::max_body_bytes);
    // A stalled client holds a worker thread; drop it rather than wait forever.
    http.set_read_timeout(10, 0);
    http.set_write_timeout(10, 0);
    // A kiosk draining a backlog sends its batches back to back on one connection; httplib's default
    // of 5 requests a connection would cost it a new TCP handshake (a round trip, 0.84 s on EDGE)
    // every 5 batches. Idle connections still close after 5 s, so a fleet cannot hold every worker.
    http.set_keep_alive_timeout(5);
    http.set_keep_alive_max_count(1000);
    // httplib's default adds SO_REUSEPORT, which would let a second hub share the port silently and
    // take half of the kiosks' requests; SO_REUSEADDR alone still allows a quick restart.
    http.set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });

    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
        t_note = {};
        clear_noted_agent();
        strike_brotli(req);
        return refuse_unexpected_body(req, res) ? httplib::Server::HandlerResponse::Handled
                                                : httplib::Server::HandlerResponse::Unhandled;
    });

    http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        log_line(now_rfc3339() + " " + printable(req.method, 16) + " " + printable(loggable_path(req.path)) + " " + std::to_string(res.status)
            + (req.path.starts_with("/office")
                    ? " agent=" + (noted_agent().empty() ? std::string("-") : noted_agent())
                    : " kiosk=" + (t_note.kiosk.empty() ? std::string("-") : t_note.kiosk))
            + " items=" + (t_note.items ? std::to_string(*t_note.items) : std::string("-")));
        GatedServer::note_answer(res);
        // A large body leaves megabytes in this thread's malloc arena; give them back to the system
        // so that a burst of big requests does not stay in the hub's resident size.
        if (t_note.body_bytes >= 1024 * 1024)
            malloc_trim(0);
        t_note = {};
    });

    // Statuses httplib sets by itself (404, 413, 400 on a broken request) come with an empty body;
    // give them the same JSON error shape as ours.
    http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty())
            return httplib::Server::HandlerResponse::Unhandled;
        if (m_office && send_office_not_found(req, res, *m_office))
            return httplib::Server::HandlerResponse::Handled;
        std::string message(default_error_message(res.status));
        if (res.status == 413)
            message += ": at most " + std::to_string(protocol::max_body_bytes) + " bytes";
        res.set_content(dump(json { { "error", message } }), "application/json");
        return httplib::Server::HandlerResponse::Handled;
    }));

    // Handlers return errors as values; this only guards against a bug (or std::bad_alloc) taking the
    // worker thread down.
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr thrown) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        log_line("guichet-hub: internal error: " + printable(what, 300));
        send_error(res, 500, "internal error");
    });

    // Content packs: a channel's signed manifest and content-addressed files (sync/hub/pack_routes.h).
    install_pack_routes(http, m_options.packs_dir,
        [this](const httplib::Request& req, httplib::Response& res) { return authenticate(m_store, m_options.clock, req, res, m_options.retry_after_s); });

    http.Get("/v1/health", [](const httplib::Request&, httplib::Response& res) {
        send_json(res, 200,
            json { { "status", "ok" }, { "time", now_rfc3339(Precision::Seconds) }, { "version", guichet::version_string } });
    });

    // The POST handlers read their bodies themselves: after the token is checked (a stranger's body is
    // never read; the connection is closed instead), and with a bound on the decoded size.
    http.Post("/v1/submissions", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        // Injected faults come first, so a faulty answer never has a side effect the kiosk cannot see.
        if (auto status = m_options.faults.draw()) {
            if (*status == 429 || *status == 503)
                res.set_header("Retry-After", std::to_string(m_options.retry_after_s));
            res.set_header("Connection", "close");
            send_error(res, *status, "injected fault (the hub runs with --faults)");
            return;
        }
        auto accepted = accept_body(m_store, m_options.clock, m_options.retry_after_s, req, res, reader, protocol::decode_batch, "batch");
        if (!accepted)
            return;
        auto& [kiosk, batch] = *accepted;
        t_note.items = batch.items.size() + batch.rejected.size();
        auto response = m_store.store_batch(kiosk, batch);
        if (!response) {
            log_line("guichet-hub: cannot store a batch of kiosk " + kiosk + ": " + response.error().message);
            send_unavailable(res, m_options.retry_after_s, "the hub cannot store the batch right now; retry later");
            return;
        }
        // Issue 17: the processing states this kiosk is owed ride along. The batch is stored whatever
        // happens here, so a failure only leaves them for the next answer.
        if (auto owed = m_store.pending_states(kiosk, protocol::max_states_per_answer))
            response->states = on_the_wire(*owed);
        else
            log_line("guichet-hub: cannot read the states owed to kiosk " + kiosk + ": " + owed.error().message);
        res.status = 200;
        res.set_content(protocol::encode(*response), "application/json");
    });

    http.Post("/v1/heartbeat", [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        auto accepted = accept_body(m_store, m_options.clock, m_options.retry_after_s, req, res, reader, protocol::decode_heartbeat, "heartbeat");
        if (!accepted)
            return;
        auto& [kiosk, heartbeat] = *accepted;
        if (auto done = m_store.record_heartbeat(kiosk, heartbeat); !done) {
            log_line("guichet-hub: cannot record a heartbeat of kiosk " + kiosk + ": " + done.error().message);
            send_unavailable(res, m_options.retry_after_s, "the hub cannot record the heartbeat right now; retry later");
            return;
        }
        // Issue 17: rating counts and acknowledged states come in, owed states go out. A failure to
        // record either answers 503, so the kiosk sends them again rather than thinking them taken.
        auto ratings_done = m_store.record_ratings(kiosk, heartbeat.ratings);
        auto acks_done = ratings_done ? m_store.ack_states(kiosk, heartbeat.states_applied) : Result<void>();
        auto owed = ratings_done && acks_done ? m_store.pending_states(kiosk, protocol::max_states_per_answer)
                                              : Result<std::vector<KioskStateUpdate>>();
        if (!ratings_done || !acks_done || !owed) {
            auto& error = !ratings_done ? ratings_done.error() : !acks_done ? acks_done.error() : owed.error();
            log_line("guichet-hub: cannot exchange states and ratings with kiosk " + kiosk + ": " + error.message);
            send_unavailable(res, m_options.retry_after_s, "the hub cannot record the heartbeat right now; retry later");
            return;
        }
        protocol::HeartbeatAnswer answer { "ok", now_rfc3339(Precision::Seconds), {}, {} };
        answer.states = on_the_wire(*owed);
        // Where the kiosk's receipt QR code points: this hub's public status page, reached through
        // --public-url (a kiosk may reach the hub by another address than a citizen's phone).
        if (!m_options.public_url.empty())
            answer.status_url = m_options.public_url + "/suivi/";
        res.status = 200;
        res.set_content(protocol::encode(answer), "application/json");
    });

    // Issue 18: a chunk of a sealed page (docs/sync-protocol.md, "Documents"). The token is checked
    // before a byte of the body is read; the chunk is committed before the answer.
    http.Put(attachment_pattern, [this](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        if (auto status = m_options.faults.draw()) {
            if (*status == 429 || *status == 503)
                res.set_header("Retry-After", std::to_string(m_options.retry_after_s));
            res.set_header("Connection", "close");
            send_error(res, *status, "injected fault (the hub runs with --faults)");
            return;
        }
        auto kiosk = authenticate(m_store, m_options.clock, req, res, m_options.retry_after_s);
        if (!kiosk)
            return;
        std::string id = req.matches[1];
        int n = std::stoi(req.matches[2]); // 1 to 3 digits (the route's pattern)
        auto offset_text = req.get_param_value("offset");
        int64_t offset = -1;
        auto [end, error] = std::from_chars(offset_text.data(), offset_text.data() + offset_text.size(), offset);
        if (!protocol::is_uuid(id) || offset_text.empty() || error != std::errc() || end != offset_text.data() + offset_text.size()
            || offset < 0) {
            res.set_header("Connection", "close");
            send_error(res, 400, "a chunk needs a lower-case UUID and '?offset=' with a whole number, 0 or more");
            return;
        }
        auto declared = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
        if (declared > protocol::max_chunk_bytes) {
            res.set_header("Connection", "close");
            send_error(res, 413, "a chunk holds at most " + std::to_string(protocol::max_chunk_bytes) + " bytes");
            return;
        }
        std::vector<uint8_t> chunk;
        chunk.reserve(declared);
        bool too_large = false;
        bool whole = reader([&](const char* data, size_t length) {
            if (chunk.size() + length > protocol::max_chunk_bytes) {
                too_large = true;
                return false;
            }
            chunk.insert(chunk.end(), data, data + length);
            return true;
        });
        t_note.body_bytes = chunk.size();
        if (too_large || !whole || chunk.empty()) {
            res.set_header("Connection", "close");
            if (too_large)
                send_error(res, 413, "a chunk holds at most " + std::to_string(protocol::max_chunk_bytes) + " bytes");
            else
                send_error(res, 400, chunk.empty() && whole ? "a chunk cannot be empty" : "the body could not be read");
            return;
        }
        auto reply = m_store.append_chunk(*kiosk, id, n, offset, chunk);
        if (!reply) {
            log_line("guichet-hub: cannot store a chunk of kiosk " + *kiosk + ": " + reply.error().message);
            send_unavailable(res, m_options.retry_after_s, "the hub cannot store the chunk right now; retry later");
            return;
        }
        switch (reply->outcome) {
        case ChunkOutcome::Accepted:
            res.status = 200;
            res.set_content(protocol::encode(protocol::ChunkAnswer { reply->received, reply->submission_complete }), "application/json");
            return;
        case ChunkOutcome::UnknownPage:
            send_error(res, 404, "no page " + std::to_string(n) + " announced for submission " + id + " of this kiosk");
            return;
        case ChunkOutcome::Ahead:
            send_json(res, 409, json { { "error", "the hub holds " + std::to_string(reply->received) + " bytes of this page: resume there" },
                { "received", reply->received } });
            return;
        case ChunkOutcome::PastSize:
            send_json(res, 400, json { { "error", "the chunk ends past the page's announced size" }, { "received", reply->received } });
            return;
        case ChunkOutcome::HashMismatch:
            send_json(res, 422, json { { "error", "the page's SHA-256 does not match the manifest: send it again from 0" },
                { "received", 0 } });
            return;
        }
    });

    // Which kiosk a token belongs to: the kiosk's network diagnostics check their token with it.
    http.Get("/v1/whoami", [this](const httplib::Request& req, httplib::Response& res) {
        if (auto kiosk = authenticate(m_store, m_options.clock, req, res, m_options.retry_after_s))
            send_json(res, 200, json { { "kiosk", *kiosk } });
    });

    // The fleet page was here; it is now a supervisor's page of the back office, behind sign-in.
    http.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_header("Cache-Control", "no-store");
        res.set_redirect("/office/flotte", 303);
    });

    install_office_routes(http, *m_office);

    // The public status page (office_status.h): the state of a submission by its receipt code.
    install_status_routes(http,
        StatusRoutes { m_store, m_options.status_limit == StatusLimit::Off ? nullptr : &m_status_limiter, m_options.retry_after_s, log_line });
}

}
