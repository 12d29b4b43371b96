// How long one staff PIN check takes with the chosen Argon2id cost, and what the lockout rules make
// of a brute force of a 6-digit PIN. Prints numbers; nothing here passes or fails.
#include "kiosk/staff/staff_store.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

using namespace guichet;

int main(int argc, char** argv)
{
    int runs = argc > 1 ? std::atoi(argv[1]) : 20;
    auto dir = std::filesystem::temp_directory_path() / "guichet-bench-pin";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    staff::LockoutRules rules; // the configuration's defaults: 5 wrong PINs, then 900 s
    auto store = staff::StaffStore::open(dir / "staff.sqlite", rules);
    if (!store || !store->set_pin(staff::Role::Mediator, "482913", 0) || !store->set_pin(staff::Role::Technician, "70318264", 0)) {
        std::fprintf(stderr, "bench_pin: cannot prepare the staff database\n");
        return 1;
    }
    auto cost = staff::pin_hash_cost();
    std::printf("Argon2id cost: %llu passes over %zu MiB (OWASP floor: 2 passes over 19 MiB)\n", cost.opslimit,
        cost.memlimit >> 20);

    // One hash verification, then a whole check (two roles' hashes, as the kiosk does for every PIN).
    std::vector<double> verify_ms, check_ms;
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, "482913", 6, cost.opslimit, cost.memlimit) != 0)
        return 1;
    int64_t now = 1'000'000;
    for (int i = 0; i < runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        [[maybe_unused]] int ok = crypto_pwhash_str_verify(hash, "482913", 6);
        verify_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        start = std::chrono::steady_clock::now();
        auto check = store->check_pin("482913", now);
        check_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!check || check->outcome != staff::PinCheck::Outcome::Accepted) {
            std::fprintf(stderr, "bench_pin: the PIN was not accepted\n");
            return 1;
        }
        now += 1;
    }
    auto median = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };
    std::printf("one hash verification: median %.0f ms (%d runs)\n", median(verify_ms), runs);
    std::printf("one PIN check (both roles' hashes): median %.0f ms\n", median(check_ms));

    // Brute force under the lockout rules: the first lockout comes after 1+2+4+8 s of waits and 5
    // guesses; after that every wrong guess locks again for lockout_s.
    double guesses = 1'000'000;
    double first_round_s = 1 + 2 + 4 + 8 + rules.lockout_s;
    double per_guess_after_s = rules.lockout_s;
    double all_s = first_round_s + (guesses - rules.lockout_after) * per_guess_after_s;
    double half_s = first_round_s + (guesses / 2 - rules.lockout_after) * per_guess_after_s;
    double year = 365.25 * 86400;
    std::printf("brute force of a 6-digit PIN at the kiosk: every PIN %.1f years, half of them (expected) %.1f years\n",
        all_s / year, half_s / year);
    std::printf("offline, from a stolen staff database, at one check per %.0f ms on one core: %.1f hours for all\n",
        median(verify_ms), guesses * median(verify_ms) / 1000 / 3600);
    std::filesystem::remove_all(dir);
    return 0;
}
