// Navigation rules, without a window.
#include "kiosk/core/router.h"

#include <catch2/catch.hpp>

using namespace guichet;

TEST_CASE("the kiosk starts on the welcome screen", "[router]")
{
    Router router;
    CHECK(router.current() == ScreenId::Welcome);
    CHECK(router.depth() == 1);
}

TEST_CASE("start leads to the catalog and back returns", "[router]")
{
    Router router;
    CHECK(router.apply(intent::StartJourney {}));
    CHECK(router.current() == ScreenId::Catalog);
    CHECK(router.apply(intent::Back {}));
    CHECK(router.current() == ScreenId::Welcome);
}

TEST_CASE("back on the welcome screen stays there", "[router]")
{
    Router router;
    CHECK_FALSE(router.apply(intent::Back {}));
    CHECK(router.current() == ScreenId::Welcome);
}

TEST_CASE("start from the catalog does not stack a second catalog", "[router]")
{
    Router router;
    router.apply(intent::StartJourney {});
    CHECK_FALSE(router.apply(intent::StartJourney {}));
    CHECK(router.depth() == 2);
}

TEST_CASE("ending the session returns to the welcome screen with no history", "[router]")
{
    Router router;
    router.apply(intent::StartJourney {});
    CHECK(router.apply(intent::EndSession {}));
    CHECK(router.current() == ScreenId::Welcome);
    CHECK(router.depth() == 1);
}

TEST_CASE("intents that are not navigation leave the screen alone", "[router]")
{
    Router router;
    router.apply(intent::StartJourney {});
    CHECK_FALSE(router.apply(intent::SetLanguage { "en" }));
    CHECK_FALSE(router.apply(intent::CycleTextSize {}));
    CHECK_FALSE(router.apply(intent::ExtendSession {}));
    CHECK(router.current() == ScreenId::Catalog);
}

TEST_CASE("screen names round-trip", "[router]")
{
    for (auto id : { ScreenId::Welcome, ScreenId::Catalog })
        CHECK(screen_from_name(screen_name(id)) == id);
    CHECK_FALSE(screen_from_name("nowhere"));
}
