// `guichetctl print-test` and `print-render` (see print_test.h).
#include "kiosk/ctl/print_test.h"

#include "devices/escpos_render.h"
#include "devices/printing.h"
#include "kiosk/core/config.h"
#include "kiosk/core/input_limits.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace guichet::ctl {

namespace {

// A receipt that says it is a test: nothing of a citizen, the service point's own lines.
devices::PrintedReceipt test_receipt(const Config& config)
{
    auto now = std::time(nullptr);
    std::tm local {};
    localtime_r(&now, &local);
    char when[32];
    std::strftime(when, sizeof when, "%d/%m/%Y %H:%M", &local);
    devices::PrintedReceipt paper;
    paper.place = config.kiosk.place_name;
    paper.date_time = when;
    paper.procedure = "Test de l’imprimante — Guichet";
    paper.code_label = "Numéro d’essai";
    paper.code = "TEST-0000";
    paper.code_spelled = "T E S T - 0 0 0 0";
    paper.qr_text = "TEST-0000";
    paper.qr_caption = "Ce code QR doit se lire avec un téléphone.";
    paper.sections.push_back({ "Accents", { "àâäçéèêëîïôöùûüÿœ ÀÂÇÉÈÊÎÔÙÛ « guillemets » 12,50 €" } });
    paper.footer = config.kiosk.opening_hours;
    return paper;
}

}

int print_test(const std::string& config_path, bool json)
{
    auto config = load_config(config_path);
    if (!config) {
        std::fprintf(stderr, "guichetctl: %s\n", config.error().message.c_str());
        return 2;
    }
    auto settings = devices::printer_settings(config->printer);
    if (settings.kind == devices::PrinterKind::None) {
        std::fprintf(stderr, "guichetctl: no printer is configured ('printer.kind' is \"none\" in %s)\n", config_path.c_str());
        return 2;
    }
    auto status = devices::printer_status(settings);
    auto started = std::chrono::steady_clock::now();
    auto job = devices::print_receipt(settings, test_receipt(*config));
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    std::string where = settings.device.empty() ? "CUPS " + (settings.queue.empty() ? std::string("(default queue)") : settings.queue) : settings.device;
    if (json) {
        nlohmann::json result { { "kind", devices::kind_name(settings.kind) }, { "where", where },
            { "state", devices::state_name(status.state) }, { "ok", job.has_value() }, { "ms", millis } };
        if (status.state == devices::PrinterState::Problem)
            result["state_problem"] = devices::problem_name(status.problem);
        if (!status.detail.empty())
            result["state_detail"] = status.detail;
        if (job) {
            result["bytes"] = job->bytes;
            if (job->cups_job_id)
                result["cups_job"] = job->cups_job_id;
        } else {
            result["problem"] = devices::problem_name(job.error().problem);
            result["detail"] = job.error().detail;
        }
        std::printf("%s\n", result.dump(2).c_str());
        return job ? 0 : 1;
    }
    std::printf("printer: %s, %s\n", std::string(devices::kind_name(settings.kind)).c_str(), where.c_str());
    std::printf("state: %s%s%s\n", std::string(devices::state_name(status.state)).c_str(),
        status.state == devices::PrinterState::Problem ? (" (" + std::string(devices::problem_name(status.problem)) + ")").c_str() : "",
        status.detail.empty() ? "" : (", " + status.detail).c_str());
    if (!job) {
        std::printf("test receipt: not printed: %s: %s\n", std::string(devices::problem_name(job.error().problem)).c_str(),
            job.error().detail.c_str());
        return 1;
    }
    std::printf("test receipt: %zu bytes accepted in %lld ms%s\n", job->bytes, static_cast<long long>(millis),
        job->cups_job_id ? (" (CUPS job " + std::to_string(job->cups_job_id) + ")").c_str() : "");
    return 0;
}

int print_render(const std::string& in, const std::string& out, int paper_mm)
{
    // A receipt is a few KB; a megabyte is far past any we print, and refuses a wrong file quickly.
    auto bytes = read_file_at_most(in, 1 << 20, "an ESC/POS file");
    if (!bytes) {
        std::fprintf(stderr, "guichetctl: cannot read %s: %s\n", in.c_str(), bytes.error().reason.c_str());
        return 1;
    }
    std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
    auto document = devices::decode_escpos(data);
    for (auto& problem : document.problems)
        std::fprintf(stderr, "guichetctl: %s: %s\n", in.c_str(), problem.c_str());
    auto png = devices::render_escpos_png(data, paper_mm);
    if (!png) {
        std::fprintf(stderr, "guichetctl: cannot render %s: %s\n", in.c_str(), png.error().message.c_str());
        return 1;
    }
    std::ofstream file(out, std::ios::binary);
    file.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
    if (!file) {
        std::fprintf(stderr, "guichetctl: cannot write %s\n", out.c_str());
        return 1;
    }
    std::printf("%s: %zu bytes, %d cut(s), %zu QR code(s), %zu picture(s) -> %s\n", in.c_str(), bytes->size(), document.cuts,
        document.qr_payloads.size(), document.rasters.size(), out.c_str());
    return document.problems.empty() ? 0 : 1;
}

}
