// SANE's real `test` backend as the tests' scanner: a temporary SANE_CONFIG_DIR whose dll.conf loads only
// `test` and whose test.conf (the format of /etc/sane.d/test.conf) makes the glass big enough for A4 and
// draws the colour pattern. SANE reads its configuration once, at the process's first sane_init, so the
// folder must be named in the environment before any scan or listing.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace guichet::test {

// Writes dll.conf and test.conf into `dir`. `devices` 0 gives a SANE that finds no scanner. The test
// backend keeps an option's value from one opening of a device to the next: tests that set unusual ones
// (a hand scanner, three passes) have a device of their own.
inline void write_sane_test_config(const std::filesystem::path& dir, int devices = 4)
{
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "dll.conf") << (devices > 0 ? "test\n" : "");
    std::ofstream(dir / "test.conf") << "number_of_devices " << devices << "\n"
                                     << "mode Gray\n"
                                        "depth 8\n"
                                        "hand-scanner false\n"
                                        "three-pass false\n"
                                        "three-pass-order RGB\n"
                                        "resolution_min 1.0\n"
                                        "resolution_max 1200.0\n"
                                        "resolution_quant 1.0\n"
                                        "resolution 50.0\n"
                                        "test-picture \"Color pattern\"\n"
                                        "invert-endianess false\n"
                                        "read-limit false\n"
                                        "read-limit-size 1\n"
                                        "read-delay false\n"
                                        "read-delay-duration 1000\n"
                                        "read-status-code \"Default\"\n"
                                        "fuzzy-parameters false\n"
                                        "ppl-loss 0\n"
                                        "non-blocking false\n"
                                        "select-fd false\n"
                                        "enable-test-options false\n"
                                        "geometry_min 0.0\n"
                                        "geometry_max 300.0\n"
                                        "geometry_quant 1.0\n"
                                        "tl_x 0.0\n"
                                        "tl_y 0.0\n"
                                        "br_x 80.0\n"
                                        "br_y 100.0\n";
}

// The process's SANE configuration, made once; call it at the top of every test that scans.
inline const std::filesystem::path& use_sane_test_backend()
{
    static const std::filesystem::path dir = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "guichet-sane-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        write_sane_test_config(pattern);
        setenv("SANE_CONFIG_DIR", pattern.c_str(), 1);
        return std::filesystem::path(pattern);
    }();
    static const struct Remove {
        ~Remove()
        {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    } remove;
    return dir;
}

}
