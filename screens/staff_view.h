// What the staff screens show, as the staff desk prepared it for this frame: plain values, so a screen
// never reaches a service (the outbox, the packs, the PIN store) itself.
#pragma once
#include "kiosk/core/sync_status.h"

#include <string>
#include <vector>

namespace guichet::screens {

struct StaffFact {
    std::string label;
    std::string value;
};

struct NetworkLine {
    enum class State {
        Passed,
        Failed,
        NotTried,
    };
    std::string label;  // "DNS", "TCP", …
    State state = State::NotTried;
    std::string detail; // time taken or the reason, for a person
};

struct QuarantinedLine {
    std::string id;
    std::string receipt;
    std::string error;
};

struct StaffView {
    std::string language; // staff screens speak the kiosk's default language, whatever the citizen chose
    bool technician = false;
    bool assisted = false;
    bool training = false;
    bool citizen_in_session = false; // a citizen is past the welcome screen

    // The PIN pad.
    bool checking_pin = false;
    bool pad_closed = false;  // waiting or locked: digits are not taken
    std::string pin_message;  // "Wrong code. Try again in 4 s." …

    // The mediator's view of the queue, and the last lookup.
    bool takes_submissions = false;
    SyncStatus sync;
    std::string lookup_result;
    bool can_reprint = false; // a receipt was found and a printer is configured
    bool reprinting = false;

    // The technician's diagnostics.
    std::vector<StaffFact> facts;
    std::vector<QuarantinedLine> quarantined;
    std::vector<NetworkLine> network;
    bool network_running = false;
    std::string pack_line;     // "Version 7 (stable), installed 2026-11-20"
    bool can_roll_back = false;
    bool update_running = false;

    std::string message; // what the last action did, or why it failed
};

}
