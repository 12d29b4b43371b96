// The shared libcurl options of the kiosk's transfers.
#include "sync/curl_link.h"

#include <curl/curl.h>

namespace guichet::sync {

void apply_link_limits(void* handle, const LinkLimits& limits)
{
    auto* curl = static_cast<CURL*>(handle);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(limits.connect_timeout_s));
    // A stalled link is noticed: below this rate for that long, the transfer is abandoned.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(limits.low_speed_bytes_per_s));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.low_speed_time_s));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!limits.ca_file.empty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, limits.ca_file.c_str());
}

}
