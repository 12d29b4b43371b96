// Content-pack routes of the hub.
#include "sync/hub/pack_routes.h"

#include "sync/hub/pack_tools.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace guichet::sync::hub {
namespace {

void send_error(httplib::Response& res, int status, const std::string& message)
{
    res.status = status;
    res.set_content(nlohmann::json { { "error", message } }.dump(), "application/json");
}

// An open file that closes itself once the last chunk of the answer went out.
struct OpenFile {
    int fd = -1;
    ~OpenFile()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

bool etag_matches(const std::string& header, const std::string& etag)
{
    if (header == "*")
        return true;
    // A list of tags, possibly weak (W/"..."): a match anywhere is a match.
    return !header.empty() && header.find(etag) != std::string::npos;
}

}

std::string manifest_etag(const std::string& envelope)
{
    return "\"" + pack::to_hex(pack::hash_bytes(envelope)).substr(0, 32) + "\"";
}

void install_pack_routes(httplib::Server& http, std::optional<std::filesystem::path> depot_dir, Authenticator authenticate)
{
    auto depot = depot_dir ? std::make_shared<PackDepot>(*depot_dir) : nullptr;

    http.Get(R"(/v1/packs/([a-z0-9-]{1,64})/manifest)", [depot, authenticate](const httplib::Request& req, httplib::Response& res) {
        if (!authenticate(req, res))
            return;
        std::string channel = req.matches[1];
        if (!depot)
            return send_error(res, 404, "this hub serves no content packs (it was started without --packs)");
        auto envelope = depot->manifest(channel);
        if (!envelope)
            return send_error(res, 404, "no pack is published on channel '" + channel + "'");
        auto etag = manifest_etag(*envelope);
        res.set_header("ETag", etag);
        res.set_header("Cache-Control", "no-cache");
        if (etag_matches(req.get_header_value("If-None-Match"), etag)) {
            res.status = 304;
            return;
        }
        res.status = 200;
        res.set_content(*envelope, "application/json");
    });

    http.Get(R"(/v1/blobs/([0-9a-f]{64}))", [depot, authenticate](const httplib::Request& req, httplib::Response& res) {
        if (!authenticate(req, res))
            return;
        if (!depot)
            return send_error(res, 404, "this hub serves no content packs (it was started without --packs)");
        std::string hash = req.matches[1];
        auto file = std::make_shared<OpenFile>();
        file->fd = ::open(depot->blob_path(hash).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat info {};
        if (file->fd < 0 || ::fstat(file->fd, &info) != 0 || !S_ISREG(info.st_mode))
            return send_error(res, 404, "no published file has the hash " + hash);
        // Content-addressed: the bytes under this name never change.
        res.set_header("Cache-Control", "public, max-age=31536000, immutable");
        res.status = 200;
        res.set_content_provider(static_cast<size_t>(info.st_size), "application/octet-stream",
            [file](size_t offset, size_t length, httplib::DataSink& sink) {
                std::array<char, 64 * 1024> buffer;
                auto n = ::pread(file->fd, buffer.data(), std::min(length, buffer.size()), static_cast<off_t>(offset));
                if (n <= 0)
                    return false; // the file shrank: the connection is cut, the kiosk sees a short body
                return sink.write(buffer.data(), static_cast<size_t>(n));
            });
    });
}

}
