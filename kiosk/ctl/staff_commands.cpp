// guichetctl's staff commands: setting a PIN and reading the audit log.
#include "kiosk/ctl/staff_commands.h"

#include "kiosk/core/command_line.h"
#include "kiosk/core/config.h"
#include "kiosk/staff/staff_store.h"
#include "sync/outbox.h"

#include <nlohmann/json.hpp>

#include <sodium.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <unistd.h>

namespace guichet::ctl {

namespace {

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

int complain(int code, const std::string& message)
{
    std::fprintf(stderr, "guichetctl: %s\n", message.c_str());
    return code;
}

Result<staff::StaffStore> open_store(const std::string& config_path)
{
    auto config = load_config(config_path);
    if (!config)
        return std::unexpected(config.error());
    return staff::StaffStore::open(config->storage.staff,
        { .lockout_after = config->staff.lockout_after, .lockout_s = config->staff.lockout_s });
}

}

int set_pin(const std::string& config_path, const std::string& role_text)
{
    auto role = staff::parse_role(role_text);
    if (!role)
        return complain(2, "the role is 'mediator' or 'technician', not '" + role_text + "'");
    auto store = open_store(config_path);
    if (!store)
        return complain(store.error().message.starts_with("the staff database") ? 1 : 2, store.error().message);
    auto pin = read_secret_line(std::cin, isatty(STDIN_FILENO), "New PIN (6 to 12 digits): ", std::cerr);
    if (isatty(STDIN_FILENO)) {
        auto again = read_secret_line(std::cin, isatty(STDIN_FILENO), "The same PIN again: ", std::cerr);
        bool same = again == pin;
        sodium_memzero(again.data(), again.size());
        if (!same) {
            sodium_memzero(pin.data(), pin.size());
            return complain(1, "the two PINs differ; nothing was changed");
        }
    }
    auto set = store->set_pin(*role, pin, now());
    sodium_memzero(pin.data(), pin.size());
    if (!set)
        return complain(1, set.error().message);
    std::printf("the %s PIN is set\n", std::string(staff::role_name(*role)).c_str());
    return 0;
}

int print_audit(const std::string& config_path, bool json, size_t limit)
{
    auto store = open_store(config_path);
    if (!store)
        return complain(1, store.error().message);
    auto entries = store->audit_log(limit);
    if (!entries)
        return complain(1, entries.error().message);
    if (json) {
        auto out = nlohmann::json::array();
        for (auto& entry : *entries)
            out.push_back(nlohmann::json { { "at", sync::rfc3339_utc(entry.at) }, { "role", entry.role }, { "action", entry.action },
                { "detail", entry.detail } });
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%-20s  %-10s  %-20s  %s\n", "WHEN (UTC)", "ROLE", "ACTION", "DETAIL");
    for (auto& entry : *entries)
        std::printf("%-20s  %-10s  %-20s  %s\n", sync::rfc3339_utc(entry.at).c_str(),
            entry.role.empty() ? "-" : entry.role.c_str(), entry.action.c_str(), entry.detail.c_str());
    return 0;
}

}
