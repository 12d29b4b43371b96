// The citizen's journey as a feature (see journey_feature.h).
#include "kiosk/app/journey_feature.h"

#include "kiosk/app/content_feature.h"
#include "kiosk/app/session_feature.h"
#include "kiosk/app/staff_desk.h"
#include "kiosk/app/sync_feature.h"
#include "screens/catalog_screen.h"
#include "screens/intro_screen.h"
#include "screens/receipt_screen.h"
#include "screens/review_screen.h"
#include "screens/step_screen.h"
#include "screens/welcome_screen.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace guichet::app {

namespace {

Date today_local()
{
    std::time_t now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    return { local.tm_year + 1900, local.tm_mon + 1, local.tm_mday };
}

}

JourneyFeature::JourneyFeature(
    const Config& config, const ContentFeature& content, const SessionFeature& session, SyncFeature& sync, const StaffDesk& staff)
    : m_config(config)
    , m_content(content)
    , m_session(session)
    , m_sync(sync)
    , m_staff(staff)
{
    m_router.set_catalog(&m_content.catalog());
    m_screens.push_back(std::make_unique<screens::WelcomeScreen>());
    m_screens.push_back(std::make_unique<screens::CatalogScreen>());
    m_screens.push_back(std::make_unique<screens::IntroScreen>());
    m_screens.push_back(std::make_unique<screens::StepScreen>());
    m_screens.push_back(std::make_unique<screens::ReviewScreen>());
    m_screens.push_back(std::make_unique<screens::ReceiptScreen>());
}

screens::Screen& JourneyFeature::screen(ScreenId id) const
{
    auto found = std::find_if(m_screens.begin(), m_screens.end(), [id](auto& screen) { return screen->id() == id; });
    return **found; // every citizen ScreenId has its screen, created above
}

std::vector<size_t> JourneyFeature::intents() const
{
    return intent_indices<intent::StartJourney, intent::Back, intent::StartProcedure, intent::BeginSteps, intent::Next,
        intent::ChangeAnswer, intent::Submit, intent::Rate>();
}

void JourneyFeature::handle(Intent& intent)
{
    if (std::holds_alternative<intent::Submit>(intent))
        return submit();
    if (auto* rating = std::get_if<intent::Rate>(&intent))
        return rate(rating->score);
    if (auto* start = std::get_if<intent::StartProcedure>(&intent))
        if (auto procedure = m_content.catalog().find(start->id))
            ensure_postcodes(*procedure);
    m_router.check_context().today = today_local();
    m_router.apply(intent);
}

void JourneyFeature::prepare(screens::FrameContext& context) const
{
    context.catalog = &m_content.catalog();
    context.journey = m_router.journey();
    context.postcodes = m_postcodes ? &*m_postcodes : nullptr;
}

bool JourneyFeature::draw(screens::FrameContext& context) { return screen(current()).draw(context); }

void JourneyFeature::describe(std::string& key) const
{
    key += screen_name(current());
    if (auto* journey = m_router.journey(); journey && journey->stage() == JourneyStage::Step)
        key += "/" + journey->step().id;
    if (auto overlay = screen(current()).overlay(); !overlay.empty())
        key += "/" + std::string(overlay);
}

void JourneyFeature::session_ended()
{
    m_router.reset();
    for (auto& screen : m_screens)
        screen->reset();
}

void JourneyFeature::submit()
{
    auto* journey = m_router.journey();
    if (!journey || journey->stage() != JourneyStage::Review)
        return;
    if (m_staff.training()) {
        // Training: the journey ends as a real one would, and nothing is stored or sent.
        journey->submitted("000-000-000"); // a receipt's shape, and plainly not a real one
        return;
    }
    // The pre-check results the citizen saw go with the answers, as outcome ids: the back office shows
    // them by their titles in the procedure (ids, not titles, so no language is baked in).
    nlohmann::json outcomes = nlohmann::json::array();
    for (auto* outcome : journey->outcomes())
        outcomes.push_back(outcome->id);
    nlohmann::json body { { "language", m_session.session().preferences().language }, { "answers", journey->answers() },
        { "outcomes", std::move(outcomes) } };
    sync::NewSubmission submission { .procedure = journey->procedure().id, .version = journey->procedure().version,
        .assisted = m_staff.assisted(), .answers_json = body.dump(), .pages = journey->page_bytes() };
    wipe_json(body);
    auto receipt = m_sync.submit(submission);
    if (!receipt) {
        // Nothing is lost: the answers stay in the journey and the review says what happened.
        std::fprintf(stderr, "guichet: a submission could not be stored: %s\n", receipt.error().message.c_str());
        journey->submit_failed(receipt.error().message);
        return;
    }
    journey->submitted(receipt->code);
}

void JourneyFeature::rate(int score)
{
    auto* journey = m_router.journey();
    if (journey && !m_staff.training()) // a trainee's opinion is not a citizen's
        m_sync.record_rating(journey->procedure().id, score, today_local());
}

void JourneyFeature::ensure_postcodes(const Procedure& procedure)
{
    bool needed = std::any_of(procedure.steps.begin(), procedure.steps.end(), [](const Step& step) {
        return step.field.rules.type == FieldType::Address || step.field.rules.preset == TextPreset::Postcode;
    });
    if (!needed || m_postcodes_tried)
        return;
    m_postcodes_tried = true;
    auto table = PostcodeTable::load(std::filesystem::path(m_config.ui.assets_dir) / "data" / "postcodes.tsv");
    if (!table) {
        // Addresses still work: any well-formed postcode is accepted and the commune is not offered.
        std::fprintf(stderr, "guichet: no postcode table: %s\n", table.error().message.c_str());
        return;
    }
    m_postcodes = std::move(*table);
    m_router.check_context().postcode_exists = [this](std::string_view postcode) { return m_postcodes->contains(postcode); };
}

}
