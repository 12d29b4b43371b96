// A receipt to a CUPS queue through libcups, on a connection of its own (an http_t per call: cupsSetServer
// is process-wide and not thread-safe), with the queue's state asked first so that a stopped queue or an
// empty tray refuses the job at once instead of holding it where nobody will ever take it.
//
// [SECTION] connection and queue state
// [SECTION] print_to_cups, cups_status
#include "devices/print_outputs.h"

#include <cups/cups.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace guichet::devices {
namespace {

// [SECTION] connection and queue state

// A scheduler that does not accept the connection, or does not answer a request, within these bounds is
// reported offline: the citizen waits at the screen for the answer.
constexpr int connect_timeout_ms = 3000;
constexpr double answer_timeout_s = 5.0;

struct HttpDeleter {
    void operator()(http_t* http) const { httpClose(http); }
};
struct IppDeleter {
    void operator()(ipp_t* ipp) const { ippDelete(ipp); }
};
struct DestDeleter {
    void operator()(cups_dest_t* dest) const { cupsFreeDests(1, dest); }
};
using Http = std::unique_ptr<http_t, HttpDeleter>;
using Ipp = std::unique_ptr<ipp_t, IppDeleter>;
using Dest = std::unique_ptr<cups_dest_t, DestDeleter>;

std::unexpected<PrintError> problem(PrintProblem kind, std::string detail)
{
    return std::unexpected(PrintError { kind, std::move(detail) });
}

// libcups calls this when an answer is late; 0 gives up the wait instead of waiting again.
int give_up(http_t*, void*) { return 0; }

// "/run/cups/cups.sock", "host" or "host:port"; empty: libcups's own default (CUPS_SERVER, client.conf,
// the local socket).
std::expected<Http, PrintError> connect_to(const std::string& server)
{
    std::string host = server.empty() ? cupsServer() : server;
    int port = ippPort();
    if (!host.empty() && host.front() != '/') {
        // A port after the last colon, unless the colon belongs to a bare IPv6 address.
        if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos
            && host.find(':') == colon) {
            port = std::atoi(host.c_str() + colon + 1);
            host.resize(colon);
        }
    }
    // A path is a Unix socket: libcups resolves a host name starting with "/" to AF_LOCAL and ignores the port.
    Http http(httpConnect2(host.c_str(), port, nullptr, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1,
        connect_timeout_ms, nullptr));
    if (!http)
        return problem(PrintProblem::Offline, "cannot reach the CUPS scheduler at " + host + ": " + std::strerror(errno));
    httpSetTimeout(http.get(), answer_timeout_s, give_up, nullptr);
    return http;
}

// The failure of the last IPP request on this thread, in the kiosk's words.
PrintError last_error(std::string_view what)
{
    ipp_status_t status = cupsLastError();
    std::string detail = std::string(what) + ": " + ippErrorString(status) + " (" + cupsLastErrorString() + ")";
    switch (status) {
    case IPP_STATUS_ERROR_NOT_FOUND:
        return { PrintProblem::NoPrinter, detail };
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
    case IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED:
        return { PrintProblem::Offline, detail };
    case IPP_STATUS_ERROR_INTERNAL:
        // libcups's own status when the connection broke or timed out: the scheduler does not answer.
        return { PrintProblem::Offline, detail };
    default:
        return { PrintProblem::Failed, detail };
    }
}

// The queue's name: the settings', or the server's default destination.
std::expected<std::string, PrintError> queue_name(http_t* http, const PrinterSettings& settings)
{
    if (!settings.queue.empty())
        return settings.queue;
    Dest dest(cupsGetNamedDest(http, nullptr, nullptr));
    if (!dest) {
        if (cupsLastError() == IPP_STATUS_ERROR_INTERNAL || cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE)
            return std::unexpected(last_error("asking CUPS for its default printer"));
        return problem(PrintProblem::NoPrinter, "no queue is configured and CUPS has no default printer");
    }
    return std::string(dest->name);
}

struct QueueState {
    int state = IPP_PSTATE_IDLE; // 3 idle, 4 processing, 5 stopped
    bool accepting = true;
    std::vector<std::string> reasons;
    std::string message;
};

std::expected<QueueState, PrintError> queue_state(http_t* http, const std::string& name)
{
    char uri[HTTP_MAX_URI];
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", nullptr, "localhost", ippPort(), "/printers/%s",
        name.c_str());
    ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, uri);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
    static const char* const wanted[]
        = { "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message" };
    ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 4, nullptr, wanted);
    // cupsDoRequest frees the request.
    Ipp response(cupsDoRequest(http, request, "/"));
    if (!response || cupsLastError() > IPP_STATUS_OK_CONFLICTING)
        return std::unexpected(last_error("asking CUPS about queue " + name));
    QueueState state;
    if (auto* attribute = ippFindAttribute(response.get(), "printer-state", IPP_TAG_ENUM))
        state.state = ippGetInteger(attribute, 0);
    if (auto* attribute = ippFindAttribute(response.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN))
        state.accepting = ippGetBoolean(attribute, 0) != 0;
    if (auto* attribute = ippFindAttribute(response.get(), "printer-state-reasons", IPP_TAG_KEYWORD))
        for (int i = 0; i < ippGetCount(attribute); ++i)
            if (const char* reason = ippGetString(attribute, i, nullptr); reason && std::strcmp(reason, "none") != 0)
                state.reasons.emplace_back(reason);
    if (auto* attribute = ippFindAttribute(response.get(), "printer-state-message", IPP_TAG_TEXT))
        if (const char* message = ippGetString(attribute, 0, nullptr))
            state.message = message;
    return state;
}

bool starts_with(const std::string& text, std::string_view prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// What stops this queue from printing now, if anything. Reasons ending in -report or -warning are
// informative ("media-low-warning"); a bare reason or one ending in -error stops the printer.
std::optional<PrintProblem> blocking_problem(const QueueState& state)
{
    for (auto& reason : state.reasons) {
        if (reason.ends_with("-report") || reason.ends_with("-warning"))
            continue;
        if (starts_with(reason, "media-empty") || starts_with(reason, "media-needed"))
            return PrintProblem::NoPaper;
        if (starts_with(reason, "cover-open") || starts_with(reason, "door-open"))
            return PrintProblem::CoverOpen;
    }
    if (state.state == IPP_PSTATE_STOPPED || !state.accepting)
        return PrintProblem::Offline;
    return std::nullopt;
}

std::string describe(const std::string& name, const QueueState& state)
{
    std::string detail = "queue " + name + (state.state == IPP_PSTATE_STOPPED ? " stopped" : "")
        + (state.accepting ? "" : " not accepting jobs");
    for (auto& reason : state.reasons)
        detail += " " + reason;
    if (!state.message.empty())
        detail += ": " + state.message;
    return detail;
}

void cancel_job(const PrinterSettings& settings, const std::string& name, int job_id)
{
    // The job's own connection may be the one that broke: a fresh one to cancel it.
    if (auto http = connect_to(settings.cups_server))
        cupsCancelJob2(http->get(), name.c_str(), job_id, 0);
}

}

// [SECTION] print_to_cups, cups_status

std::expected<int, PrintError> print_to_cups(const PrinterSettings& settings, std::span<const uint8_t> bytes,
    CupsFormat format, std::string_view title)
{
    auto http = connect_to(settings.cups_server);
    if (!http)
        return std::unexpected(http.error());
    auto name = queue_name(http->get(), settings);
    if (!name)
        return std::unexpected(name.error());
    auto state = queue_state(http->get(), *name);
    if (!state)
        return std::unexpected(state.error());
    if (auto blocked = blocking_problem(*state))
        return problem(*blocked, describe(*name, *state));

    // The job's name reaches CUPS's logs and other users' lpstat: only the caller's title, never the receipt.
    std::string job_title(title);
    int job_id = cupsCreateJob(http->get(), name->c_str(), job_title.c_str(), 0, nullptr);
    if (job_id <= 0)
        return std::unexpected(last_error("CUPS refused the job on " + *name));
    const char* mime = format == CupsFormat::Pdf ? CUPS_FORMAT_PDF : CUPS_FORMAT_RAW;
    if (cupsStartDocument(http->get(), name->c_str(), job_id, job_title.c_str(), mime, 1) != HTTP_STATUS_CONTINUE) {
        PrintError error = last_error("CUPS refused the document of job " + std::to_string(job_id));
        cancel_job(settings, *name, job_id);
        if (error.problem == PrintProblem::Failed)
            error.problem = PrintProblem::WriteFailed;
        return std::unexpected(error);
    }
    constexpr size_t chunk = 64 * 1024;
    for (size_t offset = 0; offset < bytes.size(); offset += chunk) {
        size_t length = std::min(chunk, bytes.size() - offset);
        if (cupsWriteRequestData(http->get(), reinterpret_cast<const char*>(bytes.data() + offset), length)
            != HTTP_STATUS_CONTINUE) {
            cancel_job(settings, *name, job_id);
            return problem(PrintProblem::WriteFailed,
                "writing job " + std::to_string(job_id) + " to CUPS failed after " + std::to_string(offset) + " bytes");
        }
    }
    if (ipp_status_t status = cupsFinishDocument(http->get(), name->c_str()); status > IPP_STATUS_OK_CONFLICTING) {
        PrintError error = last_error("CUPS did not take job " + std::to_string(job_id));
        cancel_job(settings, *name, job_id);
        if (error.problem == PrintProblem::Failed || error.problem == PrintProblem::Offline)
            error.problem = PrintProblem::WriteFailed;
        return std::unexpected(error);
    }
    return job_id;
}

PrinterStatus cups_status(const PrinterSettings& settings)
{
    auto failed = [](const PrintError& error) {
        return PrinterStatus { .state = PrinterState::Problem, .problem = error.problem, .detail = error.detail };
    };
    auto http = connect_to(settings.cups_server);
    if (!http)
        return failed(http.error());
    auto name = queue_name(http->get(), settings);
    if (!name)
        return failed(name.error());
    auto state = queue_state(http->get(), *name);
    if (!state)
        return failed(state.error());
    if (auto blocked = blocking_problem(*state))
        return { .state = PrinterState::Problem, .problem = *blocked, .detail = describe(*name, *state) };
    return { .state = state->state == IPP_PSTATE_PROCESSING ? PrinterState::Printing : PrinterState::Ready,
        .problem = PrintProblem::Failed,
        .detail = describe(*name, *state) };
}

}
