// The cases calls' SQL, written once for both engines: the inbox's keyset pages (plan §1.4), and the
// rules of the state workflow. Both engines run the same text ($N parameters, numbered in the order
// they first appear, which is how SQLite numbers named parameters), so the conformance tests can
// EXPLAIN exactly what the store runs.
#pragma once
#include "kiosk/core/result.h"
#include "sync/hub/office_types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace guichet::sync::hub::cases {

using SqlValue = std::variant<std::string, int64_t>;

struct SqlText {
    std::string sql;
    std::vector<SqlValue> params; // params[i] is $(i+1)
};

// The columns every inbox query returns, in this order: seq, id, receipt (or NULL), procedure, kiosk,
// received_at, state, state_at (or NULL), purged (0/1).
constexpr int inbox_columns = 9;

enum class Direction {
    Older, // the first page, or the page after `query.after`: newest first
    Newer, // the page before `query.before`: oldest first (the caller reverses it)
};

// The columns of a whole case, in this order: id, kiosk, procedure, version, created_at, received_at,
// sealed, receipt, state, message, handler, state_at, final_at, purged_at, rev, seq (all of table s).
extern const std::string_view case_columns;

// cases_for_export's page: case_columns of `query` (after its `after` cursor), newest first, one
// row more than the page to tell whether another follows.
SqlText export_page(const InboxQuery& query);

// One page of `query`, plus one row that tells whether another page follows in that direction.
SqlText inbox_page(const InboxQuery& query, Direction direction);

// Whether one row of the query's filters exists strictly older (Direction::Older) or newer than the
// key (received_at, seq): has_next / has_previous of a page.
SqlText inbox_exists_beyond(const InboxQuery& query, Direction direction, const std::pair<std::string, int64_t>& key);

// count(*) of the query's filters (cursors ignored), capped at inbox_count_cap.
SqlText inbox_count(const InboxQuery& query);

// The largest page a caller may ask for.
constexpr size_t max_inbox_limit = 200;

// received → in_progress; received | in_progress → done | incomplete. Anything else is Forbidden
// (a final state stays final; the same state again is not a change).
bool transition_allowed(CaseState from, CaseState to);

// Seconds from received_at to `now` (both RFC 3339), never negative, for processing_delays.
Result<int64_t> delay_seconds(std::string_view received_at, std::string_view now);

}
