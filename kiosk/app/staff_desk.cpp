// The staff desk (see staff_desk.h): PIN checks, the mediator's and the technician's actions, workers.
#include "kiosk/app/staff_desk.h"

#include "guichet/version.h"
#include "sync/heartbeat.h"

#include <algorithm>
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

StaffDesk::StaffDesk(const Config& config, const Strings& strings, const Clock& clock)
    : m_config(config)
    , m_strings(strings)
    , m_clock(clock)
    , m_unix_origin(static_cast<int64_t>(std::time(nullptr)))
    , m_clock_origin(clock.now())
{
}

StaffDesk::~StaffDesk()
{
    // The futures' destructors wait for their workers, which use the store and the services.
    if (m_pin_check.valid())
        m_pin_check.wait();
}

// Wall time that follows the kiosk's clock: real time live, the virtual clock in a headless script, so
// a script can wait out a PIN delay with `advance`.
int64_t StaffDesk::unix_now() const
{
    return m_unix_origin + std::chrono::duration_cast<std::chrono::seconds>(m_clock.now() - m_clock_origin).count();
}

std::string StaffDesk::tr(std::string_view key) const
{
    return m_strings.get(m_config.kiosk.default_language, key);
}

screens::Screen& StaffDesk::screen()
{
    switch (*m_screen) {
    case ScreenId::Mediator:
        return m_mediator_screen;
    case ScreenId::ReceiptLookup:
        return m_lookup_screen;
    case ScreenId::Technician:
        return m_technician_screen;
    case ScreenId::TouchTest:
        return m_touch_screen;
    case ScreenId::TestPattern:
        return m_pattern_screen;
    default:
        return m_pin_screen;
    }
}

void StaffDesk::open()
{
    if (active())
        return;
    m_screen = ScreenId::StaffPin;
    m_role.reset();
    m_message.clear();
    m_lookup_result.clear();
    m_pin_answered = false;
    m_last_input = m_clock.now();
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
    m_pin_screen.wipe();
    m_lookup_screen.reset();
    m_technician_screen.reset();
    m_touch_screen.reset();
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

void StaffDesk::on_input() { m_last_input = m_clock.now(); }

bool StaffDesk::busy() const
{
    std::lock_guard lock(m_worker_mutex);
    return m_pin_check.valid() || m_network_running || m_worker_running;
}

std::optional<Millis> StaffDesk::time_to_next_timer() const
{
    if (!active())
        return std::nullopt;
    auto now = m_clock.now();
    Millis idle_end = m_last_input + std::chrono::seconds(m_config.session.idle_timeout_s);
    Millis next = std::max(Millis(0), idle_end - now);
    if (m_pin_answered && m_pin_state.retry_at > unix_now())
        next = std::min(next, Millis(1000)); // the countdown of a wait shows each second
    if (busy())
        next = std::min(next, Millis(50));
    return next;
}

void StaffDesk::update()
{
    if (m_pin_check.valid() && m_pin_check.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        finish_pin_check();
    {
        std::lock_guard lock(m_worker_mutex);
        if (m_worker_message) {
            m_message = std::move(*m_worker_message);
            m_worker_message.reset();
        }
    }
    if (active() && m_clock.now() - m_last_input >= std::chrono::seconds(m_config.session.idle_timeout_s))
        leave("staff-timeout"); // a desk left open is closed, so the next citizen cannot reach it
}

void StaffDesk::finish_pin_check()
{
    auto result = m_pin_check.get();
    if (!result) {
        m_store_problem = result.error().message;
        std::fprintf(stderr, "guichet: a staff PIN could not be checked: %s\n", m_store_problem.c_str());
        return;
    }
    m_pin_state = *result;
    m_pin_answered = true;
    if (result->outcome == staff::PinCheck::Outcome::Accepted) {
        m_role = result->role;
        m_pin_answered = false;
        m_screen = m_role == staff::Role::Technician ? ScreenId::Technician : ScreenId::Mediator;
    }
}

void StaffDesk::apply(StaffIntent& intent)
{
    on_input();
    m_message.clear();
    std::visit(
        [this](auto& wanted) {
            using T = std::decay_t<decltype(wanted)>;
            namespace si = staff_intent;
            if constexpr (std::is_same_v<T, si::SubmitPin>) {
                if (m_store && !m_pin_check.valid()) {
                    // Argon2id takes a moment: a worker checks, the pad says "Checking…" meanwhile.
                    m_pin_check = std::async(std::launch::async,
                        [store = &*m_store, pin = std::move(wanted.pin), now = unix_now(), wake = m_services.wake]() mutable {
                            auto result = store->check_pin(pin, now);
                            explicit_bzero(pin.data(), pin.size());
                            if (wake)
                                wake();
                            return result;
                        });
                }
                explicit_bzero(wanted.pin.data(), wanted.pin.size());
                return;
            }
            if constexpr (std::is_same_v<T, si::Leave>) {
                leave("staff-leave");
                return;
            }
            if (!m_role)
                return; // everything below needs a PIN
            [[maybe_unused]] bool technician = m_role == staff::Role::Technician;
            if constexpr (std::is_same_v<T, si::ShowMediator>) {
                m_screen = ScreenId::Mediator;
            } else if constexpr (std::is_same_v<T, si::ShowTechnician>) {
                if (technician)
                    m_screen = ScreenId::Technician;
            } else if constexpr (std::is_same_v<T, si::ShowLookup>) {
                m_lookup_result.clear();
                m_lookup_screen.reset();
                m_screen = ScreenId::ReceiptLookup;
            } else if constexpr (std::is_same_v<T, si::Lookup>) {
                lookup(std::move(wanted.code));
            } else if constexpr (std::is_same_v<T, si::ToggleAssisted>) {
                m_assisted = !m_assisted;
                audit(m_assisted ? "assisted-on" : "assisted-off");
            } else if constexpr (std::is_same_v<T, si::ToggleTraining>) {
                // A journey never changes nature halfway: the citizen's session ends first, so a real
                // answer is never dropped as training and a training answer never sent.
                if (m_services.end_citizen_session)
                    m_services.end_citizen_session();
                m_training = !m_training;
                audit(m_training ? "training-on" : "training-off");
            } else if constexpr (std::is_same_v<T, si::SendNow>) {
                if (m_services.uploader) {
                    m_services.uploader->trigger(sync::Uploader::Scope::AllQueued);
                    m_message = tr("staff.sending");
                } else {
                    m_message = tr("staff.no_hub");
                }
                audit("send-now");
            } else if constexpr (std::is_same_v<T, si::EndCitizenSession>) {
                audit("end-citizen-session");
                if (m_services.end_citizen_session)
                    m_services.end_citizen_session();
                leave("staff-leave");
            } else if constexpr (std::is_same_v<T, si::RetryItem>) {
                if (technician && m_services.outbox) {
                    auto requeued = m_services.outbox->requeue(wanted.id, unix_now());
                    m_message = requeued && *requeued ? tr("staff.retried") : tr("staff.retry_failed");
                    if (m_services.uploader)
                        m_services.uploader->trigger();
                    audit("retry-item");
                }
            } else if constexpr (std::is_same_v<T, si::CheckNetwork>) {
                if (!technician)
                    return;
                std::lock_guard lock(m_worker_mutex);
                if (m_network_running)
                    return;
                if (m_services.link.hub_url.empty()) {
                    m_message = tr("staff.no_hub");
                    return;
                }
                m_network.clear();
                m_network_running = true;
                audit("check-network");
                sync::DiagnosticsRequest request { .link = m_services.link, .kiosk = m_config.kiosk.id,
                    .token_problem = m_services.token_problem };
                m_network_job = std::async(std::launch::async, [this, request] {
                    auto steps = sync::run_diagnostics(request, [this](const sync::DiagnosticStep& step) {
                        std::lock_guard step_lock(m_worker_mutex);
                        m_network.push_back(step);
                        if (m_services.wake)
                            m_services.wake();
                    });
                    std::lock_guard done_lock(m_worker_mutex);
                    m_network = std::move(steps);
                    m_network_running = false;
                    if (m_services.wake)
                        m_services.wake();
                });
            } else if constexpr (std::is_same_v<T, si::CheckForUpdate>) {
                if (technician && m_services.check_update) {
                    audit("check-update");
                    run_on_worker(m_services.check_update);
                }
            } else if constexpr (std::is_same_v<T, si::InstallFromUsb>) {
                if (!technician || !m_services.install_from_folder)
                    return;
                if (!m_services.packs) { // no pack store: say why rather than look for a stick
                    m_message = m_services.install_from_folder({});
                    return;
                }
                auto folder = find_usb_folder();
                if (!folder) {
                    m_message = format_text(tr("staff.no_usb_pack"), { { "dir", m_config.staff.usb_dir } });
                    return;
                }
                audit("install-usb");
                run_on_worker([install = m_services.install_from_folder, folder = *folder] { return install(folder); });
            } else if constexpr (std::is_same_v<T, si::RollBack>) {
                if (technician && m_services.roll_back) {
                    audit("roll-back");
                    run_on_worker(m_services.roll_back);
                }
            } else if constexpr (std::is_same_v<T, si::ExportLogs>) {
                if (technician)
                    export_logs();
            } else if constexpr (std::is_same_v<T, si::SpeakTest>) {
                if (technician && m_services.say) {
                    m_services.say(tr("staff.speak_sentence"), m_config.kiosk.default_language);
                    auto problem = m_services.speech_problem ? m_services.speech_problem() : std::string();
                    m_message = problem.empty() ? tr("staff.speaking") : format_text(tr("staff.no_voice"), { { "reason", problem } });
                    audit("audio-test");
                }
            } else if constexpr (std::is_same_v<T, si::ShowTouchTest>) {
                if (technician) {
                    m_touch_screen.reset();
                    m_screen = ScreenId::TouchTest;
                }
            } else if constexpr (std::is_same_v<T, si::ShowTestPattern>) {
                if (technician)
                    m_screen = ScreenId::TestPattern;
            } else if constexpr (std::is_same_v<T, si::Restart>) {
                if (technician && m_services.restart) {
                    audit("restart");
                    m_services.restart();
                }
            }
        },
        intent);
}

void StaffDesk::run_on_worker(std::function<std::string()> work)
{
    std::lock_guard lock(m_worker_mutex);
    if (m_worker_running)
        return;
    m_worker_running = true;
    m_message = tr("staff.working");
    m_worker_job = std::async(std::launch::async, [this, work = std::move(work)] {
        std::string message = work();
        std::lock_guard done(m_worker_mutex);
        m_worker_message = std::move(message);
        m_worker_running = false;
        if (m_services.wake)
            m_services.wake();
    });
}

void StaffDesk::lookup(std::string typed)
{
    auto code = normalize_receipt(typed);
    explicit_bzero(typed.data(), typed.size());
    audit("receipt-lookup"); // the code itself is not logged: it leads to a citizen
    if (!m_services.outbox) {
        m_lookup_result = tr("staff.no_submissions");
        return;
    }
    auto found = m_services.outbox->find_by_receipt(code);
    if (!found) {
        m_lookup_result = found.error().message;
        return;
    }
    if (!*found) {
        m_lookup_result = format_text(tr("staff.lookup_unknown"), { { "code", code } });
        return;
    }
    auto& entry = **found;
    switch (entry.state) {
    case sync::ItemState::Sent:
        m_lookup_result = format_text(tr("staff.lookup_sent"),
            { { "code", code }, { "when", time_text(entry.sent_at.value_or(entry.created_at), "%d/%m/%Y %H:%M") } });
        break;
    case sync::ItemState::Quarantined:
        m_lookup_result = format_text(tr("staff.lookup_quarantined"), { { "code", code } });
        break;
    default:
        m_lookup_result = format_text(tr("staff.lookup_queued"),
            { { "code", code }, { "when", time_text(entry.created_at, "%d/%m/%Y %H:%M") }, { "attempts", std::to_string(entry.attempts) } });
        break;
    }
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
        for (auto& fact : facts(nullptr))
            state << fact.label << "\t" << fact.value << "\n";
    }
    if (m_store) {
        std::ofstream audit_file(target / "audit.tsv");
        audit_file << "at\trole\taction\tdetail\n";
        if (auto entries = m_store->audit_log(5000))
            for (auto& entry : *entries)
                audit_file << entry.at << "\t" << entry.role << "\t" << entry.action << "\t" << entry.detail << "\n";
    }
    if (m_services.outbox) {
        // No receipt codes or ids: a stick leaves the building, and a code leads to a citizen.
        std::ofstream queue(target / "queue.tsv");
        queue << "procedure\tversion\tstate\tattempts\tcreated_at\tlast_error\n";
        if (auto entries = m_services.outbox->entries(100000))
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

std::vector<screens::StaffFact> StaffDesk::facts(const SyncStatus* sync) const
{
    std::vector<screens::StaffFact> facts;
    facts.push_back({ tr("staff.fact_kiosk"), m_config.kiosk.id + " \u2014 " + m_config.kiosk.place_name });
    facts.push_back({ tr("staff.fact_app"), std::string("guichet ") + version_string });
    facts.push_back({ tr("staff.fact_pack"), m_services.pack_line ? m_services.pack_line() : tr("staff.builtin") });
    if (auto last = m_services.last_pack_check ? m_services.last_pack_check() : std::string(); !last.empty())
        facts.push_back({ tr("staff.fact_pack_check"), last });
    facts.push_back({ tr("staff.fact_hub"), m_services.link.hub_url.empty() ? tr("staff.none") : m_services.link.hub_url });
    if (sync) {
        std::string last = sync->last_success_unix ? format_text(tr("staff.last_success"), { { "when", time_text(*sync->last_success_unix, "%d/%m/%Y %H:%M") } })
                                                   : tr("staff.never");
        if (!sync->last_error.empty())
            last += " \u2014 " + sync->last_error;
        facts.push_back({ tr("staff.fact_sync"), last });
    }
    if (m_services.heartbeat_line)
        facts.push_back({ tr("staff.fact_heartbeat"), m_services.heartbeat_line() });
    if (auto free = sync::disk_free_bytes(std::filesystem::path(m_config.storage.outbox).parent_path()))
        facts.push_back({ tr("staff.fact_disk"), size_text(*free) });
    auto problem = m_services.speech_problem ? m_services.speech_problem() : std::string();
    facts.push_back({ tr("staff.fact_voice"), problem.empty() ? tr("staff.voice_ok") : problem });
    return facts;
}

const screens::StaffView& StaffDesk::view(bool citizen_in_session, const SyncStatus* sync)
{
    auto& v = m_view;
    v = {};
    v.language = m_config.kiosk.default_language;
    v.technician = m_role == staff::Role::Technician;
    v.assisted = m_assisted;
    v.training = m_training;
    v.citizen_in_session = citizen_in_session;
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
    if (sync) {
        v.takes_submissions = true;
        v.sync = *sync;
    }
    v.lookup_result = m_lookup_result;
    v.message = m_message;
    if (v.technician) {
        v.facts = facts(sync);
        if (m_services.outbox)
            if (auto entries = m_services.outbox->entries(200))
                for (auto& entry : *entries)
                    if (entry.state == sync::ItemState::Quarantined)
                        v.quarantined.push_back({ entry.id, entry.receipt, entry.last_error });
        v.pack_line = m_services.pack_line ? m_services.pack_line() : tr("staff.builtin");
        v.can_roll_back = m_services.can_roll_back && m_services.can_roll_back();
        std::lock_guard lock(m_worker_mutex);
        for (auto& step : m_network) {
            using State = screens::NetworkLine::State;
            State state = step.result == sync::StepResult::Ok ? State::Passed
                : step.result == sync::StepResult::Failed    ? State::Failed
                                                             : State::NotTried;
            if (step.result == sync::StepResult::NotNeeded)
                continue;
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(step.elapsed).count();
            v.network.push_back({ step.title, state, step.detail.empty() ? std::to_string(ms) + " ms" : step.detail });
        }
        v.network_running = m_network_running;
        v.update_running = m_worker_running;
    }
    return v;
}

}
