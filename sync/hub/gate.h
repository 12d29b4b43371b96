// The hub's connection gate: slow or hostile clients wait in one epoll thread, not in the workers.
// A connection reaches a worker only once its whole request head (and a small body) is in the kernel's
// buffer; a worker serves one request with a total deadline, and a kept-alive connection comes back
// to the gate between requests. With TLS the gate only waits for the first bytes (see README).
#pragma once
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <sys/socket.h>

namespace guichet::sync::hub {

struct GateLimits {
    int head_timeout_ms = 10'000;        // a request head must be whole this long after it may begin
    int keep_alive_timeout_ms = 5'000;   // an idle kept-alive connection is closed after this
    size_t max_head_bytes = 16 * 1024;   // a longer head is refused with 431
    size_t small_body_bytes = 64 * 1024; // a declared body up to this waits in the gate too
    int body_base_s = 30;                // a request's body and answer: this long...
    size_t min_bytes_per_s = 4096;       // ...plus one second per this many bytes moved
    size_t per_address = 16;             // open connections from one client address
    size_t max_connections = 768;        // in all; httplib's select() cannot serve fds past 1023
    int workers = 8;
    int retry_after_s = 1;               // the Retry-After of the 503 and 429 above (the hub's --retry-after)
};

class Gate;

// An httplib::Server whose accepted sockets go to a Gate instead of a thread pool. With `tls` (an
// SSL_CTX the caller keeps alive), each connection is TLS: the gate holds it until its first bytes
// arrive, and a worker does the handshake and the request under the deadlines.
class GatedServer : public httplib::Server {
public:
    explicit GatedServer(GateLimits limits, SSL_CTX* tls = nullptr);
    ~GatedServer() override;

    // httplib listens with a backlog of 5: a burst of connections (a fleet coming back after an outage,
    // or an attacker's burst) would have its SYNs dropped and retried a second later. Call after bind.
    void widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }

    // Closes every held connection and joins the gate's threads; call after listen_after_bind returns.
    void shut_down_gate();

    // The one request a worker serves; httplib keeps process_request protected.
    bool serve_one(httplib::Stream& stream, bool close_connection, bool& connection_closed);
    size_t keep_alive_max() const { return keep_alive_max_count_; }
    time_t keep_alive_timeout_s() const { return keep_alive_timeout_sec_; }

    // Call from the logger: an answer with "Connection: close" (a body left unread) ends its connection,
    // which httplib itself does not do for a header a handler set.
    static void note_answer(const httplib::Response& res);

private:
    // httplib calls this on its accept thread (our task queue runs it inline): hand over, never block.
    bool process_and_close_socket(socket_t sock) override;

    std::unique_ptr<Gate> m_gate;
};

}
