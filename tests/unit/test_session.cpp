// Session phases and inactivity on a virtual clock (WCAG 2.2.1).
#include "kiosk/core/session.h"

#include <catch2/catch.hpp>

using namespace guichet;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    VirtualClock clock;
    SessionSection rules { .idle_timeout_s = 60, .warning_s = 30, .max_extensions = 0 };
    Session session { rules, clock, Preferences { .language = "fr" } };

    Session::Event pass(Millis time)
    {
        // Like the live loop: one update per second of time passing; report the last event seen.
        auto last = Session::Event::Nothing;
        for (Millis t(0); t < time; t += 1000ms) {
            clock.advance(std::min<Millis>(1000ms, time - t));
            if (auto event = session.update(); event != Session::Event::Nothing)
                last = event;
        }
        return last;
    }
};

}

TEST_CASE("no session and no timer before the first touch", "[session]")
{
    Fixture f;
    CHECK(f.session.phase() == SessionPhase::None);
    CHECK_FALSE(f.session.next_deadline());
    CHECK(f.pass(3600s) == Session::Event::Nothing);
    CHECK(f.session.phase() == SessionPhase::None);
}

TEST_CASE("the first touch starts a session", "[session]")
{
    Fixture f;
    f.session.on_input();
    CHECK(f.session.phase() == SessionPhase::Active);
    CHECK(f.session.number() == 1);
    CHECK(f.session.next_deadline() == f.clock.now() + 60s);
}

TEST_CASE("quiet time brings the warning and then the wipe", "[session]")
{
    Fixture f;
    f.session.on_input();
    CHECK(f.pass(59s) == Session::Event::Nothing);
    CHECK(f.pass(1s) == Session::Event::WarningStarted);
    CHECK(f.session.phase() == SessionPhase::Warning);
    CHECK(f.session.seconds_left() == 30);
    CHECK(f.pass(10s) == Session::Event::Nothing);
    CHECK(f.session.seconds_left() == 20);
    CHECK(f.pass(19s) == Session::Event::Nothing);
    CHECK(f.session.seconds_left() == 1);
    CHECK(f.pass(1s) == Session::Event::Expired);
    CHECK(f.session.phase() == SessionPhase::None);
}

TEST_CASE("input restarts the quiet time", "[session]")
{
    Fixture f;
    f.session.on_input();
    f.pass(50s);
    f.session.on_input();
    CHECK(f.pass(50s) == Session::Event::Nothing);
    CHECK(f.session.phase() == SessionPhase::Active);
}

TEST_CASE("a touch during the warning does not by itself extend; the dialog's answer does", "[session]")
{
    Fixture f;
    f.session.on_input();
    f.pass(60s);
    REQUIRE(f.session.phase() == SessionPhase::Warning);
    f.session.on_input();
    CHECK(f.session.phase() == SessionPhase::Warning);
    CHECK(f.session.extend());
    CHECK(f.session.phase() == SessionPhase::Active);
    CHECK(f.pass(59s) == Session::Event::Nothing);
}

TEST_CASE("the countdown wakes the loop every second", "[session]")
{
    Fixture f;
    f.session.on_input();
    f.pass(60s);
    f.clock.advance(300ms);
    CHECK(f.session.next_deadline() == f.clock.now() + 700ms);
}

TEST_CASE("unlimited extensions by default", "[session]")
{
    Fixture f;
    f.session.on_input();
    for (int i = 0; i < 50; ++i) {
        f.pass(60s);
        REQUIRE(f.session.phase() == SessionPhase::Warning);
        REQUIRE(f.session.extend());
    }
    CHECK_FALSE(f.session.extensions_left());
}

TEST_CASE("a configured limit allows at least ten extensions and then the session ends", "[session]")
{
    VirtualClock clock;
    Session session({ .idle_timeout_s = 60, .warning_s = 20, .max_extensions = 10 }, clock, { .language = "fr" });
    session.on_input();
    for (int i = 0; i < 10; ++i) {
        clock.advance(60s);
        session.update();
        REQUIRE(session.phase() == SessionPhase::Warning);
        REQUIRE(session.extend());
    }
    CHECK(session.extensions_left() == 0);
    clock.advance(60s);
    session.update();
    CHECK_FALSE(session.extend());
    clock.advance(20s);
    CHECK(session.update() == Session::Event::Expired);
}

TEST_CASE("a late wake-up still leaves the full time to answer", "[session]")
{
    Fixture f;
    f.session.on_input();
    f.clock.advance(75s); // the loop slept past the idle deadline
    CHECK(f.session.update() == Session::Event::WarningStarted);
    CHECK(f.session.seconds_left() == 30);
}

TEST_CASE("ending the session wipes the citizen's choices", "[session]")
{
    Fixture f;
    f.session.on_input();
    f.session.preferences() = { .language = "pt", .text_size = TextSize::Larger, .high_contrast = true };
    f.session.end();
    CHECK(f.session.phase() == SessionPhase::None);
    CHECK(f.session.preferences() == f.session.defaults());

    f.session.on_input();
    f.session.preferences().language = "es";
    f.pass(90s);
    CHECK(f.session.preferences().language == "fr");
    CHECK(f.session.number() == 2);
}

TEST_CASE("text sizes cycle and grow", "[session]")
{
    CHECK(next_text_size(TextSize::Normal) == TextSize::Large);
    CHECK(next_text_size(TextSize::Large) == TextSize::Larger);
    CHECK(next_text_size(TextSize::Larger) == TextSize::Normal);
    CHECK(text_scale(TextSize::Normal) < text_scale(TextSize::Large));
    CHECK(text_scale(TextSize::Large) < text_scale(TextSize::Larger));
}
