// What screens and the technician CLI may know of the outbox and the link: counts, times and the
// technician's messages, never contents. The sync layer's uploader fills it; screens read a copied
// snapshot, so it lives in the core and screens never include sync/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace guichet {

enum class LinkState {
    Unknown,     // nothing tried yet
    Online,      // the last exchange with the hub succeeded
    Offline,     // the hub could not be reached, or answered with a transient error
    AuthRefused, // the hub refused this kiosk's token: a technician must act
};

struct SyncStatus {
    LinkState link = LinkState::Unknown;
    int64_t queued = 0;
    int64_t sent = 0;
    int64_t quarantined = 0;
    std::optional<int64_t> oldest_queued_age_s;
    int64_t pages_pending = 0; // scanned pages not yet all at the hub (issue 18)
    std::optional<int64_t> last_success_unix;
    std::optional<int64_t> next_attempt_unix;
    std::string last_error; // for the technician, never citizen data
    // The hub's public status page ("https://…/suivi/", from its heartbeat answers), empty when it has
    // none: the receipt's QR code is this followed by the receipt code, or the code alone.
    std::string status_url;
};

}
