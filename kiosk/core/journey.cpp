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
        if (m_procedure->steps[index].id == step_id && m_procedure->steps[index].kind == StepKind::Question) {
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
        if (step.kind != StepKind::Question)
            continue;
        auto found = m_answers.find(step.id);
        items.push_back({ &step, found == m_answers.end() ? nlohmann::json() : found->second });
    }
    return items;
}

nlohmann::json Journey::answers() const
{
    nlohmann::json answers = nlohmann::json::object();
    for (auto& item : review()) {
        if (!item.answer.is_null())
            answers[item.step->id] = item.answer;
    }
    return answers;
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
    wipe();
}

}
