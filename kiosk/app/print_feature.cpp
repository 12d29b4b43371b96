// The take-home receipt: what goes on paper, and printing it off the main thread (see print_feature.h).
#include "kiosk/app/print_feature.h"

#include "kiosk/app/content_feature.h"
#include "kiosk/app/session_feature.h"
#include "kiosk/app/sync_feature.h"
#include "kiosk/core/answer_text.h"

#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace guichet::app {

std::string code_spelled(std::string_view code)
{
    std::string text;
    for (char c : code) {
        if (!text.empty())
            text += ' ';
        text += c;
    }
    return text;
}

namespace {

std::string local_time_text(int64_t unix_seconds, const char* format)
{
    auto seconds = static_cast<std::time_t>(unix_seconds);
    std::tm local {};
    localtime_r(&seconds, &local);
    char text[64];
    return std::strftime(text, sizeof text, format, &local) ? text : "";
}

}

std::string service_point_footer(const Strings& strings, std::string_view language, const KioskSection& kiosk)
{
    std::string footer;
    if (!kiosk.opening_hours.empty())
        footer = format_text(strings.get(language, "print.paper.hours"), { { "hours", kiosk.opening_hours } });
    if (!kiosk.phone.empty())
        footer += (footer.empty() ? "" : "\n") + format_text(strings.get(language, "print.paper.phone"), { { "phone", kiosk.phone } });
    return footer;
}

devices::PrintedReceipt take_home_receipt(const TakeHomeFacts& facts)
{
    auto tr = [&](std::string_view key) -> const std::string& { return facts.strings.get(facts.language, key); };
    auto text = [&](const LocalizedText& localized_text) -> const std::string& { return localized(localized_text, facts.language); };
    devices::PrintedReceipt paper;
    paper.place = facts.kiosk.place_name;
    paper.date_time = format_text(tr("print.paper.when"),
        { { "date", local_time_text(facts.now, "%d/%m/%Y") }, { "time", local_time_text(facts.now, "%H:%M") } });
    paper.procedure = text(facts.procedure.title);
    paper.code_label = tr("print.paper.code_label");
    paper.code = facts.code;
    paper.code_spelled = code_spelled(facts.code);
    paper.qr_text = facts.status_url.empty() ? facts.code : facts.status_url + facts.code;
    paper.qr_caption = tr(facts.status_url.empty() ? "print.paper.qr_code" : "print.paper.qr_link");

    if (auto& next = text(facts.procedure.take_home.next); !next.empty())
        paper.sections.push_back({ tr("print.paper.next"), { next } });
    if (facts.answers && !facts.answers->empty()) {
        devices::ReceiptSection answers { tr("print.paper.answers"), {} };
        for (auto& printable : *facts.answers) {
            // "Quel est le problème ? Un lampadaire en panne"; "Type d’acte : naissance", as the language punctuates.
            auto& title = text(printable.step->title);
            auto answer = answer_text(*printable.step, printable.answer, facts.language, facts.strings);
            bool asks = !title.empty() && (title.back() == '?' || title.back() == ':');
            answers.items.push_back(asks ? title + " " + answer : format_text(tr("print.paper.answer"), { { "question", title }, { "answer", answer } }));
        }
        paper.sections.push_back(std::move(answers));
    }
    if (!facts.procedure.take_home.bring.empty()) {
        devices::ReceiptSection bring { tr("print.paper.bring"), {} };
        for (auto& item : facts.procedure.take_home.bring)
            bring.items.push_back(text(item));
        paper.sections.push_back(std::move(bring));
    }
    if (!facts.outcomes.empty()) {
        devices::ReceiptSection aids { tr("receipt.outcomes_title"), {} };
        for (auto* outcome : facts.outcomes)
            aids.items.push_back(text(outcome->title));
        aids.items.push_back(tr("receipt.outcomes_note"));
        paper.sections.push_back(std::move(aids));
    }
    paper.footer = service_point_footer(facts.strings, facts.language, facts.kiosk);
    return paper;
}

PrintFeature::PrintFeature(const Config& config, MainQueue& queue, const ContentFeature& content, const SessionFeature& session,
    std::function<const Journey*()> journey, SyncFeature& sync)
    : m_settings(devices::printer_settings(config.printer))
    , m_config(config)
    , m_content(content)
    , m_session(session)
    , m_journey(std::move(journey))
    , m_sync(sync)
    , m_jobs(queue)
{
    if (available()) {
        m_status.state = devices::PrinterState::Unknown; // until it is first asked, at once, off the main thread
        refresh_status();
    }
}

std::vector<size_t> PrintFeature::intents() const { return intent_indices<intent::PrintReceipt>(); }

void PrintFeature::handle(Intent&)
{
    auto* journey = m_journey();
    if (!available() || m_view.printing || !journey || journey->stage() != JourneyStage::Receipt)
        return;
    auto* sync = m_sync.status();
    auto paper = take_home_receipt({ .strings = m_content.strings(),
        .language = m_session.session().preferences().language,
        .kiosk = m_config.kiosk,
        .procedure = journey->procedure(),
        .code = journey->receipt_code(),
        .status_url = sync ? sync->status_url : "",
        .now = static_cast<int64_t>(std::time(nullptr)),
        .outcomes = journey->final_outcomes(),
        .answers = &journey->printable_answers() });
    m_view.printing = true;
    m_view.problem.clear();
    int generation = m_generation;
    print(std::move(paper), [this, generation](std::string problem) {
        if (generation != m_generation)
            return; // the citizen has gone: the next one hears nothing of it
        m_view.printing = false;
        m_view.problem = std::move(problem);
        if (m_view.problem.empty())
            ++m_view.printed;
    });
}

void PrintFeature::print(devices::PrintedReceipt paper, std::function<void(std::string problem)> done)
{
    auto settings = m_settings;
    m_jobs.run(
        [settings, paper = std::move(paper)] {
            // One receipt at a time: a reprint and the citizen's print never interleave on a device.
            static std::mutex one_at_a_time;
            std::lock_guard lock(one_at_a_time);
            auto job = devices::print_receipt(settings, paper);
            if (job)
                return std::string();
            // For the technician: what failed, never what was on the paper.
            std::fprintf(stderr, "guichet: a receipt did not print (%s): %s\n", std::string(devices::problem_name(job.error().problem)).c_str(),
                job.error().detail.c_str());
            return std::string(devices::problem_name(job.error().problem));
        },
        [this, done = std::move(done)](std::string problem) {
            // After each print the printer says how it is now, for the technician page and the heartbeat.
            refresh_status();
            done(std::move(problem));
        });
}

void PrintFeature::refresh_status(std::function<void()> done)
{
    auto settings = m_settings;
    m_jobs.run([settings] { return devices::printer_status(settings); },
        [this, done = std::move(done)](devices::PrinterStatus status) {
            m_status = std::move(status);
            // The heartbeat carries it to the hub's fleet page: a printer out of paper is seen from afar.
            m_sync.set_printer_state(std::string(m_status.state == devices::PrinterState::Problem ? devices::problem_name(m_status.problem)
                                                                                             : devices::state_name(m_status.state)));
            if (done)
                done();
        });
}

void PrintFeature::prepare(screens::FrameContext& context) const
{
    if (available())
        context.print = &m_view;
}

void PrintFeature::session_ended()
{
    ++m_generation;
    m_view = {};
}

}
