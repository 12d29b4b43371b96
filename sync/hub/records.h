// The export format: one JSON object per line per stored submission, which `export` prints and
// `open` reads back. The sealed bytes travel as base64; nothing here can read them.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/store.h"

#include <string>
#include <string_view>

namespace guichet::sync::hub {

// {"id","kiosk","procedure","version","created_at","received_at","sealed"} without a trailing newline.
std::string to_export_line(const SubmissionRecord&);

// Strict: every field present with its type, the sealed field valid base64.
Result<SubmissionRecord> parse_export_line(std::string_view line);

}
