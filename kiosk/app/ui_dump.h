// The frame's semantic tree as a JSON file: `--dump-ui FILE` keeps one up to date, and a script's
// `dump-ui` writes one.
#pragma once
#include "kiosk/core/result.h"
#include "kiosk/core/ui_tree.h"

#include <filesystem>
#include <string>

namespace guichet::app {

class UiDumpFile {
public:
    // An empty path: no file is kept.
    explicit UiDumpFile(std::filesystem::path path)
        : m_path(std::move(path))
    {
    }
    // Rewrites the file when the tree changed since the last write.
    void update(const UiTree&);
    static Result<void> write(const std::filesystem::path&, const UiTree&);

private:
    std::filesystem::path m_path;
    std::string m_last;
};

}
