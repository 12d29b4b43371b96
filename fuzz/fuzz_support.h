// Helpers shared by the libFuzzer targets (docs/fuzzing.md): an in-memory file, so a target can hand
// its input to the same load_*() function the program calls on a path, without touching the disk.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace guichet::fuzz {

// A memfd reached through /proc/self/fd: each open() starts at offset 0 and sees the last write.
class MemoryFile {
public:
    MemoryFile()
        : m_fd(memfd_create("guichet-fuzz", 0))
    {
        if (m_fd < 0)
            std::abort();
    }
    ~MemoryFile() { close(m_fd); }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    const std::filesystem::path& write(const uint8_t* data, size_t size)
    {
        if (ftruncate(m_fd, 0) != 0)
            std::abort();
        size_t done = 0;
        while (done < size) {
            auto wrote = pwrite(m_fd, data + done, size - done, static_cast<off_t>(done));
            if (wrote <= 0)
                std::abort();
            done += static_cast<size_t>(wrote);
        }
        return m_path;
    }

private:
    int m_fd;
    std::filesystem::path m_path { "/proc/self/fd/" + std::to_string(m_fd) };
};

inline std::string_view as_text(const uint8_t* data, size_t size)
{
    return { reinterpret_cast<const char*>(data), size };
}

}
