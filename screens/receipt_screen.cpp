// Layout of the receipt screen.
#include "screens/receipt_screen.h"

#include "screens/qr_code.h"

#include <algorithm>

namespace guichet::screens {

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
        center_next(text_width, words);
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
        // The take-home paper, when the kiosk has a printer; its state in one sentence the voice says when
        // it changes. A printer that fails leaves the receipt on the screen.
        if (context.print && !context.training) {
            auto& print = *context.print;
            widgets::gap(ui, 32);
            ButtonSpec button { .id = "receipt.print", .label = context.tr(print.printing ? "print.printing" : "receipt.print"),
                .width = std::min(column, ui.px(600)) };
            center_next(button.width, column);
            if (widgets::button(ui, button) && !print.printing)
                context.emit(intent::PrintReceipt {});
            std::string status;
            std::string_view color = "text";
            if (print.printing) {
                status = context.tr("print.printing");
            } else if (!print.problem.empty()) {
                status = context.tr("print.problem." + print.problem);
                color = "error";
            } else if (print.printed > 0) {
                status = context.tr("print.done");
            }
            if (!status.empty()) {
                widgets::gap(ui, 12);
                widgets::paragraph(ui, "print.status", status, column, Align::Center, color);
            }
        }
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
        widgets::gap(ui, 40);
        ButtonSpec finish { .id = "receipt.finish", .label = context.tr("receipt.finish"), .width = std::min(column, ui.px(600)),
            .style = ButtonStyle::Primary };
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
