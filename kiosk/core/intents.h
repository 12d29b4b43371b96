// What a screen can ask for. Screens emit intents; the router and the session decide what follows.
#pragma once
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
}

using Intent = std::variant<intent::StartJourney, intent::Back, intent::EndSession, intent::ExtendSession,
    intent::SetLanguage, intent::CycleTextSize, intent::ToggleContrast>;

}
