// [SECTION] helpers  [SECTION] the steps  [SECTION] the run
#include "sync/diagnostics.h"

#include "sync/clock_text.h"
#include "sync/hub_client.h"
#include "sync/protocol.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

namespace guichet::sync {
namespace {

// [SECTION] helpers

using SteadyClock = std::chrono::steady_clock;

std::chrono::microseconds since(SteadyClock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start);
}

struct HubAddress {
    std::string scheme; // "http" or "https"
    std::string host;   // without IPv6 brackets
    std::string port;
};

std::string curl_url_part(CURLU* url, CURLUPart part, unsigned flags = 0)
{
    char* text = nullptr;
    if (curl_url_get(url, part, &text, flags) != CURLUE_OK || !text)
        return {};
    std::string copy(text);
    curl_free(text);
    return copy;
}

Result<HubAddress> parse_hub_url(const std::string& hub_url)
{
    if (hub_url.empty())
        return fail("no hub is configured ('sync.hub_url' is empty)");
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> url(curl_url(), curl_url_cleanup);
    if (!url || curl_url_set(url.get(), CURLUPART_URL, hub_url.c_str(), 0) != CURLUE_OK)
        return fail("the hub address '" + hub_url + "' is not a URL like https://hub.example.org (see 'sync.hub_url')");
    HubAddress address { curl_url_part(url.get(), CURLUPART_SCHEME), curl_url_part(url.get(), CURLUPART_HOST),
        curl_url_part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT) };
    if (address.scheme != "http" && address.scheme != "https")
        return fail("the hub address '" + hub_url + "' must start with https:// (or http:// on a test bench)");
    if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']')
        address.host = address.host.substr(1, address.host.size() - 2);
    if (address.host.empty() || address.port.empty())
        return fail("the hub address '" + hub_url + "' names no host");
    return address;
}

std::string address_text(const sockaddr* address)
{
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
    else if (address->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
    return text;
}

std::string with_port(const std::string& address, const std::string& port)
{
    return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + port;
}

struct Resolved {
    std::vector<sockaddr_storage> addresses;
    std::vector<std::string> texts;
};

// [SECTION] the steps

Resolved resolve(const HubAddress& hub, DiagnosticStep& step)
{
    Resolved resolved;
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int code = getaddrinfo(hub.host.c_str(), hub.port.c_str(), &hints, &found);
    if (code != 0) {
        step.result = StepResult::Failed;
        switch (code) {
        case EAI_NONAME:
#ifdef EAI_NODATA
        case EAI_NODATA:
#endif
            step.detail = "the name '" + hub.host + "' does not exist: check the spelling of 'sync.hub_url', and that "
                "this network's DNS server knows the hub";
            break;
        case EAI_AGAIN:
            step.detail = "no DNS server answered for '" + hub.host + "': the kiosk's network may be down, or its DNS "
                "server out of reach (see /etc/resolv.conf)";
            break;
        case EAI_FAIL:
            step.detail = "the DNS server failed to look up '" + hub.host + "': try again later, or tell the network's "
                "administrator";
            break;
        default:
            step.detail = "cannot look up '" + hub.host + "': " + gai_strerror(code);
        }
        return resolved;
    }
    for (auto* entry = found; entry; entry = entry->ai_next) {
        if (entry->ai_addrlen > sizeof(sockaddr_storage))
            continue;
        sockaddr_storage storage {};
        std::memcpy(&storage, entry->ai_addr, entry->ai_addrlen);
        auto text = address_text(entry->ai_addr);
        bool seen = false;
        for (auto& known : resolved.texts)
            seen = seen || known == text;
        if (seen)
            continue;
        resolved.addresses.push_back(storage);
        resolved.texts.push_back(text);
    }
    freeaddrinfo(found);
    if (resolved.addresses.empty()) {
        step.result = StepResult::Failed;
        step.detail = "'" + hub.host + "' has no IPv4 or IPv6 address";
        return resolved;
    }
    step.result = StepResult::Ok;
    std::string list;
    for (size_t i = 0; i < resolved.texts.size() && i < 4; ++i)
        list += (i ? ", " : "") + resolved.texts[i];
    if (resolved.texts.size() > 4)
        list += " and " + std::to_string(resolved.texts.size() - 4) + " more";
    bool literal = resolved.texts.size() == 1 && resolved.texts[0] == hub.host;
    step.detail = literal ? hub.host + " is an address: nothing to look up" : "'" + hub.host + "' is " + list;
    return resolved;
}

// 0 when connected, otherwise the errno of the failure (ETIMEDOUT when the timeout ran out).
int connect_within(const sockaddr_storage& address, SteadyClock::time_point deadline)
{
    int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return errno;
    socklen_t length = address.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    int error = 0;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
        error = errno;
        while (error == EINPROGRESS || error == EINTR) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
            if (left <= 0) {
                error = ETIMEDOUT;
                break;
            }
            pollfd watch { fd, POLLOUT, 0 };
            int ready = ::poll(&watch, 1, static_cast<int>(left));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready <= 0) {
                error = ready == 0 ? ETIMEDOUT : errno;
                break;
            }
            socklen_t size = sizeof error;
            if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0)
                error = errno;
        }
    }
    ::close(fd);
    return error;
}

// Returns the address that accepted the connection.
std::optional<std::string> connect_tcp(const HubAddress& hub, const Resolved& resolved, int timeout_s, DiagnosticStep& step)
{
    auto deadline = SteadyClock::now() + std::chrono::seconds(std::max(timeout_s, 1));
    int last_error = 0;
    std::string last_address;
    for (size_t i = 0; i < resolved.addresses.size(); ++i) {
        last_address = with_port(resolved.texts[i], hub.port);
        last_error = connect_within(resolved.addresses[i], deadline);
        if (last_error == 0) {
            step.result = StepResult::Ok;
            step.detail = "connected to " + last_address;
            return resolved.texts[i];
        }
        if (SteadyClock::now() >= deadline)
            break;
    }
    step.result = StepResult::Failed;
    switch (last_error) {
    case ECONNREFUSED:
        step.detail = "the hub's machine (" + last_address + ") refused the connection: nothing listens on port " + hub.port
            + " (is guichet-hub running? is the port in 'sync.hub_url' right?)";
        break;
    case ETIMEDOUT:
        step.detail = "no answer from " + last_address + " within " + std::to_string(timeout_s)
            + " s: a firewall may drop the connection, or the link is down or very slow";
        break;
    case ENETUNREACH:
    case EHOSTUNREACH:
        step.detail = "no route to " + last_address + ": check the kiosk's network cable or Wi-Fi and its gateway";
        break;
    default:
        step.detail = "cannot connect to " + last_address + ": " + std::strerror(last_error);
    }
    return std::nullopt;
}

std::string clock_now_text()
{
    return format_rfc3339(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()), Precision::Seconds);
}

std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

void handshake_tls(const HubAddress& hub, const std::string& address, const DiagnosticsRequest& request, DiagnosticStep& step)
{
    if (hub.scheme != "https") {
        step.result = StepResult::NotNeeded;
        step.detail = "not needed: the hub address is http://, so nothing is encrypted (use https:// outside a test bench)";
        return;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        step.result = StepResult::Failed;
        step.detail = "libcurl could not start";
        return;
    }
    // The handshake goes to the address the TCP step reached, under the host's name (SNI, certificate).
    std::string url = "https://" + bracketed(hub.host) + ":" + hub.port + "/";
    curl_slist* pinned = curl_slist_append(nullptr, (hub.host + ":" + hub.port + ":" + bracketed(address)).c_str());
    char error_text[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, pinned);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::max(request.link.connect_timeout_s, 1)));
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 2L);
    if (!request.link.ca_file.empty())
        curl_easy_setopt(curl.get(), CURLOPT_CAINFO, request.link.ca_file.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error_text);
    auto code = curl_easy_perform(curl.get());
    curl_off_t connected_us = 0, handshaken_us = 0, total_us = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_CONNECT_TIME_T, &connected_us);
    curl_easy_getinfo(curl.get(), CURLINFO_APPCONNECT_TIME_T, &handshaken_us);
    curl_easy_getinfo(curl.get(), CURLINFO_TOTAL_TIME_T, &total_us);
    curl_slist_free_all(pinned);
    // The step's time is the handshake's alone, not the TCP connection it had to make again.
    step.elapsed = std::chrono::microseconds(std::max<curl_off_t>(0, (code == CURLE_OK ? handshaken_us : total_us) - connected_us));

    std::string said = error_text[0] ? error_text : curl_easy_strerror(code);
    std::string pinned_ca = request.link.ca_file.empty() ? std::string("the system's CA bundle")
                                                         : "the pinned CA ('sync.ca_file' = " + request.link.ca_file + ")";
    if (code == CURLE_OK) {
        step.result = StepResult::Ok;
        step.detail = "the hub's certificate is valid for '" + hub.host + "' and signed by " + pinned_ca;
        return;
    }
    step.result = StepResult::Failed;
    if (code == CURLE_PEER_FAILED_VERIFICATION) {
        if (said.find("expired") != std::string::npos || said.find("not yet valid") != std::string::npos)
            step.detail = "the hub's certificate is out of its validity dates, or this kiosk's clock is wrong (it reads "
                + clock_now_text() + ")";
        else if (said.find("subject") != std::string::npos || said.find("match") != std::string::npos)
            step.detail = "the hub's certificate does not name '" + hub.host + "': use the name the certificate was made for in 'sync.hub_url'";
        else
            step.detail = "the hub's certificate is not signed by " + pinned_ca
                + ": install the hub's CA on the kiosk, or check that this is really the hub (not a proxy in the way)";
    } else if (code == CURLE_SSL_CACERT_BADFILE) {
        step.detail = "cannot read " + pinned_ca + ": check the file's path and that it holds PEM certificates";
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
        step.detail = "the TLS handshake did not finish within " + std::to_string(request.link.connect_timeout_s)
            + " s: the link is very slow, or something on the path holds the connection";
    } else {
        step.detail = "the TLS handshake failed: does the hub serve https on port " + hub.port + "?";
    }
    step.detail += " (libcurl: " + said + ")";
}

// The request both HTTP steps make: bounded, so a stalled hub cannot hold the technician.
HubResponse ask(const DiagnosticsRequest& request, const char* path)
{
    HubClient client(request.link);
    client.set_total_timeout_s(std::max(request.link.connect_timeout_s, 1) * 2);
    return client.get(path);
}

std::string unreachable(const HubResponse& response) { return "the request failed: " + response.transport_error; }

void check_health(const DiagnosticsRequest& request, DiagnosticStep& step)
{
    auto response = ask(request, "/health");
    step.result = StepResult::Failed;
    if (!response.transport_ok()) {
        step.detail = unreachable(response) + " (an http:// address for an https hub, or the other way round?)";
        return;
    }
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    bool hub_like = body.is_object() && body.value("status", "") == "ok" && body.contains("time") && body["time"].is_string();
    if (response.http == 200 && hub_like) {
        step.result = StepResult::Ok;
        step.detail = "the hub answers";
        if (auto version = body.value("version", ""); !version.empty())
            step.detail += " (guichet-hub " + version + ")";
        if (auto hub_time = parse_rfc3339(body["time"].get<std::string>())) {
            auto offset = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - *hub_time).count();
            if (offset > 60 || offset < -60)
                step.detail += "; this kiosk's clock is " + std::to_string(offset > 0 ? offset : -offset) + " s "
                    + (offset > 0 ? "ahead of" : "behind") + " the hub's: set it right (receipts and certificates depend on it)";
            else
                step.detail += "; its clock and this kiosk's agree";
        }
        return;
    }
    if (response.http == 404)
        step.detail = "HTTP 404 at " + request.link.hub_url + "/v1/health: is 'sync.hub_url' the hub's address, without /v1?";
    else if (response.http >= 500)
        step.detail = "the hub answered HTTP " + std::to_string(response.http) + ": it has a problem of its own; see its log";
    else
        step.detail = "something answered HTTP " + std::to_string(response.http)
            + ", but not like a Guichet hub: a proxy or a captive portal may be in the way";
}

void check_token(const DiagnosticsRequest& request, DiagnosticStep& step)
{
    step.result = StepResult::Failed;
    if (!request.token_problem.empty()) {
        step.detail = request.token_problem;
        return;
    }
    if (request.link.token.empty()) {
        step.detail = "this kiosk has no token: enroll it with 'guichet-hub enroll' and put the token in 'sync.token_file'";
        return;
    }
    auto response = ask(request, "/whoami");
    if (!response.transport_ok()) {
        step.detail = unreachable(response);
        return;
    }
    if (response.http == 401 || response.http == 403) {
        // A hub of issue 17 says why: revoked, or replaced and past its grace period.
        auto said = protocol::describe_token_refusal(response.http, response.body);
        step.detail = said.starts_with("the hub refused")
            ? "the hub refused this kiosk's token (HTTP " + std::to_string(response.http)
                + "): the kiosk was enrolled again or at another hub; install the token 'guichet-hub enroll' printed"
            : said;
        return;
    }
    if (response.http == 404) {
        step.detail = "this hub cannot check tokens (no /v1/whoami): it is older than this kiosk; update it";
        return;
    }
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (response.http != 200 || !body.is_object() || !body.contains("kiosk") || !body["kiosk"].is_string()) {
        step.detail = "the hub answered HTTP " + std::to_string(response.http) + " without naming a kiosk";
        return;
    }
    auto owner = body["kiosk"].get<std::string>();
    if (!request.kiosk.empty() && owner != request.kiosk) {
        step.detail = "the token belongs to kiosk '" + owner + "', but this kiosk is '" + request.kiosk
            + "' ('kiosk.id'): the hub would refuse its submissions; install this kiosk's own token, or fix 'kiosk.id'";
        return;
    }
    step.result = StepResult::Ok;
    step.detail = "the hub accepts the token of kiosk '" + owner + "'";
}

}

// [SECTION] the run

std::string_view result_name(StepResult result)
{
    switch (result) {
    case StepResult::Ok:
        return "OK";
    case StepResult::Failed:
        return "FAILED";
    case StepResult::NotTried:
        return "not tried";
    case StepResult::NotNeeded:
        return "not needed";
    }
    return "?";
}

bool diagnostics_passed(const std::vector<DiagnosticStep>& steps)
{
    for (auto& step : steps) {
        if (step.result == StepResult::Failed || step.result == StepResult::NotTried)
            return false;
    }
    return !steps.empty();
}

std::vector<DiagnosticStep> run_diagnostics(const DiagnosticsRequest& request, const std::function<void(const DiagnosticStep&)>& on_step)
{
    init_curl_once();
    std::vector<DiagnosticStep> steps {
        { DiagnosticStepId::Dns, "Name lookup (DNS)", StepResult::NotTried, {}, {} },
        { DiagnosticStepId::Tcp, "Connection (TCP)", StepResult::NotTried, {}, {} },
        { DiagnosticStepId::Tls, "Secure channel (TLS)", StepResult::NotTried, {}, {} },
        { DiagnosticStepId::Health, "Hub answers (GET /v1/health)", StepResult::NotTried, {}, {} },
        { DiagnosticStepId::Token, "Kiosk token accepted", StepResult::NotTried, {}, {} },
    };
    size_t done = 0;
    auto finish = [&](DiagnosticStep& step, SteadyClock::time_point start, bool timed_inside = false) {
        if (!timed_inside)
            step.elapsed = since(start);
        if (on_step)
            on_step(step);
        ++done;
        return step.result != StepResult::Failed;
    };

    auto start = SteadyClock::now();
    auto hub = parse_hub_url(request.link.hub_url);
    Resolved resolved;
    if (!hub) {
        steps[0].result = StepResult::Failed;
        steps[0].detail = hub.error().message;
    } else {
        resolved = resolve(*hub, steps[0]);
    }
    bool going = finish(steps[0], start);

    std::optional<std::string> address;
    if (going) {
        start = SteadyClock::now();
        address = connect_tcp(*hub, resolved, request.link.connect_timeout_s, steps[1]);
        going = finish(steps[1], start);
    }
    if (going) {
        start = SteadyClock::now();
        handshake_tls(*hub, *address, request, steps[2]);
        going = finish(steps[2], start, steps[2].result != StepResult::NotNeeded);
    }
    if (going) {
        start = SteadyClock::now();
        check_health(request, steps[3]);
        going = finish(steps[3], start);
    }
    if (going) {
        start = SteadyClock::now();
        check_token(request, steps[4]);
        finish(steps[4], start);
    }
    for (size_t i = done; i < steps.size(); ++i) {
        steps[i].detail = "step " + std::to_string(done) + " failed";
        if (on_step)
            on_step(steps[i]);
    }
    return steps;
}

}
