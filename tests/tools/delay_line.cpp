// The per-direction delay queue of a connection; see delay_line.h.
#include "delay_line.h"

#include <algorithm>

namespace guichet::tools {

TimePoint DelayLine::push(std::span<const char> bytes, TimePoint departed, Duration hold_back)
{
    TimePoint release = std::max(departed + m_delay + hold_back, m_last_release);
    m_last_release = release;
    if (bytes.empty())
        return release;
    m_chunks.push_back({ std::vector<char>(bytes.begin(), bytes.end()), release });
    m_queued += bytes.size();
    return release;
}

std::optional<TimePoint> DelayLine::next_release() const
{
    if (m_chunks.empty())
        return std::nullopt;
    return m_chunks.front().release;
}

bool DelayLine::front_due(TimePoint now) const
{
    return !m_chunks.empty() && m_chunks.front().release <= now;
}

std::span<const char> DelayLine::front_unsent() const
{
    if (m_chunks.empty())
        return {};
    const Chunk& front = m_chunks.front();
    return std::span<const char>(front.bytes).subspan(front.sent);
}

void DelayLine::consume(size_t bytes)
{
    while (bytes > 0 && !m_chunks.empty()) {
        Chunk& front = m_chunks.front();
        size_t step = std::min(bytes, front.bytes.size() - front.sent);
        front.sent += step;
        m_queued -= step;
        bytes -= step;
        if (front.sent == front.bytes.size())
            m_chunks.pop_front();
    }
}

void DelayLine::keep_first(size_t bytes)
{
    size_t kept = 0;
    auto chunk = m_chunks.begin();
    for (; chunk != m_chunks.end(); ++chunk) {
        size_t unsent = chunk->bytes.size() - chunk->sent;
        if (kept + unsent > bytes) {
            chunk->bytes.resize(chunk->sent + (bytes - kept));
            kept = bytes;
            if (chunk->bytes.size() > chunk->sent)
                ++chunk;
            break;
        }
        kept += unsent;
    }
    m_chunks.erase(chunk, m_chunks.end());
    m_queued = kept;
}

}
