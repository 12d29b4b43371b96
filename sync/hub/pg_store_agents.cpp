// The hub's PostgreSQL engine: the back office's agents calls (store.h).
#include "sync/hub/pg_store.h"
#include "sync/hub/pg_support.h"

namespace guichet::sync::hub {

}
