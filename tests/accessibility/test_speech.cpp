// Tests of the speech service with the real espeak-ng and SDL's disk audio driver: each test captures to a
// raw file what the kiosk would have played and measures it (length, loudness, pauses).
#include "accessibility/speech.h"

#include <catch2/catch.hpp>

#include "audio_analysis.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <functional>
#include <iterator>
#include <numbers>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace guichet::accessibility;
using namespace guichet::testing::audio; // audible, rate, audible_span, similarity…
using namespace std::chrono_literals;

namespace {

const char* const ten_words = "Bonjour et bienvenue, touchez l'écran pour commencer votre démarche administrative.";

std::unique_ptr<Speech> make_speech(SpeechSettings settings = {})
{
    auto speech = Speech::create(std::move(settings));
    if (!speech)
        FAIL("the speech service did not start: " << speech.error().message);
    REQUIRE(speech);
    return std::move(*speech);
}

// The disk driver plays in real time, so tests wait for the queue to drain, with a bound.
void wait_until_quiet(const Speech& speech, std::chrono::milliseconds limit = 15s)
{
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (speech.speaking() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    REQUIRE_FALSE(speech.speaking());
    std::this_thread::sleep_for(100ms); // the device's last period reaches the file
}

// Waits until synthesis is over (stats stop growing); a few ms with espeak-ng.
void wait_synthesized(const Speech& speech)
{
    uint64_t last = 0;
    for (int stable = 0; stable < 5;) {
        std::this_thread::sleep_for(10ms);
        uint64_t now = speech.stats().samples_queued;
        stable = (now == last && now > 0) ? stable + 1 : 0;
        last = now;
    }
}

// Says `text` (or spells it) into a fresh capture and returns everything that was played.
std::vector<int16_t> captured(const std::string& name, const std::function<void(Speech&)>& act)
{
    Capture capture(name);
    {
        auto speech = make_speech();
        act(*speech);
        wait_until_quiet(*speech);
    }
    return capture.samples();
}


// Stretches of sound separated by at least `gap` of near-silence, in 10 ms windows.
int utterances(const std::vector<int16_t>& pcm, std::chrono::milliseconds gap = 120ms)
{
    const size_t window = rate / 100;
    const int quiet_windows = int(gap.count() / 10);
    int count = 0, quiet = 0;
    bool in_sound = false;
    for (size_t i = 0; i + window <= pcm.size(); i += window) {
        std::vector<int16_t> part(pcm.begin() + long(i), pcm.begin() + long(i + window));
        if (rms(part) > 300) {
            if (!in_sound)
                ++count;
            in_sound = true;
            quiet = 0;
        } else if (in_sound && ++quiet >= quiet_windows) {
            in_sound = false;
        }
    }
    return count;
}

// A 16-bit PCM WAV file, written by hand so the test does not depend on the code under test.
void write_sine_wav(const std::filesystem::path& file, int sample_rate, int channels, double seconds, double hz)
{
    std::vector<int16_t> data;
    auto frames = size_t(sample_rate * seconds);
    for (size_t i = 0; i < frames; ++i) {
        auto value = int16_t(12000 * std::sin(2 * std::numbers::pi * hz * double(i) / sample_rate));
        for (int c = 0; c < channels; ++c)
            data.push_back(value);
    }
    auto put32 = [](std::ofstream& out, uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
    auto put16 = [](std::ofstream& out, uint16_t v) { out.write(reinterpret_cast<const char*>(&v), 2); };
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    uint32_t bytes = uint32_t(data.size() * 2);
    out.write("RIFF", 4);
    put32(out, 36 + bytes);
    out.write("WAVEfmt ", 8);
    put32(out, 16);
    put16(out, 1); // PCM
    put16(out, uint16_t(channels));
    put32(out, uint32_t(sample_rate));
    put32(out, uint32_t(sample_rate * channels * 2));
    put16(out, uint16_t(channels * 2));
    put16(out, 16);
    out.write("data", 4);
    put32(out, bytes);
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(bytes));
}

}

TEST_CASE("Language codes pick an espeak-ng voice and unknown ones fall back to French", "[speech]")
{
    CHECK(voice_for_language("fr") == "fr");
    CHECK(voice_for_language("fr-CA") == "fr");
    CHECK(voice_for_language("EN") == "en");
    CHECK(voice_for_language("en_GB") == "en");
    CHECK(voice_for_language("pt-BR") == "pt");
    CHECK(voice_for_language("es") == "es");
    CHECK(voice_for_language("xx") == "fr");
    CHECK(voice_for_language("") == "fr");
    CHECK(words_per_minute(SpeechRate::Slow) < words_per_minute(SpeechRate::Normal));
    CHECK(words_per_minute(SpeechRate::Normal) < words_per_minute(SpeechRate::Fast));
}

TEST_CASE("The spelling SSML has one element per character and escapes markup", "[speech]")
{
    std::string ssml = spelling_ssml("AB-1");
    CHECK(ssml == "<speak><say-as interpret-as=\"characters\">A</say-as><break time=\"250ms\"/>"
                  "<say-as interpret-as=\"characters\">B</say-as><break time=\"600ms\"/><break time=\"250ms\"/>"
                  "<say-as interpret-as=\"characters\">1</say-as></speak>");
    CHECK(spelling_ssml("<&>").find("&lt;") != std::string::npos);
    CHECK(spelling_ssml("<&>").find("&amp;") != std::string::npos);
}

TEST_CASE("Missing espeak-ng data is reported with its reason", "[speech]")
{
    Capture capture("no_data");
    auto speech = Speech::create({ .espeak_data = "/nonexistent/espeak-ng-data" });
    REQUIRE_FALSE(speech);
    CHECK_THAT(speech.error().message, Catch::Contains("espeak-ng data not found"));
    CHECK_THAT(speech.error().message, Catch::Contains("/nonexistent/espeak-ng-data"));
}

TEST_CASE("An audio output that cannot be opened is reported and the service can start later", "[speech]")
{
    Capture capture("no_device");
    ::setenv("SDL_AUDIODRIVER", "no_such_driver", 1);
    auto speech = Speech::create();
    REQUIRE_FALSE(speech);
    CHECK_THAT(speech.error().message, Catch::Contains("SDL audio"));

    // A failed attempt leaves nothing behind: espeak-ng and SDL audio start again.
    ::setenv("SDL_AUDIODRIVER", "disk", 1);
    auto again = Speech::create();
    REQUIRE(again);
}

TEST_CASE("Only one speech service runs at a time", "[speech]")
{
    Capture capture("single");
    auto first = make_speech();
    auto second = Speech::create();
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().message, Catch::Contains("already running"));
}

TEST_CASE("An idle audio device closes and the next utterance opens it again, heard whole", "[speech][slow]")
{
    Capture capture("idle");
    auto speech = make_speech({ .idle_close_ms = 300 });
    CHECK(speech->device_open());
    CHECK(speech->stats().device_opens == 1);
    speech->say("Bonjour.");
    wait_until_quiet(*speech);
    for (int waited = 0; speech->device_open() && waited < 3000; waited += 10)
        std::this_thread::sleep_for(10ms);
    REQUIRE_FALSE(speech->device_open());
    CHECK_FALSE(speech->speaking());
    speech->stop(); // with no device: nothing to clear, nothing breaks

    speech->say(ten_words);
    wait_until_quiet(*speech);
    auto stats = speech->stats();
    CHECK(stats.device_reopened);
    CHECK(stats.device_opens == 2);
    REQUIRE(stats.first_sound_latency);
    CHECK(stats.first_sound_latency->count() < 100'000); // reopening adds no noticeable delay
    speech.reset(); // the disk driver completes its file when the device closes
    // The disk driver starts its file afresh when the device opens again: it holds the second utterance, whole.
    auto pcm = capture.samples();
    Span span = audible_span(pcm);
    CHECK(span.seconds() > 1.0);
    CHECK(span.length() > stats.samples_queued * 8 / 10);
}

TEST_CASE("A French sentence is heard for a plausible length", "[speech][slow]")
{
    Capture capture("french");
    auto started = std::chrono::steady_clock::now();
    AudioFormat format;
    SpeechStats stats;
    {
        auto speech = make_speech();
        format = speech->format();
        speech->say(ten_words);
        CHECK(speech->speaking());
        wait_until_quiet(*speech);
        stats = speech->stats();
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // The device was opened as espeak-ng produces: 22,050 Hz, mono, 16 bits.
    CHECK(format.sample_rate == rate);
    CHECK(format.channels == 1);
    CHECK(format.bits_per_sample == 16);
    // The disk driver writes in real time, so the file's size tells its format too: 2 bytes per sample,
    // one channel, 22,050 samples a second of wall time (the device started a little after `started`).
    double bytes_per_second = double(capture.size()) / elapsed;
    CHECK(bytes_per_second > 0.6 * rate * 2); // not 1 byte a sample, even on a loaded machine
    CHECK(bytes_per_second < 1.05 * rate * 2); // not stereo, not 44.1 kHz

    auto pcm = capture.samples();
    Span span = audible_span(pcm);
    INFO("audible for " << span.seconds() << " s; synthesized " << stats.samples_queued << " samples");
    CHECK(span.seconds() > 1.0);
    CHECK(span.seconds() < 10.0);
    // What was queued is what was played, sample for sample: no resampling or channel change.
    CHECK(span.length() <= stats.samples_queued);
    CHECK(span.length() > stats.samples_queued * 8 / 10);
    CHECK(rms(trimmed(pcm)) > 500);
    REQUIRE(stats.first_sound_latency);
    CHECK(stats.first_sound_latency->count() > 0);
}

TEST_CASE("stop silences at once", "[speech][slow]")
{
    Capture capture("stop");
    uint64_t whole = 0;
    {
        auto speech = make_speech();
        speech->say(ten_words);
        std::this_thread::sleep_for(300ms);
        whole = speech->stats().samples_queued;
        speech->stop();
        auto stopped = std::chrono::steady_clock::now();
        CHECK_FALSE(speech->speaking());
        wait_until_quiet(*speech);
        CHECK(std::chrono::steady_clock::now() - stopped < 1s);
    }
    auto pcm = capture.samples();
    Span span = audible_span(pcm);
    INFO("heard " << span.seconds() << " s of " << double(whole) / rate << " s");
    CHECK(span.length() > 0);
    CHECK(span.length() < whole / 4);
    CHECK(span.seconds() < 0.6);
}

TEST_CASE("A new utterance interrupts the one being spoken", "[speech][slow]")
{
    Capture capture("interrupt");
    uint64_t first_length = 0;
    uint64_t second_length = 0;
    {
        auto speech = make_speech();
        speech->say(ten_words);
        std::this_thread::sleep_for(300ms);
        first_length = speech->stats().samples_queued;
        speech->say("Oui.");
        wait_until_quiet(*speech);
        second_length = speech->stats().samples_queued;
    }
    auto pcm = capture.samples();
    Span span = audible_span(pcm);
    INFO("heard " << span.seconds() << " s; the sentence alone is " << double(first_length) / rate << " s");
    // About 0.3 s of the sentence, then "Oui": far less than the sentence.
    CHECK(span.length() < 0.3 * rate + second_length + rate / 3); // a third of a second for the scheduler
    CHECK(span.length() < first_length / 2);
    CHECK(span.length() > second_length / 2); // and "Oui" was heard
}

TEST_CASE("English and French voices sound different", "[speech][slow]")
{
    const char* text = "Bonjour, bienvenue à la mairie.";
    auto french = trimmed(captured("fr", [&](Speech& s) { s.say(text, { .language = "fr" }); }));
    auto english = trimmed(captured("en", [&](Speech& s) { s.say(text, { .language = "en" }); }));
    REQUIRE_FALSE(french.empty());
    REQUIRE_FALSE(english.empty());
    // Not a small variation: the English voice reads French spelling with English rules.
    double ratio = double(english.size()) / double(french.size());
    double alike = similarity(french, english);
    INFO("english/french length ratio " << ratio << ", similarity " << alike);
    CHECK(std::abs(ratio - 1.0) > 0.05);
    CHECK(alike < 0.8);
}

TEST_CASE("An unknown language falls back to the French voice", "[speech][slow]")
{
    // espeak-ng adds a little random noise (aspiration), so two renderings of one text are alike but
    // not identical: compare shapes, with English as the control of what "different" looks like.
    auto french = trimmed(captured("fr", [](Speech& s) { s.say("Merci.", { .language = "fr" }); }));
    auto unknown = trimmed(captured("xx", [](Speech& s) { s.say("Merci.", { .language = "xx" }); }));
    auto english = trimmed(captured("en", [](Speech& s) { s.say("Merci.", { .language = "en" }); }));
    REQUIRE_FALSE(french.empty());
    double same = similarity(french, unknown);
    double other = similarity(french, english);
    INFO("lengths fr " << french.size() << ", xx " << unknown.size() << ", en " << english.size()
                       << "; similarity to fr: xx " << same << ", en " << other);
    CHECK(double(unknown.size()) / double(french.size()) == Approx(1.0).epsilon(0.02));
    CHECK(same > 0.95);
    CHECK(other < 0.8);
}

TEST_CASE("Spelling a receipt code names each character separately", "[speech][slow]")
{
    auto spelled = captured("spell", [](Speech& s) { s.spell("ABC-DEF-GHK"); });
    auto word = captured("word", [](Speech& s) { s.say("ABC-DEF-GHK"); });
    INFO("spelled: " << audible_span(spelled).seconds() << " s, " << utterances(spelled)
                     << " utterances; said: " << audible_span(word).seconds() << " s");
    CHECK(utterances(spelled) >= 8);
    CHECK(utterances(spelled) <= 11);
    CHECK(audible_span(spelled).length() > 2 * audible_span(word).length());
}

TEST_CASE("Slow speech lasts longer than fast speech", "[speech]")
{
    Capture capture("rates");
    auto speech = make_speech();
    auto synthesized = [&](SpeechRate speed) {
        speech->say(ten_words, { .rate = speed });
        wait_synthesized(*speech);
        uint64_t samples = speech->stats().samples_queued;
        speech->stop();
        return samples;
    };
    uint64_t slow = synthesized(SpeechRate::Slow);
    uint64_t normal = synthesized(SpeechRate::Normal);
    uint64_t fast = synthesized(SpeechRate::Fast);
    CHECK(slow > normal * 11 / 10);
    CHECK(normal > fast * 11 / 10);
}

TEST_CASE("Volume 0 is silent", "[speech][slow]")
{
    uint64_t synthesized = 0;
    auto pcm = captured("mute", [&](Speech& s) {
        s.say("Bonjour.", { .volume = 0 });
        wait_synthesized(s);
        synthesized = s.stats().samples_queued;
    });
    CHECK(synthesized > uint64_t(rate) / 4); // something was said...
    CHECK(audible_span(pcm).length() == 0);  // ...and nothing was heard
    CHECK(rms(pcm) == 0.0);
}

TEST_CASE("A recording replaces the synthesized text when one exists", "[speech][slow]")
{
    auto dir = std::filesystem::temp_directory_path() / ("guichet_recordings_" + std::to_string(::getpid()));
    // Another format than the device's, so the conversion is exercised: 44.1 kHz stereo, 0.5 s of 440 Hz.
    write_sine_wav(dir / "fr" / "welcome.title.wav", 44100, 2, 0.5, 440);

    Capture capture("recording");
    SpeechStats with_file, without_file;
    {
        auto speech = make_speech({ .recordings_dir = dir });
        speech->say("Bonjour.", { .recording_id = "welcome.title" });
        wait_until_quiet(*speech);
        with_file = speech->stats();
        speech->say("Bonjour.", { .recording_id = "no.such.string" });
        wait_until_quiet(*speech);
        without_file = speech->stats();
    }
    std::filesystem::remove_all(dir);

    CHECK(with_file.played_recording);
    CHECK_FALSE(without_file.played_recording);
    // Resampled to the device's rate: 0.5 s is about 11,025 samples.
    CHECK(with_file.samples_queued > uint64_t(rate) * 45 / 100);
    CHECK(with_file.samples_queued < uint64_t(rate) * 55 / 100);

    auto pcm = capture.samples();
    Span first = audible_span(pcm);
    // The recording comes first in the capture: count its zero crossings to check the pitch survived.
    std::vector<int16_t> tone(pcm.begin() + long(first.first), pcm.begin() + long(first.first + rate / 4));
    int crossings = 0;
    for (size_t i = 1; i < tone.size(); ++i)
        crossings += (tone[i - 1] < 0) != (tone[i] < 0);
    double hz = crossings / 2.0 / 0.25;
    INFO("tone at " << hz << " Hz");
    CHECK(hz > 420);
    CHECK(hz < 460);
}
