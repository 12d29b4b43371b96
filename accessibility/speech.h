// The speech service: espeak-ng synthesizes on a worker thread of its own and its PCM plays through one
// SDL audio device, so the kiosk speaks and tests capture exactly what would be heard (SDL's disk driver).
#pragma once
#include "kiosk/core/result.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace guichet::accessibility {

enum class SpeechRate {
    Slow,
    Normal,
    Fast,
};

// The citizen's choices, passed with every utterance so a change applies to the next sentence.
struct SpeechOptions {
    std::string language = "fr"; // "fr", "en", "pt", "es"; "fr-CA" or "pt_BR" use their primary subtag
    SpeechRate rate = SpeechRate::Normal;
    int volume = 100;            // 0 (silent) to 100, clamped
    // A UI string id: when <recordings_dir>/<language>/<id>.wav exists, that recording plays instead
    // of the synthesized text (a human voice for the sentences every citizen hears).
    std::string recording_id;
};

struct SpeechSettings {
    std::filesystem::path espeak_data;   // a folder holding phontab; empty: espeak-ng's own default
    std::string audio_device;            // an SDL output device name; empty: the default device
    std::filesystem::path recordings_dir; // empty: no recorded overrides
    int chunk_ms = 40; // audio per synthesis callback, the granularity of cancelling (fixed by the first service)
    int device_buffer_samples = 512;     // the SDL device period (~23 ms at 22,050 Hz): bounds stop()'s tail
    // Silence this long after the last sample played closes the audio device, and the next utterance
    // opens it again (a fraction of a millisecond on the disk driver). An SDL2 device that is open plays
    // silence even when paused, keeping the sound server and the card awake. 0: never close.
    int idle_close_ms = 5000;
};

// What the audio device was opened with; the queued PCM is exactly this format, never converted by SDL.
struct AudioFormat {
    int sample_rate = 0;
    int channels = 0;
    int bits_per_sample = 0;
};

// For diagnostics and benchmarks; reset at every say()/spell().
struct SpeechStats {
    uint64_t utterances = 0;
    uint64_t samples_queued = 0; // of the current (or last) utterance, at the device's rate
    // From the call of say()/spell() to its first non-silent sample handed to SDL.
    std::optional<std::chrono::microseconds> first_sound_latency;
    bool played_recording = false;
    bool device_reopened = false; // the device had closed for being idle and this utterance opened it
    uint64_t device_opens = 0;    // since the service started, the first open included
    std::string last_problem; // e.g. a voice or a recording that could not be loaded
};

// The espeak-ng voice for a language code: "fr-FR" -> "fr", "EN" -> "en"; unknown or empty -> "fr".
std::string_view voice_for_language(std::string_view language);
int words_per_minute(SpeechRate);
// The SSML that makes espeak-ng name each character of a code ("ABC-DEF-GHK"): letters and digits one by
// one with a short pause, a longer pause at each dash or space.
std::string spelling_ssml(std::string_view code);

class Speech {
public:
    // Fails, with a reason a technician can act on, when espeak-ng's data is missing or no audio device
    // can be opened; the kiosk then runs without voice. Only one Speech may exist at a time, because
    // espeak-ng keeps its state in globals.
    static Result<std::unique_ptr<Speech>> create(SpeechSettings settings = {});
    ~Speech();
    Speech(const Speech&) = delete;
    Speech& operator=(const Speech&) = delete;

    // Speaks plain text (not SSML). Interrupts whatever is being said at once and returns without
    // waiting for synthesis. Safe from any thread.
    void say(std::string text, SpeechOptions options = {});
    // Names the characters of a code one by one, e.g. a receipt code; interrupts like say().
    void spell(std::string code, SpeechOptions options = {});
    // Silences at once: drops queued audio and cancels synthesis (a touch on the screen).
    void stop();
    // True from say() until the last queued sample went to the device.
    bool speaking() const;
    // False while the device is closed for being idle.
    bool device_open() const;

    AudioFormat format() const { return m_format; }
    SpeechStats stats() const;

private:
    enum class Kind {
        Text,
        Ssml,
    };
    struct Request {
        uint64_t generation = 0;
        Kind kind = Kind::Text;
        std::string text;
        SpeechOptions options;
        std::chrono::steady_clock::time_point asked;
    };
    struct Utterance;

    explicit Speech(SpeechSettings settings);
    Result<void> start();
    // Opens the audio device and starts it; called without m_mutex held (opening can take a while).
    Result<uint32_t> open_device(int sample_rate);
    // Before an utterance: opens the device again if it was closed for being idle. False when it cannot.
    bool reopen_device(const Request&);
    // The worker's wait for the next request; closes the device once it has been quiet long enough.
    std::optional<Request> next_request();
    void enqueue(Kind kind, std::string text, SpeechOptions options);
    void worker(std::promise<Result<int>>* started);
    void render(const Request&);
    bool play_recording(const Request&, Utterance&);
    // Called by espeak-ng (through a C callback) and by play_recording: returns false when the
    // utterance was interrupted and must stop.
    bool queue_pcm(Utterance&, const int16_t* samples, size_t count);

    SpeechSettings m_settings;
    AudioFormat m_format;
    uint32_t m_device = 0; // SDL_AudioDeviceID; 0 while closed (m_mutex)
    bool m_sdl_audio = false;
    bool m_owns_instance = false;

    // m_mutex guards the request, the generation and every SDL queue operation, so that a stop() can
    // never be followed by audio of the utterance it stopped.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    uint64_t m_generation = 0;
    std::optional<Request> m_pending;
    bool m_busy = false; // the worker is rendering an utterance
    std::chrono::steady_clock::time_point m_last_sound; // when the queue was last seen holding audio
    bool m_shutting_down = false;
    SpeechStats m_stats;
    std::string m_worker_voice; // the espeak-ng voice loaded now; only the worker touches it
    std::thread m_thread;
};

}
