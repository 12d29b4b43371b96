// The one dispatch table: each intent type has exactly one owning feature, or the app does not start.
#include "kiosk/app/feature.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace guichet;
using namespace guichet::app;

namespace {

struct Owns final : Feature {
    explicit Owns(std::vector<size_t> indices)
        : m_indices(std::move(indices))
    {
    }
    std::vector<size_t> intents() const override { return m_indices; }
    std::vector<size_t> m_indices;
};

std::vector<size_t> every_intent()
{
    std::vector<size_t> all(std::variant_size_v<Intent>);
    for (size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return all;
}

}

TEST_CASE("each intent type has one owner, and two owners or none refuse to start", "[dispatch]")
{
    Owns everything(every_intent());
    auto owners = intent_owners({ &everything });
    REQUIRE(owners);
    CHECK(std::all_of(owners->begin(), owners->end(), [&](Feature* owner) { return owner == &everything; }));

    auto rest = every_intent();
    rest.erase(rest.begin() + static_cast<long>(intent_index<intent::Submit>()));
    Owns submit(intent_indices<intent::Submit>());
    Owns most(rest);
    auto split = intent_owners({ &most, &submit });
    REQUIRE(split);
    CHECK((*split)[intent_index<intent::Submit>()] == &submit);
    CHECK((*split)[intent_index<intent::Back>()] == &most);

    Owns also_submit(intent_indices<intent::Submit>());
    auto twice = intent_owners({ &everything, &also_submit });
    REQUIRE_FALSE(twice);
    CHECK_THAT(twice.error().message, Catch::Contains("has two owners"));

    auto none = intent_owners({ &most });
    REQUIRE_FALSE(none);
    CHECK_THAT(none.error().message,
        Catch::Contains("intent " + std::to_string(intent_index<intent::Submit>()) + " has no feature"));
}
