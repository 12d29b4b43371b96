// Content as a feature: the words, themes and procedures the kiosk runs on, from the built-in assets or
// the active content pack; the pack worker (kiosk/app/content_updates.h); a new pack loaded only at the
// welcome screen with no journey open; and what the technician's page says and asks of packs.
#pragma once
#include "accessibility/theme.h"
#include "kiosk/app/content_updates.h"
#include "kiosk/app/feature.h"
#include "kiosk/app/main_queue.h"
#include "kiosk/core/config.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/procedure.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace guichet::app {

class ContentFeature final : public Feature {
public:
    // Fails when the assets (strings, themes) cannot be loaded. Packs are optional: without them, or
    // when their folder cannot be used, the built-in assets run and problem() says why.
    static Result<std::unique_ptr<ContentFeature>> create(const Config&, const std::string& token, MainQueue&);

    // References stay valid for the App's life: a new pack replaces the contents, not the objects.
    const Strings& strings() const { return m_strings; }
    const Theme& theme(bool high_contrast) const { return high_contrast ? m_high_contrast : m_theme; }
    const Catalog& catalog() const { return m_catalog; }
    // "12" or "builtin", for the heartbeat.
    std::string version_text() const { return m_updates ? m_updates->version_text() : "builtin"; }
    // Called with version_text() after a new pack was loaded.
    void on_loaded(std::function<void(const std::string&)> listener) { m_on_loaded = std::move(listener); }

    void update(const FrameEvents&) override;

    // The technician's page, in the staff's language. The blocking actions run on a worker.
    bool takes_packs() const { return m_updates != nullptr; }
    std::string pack_line(const std::string& language) const;
    std::string last_check(const std::string& language) const; // empty: none yet
    bool can_roll_back() const { return m_updates && m_updates->can_roll_back(); }
    std::string check_now(const std::string& language);
    std::string install_from_folder(const std::filesystem::path&, const std::string& language);
    std::string roll_back(const std::string& language);

private:
    explicit ContentFeature(const Config&);
    Result<void> load(const std::filesystem::path& assets);
    std::string text(const std::string& language, std::string_view key,
        const std::vector<std::pair<std::string_view, std::string>>& values = {}) const;
    std::string describe(const ContentOutcome&, const std::string& language) const;
    std::string unavailable(const std::string& language) const;

    const Config& m_config;
    std::unique_ptr<ContentUpdates> m_updates; // null: the built-in assets, no updates
    std::string m_problem;                     // why packs are unavailable, for the technician
    bool m_stale = false;                      // a new pack waits for the welcome screen
    std::function<void(const std::string&)> m_on_loaded;
    Strings m_strings;
    Theme m_theme;
    Theme m_high_contrast;
    Catalog m_catalog;
};

}
