// A feature of the kiosk: the citizen's session, the journey, the voice, the staff desk, content,
// sync. Each owns its screens, state and jobs behind this one small interface; the App creates the
// features, wires them and runs frames, and includes none of their screens. A new feature is a new
// class and one line in App::create (see docs/architecture.md).
#pragma once
#include "kiosk/core/clock.h"
#include "kiosk/core/intents.h"
#include "kiosk/core/result.h"

#include <array>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace guichet::screens {
struct FrameContext;
}

namespace guichet::app {

// This frame's input as every feature sees it.
struct FrameEvents {
    bool user_input = false; // a touch, click, key or text: someone is here
    bool touched = false;    // a finger or the mouse went down: the voice stops at once
    bool staff_keys = false; // Ctrl+Alt+S: the staff entry
    bool staff_open = false; // the staff desk has the screen; the citizen's session waits
    bool on_welcome = false; // the citizen's side shows the welcome screen
    bool citizen_idle = false; // the welcome screen, no journey, no staff: content may be reloaded
};

// The position of an intent type in the Intent variant: the key of the one dispatch table.
template <class T, size_t I = 0>
constexpr size_t intent_index()
{
    if constexpr (std::is_same_v<std::variant_alternative_t<I, Intent>, T>)
        return I;
    else
        return intent_index<T, I + 1>();
}

template <class... T>
std::vector<size_t> intent_indices()
{
    return { intent_index<T>()... };
}

// What features may ask of the App itself.
class FeatureHost {
public:
    virtual ~FeatureHost() = default;
    // Ends the citizen's session: every feature forgets it, the welcome screen returns.
    virtual void end_session() = 0;
    // A technician asked for a restart: the process exits with App::exit_restart.
    virtual void restart() = 0;
};

class Feature {
public:
    virtual ~Feature() = default;

    // The intent types this feature handles. Each type has exactly one owner: App::create refuses to
    // start otherwise, so an intent is never handled twice or dropped unseen.
    virtual std::vector<size_t> intents() const { return {}; }
    virtual void handle(Intent&) { }
    // Once a frame, after the main queue ran and before layout.
    virtual void update(const FrameEvents&) { }
    // Draws what this feature shows on the citizen's side (a screen, a dialog over it), in the order
    // the App lists the features. Returns true when a height changed (the frame is laid out again).
    virtual bool draw(screens::FrameContext&) { return false; }
    // Lends this feature's data to the screens of this frame (FrameContext's pointers).
    virtual void prepare(screens::FrameContext&) const { }
    // Adds to what the voice and the focus call "the screen" (a step, a dialog); a change of it
    // means a new screen.
    virtual void describe(std::string&) const { }
    // When this feature needs a frame even without input.
    virtual std::optional<Millis> next_timer() const { return std::nullopt; }
    // The citizen's session ended: forget everything of it.
    virtual void session_ended() { }
    // Work a person waits for runs on a worker (a PIN check, a scan, a print): the headless driver waits too.
    virtual bool busy() const { return false; }
};

// Each intent type's one owner, from the features' intents(): fails when a type has two owners or none.
using IntentOwners = std::array<Feature*, std::variant_size_v<Intent>>;
Result<IntentOwners> intent_owners(const std::vector<Feature*>&);

}
