// The back office's static files (DSFR, libsodium.js, our office.css and app/*.js), read into memory once
// at start from the directory the build assembles (sync/hub/office/CMakeLists.txt, assets.txt) and served
// at /office/static/<path>. Nothing is read from disk per request, and only the listed files exist.
#pragma once
#include "kiosk/core/result.h"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace guichet::sync::hub {

struct StaticFile {
    std::string body;
    std::string mime;      // with "; charset=utf-8" for text
    std::string etag;      // "\"<BLAKE2b-128 hex>\""
    bool immutable = false; // vendor files under a versioned folder: cached for a year
};

class OfficeAssets {
public:
    // Reads every regular file under `dir` (at most 64 MiB in all). A missing directory is an error that
    // says how to get it (build the hub; or install the package; or --office-assets DIR).
    static Result<OfficeAssets> load(const std::filesystem::path& dir);

    // The file at `path` (relative, '/'-separated, e.g. "dsfr-1.15.3/dist/dsfr.min.css"), or nullptr.
    const StaticFile* find(std::string_view path) const;
    size_t size() const { return m_files.size(); }

private:
    std::map<std::string, StaticFile, std::less<>> m_files;
};

// The MIME type for a file name's extension (.css, .js/.mjs → text/javascript, .woff2, .svg, .png, .ico,
// .json, .webmanifest); application/octet-stream otherwise.
std::string mime_type_of(std::string_view path);

}
