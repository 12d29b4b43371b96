// Layout of the receipt screen.
#include "screens/receipt_screen.h"

#include "screens/qr_code.h"

#include <algorithm>

namespace guichet::screens {

namespace {

// The printer's state in one sentence and its colour, or nothing before the first print.
std::pair<std::string, std::string_view> print_status(const FrameContext& context)
{
    if (!context.print || context.training)
        return {};
    auto& print = *context.print;
    if (print.printing)
        return { context.tr("print.printing"), "text" };
    if (!print.problem.empty())
        return { context.tr("print.problem." + print.problem), "error" };
    if (print.printed > 0)
        return { context.tr("print.done"), "text" };
    return {};
}

}

void ReceiptScreen::draw_content(FrameContext& context, float width)
{
    auto& ui = context.ui;
    auto& journey = *context.journey;
    auto& code = journey.receipt_code();
    // Training: the journey ends as a real one would, and says plainly that nothing was kept.
    widgets::heading(ui, "receipt.title", context.tr(context.training ? "receipt.training_title" : "receipt.title"), width);
    widgets::gap(ui, 24);

    // The code and what happens next; then, after a pre-check, the aids to ask about. Side by side on a
    // wide display, so the rating and Finish stay on the screen.
    // On a landscape display with the column to itself, the QR code sits beside the words, so large text
    // leaves the rating and Finish on the screen.
    auto draw_code = [&](float column, bool qr_beside) {
        float qr_size = ui.px(240) * std::min(ui.text_scale, 1.25f);
        float gutter = ui.px(48);
        float text_width = std::min(qr_beside ? column - qr_size - gutter : column, ui.px(1100));
        float left = ImGui::GetCursorPosX();
        float top = ImGui::GetCursorPosY();
        float indent_by = qr_beside ? std::max(0.0f, (column - text_width - gutter - qr_size) / 2) : 0;
        ImGui::SetCursorPosX(left + indent_by);
        ImGui::BeginGroup();
        float words = qr_beside ? text_width : column;
        widgets::paragraph(ui, "receipt.code_label", context.tr("receipt.code_label"), words);
        widgets::gap(ui, 8);
        widgets::heading(ui, "receipt.code", code, words);
        widgets::gap(ui, 16);
        // With the hub's public address (its heartbeat's status_url), a phone that reads the code opens
        // the status page of this receipt; without it, the code alone, to type in later.
        bool linked = !context.training && context.sync && !context.sync->status_url.empty();
        auto qr_text = linked ? context.sync->status_url + code : code;
        auto qr = [&] {
            widgets::qr_code(ui, "receipt.qr", qr_text, qr_size, format_text(context.tr("receipt.qr"), { { "code", code } }));
        };
        if (!qr_beside) {
            center_next(qr_size, column);
            qr();
            widgets::gap(ui, 24);
        }
        // Once the citizen printed (or tried to), the printer's state takes the place of "note this number":
        // one sentence, said by the voice when it changes, and the screen keeps its height.
        center_next(text_width, words);
        if (auto [status, color] = print_status(context); !status.empty())
            widgets::paragraph(ui, "print.status", status, text_width, Align::Center, color);
        else
            widgets::paragraph(ui, "receipt.keep", context.tr("receipt.keep"), text_width);
        widgets::gap(ui, 12);
        bool online = context.sync && context.sync->link == LinkState::Online;
        center_next(text_width, words);
        widgets::paragraph(ui, "receipt.sending",
            context.tr(context.training ? "receipt.training" : online ? "receipt.sending" : "receipt.offline"), text_width);
        ImGui::EndGroup();
        if (qr_beside) {
            float bottom = ImGui::GetCursorPosY();
            ImGui::SetCursorPos(ImVec2(left + indent_by + text_width + gutter, top + std::max(0.0f, (bottom - top - qr_size) / 2)));
            qr();
            ImGui::SetCursorPos(ImVec2(left, std::max(bottom, ImGui::GetCursorPosY())));
        }
    };
    auto& outcomes = journey.final_outcomes();
    auto draw_outcomes = [&](float column) {
        float text_width = std::min(column, ui.px(1100));
        widgets::paragraph(ui, "receipt.outcomes_title", context.tr("receipt.outcomes_title"), column);
        widgets::gap(ui, 8);
        for (auto* outcome : outcomes) {
            center_next(text_width, column);
            widgets::paragraph(ui, "outcome." + outcome->id, "•  " + context.text(outcome->title), text_width, Align::Left);
            if (auto& text = context.text(outcome->text); !text.empty()) {
                center_next(text_width, column);
                widgets::caption(ui, "outcome." + outcome->id + ".text", text, text_width, Align::Left);
            }
            widgets::gap(ui, 6);
        }
        widgets::gap(ui, 8);
        center_next(text_width, column);
        widgets::caption(ui, "receipt.outcomes_note", context.tr("receipt.outcomes_note"), text_width);
    };
    // The optional one-tap rating, then Finish.
    auto draw_end = [&](float column) {
        widgets::gap(ui, 32);
        if (m_rated) {
            widgets::caption(ui, "receipt.rating_thanks", context.tr("receipt.rating_thanks"), column);
        } else {
            widgets::caption(ui, "receipt.rating_question", context.tr("receipt.rating_question"), column);
            widgets::gap(ui, 12);
            const std::pair<const char*, int> ratings[] = { { "receipt.rating_easy", 3 }, { "receipt.rating_ok", 2 },
                { "receipt.rating_hard", 1 } };
            auto grid = grid_for(3, ui.px(220), std::min(column, ui.px(900)), ui.px(20));
            float row = static_cast<float>(grid.columns) * grid.item_width + static_cast<float>(grid.columns - 1) * grid.gap;
            // One height for the three, so a label on two lines does not make its button stand out.
            float height = ui.px(80);
            for (auto& rating : ratings)
                height = std::max(height, widgets::button_height(ui, { .label = context.tr(rating.first), .width = grid.item_width }));
            for (int i = 0; i < 3; ++i) {
                if (i % grid.columns != 0) {
                    ImGui::SameLine(0, grid.gap);
                } else {
                    if (i != 0)
                        widgets::gap(ui, 16);
                    center_next(row, column);
                }
                if (widgets::button(ui, { .id = ratings[i].first, .label = context.tr(ratings[i].first), .width = grid.item_width,
                        .min_height = height })) {
                    context.emit(intent::Rate { ratings[i].second });
                    m_rated = true;
                }
            }
        }
        bool with_print = context.print && !context.training;
        widgets::gap(ui, with_print ? 20 : 40); // the pair's labels may take two lines at the largest text
        ButtonSpec finish { .id = "receipt.finish", .label = context.tr("receipt.finish"), .width = std::min(column, ui.px(600)),
            .style = ButtonStyle::Primary };
        // With a printer, the paper beside Finish: one row, so the largest text keeps both on the screen.
        if (with_print) {
            ButtonSpec print { .id = "receipt.print", .label = context.tr(context.print->printing ? "print.printing" : "receipt.print") };
            // Larger text makes the pair wider, not taller (button_pair stops at 1000 px).
            float gutter = ui.px(32);
            float pair = std::min(column, ui.px(1200) * std::max(1.0f, ui.text_scale));
            print.width = finish.width = (pair - gutter) / 2;
            // At the largest text the full label would take two lines and push the pair off the screen.
            if (!context.print->printing && widgets::button_height(ui, print) > widgets::button_height(ui, finish))
                print.label = context.tr("receipt.print_short");
            print.min_height = finish.min_height = std::max(widgets::button_height(ui, print), widgets::button_height(ui, finish));
            center_next(pair, column);
            if (widgets::button(ui, print) && !context.print->printing)
                context.emit(intent::PrintReceipt {});
            ImGui::SameLine(0, gutter);
            if (widgets::button(ui, finish))
                context.emit(intent::EndSession {});
            return;
        }
        center_next(finish.width, column);
        if (widgets::button(ui, finish))
            context.emit(intent::EndSession {});
    };
    bool landscape = ImGui::GetIO().DisplaySize.x > ImGui::GetIO().DisplaySize.y;
    if (!outcomes.empty() && landscape) {
        float gutter = ui.px(48);
        float column = (width - gutter) / 2;
        float left = ImGui::GetCursorPosX();
        float top = ImGui::GetCursorPosY();
        ImGui::BeginGroup();
        draw_code(column, false);
        draw_end(column);
        ImGui::EndGroup();
        float bottom = ImGui::GetCursorPosY();
        ImGui::SetCursorPos(ImVec2(left + column + gutter, top));
        ImGui::BeginGroup();
        draw_outcomes(column);
        ImGui::EndGroup();
        ImGui::SetCursorPos(ImVec2(left, std::max(bottom, ImGui::GetCursorPosY())));
    } else {
        draw_code(width, landscape);
        if (!outcomes.empty()) {
            widgets::gap(ui, 28);
            draw_outcomes(width);
        }
        draw_end(width);
    }

}

}
