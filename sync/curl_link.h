// What every libcurl transfer of the kiosk shares (the uploader, the pack client): TLS verification
// always on with an optional pinned CA bundle, a connect timeout, and a low-speed limit so that a
// stalled link is noticed instead of waited on forever.
#pragma once
#include <string>

namespace guichet::sync {

struct LinkLimits {
    int connect_timeout_s = 20;
    int low_speed_bytes_per_s = 64; // slower than this for low_speed_time_s: the link is stalled
    int low_speed_time_s = 45;
    std::string ca_file;            // optional CA bundle to pin
};

// Sets the options above on a CURL* easy handle (after curl_easy_reset). curl_global_init comes first:
// init_curl_once() in sync/hub_client.h.
void apply_link_limits(void* curl, const LinkLimits&);

}
