// One citizen's way through one procedure: intro, the steps their answers make visible, the review
// ("check your answers", with Change), then the receipt. Plain data, tested without a window. What the
// citizen typed lives here only, and is wiped when the journey ends or its submission is stored.
#pragma once
#include "kiosk/core/document.h"
#include "kiosk/core/field_check.h"
#include "kiosk/core/procedure.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class JourneyStage {
    Intro,   // what the procedure is, what you need, who receives the data
    Step,    // one info screen or one question
    Review,  // check your answers
    Receipt, // stored: the receipt code
};

struct ReviewItem {
    const Step* step;
    nlohmann::json answer; // null: an optional question left empty; a document: {"pages": count}
};

class Journey {
public:
    explicit Journey(std::shared_ptr<const Procedure>);
    ~Journey();
    Journey(const Journey&) = delete;
    Journey& operator=(const Journey&) = delete;

    // The version the citizen started with: the journey holds it even if a content update arrives meanwhile.
    const Procedure& procedure() const { return *m_procedure; }
    JourneyStage stage() const { return m_stage; }
    const Step& step() const { return m_procedure->steps[m_index]; }
    // "Step 3 of 7", counted over the steps the answers so far make visible.
    int position() const;
    int count() const;
    // True while an answer is being changed from the review: Next and Back lead back to it.
    bool changing() const { return m_changing; }

    void begin();
    // Keeps the draft of the current step and checks it. Moves on when it is acceptable; otherwise
    // stays, with error() saying why. Returns whether it moved on. The draft is taken, not copied: pass
    // it with std::move, so the only copy left is the journey's, wiped with it.
    bool next(nlohmann::json draft, const CheckContext&);
    const std::optional<FieldError>& error() const { return m_error; }
    // What the citizen last entered on the current step (null when nothing yet), to show it again.
    nlohmann::json draft() const;
    // Step: the previous visible step (or the review while changing). Review: the last step.
    // Returns false at the intro: the caller leaves the procedure.
    bool back();
    // From the review: edit this step's answer, then come back.
    bool change(std::string_view step_id);

    // Documents (issue 18): the pages scanned for a document step, in memory only. The current step's
    // pages are added, retaken or removed while it is on screen; they are wiped with the journey.
    const std::vector<ScannedPage>& pages(std::string_view step_id) const;
    // Adds a page to the current document step, or replaces page `index` (a retake). False when the
    // current step is not a document or it already holds its most pages.
    bool add_page(ScannedPage, int replace_index = -1);
    bool remove_page(int index);

    std::vector<ReviewItem> review() const;
    // The answers of the visible questions, by question id: what is submitted. A document step's answer
    // lists its pages: {"pages":[{"n","sha256","bytes","width","height","type"}]}, n counting the pages of
    // the whole submission in order (the order of page_bytes()).
    nlohmann::json answers() const;
    // A copy of every visible document step's pages, in the order answers() numbers them: the submission
    // seals (and wipes) the copies, so the journey still has its pages if storing fails.
    std::vector<std::vector<uint8_t>> page_bytes() const;
    // The outcomes whose condition holds over the answers.
    std::vector<const Outcome*> outcomes() const;

    // The submission was stored (its COMMIT returned): keep the receipt and the outcomes, wipe the answers.
    void submitted(std::string receipt_code);
    const std::string& receipt_code() const { return m_receipt_code; }
    const std::vector<const Outcome*>& final_outcomes() const { return m_final_outcomes; }
    // The answers the procedure marks printable (an appointment slot), kept past the submission for the
    // take-home receipt only, in step order; wiped with the journey.
    struct PrintableAnswer {
        const Step* step;
        nlohmann::json answer;
    };
    const std::vector<PrintableAnswer>& printable_answers() const { return m_printable; }
    // Storing failed: the review says so and nothing is lost; the citizen may try again.
    void submit_failed(std::string message) { m_submit_error = std::move(message); }
    const std::string& submit_error() const { return m_submit_error; }

private:
    std::vector<size_t> visible_steps() const;
    void advance();
    void wipe();

    std::shared_ptr<const Procedure> m_procedure;
    JourneyStage m_stage = JourneyStage::Intro;
    size_t m_index = 0;
    bool m_changing = false;
    std::optional<FieldError> m_error;
    std::map<std::string, nlohmann::json, std::less<>> m_drafts;  // by step id, as entered
    std::map<std::string, nlohmann::json, std::less<>> m_answers; // by question id, checked and normalized
    std::map<std::string, std::vector<ScannedPage>, std::less<>> m_pages; // by document step id
    std::string m_receipt_code;
    std::vector<const Outcome*> m_final_outcomes;
    std::vector<PrintableAnswer> m_printable;
    std::string m_submit_error;
};

// Overwrites every string inside `value` before clearing it: answers do not linger in freed memory.
void wipe_json(nlohmann::json& value);

}
