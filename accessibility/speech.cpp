// The speech service: espeak-ng in synchronous mode on a worker thread, its PCM queued to one SDL audio
// device. See speech.h for the contract; the comments here say why it is built this way.
//
// [SECTION] Pure helpers (voices, rates, spelling SSML)
// [SECTION] Creation and teardown
// [SECTION] The caller's side: say, spell, stop
// [SECTION] The worker: synthesis, recordings, the audio queue
#include "accessibility/speech.h"

#include <SDL.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>

namespace guichet::accessibility {

namespace {

// espeak-ng keeps its whole state in globals: two services would talk over each other.
std::atomic<bool> g_instance_alive { false };

constexpr int bytes_per_sample = 2; // AUDIO_S16SYS, mono

// Below this a sample is taken as silence: espeak-ng's own "silence" is exact zeros, and this keeps
// dithering or a tiny DC offset from counting as sound when measuring the first audible sample.
constexpr int audible_threshold = 64;

std::string espeak_message(espeak_ng_STATUS status)
{
    std::array<char, 512> buffer {};
    espeak_ng_GetStatusCodeMessage(status, buffer.data(), buffer.size());
    return buffer.data();
}

// espeak-ng 1.51 cannot start again after espeak_ng_Terminate (its internal thread is not restarted and the
// next Terminate hangs), so it is initialised once per process, by the first service's worker, and left
// to the process's exit. Only one service exists at a time, so only one thread uses it at a time.
Result<int> start_espeak(const std::filesystem::path& data, int chunk_ms)
{
    static std::mutex mutex;
    static int sample_rate = 0;
    static std::filesystem::path started_with;
    std::lock_guard lock(mutex);
    if (sample_rate > 0) {
        if (!data.empty() && data != started_with)
            return fail("speech: espeak-ng already runs with data from "
                + (started_with.empty() ? std::string("its default folder") : started_with.string())
                + "; a restart is needed to use " + data.string());
        return sample_rate;
    }
    espeak_ng_InitializePath(data.empty() ? nullptr : data.c_str());
    espeak_ng_ERROR_CONTEXT context = nullptr;
    espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    if (status != ENS_OK) {
        espeak_ng_ClearErrorContext(&context);
        return fail("speech: espeak-ng could not start: " + espeak_message(status));
    }
    status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, std::clamp(chunk_ms, 10, 500), nullptr);
    if (status != ENS_OK)
        return fail("speech: espeak-ng output could not start: " + espeak_message(status));
    sample_rate = espeak_ng_GetSampleRate();
    started_with = data;
    return sample_rate;
}

void append_escaped(std::string& ssml, char c)
{
    switch (c) {
    case '<': ssml += "&lt;"; break;
    case '>': ssml += "&gt;"; break;
    case '&': ssml += "&amp;"; break;
    case '"': ssml += "&quot;"; break;
    case '\'': ssml += "&apos;"; break;
    default: ssml += c;
    }
}

}

// [SECTION] Pure helpers (voices, rates, spelling SSML)

std::string_view voice_for_language(std::string_view language)
{
    // The primary subtag picks the voice: European French, British English, European Portuguese and
    // Castilian Spanish, the variants a kiosk in France most likely hears.
    std::string primary;
    for (char c : language) {
        if (c == '-' || c == '_')
            break;
        primary += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static constexpr std::array<std::string_view, 4> known { "fr", "en", "pt", "es" };
    for (std::string_view voice : known) {
        if (primary == voice)
            return voice;
    }
    return "fr";
}

int words_per_minute(SpeechRate rate)
{
    // espeak-ng's default is 175 wpm; a kiosk speaks to people who may hear or understand poorly, so
    // "normal" is a little slower and "slow" is near espeak's floor of intelligibility.
    switch (rate) {
    case SpeechRate::Slow: return 120;
    case SpeechRate::Normal: return 155;
    case SpeechRate::Fast: return 200;
    }
    return 155;
}

std::string spelling_ssml(std::string_view code)
{
    // espeak-ng 1.51 honours <say-as interpret-as="characters"> (letter names: "a, bé, cé"); one element
    // per character with a break makes each one a separate, easy-to-write-down utterance. Dashes and
    // spaces become a longer pause rather than the word "tiret", since the groups are what people copy.
    std::string ssml = "<speak>";
    bool first = true;
    for (char c : code) {
        if (c == '-' || c == ' ' || c == '.' || c == '_') {
            if (!first)
                ssml += "<break time=\"600ms\"/>";
            continue;
        }
        if (!first)
            ssml += "<break time=\"250ms\"/>";
        ssml += "<say-as interpret-as=\"characters\">";
        append_escaped(ssml, c);
        ssml += "</say-as>";
        first = false;
    }
    ssml += "</speak>";
    return ssml;
}

// [SECTION] Creation and teardown

// One utterance on the worker: what the C callback needs to find its way back.
struct Speech::Utterance {
    Speech* speech = nullptr;
    uint64_t generation = 0;
    int volume = 100;
    std::chrono::steady_clock::time_point asked;
    bool heard = false; // a non-silent sample was queued already
    bool interrupted = false;
    std::vector<int16_t> scratch;
};

Speech::Speech(SpeechSettings settings)
    : m_settings(std::move(settings))
{
}

Result<std::unique_ptr<Speech>> Speech::create(SpeechSettings settings)
{
    if (g_instance_alive.exchange(true))
        return fail("speech: another speech service is already running (espeak-ng allows one per process)");
    std::unique_ptr<Speech> speech(new Speech(std::move(settings)));
    speech->m_owns_instance = true;
    // On failure the destructor undoes whatever part was set up.
    if (auto started = speech->start(); !started)
        return std::unexpected(started.error());
    return speech;
}

Result<void> Speech::start()
{
    if (!m_settings.espeak_data.empty()) {
        std::error_code ignored;
        if (!std::filesystem::exists(m_settings.espeak_data / "phontab", ignored))
            return fail("speech: espeak-ng data not found in " + m_settings.espeak_data.string()
                + " (no phontab; is the espeak-ng-data package installed?)");
    }

    // espeak-ng is initialised on the worker, the only thread that ever calls it.
    std::promise<Result<int>> started;
    auto sample_rate = started.get_future();
    m_thread = std::thread([this, &started] { worker(&started); });
    auto rate = sample_rate.get();
    if (!rate)
        return std::unexpected(rate.error());

    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        return fail(std::string("speech: SDL audio could not start: ") + SDL_GetError());
    m_sdl_audio = true;

    auto device = open_device(*rate);
    if (!device)
        return std::unexpected(device.error());
    {
        std::lock_guard lock(m_mutex);
        m_device = *device;
        m_last_sound = std::chrono::steady_clock::now();
        ++m_stats.device_opens;
    }
    m_wake.notify_all(); // the worker starts counting the quiet time
    return {};
}

Result<uint32_t> Speech::open_device(int sample_rate)
{
    SDL_AudioSpec wanted {};
    wanted.freq = sample_rate;
    wanted.format = AUDIO_S16SYS;
    wanted.channels = 1;
    wanted.samples = static_cast<Uint16>(std::clamp(m_settings.device_buffer_samples, 128, 8192));
    // No callback: SDL_QueueAudio's queue is the buffer. SDL_ClearQueuedAudio empties it in one call,
    // under the device lock, which is exactly what an instant stop() needs; a ring buffer of our own
    // would add a second lock and a second place where audio can linger.
    wanted.callback = nullptr;
    SDL_AudioSpec obtained {};
    const char* device_name = m_settings.audio_device.empty() ? nullptr : m_settings.audio_device.c_str();
    // allowed_changes = 0: SDL converts to the hardware if it must, so what we queue is always S16 mono
    // at espeak's rate, and a disk capture has exactly that format.
    SDL_AudioDeviceID device = SDL_OpenAudioDevice(device_name, 0, &wanted, &obtained, 0);
    if (device == 0)
        return fail(std::string("speech: the audio device ")
            + (device_name ? "\"" + m_settings.audio_device + "\"" : std::string("(default)"))
            + " could not be opened: " + SDL_GetError());
    // Set once, before create() returns; a reopened device has the same format (allowed_changes = 0).
    if (m_format.sample_rate == 0)
        m_format = { .sample_rate = obtained.freq, .channels = obtained.channels, .bits_per_sample = 16 };
    // The device runs from now on and plays silence while the queue is empty, so the first sample of an
    // utterance does not wait for a device start-up; after a while of silence the worker closes it.
    SDL_PauseAudioDevice(device, 0);
    return device;
}

Speech::~Speech()
{
    {
        std::lock_guard lock(m_mutex);
        m_shutting_down = true;
        ++m_generation; // an utterance in progress stops at its next chunk
        m_pending.reset();
        if (m_device != 0)
            SDL_ClearQueuedAudio(m_device);
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    if (m_device != 0)
        SDL_CloseAudioDevice(m_device);
    if (m_sdl_audio)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    if (m_owns_instance)
        g_instance_alive = false;
}

// [SECTION] The caller's side: say, spell, stop

void Speech::say(std::string text, SpeechOptions options)
{
    enqueue(Kind::Text, std::move(text), std::move(options));
}

void Speech::spell(std::string code, SpeechOptions options)
{
    enqueue(Kind::Ssml, spelling_ssml(code), std::move(options));
}

void Speech::enqueue(Kind kind, std::string text, SpeechOptions options)
{
    auto asked = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(m_mutex);
        // A newer request replaces any older one, queued or playing: a citizen who moved on must not
        // hear the end of the previous screen.
        uint64_t generation = ++m_generation;
        if (m_device != 0)
            SDL_ClearQueuedAudio(m_device);
        m_pending = Request { .generation = generation, .kind = kind, .text = std::move(text),
            .options = std::move(options), .asked = asked };
        ++m_stats.utterances;
        m_stats.samples_queued = 0;
        m_stats.first_sound_latency.reset();
        m_stats.played_recording = false;
        m_stats.device_reopened = false;
    }
    m_wake.notify_one();
}

void Speech::stop()
{
    std::lock_guard lock(m_mutex);
    ++m_generation;
    m_pending.reset();
    if (m_device != 0)
        SDL_ClearQueuedAudio(m_device);
}

bool Speech::speaking() const
{
    std::lock_guard lock(m_mutex);
    return m_pending.has_value() || m_busy || (m_device != 0 && SDL_GetQueuedAudioSize(m_device) > 0);
}

bool Speech::device_open() const
{
    std::lock_guard lock(m_mutex);
    return m_device != 0;
}

SpeechStats Speech::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

// [SECTION] The worker: synthesis, recordings, the audio queue

void Speech::worker(std::promise<Result<int>>* started)
{
    auto rate = start_espeak(m_settings.espeak_data, m_settings.chunk_ms);
    if (!rate) {
        started->set_value(std::unexpected(rate.error()));
        return;
    }
    // A lambda inside a member may reach the private queue_pcm; espeak-ng calls it from espeak_Synth on
    // this thread. It returns 1 to abort synthesis once the utterance was interrupted. No exception may
    // unwind through espeak-ng's C frames, so an allocation failure aborts the utterance instead.
    espeak_SetSynthCallback([](short* wav, int count, espeak_EVENT* events) noexcept -> int {
        auto* utterance = events ? static_cast<Utterance*>(events->user_data) : nullptr;
        if (!utterance)
            return 0;
        if (!wav || count <= 0)
            return utterance->interrupted ? 1 : 0;
        try {
            return utterance->speech->queue_pcm(*utterance, wav, static_cast<size_t>(count)) ? 0 : 1;
        } catch (...) {
            utterance->interrupted = true;
            return 1;
        }
    });
    started->set_value(*rate);

    while (auto request = next_request()) {
        // Nothing thrown here may reach std::thread (it would terminate the kiosk): log it in the stats.
        try {
            if (reopen_device(*request))
                render(*request);
        } catch (const std::exception& e) {
            std::lock_guard lock(m_mutex);
            m_stats.last_problem = std::string("speech: ") + e.what();
        } catch (...) {
            std::lock_guard lock(m_mutex);
            m_stats.last_problem = "speech: unknown error";
        }
        std::lock_guard lock(m_mutex);
        m_busy = false;
    }
}

std::optional<Speech::Request> Speech::next_request()
{
    using std::chrono::milliseconds;
    auto idle = milliseconds(m_settings.idle_close_ms);
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_shutting_down)
            return std::nullopt;
        if (m_pending) {
            Request request = std::move(*m_pending);
            m_pending.reset();
            m_busy = true;
            return request;
        }
        if (m_device == 0 || idle <= milliseconds(0)) {
            m_wake.wait(lock);
            continue;
        }
        auto now = std::chrono::steady_clock::now();
        if (SDL_GetQueuedAudioSize(m_device) > 0) {
            // Still playing: look again a little later (a wait, not a busy loop; only while speaking).
            m_last_sound = now;
            m_wake.wait_for(lock, std::min(idle, milliseconds(250)));
            continue;
        }
        if (now - m_last_sound < idle) {
            m_wake.wait_until(lock, m_last_sound + idle);
            continue;
        }
        // Quiet long enough: close the device, so no thread wakes every period to write silence. Closing
        // joins SDL's audio thread, so it is done with the lock released; say() and stop() meanwhile
        // see no device and have nothing to clear.
        SDL_AudioDeviceID device = std::exchange(m_device, 0);
        lock.unlock();
        SDL_CloseAudioDevice(device);
        lock.lock();
    }
}

bool Speech::reopen_device(const Request& request)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_device != 0)
            return true;
    }
    auto device = open_device(m_format.sample_rate);
    std::lock_guard lock(m_mutex);
    if (!device) {
        m_stats.last_problem = device.error().message;
        return false;
    }
    m_device = *device;
    m_last_sound = std::chrono::steady_clock::now();
    ++m_stats.device_opens;
    if (request.generation == m_generation)
        m_stats.device_reopened = true;
    return true;
}

void Speech::render(const Request& request)
{
    Utterance utterance { .speech = this, .generation = request.generation,
        .volume = std::clamp(request.options.volume, 0, 100), .asked = request.asked };

    if (!request.options.recording_id.empty() && !m_settings.recordings_dir.empty()
        && play_recording(request, utterance))
        return;

    // Loading a voice reads its dictionary; do it only when the language changes.
    std::string voice(voice_for_language(request.options.language));
    if (voice != m_worker_voice) {
        if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) {
            std::lock_guard lock(m_mutex);
            m_stats.last_problem = "speech: espeak-ng has no voice \"" + voice + "\"";
            if (voice == "fr" || espeak_SetVoiceByName("fr") != EE_OK)
                return;
            voice = "fr";
        }
        m_worker_voice = voice;
    }
    espeak_SetParameter(espeakRATE, words_per_minute(request.options.rate), 0);

    unsigned flags = espeakCHARS_UTF8 | (request.kind == Kind::Ssml ? espeakSSML : 0);
    espeak_Synth(request.text.c_str(), request.text.size() + 1, 0, POS_CHARACTER, 0, flags, nullptr, &utterance);
    if (utterance.interrupted) {
        // An aborted synthesis can leave the rest of the text queued inside espeak-ng.
        espeak_Cancel();
    }
}

bool Speech::play_recording(const Request& request, Utterance& utterance)
{
    auto file = m_settings.recordings_dir / std::string(voice_for_language(request.options.language))
        / (request.options.recording_id + ".wav");
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(file, ignored))
        return false;

    SDL_AudioSpec spec {};
    Uint8* data = nullptr;
    Uint32 length = 0;
    if (!SDL_LoadWAV(file.c_str(), &spec, &data, &length)) {
        std::lock_guard lock(m_mutex);
        m_stats.last_problem = "speech: recording " + file.string() + " could not be read: " + SDL_GetError();
        return false;
    }
    std::unique_ptr<Uint8, decltype(&SDL_FreeWAV)> wav(data, &SDL_FreeWAV);

    SDL_AudioCVT cvt {};
    if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_S16SYS, 1, m_format.sample_rate) < 0) {
        std::lock_guard lock(m_mutex);
        m_stats.last_problem = "speech: recording " + file.string() + " cannot be converted: " + SDL_GetError();
        return false;
    }
    std::vector<Uint8> buffer(static_cast<size_t>(length) * static_cast<size_t>(std::max(cvt.len_mult, 1)));
    std::memcpy(buffer.data(), wav.get(), length);
    cvt.buf = buffer.data();
    cvt.len = static_cast<int>(length);
    if (cvt.needed && SDL_ConvertAudio(&cvt) != 0) {
        std::lock_guard lock(m_mutex);
        m_stats.last_problem = "speech: recording " + file.string() + " cannot be converted: " + SDL_GetError();
        return false;
    }
    size_t samples = static_cast<size_t>(cvt.needed ? cvt.len_cvt : cvt.len) / bytes_per_sample;
    std::vector<int16_t> pcm(samples);
    std::memcpy(pcm.data(), buffer.data(), samples * bytes_per_sample);
    {
        std::lock_guard lock(m_mutex);
        if (utterance.generation == m_generation)
            m_stats.played_recording = true;
    }

    // In chunks like espeak's, so a stop() between two of them drops the rest.
    size_t chunk = static_cast<size_t>(m_format.sample_rate) * static_cast<size_t>(std::clamp(m_settings.chunk_ms, 10, 500)) / 1000;
    for (size_t offset = 0; offset < pcm.size(); offset += chunk) {
        if (!queue_pcm(utterance, pcm.data() + offset, std::min(chunk, pcm.size() - offset)))
            break;
    }
    return true;
}

bool Speech::queue_pcm(Utterance& utterance, const int16_t* samples, size_t count)
{
    // Volume is applied here rather than through espeakVOLUME so that it is exact (0 is true silence)
    // and the same for synthesized speech and recordings.
    auto& scaled = utterance.scratch;
    scaled.resize(count);
    bool audible = false;
    for (size_t i = 0; i < count; ++i) {
        scaled[i] = static_cast<int16_t>(samples[i] * utterance.volume / 100);
        audible = audible || std::abs(scaled[i]) >= audible_threshold;
    }

    // Checked and queued under the lock that stop() and say() take to clear the queue: either this
    // chunk is queued before the clear (and cleared with the rest), or it sees the new generation.
    std::lock_guard lock(m_mutex);
    if (utterance.generation != m_generation) {
        utterance.interrupted = true;
        return false;
    }
    if (SDL_QueueAudio(m_device, scaled.data(), static_cast<Uint32>(count * bytes_per_sample)) != 0) {
        m_stats.last_problem = std::string("speech: audio queue refused: ") + SDL_GetError();
        utterance.interrupted = true;
        return false;
    }
    m_stats.samples_queued += count;
    m_last_sound = std::chrono::steady_clock::now();
    if (audible && !utterance.heard) {
        utterance.heard = true;
        m_stats.first_sound_latency = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - utterance.asked);
    }
    return true;
}

}
