// Content as a feature (see content_feature.h).
#include "kiosk/app/content_feature.h"

#include <cstdio>

namespace guichet::app {

namespace {

// A pack is switched on only if the App could start from it: its strings and configured themes load.
std::function<Result<void>(const std::filesystem::path&)> assets_check(const Config& config)
{
    return [languages = config.kiosk.languages, theme = config.ui.theme, contrast = config.ui.high_contrast_theme](
               const std::filesystem::path& assets) -> Result<void> {
        if (auto strings = Strings::load(assets / "strings", languages); !strings)
            return std::unexpected(strings.error());
        for (auto& name : { theme, contrast })
            if (auto loaded = Theme::load(assets / "themes" / (name + ".json")); !loaded)
                return std::unexpected(loaded.error());
        return {};
    };
}

}

ContentFeature::ContentFeature(const Config& config)
    : m_config(config)
{
}

Result<std::unique_ptr<ContentFeature>> ContentFeature::create(const Config& config, const std::string& token, MainQueue& queue)
{
    std::unique_ptr<ContentFeature> feature(new ContentFeature(config));
    // A verified content pack, when one is active, replaces the built-in assets.
    feature->m_updates = ContentUpdates::open(config, token, assets_check(config), feature->m_problem);
    auto assets = feature->m_updates ? feature->m_updates->assets_dir() : std::filesystem::path(config.ui.assets_dir);
    if (auto loaded = feature->load(assets); !loaded)
        return std::unexpected(loaded.error());
    if (feature->m_updates) // a new pack: a frame, so the welcome screen can load it
        feature->m_updates->start([&queue] { queue.post({}); });
    return feature;
}

Result<void> ContentFeature::load(const std::filesystem::path& assets)
{
    auto strings = Strings::load(assets / "strings", m_config.kiosk.languages);
    if (!strings)
        return std::unexpected(strings.error());
    auto theme = Theme::load(assets / "themes" / (m_config.ui.theme + ".json"));
    if (!theme)
        return std::unexpected(theme.error());
    auto high_contrast = Theme::load(assets / "themes" / (m_config.ui.high_contrast_theme + ".json"));
    if (!high_contrast)
        return std::unexpected(high_contrast.error());
    m_strings = std::move(*strings);
    m_theme = std::move(*theme);
    m_high_contrast = std::move(*high_contrast);
    // A procedure file with a problem is left out, and says why; the others stay available. Texts a
    // file lacks in the session's language fall back to French, so only French is required here.
    m_catalog = load_catalog(assets / "procedures", { .languages = { std::string(base_language) } });
    for (auto& problem : m_catalog.problems)
        std::fprintf(stderr, "guichet: procedure skipped: %s\n", to_string(problem).c_str());
    return {};
}

// A pack switched on while a citizen was in a procedure is loaded only once they are done: the
// journey keeps its own procedure, and the screens their words, until the welcome screen.
void ContentFeature::update(const FrameEvents& events)
{
    if (m_updates && m_updates->take_change())
        m_stale = true;
    if (!m_stale || !events.citizen_idle)
        return;
    m_stale = false;
    if (auto loaded = load(m_updates->assets_dir()); !loaded) {
        // Checked before the switch, so only a disk fault gets here: keep what runs.
        std::fprintf(stderr, "guichet: the new content could not be loaded, keeping the current one: %s\n",
            loaded.error().message.c_str());
        return;
    }
    if (m_on_loaded)
        m_on_loaded(m_updates->version_text());
    std::fprintf(stderr, "guichet: content pack %s is in use\n", m_updates->version_text().c_str());
}

std::string ContentFeature::text(const std::string& language, std::string_view key,
    const std::vector<std::pair<std::string_view, std::string>>& values) const
{
    return format_text(m_strings.get(language, key), values);
}

std::string ContentFeature::describe(const ContentOutcome& outcome, const std::string& language) const
{
    return text(language, content_outcome_key(outcome.kind),
        { { "version", outcome.version ? std::to_string(outcome.version) : std::string("0") }, { "detail", outcome.detail } });
}

std::string ContentFeature::unavailable(const std::string& language) const
{
    return text(language, "staff.no_packs", { { "detail", m_problem.empty() ? "'content.signing_keys'" : m_problem } });
}

std::string ContentFeature::pack_line(const std::string& language) const
{
    if (!m_updates)
        return text(language, "staff.builtin") + (m_problem.empty() ? "" : " \u2014 " + m_problem);
    auto status = m_updates->status();
    if (!status.active)
        return text(language, "staff.builtin");
    return text(language, "staff.pack_active", { { "version", std::to_string(status.active->version) },
        { "channel", status.active->channel }, { "files", std::to_string(status.active->files) } });
}

std::string ContentFeature::last_check(const std::string& language) const
{
    auto last = m_updates ? m_updates->last_outcome() : std::nullopt;
    return last ? describe(*last, language) : std::string();
}

std::string ContentFeature::check_now(const std::string& language)
{
    return m_updates ? describe(m_updates->check_now(), language) : unavailable(language);
}

std::string ContentFeature::install_from_folder(const std::filesystem::path& folder, const std::string& language)
{
    return m_updates ? describe(m_updates->install_from_folder(folder), language) : unavailable(language);
}

std::string ContentFeature::roll_back(const std::string& language)
{
    return m_updates ? describe(m_updates->roll_back(), language) : unavailable(language);
}

}
