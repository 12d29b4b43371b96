// Walking a procedure: which steps are visible, moving forward and back, changing from the review.
#include "kiosk/core/journey.h"

#include <algorithm>
#include <cstring>

namespace guichet {

void wipe_json(nlohmann::json& value)
{
    if (value.is_string()) {
        auto& text = value.get_ref<std::string&>();
        explicit_bzero(text.data(), text.size());
    } else if (value.is_structured()) {
        for (auto& child : value)
            wipe_json(child);
    }
    value = nullptr;
}

Journey::Journey(std::shared_ptr<const Procedure> procedure)
    : m_procedure(std::move(procedure))
{
}

Journey::~Journey() { wipe(); }

void Journey::wipe()
{
    for (auto& [id, draft] : m_drafts)
        wipe_json(draft);
    for (auto& [id, answer] : m_answers)
        wipe_json(answer);
    m_drafts.clear();
    m_answers.clear();
    m_pages.clear(); // each page wipes its bytes as it goes
    for (auto& printable : m_printable)
        wipe_json(printable.answer);
    m_printable.clear();
}

// A step is visible when its condition holds over the answers of the visible questions before it.
std::vector<size_t> Journey::visible_steps() const
{
    std::vector<size_t> visible;
    nlohmann::json known = nlohmann::json::object();
    for (size_t i = 0; i < m_procedure->steps.size(); ++i) {
        auto& step = m_procedure->steps[i];
        if (step.show_if && !step.show_if->evaluate(known))
            continue;
        visible.push_back(i);
        if (step.kind == StepKind::Question) {
            if (auto found = m_answers.find(step.id); found != m_answers.end())
                known[step.id] = found->second;
        }
    }
    return visible;
}

int Journey::position() const
{
    auto visible = visible_steps();
    auto found = std::find(visible.begin(), visible.end(), m_index);
    return static_cast<int>(found - visible.begin()) + 1;
}

int Journey::count() const { return static_cast<int>(visible_steps().size()); }

void Journey::begin()
{
    auto visible = visible_steps();
    m_index = visible.front(); // a procedure has at least one question, and the first step has no earlier answers
    m_stage = JourneyStage::Step;
    m_error.reset();
}

nlohmann::json Journey::draft() const
{
    auto found = m_drafts.find(step().id);
    return found == m_drafts.end() ? nlohmann::json() : found->second;
}

bool Journey::next(nlohmann::json draft, const CheckContext& context)
{
    if (m_stage != JourneyStage::Step) {
        wipe_json(draft); // not kept: nothing of it stays behind
        return false;
    }
    auto& current = step();
    if (current.kind == StepKind::Question) {
        auto& kept = m_drafts[current.id];
        wipe_json(kept);
        kept = std::move(draft);
        auto checked = check_answer(current.field.rules, kept, context);
        if (!checked) {
            m_error = checked.error();
            return false;
        }
        auto& answer = m_answers[current.id];
        wipe_json(answer);
        answer = std::move(*checked);
        if (answer.is_null())
            m_answers.erase(current.id);
    } else if (current.kind == StepKind::Document) {
        wipe_json(draft); // the pages are the answer, kept apart
        auto count = static_cast<int>(pages(current.id).size());
        auto& spec = current.document;
        if ((spec.required || count > 0) && count < spec.min_pages) {
            m_error = FieldError { spec.min_pages > 1 ? "document_pages" : "document_needed",
                { { "min", std::to_string(spec.min_pages) }, { "count", std::to_string(count) } } };
            return false;
        }
        m_drafts[current.id] = true; // seen
    } else {
        wipe_json(draft);            // an info step keeps no answer
        m_drafts[current.id] = true; // seen
    }
    m_error.reset();
    advance();
    return true;
}

void Journey::advance()
{
    auto visible = visible_steps();
    for (size_t index : visible) {
        if (index <= m_index)
            continue;
        // While changing an answer, go only through the steps it has just made visible: a new question,
        // or a new piece of information (what to do in an emergency) the citizen has not seen yet.
        if (m_changing && m_drafts.contains(m_procedure->steps[index].id))
            continue;
        m_index = index;
        return;
    }
    m_stage = JourneyStage::Review;
    m_changing = false;
}

bool Journey::back()
{
    m_error.reset();
    switch (m_stage) {
    case JourneyStage::Intro:
    case JourneyStage::Receipt:
        return false;
    case JourneyStage::Review: {
        m_submit_error.clear();
        m_index = visible_steps().back();
        m_stage = JourneyStage::Step;
        return true;
    }
    case JourneyStage::Step:
        break;
    }
    if (m_changing) {
        m_changing = false;
        m_stage = JourneyStage::Review;
        return true;
    }
    auto visible = visible_steps();
    auto found = std::find(visible.begin(), visible.end(), m_index);
    if (found == visible.begin() || found == visible.end()) {
        m_stage = JourneyStage::Intro;
        return true;
    }
    m_index = *(found - 1);
    return true;
}

bool Journey::change(std::string_view step_id)
{
    if (m_stage != JourneyStage::Review)
        return false;
    auto visible = visible_steps();
    for (size_t index : visible) {
        if (m_procedure->steps[index].id == step_id && m_procedure->steps[index].kind != StepKind::Info) {
            m_index = index;
            m_stage = JourneyStage::Step;
            m_changing = true;
            m_submit_error.clear();
            return true;
        }
    }
    return false;
}

std::vector<ReviewItem> Journey::review() const
{
    std::vector<ReviewItem> items;
    for (size_t index : visible_steps()) {
        auto& step = m_procedure->steps[index];
        if (step.kind == StepKind::Document) {
            auto count = pages(step.id).size();
            items.push_back({ &step, count == 0 ? nlohmann::json() : nlohmann::json { { "pages", count } } });
            continue;
        }
        if (step.kind != StepKind::Question)
            continue;
        auto found = m_answers.find(step.id);
        items.push_back({ &step, found == m_answers.end() ? nlohmann::json() : found->second });
    }
    return items;
}

const std::vector<ScannedPage>& Journey::pages(std::string_view step_id) const
{
    static const std::vector<ScannedPage> none;
    auto found = m_pages.find(step_id);
    return found == m_pages.end() ? none : found->second;
}

bool Journey::add_page(ScannedPage page, int replace_index)
{
    if (m_stage != JourneyStage::Step || step().kind != StepKind::Document)
        return false;
    auto& pages = m_pages[step().id];
    if (replace_index >= 0) {
        if (replace_index >= static_cast<int>(pages.size()))
            return false;
        pages[static_cast<size_t>(replace_index)] = std::move(page); // the old page is wiped by the move
    } else {
        if (static_cast<int>(pages.size()) >= step().document.max_pages)
            return false;
        pages.push_back(std::move(page));
    }
    m_error.reset();
    return true;
}

bool Journey::remove_page(int index)
{
    if (m_stage != JourneyStage::Step || step().kind != StepKind::Document)
        return false;
    auto found = m_pages.find(step().id);
    if (found == m_pages.end() || index < 0 || index >= static_cast<int>(found->second.size()))
        return false;
    found->second.erase(found->second.begin() + index);
    return true;
}

nlohmann::json Journey::answers() const
{
    nlohmann::json answers = nlohmann::json::object();
    int n = 0;
    for (auto& item : review()) {
        if (item.answer.is_null())
            continue;
        if (item.step->kind != StepKind::Document) {
            answers[item.step->id] = item.answer;
            continue;
        }
        nlohmann::json listed = nlohmann::json::array();
        for (auto& page : pages(item.step->id)) {
            listed.push_back({ { "n", n++ }, { "sha256", page.sha256 }, { "bytes", page.jpeg.size() }, { "width", page.width },
                { "height", page.height }, { "type", "image/jpeg" } });
        }
        answers[item.step->id] = { { "pages", std::move(listed) } };
    }
    return answers;
}

std::vector<std::vector<uint8_t>> Journey::page_bytes() const
{
    std::vector<std::vector<uint8_t>> bytes;
    for (auto& item : review()) {
        if (item.step->kind == StepKind::Document) {
            for (auto& page : pages(item.step->id))
                bytes.push_back(page.jpeg);
        }
    }
    return bytes;
}

std::vector<const Outcome*> Journey::outcomes() const
{
    auto known = answers();
    std::vector<const Outcome*> shown;
    for (auto& outcome : m_procedure->outcomes) {
        if (!outcome.show_if || outcome.show_if->evaluate(known))
            shown.push_back(&outcome);
    }
    wipe_json(known);
    return shown;
}

void Journey::submitted(std::string receipt_code)
{
    m_final_outcomes = outcomes();
    m_receipt_code = std::move(receipt_code);
    m_submit_error.clear();
    m_stage = JourneyStage::Receipt;
    std::vector<PrintableAnswer> printable;
    for (auto index : visible_steps()) {
        auto& step = m_procedure->steps[index];
        if (auto answer = m_answers.find(step.id); step.field.printable && answer != m_answers.end() && !answer->second.is_null())
            printable.push_back({ &step, answer->second });
    }
    wipe();
    m_printable = std::move(printable);
}

}
