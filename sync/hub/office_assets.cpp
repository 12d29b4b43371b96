// The back office's static files: loaded once, served from memory (office_assets.h).
#include "sync/hub/office_assets.h"

#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"

#include <sodium.h>

#include <fstream>
#include <sstream>

namespace guichet::sync::hub {
namespace {

constexpr size_t max_assets_bytes = 64 * 1024 * 1024;

bool ends_with(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

// Vendor folders carry their version in their name (assets.txt): their files never change under one URL.
bool is_versioned(std::string_view path)
{
    return path.starts_with(std::string(dsfr_dir) + "/") || path.starts_with(std::string(libsodium_dir) + "/");
}

bool is_safe_path(std::string_view path)
{
    if (path.empty() || path.size() > 200 || path.front() == '/' || path.find("..") != std::string_view::npos)
        return false;
    for (char c : path)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/'))
            return false;
    return true;
}

}

std::string mime_type_of(std::string_view path)
{
    static constexpr std::pair<std::string_view, std::string_view> types[] = {
        { ".css", "text/css; charset=utf-8" },
        { ".js", "text/javascript; charset=utf-8" },
        { ".mjs", "text/javascript; charset=utf-8" },
        { ".woff2", "font/woff2" },
        { ".woff", "font/woff" },
        { ".svg", "image/svg+xml" },
        { ".png", "image/png" },
        { ".ico", "image/x-icon" },
        { ".json", "application/json" },
        { ".webmanifest", "application/manifest+json" },
        { ".txt", "text/plain; charset=utf-8" },
    };
    for (auto& [extension, type] : types)
        if (ends_with(path, extension))
            return std::string(type);
    return "application/octet-stream";
}

Result<OfficeAssets> OfficeAssets::load(const std::filesystem::path& dir)
{
    std::error_code error;
    if (!std::filesystem::is_directory(dir, error))
        return fail("the back office's files are not at '" + dir.string()
            + "': build the hub (its build runs npm ci and assembles them in BUILD/office-assets), install the "
              "guichet-hub package (/usr/share/guichet-hub/office), or name the folder with --office-assets DIR");
    OfficeAssets assets;
    size_t total = 0;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, error); !error && it != std::filesystem::recursive_directory_iterator();
         it.increment(error)) {
        if (!it->is_regular_file(error))
            continue;
        auto relative = std::filesystem::relative(it->path(), dir, error).generic_string();
        if (error)
            break;
        if (!is_safe_path(relative))
            continue; // a stray file with an odd name is not served
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        if (!in && !in.eof())
            return fail("cannot read '" + it->path().string() + "'");
        StaticFile file;
        file.body = std::move(content).str();
        total += file.body.size();
        if (total > max_assets_bytes)
            return fail("the back office's files at '" + dir.string() + "' are larger than 64 MiB: is this the right folder?");
        unsigned char digest[16];
        crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(file.body.data()), file.body.size(), nullptr, 0);
        file.etag = "\"" + hex(digest) + "\"";
        file.mime = mime_type_of(relative);
        file.immutable = is_versioned(relative);
        assets.m_files.emplace(relative, std::move(file));
    }
    if (error)
        return fail("cannot list the back office's files at '" + dir.string() + "': " + error.message());
    if (!assets.find(std::string(dsfr_dir) + "/dsfr.min.css"))
        return fail("the back office's files at '" + dir.string() + "' lack " + std::string(dsfr_dir)
            + "/dsfr.min.css: is this the folder the build assembled (BUILD/office-assets)?");
    return assets;
}

const StaticFile* OfficeAssets::find(std::string_view path) const
{
    auto found = m_files.find(path);
    return found == m_files.end() ? nullptr : &found->second;
}

void install_static_routes(GatedServer& http, OfficeContext& context)
{
    http.Get(R"(/office/static/(.+))", [&context](const httplib::Request& req, httplib::Response& res) {
        std::string_view path = req.matches[1].first == req.matches[1].second ? std::string_view() : std::string_view(&*req.matches[1].first, req.matches[1].length());
        const StaticFile* file = is_safe_path(path) ? context.assets->find(path) : nullptr;
        if (!file) {
            res.status = 404;
            res.set_content("Fichier introuvable.\n", "text/plain; charset=utf-8");
            return;
        }
        // Vendor files live under a versioned folder and never change; ours are checked again each time
        // (a cheap 304), so an upgraded hub serves its new scripts at once.
        res.set_header("Cache-Control", file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
        res.set_header("ETag", file->etag);
        if (req.get_header_value("If-None-Match") == file->etag) {
            res.status = 304;
            return;
        }
        res.status = 200;
        res.set_content(file->body, file->mime);
    });
}

}
