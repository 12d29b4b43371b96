// The hub's SQLite engine: the back office's feed calls (store.h).
#include "sync/hub/sqlite_store.h"

namespace guichet::sync::hub {

}
