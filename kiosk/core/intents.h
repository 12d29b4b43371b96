// What a screen can ask for. Screens emit intents; the router and the session decide what follows.
#pragma once
#include "kiosk/core/session.h"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace guichet {

namespace intent {
struct StartJourney { };              // welcome -> catalog
struct Back { };                      // one screen back
struct EndSession { };                // the citizen (or the warning) ends the session: wipe, welcome
struct ExtendSession { };             // "I need more time"
struct SetLanguage { std::string code; };
struct CycleTextSize { };             // normal -> large -> larger -> normal
struct ToggleContrast { };
struct StartProcedure { std::string id; }; // catalog -> the procedure's intro
struct BeginSteps { };                // intro -> first step
// The current step's answer as entered (null for an info step). Router::apply takes it: into the
// journey, or wiped; the intent holds nothing of it afterwards.
struct Next { nlohmann::json draft; };
struct ChangeAnswer { std::string step; }; // review -> that question, then back to the review
struct Submit { };                    // review -> stored -> receipt
struct Rate { int score; };           // the optional one-tap satisfaction answer: 1 hard, 2 so-so, 3 easy
struct ToggleVoice { };               // voice guidance on or off for this session
struct OpenVoiceSettings { };         // the voice dialog over the welcome screen
struct CloseVoiceSettings { };
struct SetPace { SpeechPace pace; };
struct SetVolume { int volume; };     // percent
struct ListenAgain { };               // say the screen again
struct ScanPage { int replace = -1; }; // a document step: scan a page (or scan page `replace` again)
struct RemovePage { int index; };      // a document step: drop a scanned page
struct PrintReceipt { };               // the receipt screen: print the take-home receipt
}

using Intent = std::variant<intent::StartJourney, intent::Back, intent::EndSession, intent::ExtendSession,
    intent::SetLanguage, intent::CycleTextSize, intent::ToggleContrast, intent::StartProcedure, intent::BeginSteps,
    intent::Next, intent::ChangeAnswer, intent::Submit, intent::Rate, intent::ToggleVoice,
    intent::OpenVoiceSettings, intent::CloseVoiceSettings, intent::SetPace, intent::SetVolume, intent::ListenAgain,
    intent::ScanPage, intent::RemovePage, intent::PrintReceipt>;

}
