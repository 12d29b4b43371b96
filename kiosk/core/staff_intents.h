// What a staff screen can ask for. The staff desk (kiosk/app/staff_desk.h) decides what follows; the
// citizen's journey is never touched except through EndCitizenSession.
#pragma once
#include <string>
#include <variant>

namespace guichet {

namespace staff_intent {
struct Leave { };                 // back to the citizen's screen, where they were
struct SubmitPin { std::string pin; }; // wiped by the desk once checked
struct ShowMediator { };
struct ShowTechnician { };
struct ShowLookup { };
struct Lookup { std::string code; }; // a receipt code: its state, never its contents
struct Reprint { };               // the looked-up receipt on paper: code, procedure, state; never contents
struct ToggleAssisted { };        // the citizen's session is assisted (stored with the submission)
struct ToggleTraining { };        // training: the journey works, nothing is queued or sent
struct SendNow { };               // every queued submission, backoff or not
struct EndCitizenSession { };
struct RetryItem { std::string id; }; // a quarantined submission back into the queue
struct CheckNetwork { };          // DNS, TCP, TLS, HTTP, token, step by step
struct CheckForUpdate { };
struct InstallFromUsb { };
struct RollBack { };              // the previous content pack
struct ExportLogs { };
struct SpeakTest { };
struct ScanTest { };              // one page from the scanner, measured, then wiped
struct ShowTouchTest { };
struct ShowTestPattern { };
struct Restart { };
}

using StaffIntent = std::variant<staff_intent::Leave, staff_intent::SubmitPin, staff_intent::ShowMediator,
    staff_intent::ShowTechnician, staff_intent::ShowLookup, staff_intent::Lookup, staff_intent::Reprint, staff_intent::ToggleAssisted,
    staff_intent::ToggleTraining, staff_intent::SendNow, staff_intent::EndCitizenSession, staff_intent::RetryItem,
    staff_intent::CheckNetwork, staff_intent::CheckForUpdate, staff_intent::InstallFromUsb, staff_intent::RollBack,
    staff_intent::ExportLogs, staff_intent::SpeakTest, staff_intent::ScanTest, staff_intent::ShowTouchTest, staff_intent::ShowTestPattern,
    staff_intent::Restart>;

}
