// A byte buffer for a scan's raw pixels: zeroed (sodium_memzero) when it is dropped and when it grows, so
// no copy of a citizen's page is left behind in freed memory. Move-only: one owner, one wipe.
#pragma once
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>

namespace guichet::devices {

class WipedBuffer {
public:
    WipedBuffer() = default;
    explicit WipedBuffer(size_t size) { resize(size); }
    WipedBuffer(const WipedBuffer&) = delete;
    WipedBuffer& operator=(const WipedBuffer&) = delete;
    WipedBuffer(WipedBuffer&& other) noexcept
        : m_bytes(std::move(other.m_bytes))
        , m_size(std::exchange(other.m_size, 0))
    {
    }
    WipedBuffer& operator=(WipedBuffer&& other) noexcept
    {
        wipe();
        m_bytes = std::move(other.m_bytes);
        m_size = std::exchange(other.m_size, 0);
        return *this;
    }
    ~WipedBuffer() { wipe(); }

    uint8_t* data() { return m_bytes.get(); }
    const uint8_t* data() const { return m_bytes.get(); }
    size_t size() const { return m_size; }

    // New storage of `size` bytes holding the old bytes that fit; the old storage is wiped before it is
    // freed (std::vector's growth would free it as it is). New bytes are zero.
    void resize(size_t size)
    {
        if (size == m_size)
            return;
        auto bytes = std::make_unique<uint8_t[]>(size);
        if (m_bytes)
            std::memcpy(bytes.get(), m_bytes.get(), std::min(size, m_size));
        wipe();
        m_bytes = std::move(bytes);
        m_size = size;
    }

    void wipe()
    {
        if (m_bytes)
            sodium_memzero(m_bytes.get(), m_size);
        m_bytes.reset();
        m_size = 0;
    }

private:
    std::unique_ptr<uint8_t[]> m_bytes;
    size_t m_size = 0;
};

}
