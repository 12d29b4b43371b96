// Capturing and measuring speech (SDL's disk driver: 22,050 Hz, 16-bit mono): where the sound is, how
// loud, and how alike two utterances are. Shared by the speech service's tests and the voice guide's.
#pragma once
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace guichet::testing::audio {

inline constexpr int audible = 100; // |sample| from which a sample counts as sound
inline constexpr int rate = 22050;  // espeak-ng's rate: the device is opened at it

// Points SDL's disk driver at a fresh file for the next audio device opened in this process, and
// removes the file afterwards. Must exist before the device opens: SDL reads the variables then.
class Capture {
public:
    explicit Capture(const std::string& name)
        : m_file(std::filesystem::temp_directory_path()
              / ("guichet_audio_" + name + "_" + std::to_string(::getpid()) + ".raw"))
    {
        std::filesystem::remove(m_file);
        ::setenv("SDL_AUDIODRIVER", "disk", 1);
        ::setenv("SDL_DISKAUDIOFILE", m_file.c_str(), 1);
    }
    ~Capture() { std::filesystem::remove(m_file); }
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    // Samples in the file so far. The disk driver writes one device period after another, in real time,
    // through stdio: the file lags what the device played by up to 4 KiB (93 ms).
    size_t written() const
    {
        std::error_code error;
        auto bytes = std::filesystem::file_size(m_file, error);
        return error ? 0 : size_t(bytes / 2);
    }
    uintmax_t size() const { return std::filesystem::file_size(m_file); }

    // Everything from sample `from` on. Only complete once the device that wrote it closed (the Speech
    // or the App that spoke is destroyed).
    std::vector<int16_t> samples(size_t from = 0) const
    {
        std::ifstream in(m_file, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::vector<int16_t> result(bytes.size() / 2);
        std::memcpy(result.data(), bytes.data(), result.size() * 2);
        from = std::min(from, result.size());
        return { result.begin() + long(from), result.end() };
    }

private:
    std::filesystem::path m_file;
};

struct Span {
    size_t first = 0;
    size_t last = 0; // one past the last audible sample
    size_t length() const { return last - first; }
    double seconds() const { return double(length()) / rate; }
};

// From the first to the last audible sample.
inline Span audible_span(const std::vector<int16_t>& pcm)
{
    Span span;
    size_t i = 0;
    while (i < pcm.size() && std::abs(pcm[i]) < audible)
        ++i;
    if (i == pcm.size())
        return span;
    span.first = i;
    size_t j = pcm.size();
    while (j > i && std::abs(pcm[j - 1]) < audible)
        --j;
    span.last = j;
    return span;
}

inline std::vector<int16_t> trimmed(const std::vector<int16_t>& pcm)
{
    Span span = audible_span(pcm);
    return { pcm.begin() + long(span.first), pcm.begin() + long(span.last) };
}

inline double rms(const std::vector<int16_t>& pcm)
{
    if (pcm.empty())
        return 0;
    double sum = 0;
    for (int16_t s : pcm)
        sum += double(s) * s;
    return std::sqrt(sum / double(pcm.size()));
}

inline double pearson(const std::vector<double>& x, const std::vector<double>& y)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        mx += x[i] / double(x.size());
        my += y[i] / double(y.size());
    }
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

// How alike two utterances are: the mean of the correlations of their loudness envelopes (RMS over
// 10 ms windows) and of their zero-crossing rates (a rough measure of which sounds are made), from their
// first sample. 1 for the same speech; the waveforms themselves cannot be compared, as espeak-ng's
// random aspiration noise shifts them by a few samples.
inline double similarity(const std::vector<int16_t>& a, const std::vector<int16_t>& b)
{
    const size_t window = rate / 100;
    std::vector<double> loud_a, loud_b, zcr_a, zcr_b;
    auto measure = [&](const std::vector<int16_t>& pcm, size_t at, std::vector<double>& loud, std::vector<double>& zcr) {
        std::vector<int16_t> part(pcm.begin() + long(at), pcm.begin() + long(at + window));
        int crossings = 0;
        for (size_t k = 1; k < part.size(); ++k)
            crossings += (part[k - 1] < 0) != (part[k] < 0);
        loud.push_back(rms(part));
        zcr.push_back(crossings);
    };
    for (size_t i = 0; i + window <= std::min(a.size(), b.size()); i += window) {
        measure(a, i, loud_a, zcr_a);
        measure(b, i, loud_b, zcr_b);
    }
    return (pearson(loud_a, loud_b) + pearson(zcr_a, zcr_b)) / 2;
}

}
