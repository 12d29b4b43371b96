// The staff desk (see staff_desk.h): PIN checks, the mediator's and the technician's actions, workers.
#include "kiosk/app/staff_desk.h"
#include "devices/scanner.h"

#include "guichet/version.h"
#include "kiosk/app/content_feature.h"
#include "kiosk/app/display.h"
#include "kiosk/app/print_feature.h"
#include "kiosk/app/sync_feature.h"
#include "kiosk/app/voice_feature.h"
#include "sync/clock_text.h"
#include "sync/heartbeat.h"

#include <imgui.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string.h>

namespace guichet::app {

namespace {

enum class Zone {
    Local,
    Utc,
};

// On the kiosk image a USB stick is mounted read-only; while this object lives, the image's helper
// (image/mkosi/mkosi.extra/usr/lib/guichet/usb-stick) makes the sticks writable, and afterwards it syncs
// them and makes them read-only again, so that they may be pulled out. Elsewhere it does nothing.
class WritableSticks {
public:
    WritableSticks()
    {
        std::error_code error;
        m_on_image = std::filesystem::exists(helper, error);
        if (m_on_image)
            run("export-begin");
    }
    ~WritableSticks()
    {
        if (m_on_image)
            run("export-end");
    }
    WritableSticks(const WritableSticks&) = delete;
    WritableSticks& operator=(const WritableSticks&) = delete;

private:
    static constexpr const char* helper = "/usr/lib/guichet/usb-stick";
    static void run(const char* step)
    {
        // It waits a few seconds at most; a failure shows as the export's own failure.
        [[maybe_unused]] int ignored = std::system((std::string(helper) + " " + step).c_str());
    }
    bool m_on_image = false;
};

std::string time_text(int64_t unix_seconds, const char* format, Zone zone = Zone::Local)
{
    std::time_t t = unix_seconds;
    std::tm parts {};
    if (zone == Zone::Utc)
        gmtime_r(&t, &parts);
    else
        localtime_r(&t, &parts);
    char text[32];
    std::strftime(text, sizeof text, format, &parts);
    return text;
}

// "abc def ghk", "ABCDEFGHK" and "ABC-DEF-GHK" are the same receipt.
std::string normalize_receipt(std::string_view typed)
{
    std::string letters;
    for (char c : typed)
        if (std::isalnum(static_cast<unsigned char>(c)))
            letters += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (letters.size() != 9)
        return letters;
    return letters.substr(0, 3) + "-" + letters.substr(3, 3) + "-" + letters.substr(6, 3);
}

std::string size_text(int64_t bytes)
{
    char text[32];
    if (bytes >= int64_t { 1 } << 30)
        std::snprintf(text, sizeof text, "%.1f Go", static_cast<double>(bytes) / (1 << 30));
    else
        std::snprintf(text, sizeof text, "%lld Mo", static_cast<long long>(bytes >> 20));
    return text;
}

}

StaffDesk::StaffDesk(const Config& config, const Clock& clock, MainQueue& queue, StaffLinks links)
    : m_config(config)
    , m_clock(clock)
    , m_links(links)
    , m_unix_origin(static_cast<int64_t>(std::time(nullptr)))
    , m_clock_origin(clock.now())
    , m_jobs(queue)
{
}

StaffDesk::~StaffDesk() { m_jobs.wait(); } // its workers use the store and the features

// Wall time that follows the kiosk's clock: real time live, the virtual clock in a headless script, so
// a script can wait out a PIN delay with `advance`.
int64_t StaffDesk::unix_now() const
{
    return m_unix_origin + std::chrono::duration_cast<std::chrono::seconds>(m_clock.now() - m_clock_origin).count();
}

std::string StaffDesk::tr(std::string_view key) const
{
    return m_links.content.strings().get(m_config.kiosk.default_language, key);
}

screens::Screen& StaffDesk::screen() { return m_screens.get(*m_screen); }

void StaffDesk::open()
{
    if (active())
        return;
    m_screen = ScreenId::StaffPin;
    m_role.reset();
    m_message.clear();
    m_lookup_result.clear();
    m_reprint.reset();
    m_pin_answered = false;
    m_last_input = m_clock.now();
    m_links.voice.silence(); // the citizen's guidance stops while staff work
    if (!m_store) { // opened on first use: a kiosk nobody maintains never creates the file
        auto store = staff::StaffStore::open(m_config.storage.staff,
            { .lockout_after = m_config.staff.lockout_after, .lockout_s = m_config.staff.lockout_s });
        if (!store) {
            m_store_problem = store.error().message;
            std::fprintf(stderr, "guichet: staff access unavailable: %s\n", m_store_problem.c_str());
            return;
        }
        m_store.emplace(std::move(*store));
        m_store_problem.clear();
    }
    // A lockout still running shows at once.
    if (auto state = m_store->lockout_state(unix_now()); state && state->retry_at != 0) {
        m_pin_state = *state;
        m_pin_answered = true;
    }
    audit("staff-entry");
}

void StaffDesk::leave(std::string_view audit_action)
{
    if (!active())
        return;
    audit(audit_action);
    m_screens.pin.wipe();
    m_screens.lookup.reset();
    m_screens.technician.reset();
    m_screens.touch.reset();
    m_screen.reset();
    m_role.reset();
}

void StaffDesk::audit(std::string_view action, std::string_view detail)
{
    if (!m_store)
        return;
    if (auto written = m_store->audit(m_role, action, unix_now(), detail); !written)
        std::fprintf(stderr, "guichet: the audit log could not be written: %s\n", written.error().message.c_str());
}

// A finger held still in the top-right corner for `staff.long_press_s`: nothing is drawn there, and a
// citizen brushing the corner never holds it that long.
bool StaffDesk::entry_held()
{
    const ImGuiIO& io = ImGui::GetIO();
    float corner = 120 * layout_unit({ static_cast<int>(io.DisplaySize.x), static_cast<int>(io.DisplaySize.y) });
    bool in_corner = io.MouseDown[0] && io.MousePos.x >= io.DisplaySize.x - corner && io.MousePos.x <= io.DisplaySize.x
        && io.MousePos.y >= 0 && io.MousePos.y <= corner;
    if (!in_corner) {
        m_corner_pressed.reset();
        return false;
    }
    auto now = m_clock.now();
    if (!m_corner_pressed)
        m_corner_pressed = now;
    if (now - *m_corner_pressed < std::chrono::seconds(m_config.staff.long_press_s))
        return false;
    m_corner_pressed.reset();
    return true;
}

std::optional<Millis> StaffDesk::next_timer() const
{
    std::optional<Millis> next;
    auto now = m_clock.now();
    if (m_corner_pressed)
        next = std::max(Millis(0), *m_corner_pressed + std::chrono::seconds(m_config.staff.long_press_s) - now);
    if (!active())
        return next;
    Millis idle_end = m_last_input + std::chrono::seconds(m_config.session.idle_timeout_s);
    Millis desk = std::max(Millis(0), idle_end - now);
    if (m_pin_answered && m_pin_state.retry_at > unix_now())
        desk = std::min(desk, Millis(1000)); // the countdown of a wait shows each second
    if (busy())
        desk = std::min(desk, Millis(50));
    return next ? std::min(*next, desk) : desk;
}

void StaffDesk::update(const FrameEvents& events)
{
    m_citizen_in_session = !events.on_welcome;
    if (!active() && (events.staff_keys || entry_held()))
        open();
    if (!active())
        return;
    if (events.user_input)
        m_last_input = m_clock.now();
    if (m_clock.now() - m_last_input >= std::chrono::seconds(m_config.session.idle_timeout_s))
        leave("staff-timeout"); // a desk left open is closed, so the next citizen cannot reach it
    else
        refresh_view(); // gathered once a frame: it reads the outbox and the pack folder
}

void StaffDesk::prepare(screens::FrameContext& context) const
{
    // The test pattern needs the whole display; everywhere else training says so across the top.
    context.training = m_training && !(active() && *m_screen == ScreenId::TestPattern);
    if (active())
        context.staff = &m_view;
}

bool StaffDesk::draw(screens::FrameContext& context)
{
    if (!active())
        return false;
    context.staff_intents = &m_pending;
    bool changed = screen().draw(context);
    return changed && m_pending.empty();
}

bool StaffDesk::apply_pending()
{
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto& intent : pending)
        apply(intent);
    return !pending.empty();
}

void StaffDesk::describe(std::string& key) const
{
    if (active())
        key += "staff/" + std::string(screen_name(*m_screen));
}

void StaffDesk::submit_pin(std::string& pin)
{
    if (m_store && !busy()) {
        // Argon2id takes a moment: a worker checks, the pad says "Checking…" meanwhile.
        m_jobs.run(
            [store = &*m_store, pin = pin, now = unix_now()]() mutable {
                auto result = store->check_pin(pin, now);
                explicit_bzero(pin.data(), pin.size());
                return result;
            },
            [this](Result<staff::PinCheck> result) { finish_pin_check(std::move(result)); });
    }
    explicit_bzero(pin.data(), pin.size());
}

void StaffDesk::finish_pin_check(Result<staff::PinCheck> result)
{
    if (!result) {
        m_store_problem = result.error().message;
        std::fprintf(stderr, "guichet: a staff PIN could not be checked: %s\n", m_store_problem.c_str());
        return;
    }
    m_pin_state = *result;
    m_pin_answered = true;
    if (result->outcome == staff::PinCheck::Outcome::Accepted && active()) {
        m_role = result->role;
        m_pin_answered = false;
        m_screen = m_role == staff::Role::Technician ? ScreenId::Technician : ScreenId::Mediator;
    }
}

void StaffDesk::apply(StaffIntent& intent)
{
    m_last_input = m_clock.now();
    m_message.clear();
    namespace si = staff_intent;
    if (auto* pin = std::get_if<si::SubmitPin>(&intent))
        return submit_pin(pin->pin);
    if (std::holds_alternative<si::Leave>(intent))
        return leave("staff-leave");
    if (!m_role)
        return; // everything below needs a PIN
    std::visit(
        [this, &intent](auto& wanted) {
            using T = std::decay_t<decltype(wanted)>;
            if constexpr (std::is_same_v<T, si::ShowMediator>) {
                m_screen = ScreenId::Mediator;
            } else if constexpr (std::is_same_v<T, si::ShowLookup>) {
                m_lookup_result.clear();
                m_reprint.reset();
                m_screens.lookup.reset();
                m_screen = ScreenId::ReceiptLookup;
            } else if constexpr (std::is_same_v<T, si::Lookup>) {
                lookup(std::move(wanted.code));
            } else if constexpr (std::is_same_v<T, si::Reprint>) {
                reprint();
            } else if constexpr (std::is_same_v<T, si::ToggleAssisted>) {
                m_assisted = !m_assisted;
                audit(m_assisted ? "assisted-on" : "assisted-off");
            } else if constexpr (std::is_same_v<T, si::ToggleTraining>) {
                // A journey never changes nature halfway: the citizen's session ends first, so a real
                // answer is never dropped as training and a training answer never sent.
                m_links.host.end_session();
                m_training = !m_training;
                audit(m_training ? "training-on" : "training-off");
            } else if constexpr (std::is_same_v<T, si::SendNow>) {
                if (auto* uploader = m_links.sync.uploader()) {
                    uploader->trigger(sync::Uploader::Scope::AllQueued);
                    m_message = tr("staff.sending");
                } else {
                    m_message = tr("staff.no_hub");
                }
                audit("send-now");
            } else if constexpr (std::is_same_v<T, si::EndCitizenSession>) {
                audit("end-citizen-session");
                m_links.host.end_session();
                leave("staff-leave");
            } else if (m_role == staff::Role::Technician) {
                apply_technician(intent);
            }
        },
        intent);
}

// What only a technician may do.
void StaffDesk::apply_technician(StaffIntent& intent)
{
    std::visit(
        [this](auto& wanted) {
            using T = std::decay_t<decltype(wanted)>;
            namespace si = staff_intent;
            auto& content = m_links.content;
            auto language = m_config.kiosk.default_language;
            if constexpr (std::is_same_v<T, si::ShowTechnician>) {
                m_screen = ScreenId::Technician;
                if (m_links.print.available())
                    m_links.print.refresh_status(); // on a worker: a dead print server never stalls the page
            } else if constexpr (std::is_same_v<T, si::RetryItem>) {
                if (auto* outbox = m_links.sync.outbox()) {
                    auto requeued = outbox->requeue(wanted.id, unix_now());
                    m_message = requeued && *requeued ? tr("staff.retried") : tr("staff.retry_failed");
                    if (auto* uploader = m_links.sync.uploader())
                        uploader->trigger();
                    audit("retry-item");
                }
            } else if constexpr (std::is_same_v<T, si::CheckNetwork>) {
                check_network();
            } else if constexpr (std::is_same_v<T, si::CheckForUpdate>) {
                audit("check-update");
                run_on_worker([&content, language] { return content.check_now(language); });
            } else if constexpr (std::is_same_v<T, si::InstallFromUsb>) {
                if (!content.takes_packs()) { // no pack store: say why rather than look for a stick
                    m_message = content.install_from_folder({}, language);
                    return;
                }
                auto folder = find_usb_folder();
                if (!folder) {
                    m_message = format_text(tr("staff.no_usb_pack"), { { "dir", m_config.staff.usb_dir } });
                    return;
                }
                audit("install-usb");
                run_on_worker([&content, language, folder = *folder] { return content.install_from_folder(folder, language); });
            } else if constexpr (std::is_same_v<T, si::RollBack>) {
                audit("roll-back");
                run_on_worker([&content, language] { return content.roll_back(language); });
            } else if constexpr (std::is_same_v<T, si::ExportLogs>) {
                export_logs();
            } else if constexpr (std::is_same_v<T, si::SpeakTest>) {
                m_links.voice.say(tr("staff.speak_sentence"), m_config.kiosk.default_language);
                auto problem = m_links.voice.problem();
                m_message = problem.empty() ? tr("staff.speaking") : format_text(tr("staff.no_voice"), { { "reason", problem } });
                audit("audio-test");
            } else if constexpr (std::is_same_v<T, si::ScanTest>) {
                audit("scan-test");
                run_on_worker([this] { return scan_test(); });
            } else if constexpr (std::is_same_v<T, si::ShowTouchTest>) {
                m_screens.touch.reset();
                m_screen = ScreenId::TouchTest;
            } else if constexpr (std::is_same_v<T, si::ShowTestPattern>) {
                m_screen = ScreenId::TestPattern;
            } else if constexpr (std::is_same_v<T, si::Restart>) {
                audit("restart");
                m_links.host.restart();
            }
        },
        intent);
}

void StaffDesk::check_network()
{
    if (m_network_running)
        return;
    auto& link = m_links.sync.link();
    if (link.hub_url.empty()) {
        m_message = tr("staff.no_hub");
        return;
    }
    m_network.clear();
    m_network_running = true;
    audit("check-network");
    sync::DiagnosticsRequest request { .link = link, .kiosk = m_config.kiosk.id, .token_problem = m_links.sync.token_problem() };
    m_jobs.run(
        [this, request] {
            // Each step shows as it ends.
            return sync::run_diagnostics(request, [this](const sync::DiagnosticStep& step) {
                m_jobs.post([this, step] { m_network.push_back(step); });
            });
        },
        [this](std::vector<sync::DiagnosticStep> steps) {
            m_network = std::move(steps);
            m_network_running = false;
        });
}

void StaffDesk::run_on_worker(std::function<std::string()> work)
{
    if (m_worker_running)
        return;
    m_worker_running = true;
    m_message = tr("staff.working");
    m_jobs.run(std::move(work), [this](std::string message) {
        m_message = std::move(message);
        m_worker_running = false;
    });
}

void StaffDesk::lookup(std::string typed)
{
    auto code = normalize_receipt(typed);
    explicit_bzero(typed.data(), typed.size());
    audit("receipt-lookup"); // the code itself is not logged: it leads to a citizen
    m_reprint.reset();
    m_message.clear();
    auto* outbox = m_links.sync.outbox();
    if (!outbox) {
        m_lookup_result = tr("staff.no_submissions");
        return;
    }
    auto found = outbox->find_by_receipt(code);
    if (!found) {
        m_lookup_result = found.error().message;
        return;
    }
    if (!*found) {
        m_lookup_result = format_text(tr("staff.lookup_unknown"), { { "code", code } });
        return;
    }
    auto& entry = **found;
    // The same state guichetctl receipt tells (sync::receipt_state), in the desk's words.
    auto state = std::string(sync::receipt_state(entry));
    // Its scanned pages (issue 18), as guichetctl receipt tells them: "2/3 pièces envoyées".
    auto pages = entry.pages_total > 0
        ? "\n" + format_text(tr("staff.receipt_pages"), { { "sent", std::to_string(entry.pages_sent) }, { "total", std::to_string(entry.pages_total) } })
        : std::string();
    if (state == "queued") {
        m_lookup_result = format_text(tr("staff.lookup_queued"),
            { { "code", code }, { "when", time_text(entry.created_at, "%d/%m/%Y %H:%M") }, { "attempts", std::to_string(entry.attempts) } })
            + pages;
        remember_reprint(entry, outbox->status_url().value_or(""));
        return;
    }
    if (state == "quarantined") {
        m_lookup_result = format_text(tr("staff.lookup_quarantined"), { { "code", code } });
        remember_reprint(entry, outbox->status_url().value_or(""));
        return;
    }
    // Received: when it was sent; a later state: when the administration set it.
    int64_t when = entry.sent_at.value_or(entry.created_at);
    if (auto at = sync::parse_rfc3339(entry.hub_state_at); at && state != "received")
        when = std::chrono::duration_cast<std::chrono::seconds>(at->time_since_epoch()).count();
    m_lookup_result = format_text(tr("staff.receipt_state." + state), { { "code", code }, { "when", time_text(when, "%d/%m/%Y %H:%M") } });
    m_lookup_result += pages;
    if (!entry.hub_message.empty())
        m_lookup_result += "\n" + format_text(tr("staff.receipt_state.message"), { { "message", entry.hub_message } });
    // The public status page, as guichetctl receipt gives it: a citizen can follow the demand from home.
    auto status_url = outbox->status_url().value_or("");
    if (!status_url.empty())
        m_lookup_result += "\n" + format_text(tr("staff.receipt_state.link"), { { "url", status_url + entry.receipt } });
    remember_reprint(entry, status_url);
}

// What a reprint says: the code, its QR code, the procedure, the date it was stored and the state the
// mediator just read; never the answers, which the kiosk no longer holds in clear.
void StaffDesk::remember_reprint(const sync::QueueEntry& entry, const std::string& status_url)
{
    if (!m_links.print.available())
        return;
    auto& language = m_config.kiosk.default_language;
    auto procedure = m_links.content.catalog().find(entry.procedure);
    devices::PrintedReceipt paper;
    paper.place = m_config.kiosk.place_name;
    paper.date_time = format_text(tr("print.paper.when"),
        { { "date", time_text(entry.created_at, "%d/%m/%Y") }, { "time", time_text(entry.created_at, "%H:%M") } });
    paper.procedure = procedure ? localized(procedure->title, language) : entry.procedure;
    paper.code_label = tr("print.paper.reprint_label");
    paper.code = entry.receipt;
    paper.code_spelled = code_spelled(entry.receipt);
    paper.qr_text = status_url.empty() ? entry.receipt : status_url + entry.receipt;
    paper.qr_caption = tr(status_url.empty() ? "print.paper.qr_code" : "print.paper.qr_link");
    devices::ReceiptSection state { tr("print.paper.state"), {} };
    for (size_t start = 0; start < m_lookup_result.size();) {
        auto end = std::min(m_lookup_result.find('\n', start), m_lookup_result.size());
        state.items.push_back(m_lookup_result.substr(start, end - start));
        start = end + 1;
    }
    paper.sections.push_back(std::move(state));
    if (procedure)
        if (auto& next = localized(procedure->take_home.next, language); !next.empty())
            paper.sections.push_back({ tr("print.paper.next"), { next } });
    paper.footer = service_point_footer(m_links.content.strings(), language, m_config.kiosk);
    m_reprint = std::move(paper);
}

void StaffDesk::reprint()
{
    if (!m_reprint || m_reprinting)
        return;
    audit("reprint"); // like the lookup: the code is not logged
    m_reprinting = true;
    m_message = tr("print.printing");
    m_links.print.print(*m_reprint, [this](std::string problem) {
        m_reprinting = false;
        m_message = problem.empty() ? tr("staff.reprinted") : tr("print.problem." + problem);
    });
}

std::optional<std::filesystem::path> StaffDesk::find_usb_folder() const
{
    // A pack folder holds manifest.json; it may sit on the stick's top level or one or two folders down
    // (/media/<user>/<label>/guichet-pack).
    namespace fs = std::filesystem;
    std::error_code error;
    fs::path root = m_config.staff.usb_dir;
    if (fs::exists(root / "manifest.json", error))
        return root;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        if (it.depth() > 2) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_directory(error) && fs::exists(it->path() / "manifest.json", error))
            return it->path();
    }
    return std::nullopt;
}

void StaffDesk::export_logs()
{
    // To the first writable folder on a stick (or usb_dir itself): the kiosk's state, the audit log,
    // the queue's metadata and the app's own journal lines. None of them holds what a citizen typed.
    namespace fs = std::filesystem;
    WritableSticks writable;
    std::error_code error;
    fs::path target;
    fs::path root = m_config.staff.usb_dir;
    std::vector<fs::path> candidates;
    for (fs::directory_iterator it(root, error), end; !error && it != end; it.increment(error))
        if (it->is_directory(error))
            candidates.push_back(it->path());
    std::sort(candidates.begin(), candidates.end());
    candidates.push_back(root);
    auto folder_name = "guichet-logs-" + m_config.kiosk.id + "-" + time_text(unix_now(), "%Y%m%dT%H%M%SZ", Zone::Utc);
    for (auto& candidate : candidates) {
        if (fs::create_directory(candidate / folder_name, error) && !error) {
            target = candidate / folder_name;
            break;
        }
    }
    if (target.empty()) {
        m_message = format_text(tr("staff.export_failed"), { { "dir", root.string() } });
        return;
    }
    {
        std::ofstream state(target / "state.txt");
        state << "kiosk\t" << m_config.kiosk.id << "\n";
        for (auto& fact : facts())
            state << fact.label << "\t" << fact.value << "\n";
    }
    if (m_store) {
        std::ofstream audit_file(target / "audit.tsv");
        audit_file << "at\trole\taction\tdetail\n";
        if (auto entries = m_store->audit_log(5000))
            for (auto& entry : *entries)
                audit_file << entry.at << "\t" << entry.role << "\t" << entry.action << "\t" << entry.detail << "\n";
    }
    if (auto* outbox = m_links.sync.outbox()) {
        // No receipt codes or ids: a stick leaves the building, and a code leads to a citizen.
        std::ofstream queue(target / "queue.tsv");
        queue << "procedure\tversion\tstate\tattempts\tcreated_at\tlast_error\n";
        if (auto entries = outbox->entries(100000))
            for (auto& entry : *entries)
                queue << entry.procedure << "\t" << entry.version << "\t" << sync::state_name(entry.state) << "\t"
                      << entry.attempts << "\t" << entry.created_at << "\t" << entry.last_error << "\n";
    }
    // The app's own lines from the journal, when it runs under systemd.
    std::string command = "journalctl --no-pager -o short-iso -n 5000 _COMM=guichet > '" + (target / "journal.txt").string()
        + "' 2>/dev/null";
    [[maybe_unused]] int ignored = std::system(command.c_str());
    audit("export-logs");
    m_message = format_text(tr("staff.exported"), { { "dir", target.string() } });
}

// The technician's test scan: one page as a citizen's would be scanned, measured, and dropped (wiped with
// the page): nothing of it is kept or shown but its size. Runs on a worker.
std::string StaffDesk::scan_test() const
{
    auto settings = devices::scanner_settings(m_config.scanner);
    auto started = std::chrono::steady_clock::now();
    std::atomic<bool> cancel = false;
    auto page = devices::scan_page(settings, false, {}, cancel);
    if (!page)
        return format_text(tr("staff.scan_failed"), { { "problem", tr("scan.problem." + std::string(devices::problem_name(page.error().problem))) },
            { "detail", page.error().detail } });
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    char seconds[16];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(millis) / 1000);
    return format_text(tr("staff.scan_ok"), { { "width", std::to_string(page->width) }, { "height", std::to_string(page->height) },
        { "size", size_text(static_cast<int64_t>(page->jpeg.size())) }, { "seconds", seconds } });
}

// The printer as configured and as it last said it was: "ESC/POS 80 mm, /dev/usb/lp0 : plus de papier".
std::string StaffDesk::printer_line() const
{
    auto& settings = m_links.print.settings();
    if (settings.kind == devices::PrinterKind::None)
        return tr("staff.none");
    std::string where = settings.kind == devices::PrinterKind::Escpos
        ? "ESC/POS " + std::to_string(settings.paper_mm) + " mm, " + (settings.device.empty() ? "CUPS " + settings.queue : settings.device)
        : "CUPS " + (settings.queue.empty() ? tr("print.default_queue") : settings.queue);
    auto& status = m_links.print.last_status();
    std::string state = status.state == devices::PrinterState::Problem
        ? tr("print.problem." + std::string(devices::problem_name(status.problem)))
        : tr("print.state." + std::string(devices::state_name(status.state)));
    if (!status.detail.empty())
        state += " (" + status.detail + ")";
    return where + " : " + state;
}

std::vector<screens::StaffFact> StaffDesk::facts() const
{
    auto& language = m_config.kiosk.default_language;
    auto& sync = m_links.sync;
    std::vector<screens::StaffFact> facts;
    facts.push_back({ tr("staff.fact_kiosk"), m_config.kiosk.id + " \u2014 " + m_config.kiosk.place_name });
    facts.push_back({ tr("staff.fact_app"), std::string("guichet ") + version_string });
    facts.push_back({ tr("staff.fact_pack"), m_links.content.pack_line(language) });
    if (auto last = m_links.content.last_check(language); !last.empty())
        facts.push_back({ tr("staff.fact_pack_check"), last });
    facts.push_back({ tr("staff.fact_hub"), sync.link().hub_url.empty() ? tr("staff.none") : sync.link().hub_url });
    if (auto* status = sync.status()) {
        std::string last = status->last_success_unix
            ? format_text(tr("staff.last_success"), { { "when", time_text(*status->last_success_unix, "%d/%m/%Y %H:%M") } })
            : tr("staff.never");
        if (!status->last_error.empty())
            last += " \u2014 " + status->last_error;
        facts.push_back({ tr("staff.fact_sync"), last });
    }
    if (auto heartbeat = sync.heartbeat_line(); !heartbeat.empty())
        facts.push_back({ tr("staff.fact_heartbeat"), heartbeat });
    if (auto free = sync::disk_free_bytes(std::filesystem::path(m_config.storage.outbox).parent_path()))
        facts.push_back({ tr("staff.fact_disk"), size_text(*free) });
    auto problem = m_links.voice.problem();
    facts.push_back({ tr("staff.fact_voice"), problem.empty() ? tr("staff.voice_ok") : problem });
    // The configured scanner by name: asking SANE here would stall the frame (network backends probe);
    // the test scan says whether it answers.
    facts.push_back({ tr("staff.fact_scanner"), m_config.scanner.device.empty() ? tr("staff.scanner_first") : m_config.scanner.device });
    facts.push_back({ tr("staff.fact_printer"), printer_line() });
    return facts;
}

void StaffDesk::refresh_view()
{
    auto& v = m_view;
    v = {};
    v.language = m_config.kiosk.default_language;
    v.technician = m_role == staff::Role::Technician;
    v.assisted = m_assisted;
    v.training = m_training;
    v.citizen_in_session = m_citizen_in_session;
    v.checking_pin = busy();
    int64_t now = unix_now();
    if (!m_store) {
        v.pad_closed = true;
        v.pin_message = format_text(tr("staff.unavailable"), { { "reason", m_store_problem } });
    } else if (m_pin_answered) {
        using Outcome = staff::PinCheck::Outcome;
        bool waiting = m_pin_state.retry_at > now;
        v.pad_closed = waiting;
        if (m_pin_state.outcome == Outcome::NoPins)
            v.pin_message = tr("staff.no_pins");
        else if (waiting && m_pin_state.failures >= m_config.staff.lockout_after)
            v.pin_message = format_text(tr("staff.pin_locked"), { { "time", time_text(m_pin_state.retry_at, "%H:%M") } });
        else if (waiting)
            v.pin_message = format_text(tr("staff.pin_wait"), { { "seconds", std::to_string(m_pin_state.retry_at - now) } });
        else if (m_pin_state.outcome != Outcome::Accepted)
            v.pin_message = tr("staff.pin_wrong");
    }
    if (auto* status = m_links.sync.status()) {
        v.takes_submissions = true;
        v.sync = *status;
    }
    v.lookup_result = m_lookup_result;
    v.can_reprint = m_reprint.has_value();
    v.reprinting = m_reprinting;
    v.message = m_message;
    if (!v.technician)
        return;
    v.facts = facts();
    if (auto* outbox = m_links.sync.outbox())
        if (auto entries = outbox->entries(200))
            for (auto& entry : *entries)
                if (entry.state == sync::ItemState::Quarantined)
                    v.quarantined.push_back({ entry.id, entry.receipt, entry.last_error });
    v.pack_line = m_links.content.pack_line(m_config.kiosk.default_language);
    v.can_roll_back = m_links.content.can_roll_back();
    for (auto& step : m_network) {
        using State = screens::NetworkLine::State;
        if (step.result == sync::StepResult::NotNeeded)
            continue;
        State state = step.result == sync::StepResult::Ok ? State::Passed
            : step.result == sync::StepResult::Failed    ? State::Failed
                                                         : State::NotTried;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(step.elapsed).count();
        v.network.push_back({ step.title, state, step.detail.empty() ? std::to_string(ms) + " ms" : step.detail });
    }
    v.network_running = m_network_running;
    v.update_running = m_worker_running;
}

}
