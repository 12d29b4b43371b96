// The JSON the back office's API gives the browser about cases (plan §2.4), in one place so the
// routes and the browser modules (opener.js, export.js) agree on it, and the inbox cursors of its
// URLs. Sealed bytes travel only inside these answers, as base64; the hub never opens them.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace guichet::sync::hub {

// GET /office/api/demandes/{id}:
// {"id","kiosk","procedure","version","created_at","received_at","receipt","state","rev","sealed"}.
// `receipt` is "" when the kiosk sent none. Call it only for a case that is not purged (the route
// answers 410 {"error":"purged"} then).
std::string case_json(const CaseRecord& record);

// GET /office/api/demandes?…: {"items":[case_json…],"next":cursor or null}.
std::string case_page_json(const CasePage& page);

// An inbox cursor as URLs carry it (apres=, avant=): "2026-12-01T09:30:00.123Z~12345".
std::string format_cursor(const std::pair<std::string, int64_t>& key);
// nullopt for anything that is not a stored time (RFC 3339 UTC with ms), '~', and a number ≥ 0.
std::optional<std::pair<std::string, int64_t>> parse_cursor(std::string_view text);

}
