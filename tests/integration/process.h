// Runs the real guichet binary for a test and captures what it printed and its exit code. The struct has
// its own name: hub_fixture.h has a guichet::test::Outcome of another shape, and two in one test program
// break the one-definition rule (its destructor freed one string of three: a leak under ASan).
#pragma once
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace guichet::test {

struct GuichetOutcome {
    int exit_code = -1;
    std::string output; // stdout and stderr together
};

inline GuichetOutcome run_guichet(const std::string& arguments)
{
    std::string command = std::string(GUICHET_BINARY) + " " + arguments + " 2>&1";
    GuichetOutcome outcome;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return outcome;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        outcome.output.append(buffer, n);
    int status = pclose(pipe);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return outcome;
}

}
