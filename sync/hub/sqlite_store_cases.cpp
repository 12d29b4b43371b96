// The hub's SQLite engine: the back office's cases calls (store.h).
#include "sync/hub/sqlite_store.h"

namespace guichet::sync::hub {

}
