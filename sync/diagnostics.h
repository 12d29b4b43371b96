// Network diagnostics for a technician: the path to the hub, one step at a time (name lookup, TCP
// connection, TLS handshake, the hub's health, the kiosk's token), each with its time and a result in
// plain words. The first step that fails says what to check; the steps after it are "not tried".
// Blocking: call it from a worker thread (the technician screen) or a command line (guichetctl).
#pragma once
#include "sync/link_settings.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet::sync {

enum class DiagnosticStepId {
    Dns,    // getaddrinfo of the hub's host name
    Tcp,    // a TCP connection to the hub's port
    Tls,    // the TLS handshake, with the certificate checked against the pinned CA (https only)
    Health, // GET /v1/health answers like a Guichet hub
    Token,  // GET /v1/whoami accepts the kiosk's token, and names this kiosk
};

enum class StepResult {
    Ok,
    Failed,
    NotTried,  // an earlier step failed
    NotNeeded, // TLS for an http:// hub
};

struct DiagnosticStep {
    DiagnosticStepId id = DiagnosticStepId::Dns;
    std::string title; // "Name lookup (DNS)"
    StepResult result = StepResult::NotTried;
    std::chrono::microseconds elapsed {};
    std::string detail; // for a technician: what happened, and on failure what to check
};

std::string_view result_name(StepResult); // "OK", "FAILED", "not tried", "not needed"

struct DiagnosticsRequest {
    LinkSettings link;      // hub_url, token, ca_file and connect_timeout_s are used
    std::string kiosk;      // this kiosk's id; when set, the token must belong to it
    std::string token_problem; // when the token could not be read: why (the token step fails with it)
};

// Runs the five steps in order and returns all of them. `on_step` (optional) is called on the calling
// thread as each step ends, so a screen can show progress; the steps not tried come at the end.
// Each step is bounded by the connect timeout (the lookup by the system resolver's own timeouts).
std::vector<DiagnosticStep> run_diagnostics(
    const DiagnosticsRequest&, const std::function<void(const DiagnosticStep&)>& on_step = {});

// True when no step failed.
bool diagnostics_passed(const std::vector<DiagnosticStep>&);

}
