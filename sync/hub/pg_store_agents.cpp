// The hub's PostgreSQL engine: the back office's agents calls (store.h).
#include "sync/hub/pg_store.h"

namespace guichet::sync::hub {

}
