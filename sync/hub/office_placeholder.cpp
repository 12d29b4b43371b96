// TEMPORARY, to be deleted when the inbox (office_cases.cpp, another work package) is merged: a minimal
// /office/demandes so that signing in lands on a real page of the layout. Delete this file, its line in
// CMakeLists.txt and its call in install_office_routes (office_routes.cpp).
#include "sync/hub/office_html.h"
#include "sync/hub/office_routes.h"
#include "sync/hub/office_session.h"

namespace guichet::sync::hub {

void install_placeholder_routes(GatedServer& http, OfficeContext& context)
{
    http.Get("/office/demandes", [&context](const httplib::Request& req, httplib::Response& res) {
        auto session = require_session(req, res, context, Need::Agent);
        if (!session)
            return;
        std::string main = R"(<h1>Demandes</h1><div class="fr-alert fr-alert--info"><p>)"
                           R"(Page provisoire : la liste des demandes n’est pas encore construite dans cette version de travail.</p></div>)";
        res.status = 200;
        res.set_content(page({ .title = "Demandes", .session = &*session, .active = Nav::Demandes,
                                .scripts = { "app/office.js" }, .body_page = "demandes" },
                            main),
            "text/html; charset=utf-8");
    });
}

}
