// The App's side of the staff desk: the services it lends the desk, and the discreet entry gesture.
#include "kiosk/app/app.h"

#include <imgui.h>

#include <fstream>

namespace guichet::app {

void App::connect_staff_desk()
{
    auto& config = m_setup.config;
    StaffServices services;
    services.outbox = m_outbox.get();
    services.uploader = m_uploader.get();
    if (!config.sync.hub_url.empty()) {
        services.link = { .hub_url = config.sync.hub_url, .token = m_token, .ca_file = config.sync.ca_file };
        if (auto read = read_kiosk_token(config.sync); !read)
            services.token_problem = read.error().message;
    }
    services.end_citizen_session = [this] { end_session(); };
    services.say = [this](const std::string& text, const std::string& language) {
        if (m_speech)
            m_speech->say(text, { .language = language, .volume = m_session.preferences().volume });
    };
    services.speech_problem = [this]() -> std::string {
        if (!m_setup.config.speech.enabled)
            return "voice guidance is off in the configuration ('speech.enabled')";
        if (!m_speech && m_speech_problem.empty())
            return "the voice has not started yet";
        return m_speech_problem;
    };
    if (m_heartbeat) {
        services.heartbeat_line = [this]() -> std::string {
            auto status = m_heartbeat->status();
            if (!status.last_error.empty())
                return status.last_error;
            if (!status.last_sent_unix)
                return "-";
            return sync::rfc3339_utc(*status.last_sent_unix);
        };
    }
    services.wake = [] {
        SDL_Event event {};
        event.type = SDL_USEREVENT;
        SDL_PushEvent(&event);
    };
    services.restart = [this] {
        m_exit_code = exit_restart;
        m_quit = true;
    };
    connect_content_packs(services);
    m_staff->connect(std::move(services));
}

// The technician's view of content packs, in the staff's language.
void App::connect_content_packs(StaffServices& services)
{
    auto staff_text = [this](std::string_view key, const std::vector<std::pair<std::string_view, std::string>>& values = {}) {
        return format_text(m_strings.get(m_setup.config.kiosk.default_language, key), values);
    };
    if (!m_content) {
        services.pack_line = [this, staff_text] {
            return staff_text("staff.builtin") + (m_content_problem.empty() ? "" : " \u2014 " + m_content_problem);
        };
        auto unavailable = [this, staff_text] {
            return staff_text("staff.no_packs",
                { { "detail", m_content_problem.empty() ? "'content.signing_keys'" : m_content_problem } });
        };
        services.check_update = unavailable;
        services.install_from_folder = [unavailable](const std::filesystem::path&) { return unavailable(); };
        return;
    }
    services.packs = true;
    auto describe = [staff_text](const ContentOutcome& outcome) {
        return staff_text(content_outcome_key(outcome.kind),
            { { "version", outcome.version ? std::to_string(outcome.version) : std::string("0") }, { "detail", outcome.detail } });
    };
    services.last_pack_check = [this, describe]() -> std::string {
        auto last = m_content->last_outcome();
        return last ? describe(*last) : std::string();
    };
    services.pack_line = [this, staff_text] {
        auto status = m_content->status();
        std::string line = status.active
            ? staff_text("staff.pack_active", { { "version", std::to_string(status.active->version) },
                  { "channel", status.active->channel }, { "files", std::to_string(status.active->files) } })
            : staff_text("staff.builtin");
        return line;
    };
    services.can_roll_back = [this] { return m_content->can_roll_back(); };
    services.check_update = [this, describe] { return describe(m_content->check_now()); };
    services.install_from_folder = [this, describe](const std::filesystem::path& folder) {
        return describe(m_content->install_from_folder(folder));
    };
    services.roll_back = [this, describe] { return describe(m_content->roll_back()); };
}

// A finger held still in the top-right corner for `staff.long_press_s`: nothing is drawn there, and a
// citizen brushing the corner never holds it that long.
bool App::staff_entry_held(const ImGuiIO& io)
{
    float corner = 120 * layout_unit();
    bool in_corner = io.MouseDown[0] && io.MousePos.x >= io.DisplaySize.x - corner && io.MousePos.x <= io.DisplaySize.x
        && io.MousePos.y >= 0 && io.MousePos.y <= corner;
    if (!in_corner) {
        m_corner_pressed.reset();
        return false;
    }
    auto now = m_clock.now();
    if (!m_corner_pressed)
        m_corner_pressed = now;
    if (now - *m_corner_pressed < std::chrono::seconds(m_setup.config.staff.long_press_s))
        return false;
    m_corner_pressed.reset();
    return true;
}

}
