// `guichetctl diagnose`: reads the kiosk's configuration and token, runs the network diagnostics and
// prints each step as it ends, so a technician watching a slow link sees where it waits.
#include "kiosk/ctl/diagnose.h"

#include "kiosk/core/config.h"
#include "sync/diagnostics.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace guichet::ctl {

int diagnose(const std::string& config_path, bool json)
{
    auto config = load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "guichetctl: %s\n", config.error().message.c_str());
        return 2;
    }
    sync::DiagnosticsRequest request;
    request.link.hub_url = config->sync.hub_url;
    request.link.ca_file = config->sync.ca_file;
    request.kiosk = config->kiosk.id;
    if (auto token = read_kiosk_token(config->sync))
        request.link.token = *token;
    else
        request.token_problem = token.error().message;

    if (!json) {
        std::printf("Network diagnostics: kiosk '%s', hub %s\n", request.kiosk.c_str(),
            request.link.hub_url.empty() ? "(none configured)" : request.link.hub_url.c_str());
        std::fflush(stdout);
    }
    int number = 0;
    auto print = [&](const sync::DiagnosticStep& step) {
        ++number;
        if (json)
            return;
        std::string time = step.result == sync::StepResult::NotTried || step.result == sync::StepResult::NotNeeded
            ? std::string()
            : std::to_string(step.elapsed.count() / 1000) + "." + std::to_string(step.elapsed.count() / 100 % 10) + " ms";
        std::printf("%d. %-30s %-10s %10s  %s\n", number, step.title.c_str(), std::string(sync::result_name(step.result)).c_str(),
            time.c_str(), step.detail.c_str());
        std::fflush(stdout);
    };
    auto steps = sync::run_diagnostics(request, print);
    bool passed = sync::diagnostics_passed(steps);
    if (json) {
        auto out = nlohmann::json::array();
        for (auto& step : steps)
            out.push_back({ { "step", step.title }, { "result", sync::result_name(step.result) },
                { "elapsed_ms", static_cast<double>(step.elapsed.count()) / 1000.0 }, { "detail", step.detail } });
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("%s\n", passed ? "Every step passed: this kiosk can reach its hub." : "A step failed: see its line above.");
    }
    return passed ? 0 : 1;
}

}
