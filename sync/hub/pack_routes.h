// The hub's content-pack routes (sync protocol v1): GET /v1/packs/{channel}/manifest with ETag and
// If-None-Match -> 304, and GET /v1/blobs/{hash}, both behind the kiosk's bearer token.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace guichet::sync::hub {

// Answers 401 itself and returns nullopt when the request's token is not a kiosk's.
using Authenticator = std::function<std::optional<std::string>(const httplib::Request&, httplib::Response&)>;

// Serves the packs `guichet-hub pack publish` put in `depot_dir`. Without a depot the routes answer
// 404 with a reason.
void install_pack_routes(httplib::Server&, std::optional<std::filesystem::path> depot_dir, Authenticator);

// The manifest's ETag: a quoted BLAKE2b hash of the envelope's bytes.
std::string manifest_etag(const std::string& envelope);

}
