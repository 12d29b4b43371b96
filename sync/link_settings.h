// How the kiosk reaches its hub: the address, the kiosk's token and the link rules every exchange
// follows. The HTTP client (sync/hub_client.h) takes it; the uploader, the heartbeat and the network
// diagnostics each hold one, so none of them needs the others' headers.
#pragma once
#include "sync/curl_link.h"

#include <string>

namespace guichet::sync {

struct LinkSettings {
    std::string hub_url;  // e.g. https://hub.example.org (no trailing /v1)
    std::string token;    // the kiosk's bearer token from `guichet-hub enroll`
    std::string ca_file;  // optional CA bundle to pin; TLS verification is always on
    int connect_timeout_s = 20;
    int low_speed_bytes_per_s = 64; // slower than this for low_speed_time_s: the link is stalled
    int low_speed_time_s = 45;

    LinkLimits limits() const { return { connect_timeout_s, low_speed_bytes_per_s, low_speed_time_s, ca_file }; }
};

}
