// The purge policy from procedure files, and the purge thread of `serve`.
#include "sync/hub/retention.h"

#include "sync/hub/procedure_catalog.h"

#include "kiosk/core/procedure.h"

namespace guichet::sync::hub {

Result<PurgePolicy> purge_policy_from(const std::optional<std::filesystem::path>& dir, int keep_status_days)
{
    PurgePolicy policy;
    policy.keep_status_days = keep_status_days;
    if (!dir)
        return policy;
    // The kiosk's own loader and validation, so the hub reads exactly what the kiosks show.
    auto catalog = load_catalog(*dir, ValidationOptions {});
    if (!catalog.problems.empty()) {
        std::string message = "the procedure files in '" + dir->string() + "' have problems:";
        for (auto& problem : catalog.problems)
            message += "\n  " + to_string(problem);
        return fail(message);
    }
    for (auto& procedure : catalog.procedures)
        if (procedure->retention_days)
            policy.retention_days[procedure->id] = *procedure->retention_days;
    return policy;
}

PurgePolicy purge_policy_from(const ProcedureCatalog& catalog, int keep_status_days)
{
    PurgePolicy policy;
    policy.keep_status_days = keep_status_days;
    // Entries are ordered by (id, version): the last one of an id is its highest version.
    for (auto& [key, entry] : catalog.entries()) {
        if (entry.retention_days)
            policy.retention_days[key.first] = *entry.retention_days;
        else
            policy.retention_days.erase(key.first);
    }
    return policy;
}

std::string describe(const PurgeCount& count, std::string_view now)
{
    if (count.ran_today_already)
        return "guichet-hub: purge: already run today (" + std::string(now.substr(0, 10)) + " UTC), by this hub or another";
    return "guichet-hub: purge: " + std::to_string(count.purged) + " sealed payload(s) deleted after their retention, "
        + std::to_string(count.forgotten) + " submission(s) forgotten";
}

std::string purge_detail(const PurgeCount& count)
{
    return "purged=" + std::to_string(count.purged) + " forgotten=" + std::to_string(count.forgotten);
}

std::chrono::milliseconds PurgeThread::default_poll(const HubClock& clock)
{
    return clock.is_virtual() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(std::chrono::minutes(10));
}

PurgeThread::PurgeThread(Store& store, PurgePolicy policy, HubClock clock, Log log, std::chrono::milliseconds poll)
    : m_store(store)
    , m_policy(std::move(policy))
    , m_clock(std::move(clock))
    , m_log(std::move(log))
    , m_poll(poll)
{
    m_thread = std::thread([this] { run(); });
}

PurgeThread::~PurgeThread() { stop(); }

void PurgeThread::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void PurgeThread::run()
{
    std::string done_day; // the UTC day of the last purge that ran to its end here
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        auto now = m_clock.now_text();
        if (now.substr(0, 10) != done_day) {
            // Errors are logged and tried again at the next poll: a database down at 3 a.m. is not a
            // reason to stop serving kiosks.
            try {
                auto count = m_store.purge(m_policy, now);
                if (count)
                    done_day = now.substr(0, 10);
                if (count && !count->ran_today_already) {
                    if (auto logged = m_store.audit({ 0, now, "hub", "purge", "", purge_detail(*count) }); !logged)
                        m_log("guichet-hub: the audit log did not record the purge: " + logged.error().message);
                }
                m_log(count ? describe(*count, now) : "guichet-hub: purge failed: " + count.error().message);
            } catch (const std::exception& e) {
                m_log(std::string("guichet-hub: purge failed: ") + e.what());
            }
        }
        lock.lock();
        m_wake.wait_for(lock, m_poll, [this] { return m_stopping; });
    }
}

}
