// Content packs in the running kiosk (see content_updates.h).
#include "kiosk/app/content_updates.h"

#include <cstdio>
#include <ctime>

namespace guichet::app {

namespace {
int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }
}

std::string_view content_outcome_key(ContentOutcome::Kind kind)
{
    switch (kind) {
    case ContentOutcome::Kind::UpToDate:
        return "staff.pack_up_to_date";
    case ContentOutcome::Kind::Installed:
        return "staff.pack_installed";
    case ContentOutcome::Kind::NoPack:
        return "staff.pack_none_offered";
    case ContentOutcome::Kind::Refused:
        return "staff.pack_refused";
    case ContentOutcome::Kind::RolledBack:
        return "staff.pack_rolled_back";
    case ContentOutcome::Kind::NoHub:
        return "staff.no_hub";
    case ContentOutcome::Kind::Failed:
        break;
    }
    return "staff.pack_failed";
}

ContentUpdates::ContentUpdates(std::unique_ptr<sync::pack::PackStore> store)
    : m_store(std::move(store))
{
}

std::unique_ptr<ContentUpdates> ContentUpdates::open(const Config& config, const std::string& token,
    std::function<Result<void>(const std::filesystem::path&)> check, std::string& problem)
{
    problem.clear();
    // Without a key no pack can be accepted: the built-in assets are all there is.
    if (config.content.packs_dir.empty() || config.content.signing_keys.empty())
        return nullptr;
    auto store = sync::pack::PackStore::open({ .dir = config.content.packs_dir, .signing_keys = config.content.signing_keys,
        .channel = config.content.channel, .languages = config.kiosk.languages, .builtin_assets_dir = config.ui.assets_dir,
        .extra_check = std::move(check) });
    if (!store) {
        problem = store.error().message;
        std::fprintf(stderr, "guichet: content packs unavailable, built-in assets in use: %s\n", problem.c_str());
        return nullptr;
    }
    std::unique_ptr<ContentUpdates> updates(new ContentUpdates(std::move(*store)));
    if (!config.sync.hub_url.empty() && !token.empty()) {
        updates->m_client = std::make_unique<sync::pack::PackClient>(*updates->m_store,
            sync::pack::PackClientSettings { .hub_url = config.sync.hub_url, .token = token,
                .link = { .ca_file = config.sync.ca_file } },
            unix_now);
        updates->m_interval_s = config.content.check_interval_s;
    }
    return updates;
}

ContentUpdates::~ContentUpdates()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void ContentUpdates::start(std::function<void()> on_change)
{
    m_on_change = std::move(on_change);
    if (m_client)
        m_thread = std::thread([this] { worker(m_interval_s); });
}

void ContentUpdates::worker(int interval_s)
{
    for (;;) {
        // The first check waits a little: start-up and the first citizen come first.
        std::unique_lock lock(m_mutex);
        m_wake.wait_for(lock, std::chrono::seconds(m_last ? interval_s : 30), [this] { return m_stopping; });
        if (m_stopping)
            return;
        lock.unlock();
        check_now();
    }
}

void ContentUpdates::changed()
{
    m_changed = true;
    if (m_on_change)
        m_on_change();
}

std::string ContentUpdates::version_text() const
{
    auto status = m_store->status();
    return status.active ? std::to_string(status.active->version) : "builtin";
}

bool ContentUpdates::can_roll_back() const
{
    return m_store->status().active.has_value();
}

std::optional<ContentOutcome> ContentUpdates::last_outcome() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

ContentOutcome ContentUpdates::check_now()
{
    ContentOutcome outcome;
    if (!m_client) {
        outcome.kind = ContentOutcome::Kind::NoHub;
    } else {
        auto report = m_client->check_and_update();
        using Update = sync::pack::UpdateOutcome;
        outcome.kind = report.outcome == Update::UpToDate ? ContentOutcome::Kind::UpToDate
            : report.outcome == Update::Installed         ? ContentOutcome::Kind::Installed
            : report.outcome == Update::NoPack            ? ContentOutcome::Kind::NoPack
            : report.outcome == Update::Refused           ? ContentOutcome::Kind::Refused
                                                          : ContentOutcome::Kind::Failed;
        outcome.version = report.active_version;
        outcome.detail = report.reason;
        if (outcome.kind == ContentOutcome::Kind::Refused || outcome.kind == ContentOutcome::Kind::Failed)
            std::fprintf(stderr, "guichet: content update: %s\n", report.reason.c_str());
    }
    {
        std::lock_guard lock(m_mutex);
        m_last = outcome;
    }
    if (outcome.kind == ContentOutcome::Kind::Installed)
        changed();
    return outcome;
}

ContentOutcome ContentUpdates::install_from_folder(const std::filesystem::path& folder)
{
    ContentOutcome outcome;
    auto installed = m_store->install_from_folder(folder);
    if (installed) {
        outcome.kind = ContentOutcome::Kind::Installed;
        outcome.version = installed->pack.version;
    } else {
        outcome.kind = ContentOutcome::Kind::Refused;
        outcome.detail = std::string(sync::pack::refusal_name(installed.error().refusal)) + ": " + installed.error().message;
        auto status = m_store->status();
        outcome.version = status.active ? status.active->version : 0;
        std::fprintf(stderr, "guichet: pack from '%s' refused: %s\n", folder.c_str(), outcome.detail.c_str());
    }
    {
        std::lock_guard lock(m_mutex);
        m_last = outcome;
    }
    if (installed)
        changed();
    return outcome;
}

ContentOutcome ContentUpdates::roll_back()
{
    ContentOutcome outcome;
    auto status = m_store->rollback();
    if (!status) {
        outcome.kind = ContentOutcome::Kind::Failed;
        outcome.detail = status.error().message;
        return outcome;
    }
    outcome.kind = ContentOutcome::Kind::RolledBack;
    outcome.version = status->active ? status->active->version : 0;
    changed();
    return outcome;
}

}
