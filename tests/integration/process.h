// Runs the real guichet binary for a test and captures what it printed and its exit code.
#pragma once
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace guichet::test {

struct Outcome {
    int exit_code = -1;
    std::string output; // stdout and stderr together
};

inline Outcome run_guichet(const std::string& arguments)
{
    std::string command = std::string(GUICHET_BINARY) + " " + arguments + " 2>&1";
    Outcome outcome;
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
