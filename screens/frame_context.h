// What a screen may read or say during one frame: the widget set, the words, the session, and what the
// features lend it (the catalog, the journey, the sync status, the staff desk's view).
#pragma once
#include "kiosk/core/config.h"
#include "kiosk/core/i18n.h"
#include "kiosk/core/intents.h"
#include "kiosk/core/journey.h"
#include "kiosk/core/postcodes.h"
#include "kiosk/core/procedure.h"
#include "kiosk/core/router.h"
#include "kiosk/core/session.h"
#include "kiosk/core/staff_intents.h"
#include "kiosk/core/sync_status.h"
#include "screens/staff_view.h"
#include "screens/ui.h"

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace guichet::screens {

// A document step's scanner, as the step screen shows it (the document feature lends it).
struct DocumentView {
    struct Preview {
        ImTextureID texture = nullptr; // the page, small; nullptr while it is being made
        int width = 0, height = 0;     // the texture's pixels
    };
    bool scanning = false;
    float progress = 0;      // 0..1 while scanning
    int replacing = -1;      // the page being scanned again, or -1: a new page
    std::string problem;     // the last scan's failure ("no_scanner", "lost", …; strings "scan.problem.*"), empty when none
    int scanned = 0;         // pages scanned since the step appeared: the voice says each one once
    int last_page = 0;       // the page the last scan gave (1, 2, …)
    std::vector<Preview> previews; // one per page of the current step, in order
};

// The receipt printer, as the receipt screen shows it (the print feature lends it when one is configured).
struct PrintView {
    bool printing = false;
    std::string problem; // the last print's failure ("no_paper", …; strings "print.problem.*"), empty when none
    int printed = 0;     // receipts printed this session: the voice says each one once
};

// Everything a screen may read or say during one frame.
struct FrameContext {
    Ui& ui;
    const Strings& strings;
    const Session& session;
    const KioskSection& kiosk;
    std::vector<Intent>& intents;
    const SyncStatus* sync = nullptr; // nullptr: this kiosk takes no submissions
    const Catalog* catalog = nullptr;
    const Journey* journey = nullptr;       // inside a procedure
    const PostcodeTable* postcodes = nullptr;
    const DocumentView* document = nullptr; // a document step is on screen
    const PrintView* print = nullptr;       // a printer is configured: the receipt offers to print
    bool training = false;                  // the training banner runs across the top of every screen
    // Staff screens only: what they show, and where their intents go.
    const StaffView* staff = nullptr;
    std::vector<StaffIntent>* staff_intents = nullptr;

    const std::string& language() const { return session.preferences().language; }
    const std::string& tr(std::string_view key) const { return strings.get(language(), key); }
    const std::string& text(const LocalizedText& text) const { return localized(text, language()); }
    void emit(Intent intent) { intents.push_back(std::move(intent)); }
    void emit_staff(StaffIntent intent) { staff_intents->push_back(std::move(intent)); }
    // Staff screens use the kiosk's default language, the staff's, not the citizen's.
    const std::string& staff_tr(std::string_view key) const { return strings.get(staff->language, key); }
};

}
