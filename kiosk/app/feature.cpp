// The one dispatch table (see feature.h).
#include "kiosk/app/feature.h"

#include <algorithm>

namespace guichet::app {

Result<IntentOwners> intent_owners(const std::vector<Feature*>& features)
{
    IntentOwners owners {};
    for (auto* feature : features)
        for (auto index : feature->intents()) {
            if (index >= owners.size())
                return fail("intent " + std::to_string(index) + " is not an intent");
            if (owners[index])
                return fail("intent " + std::to_string(index) + " has two owners");
            owners[index] = feature;
        }
    auto missing = std::find(owners.begin(), owners.end(), nullptr);
    if (missing != owners.end())
        return fail("intent " + std::to_string(missing - owners.begin()) + " has no feature to handle it");
    return owners;
}

}
