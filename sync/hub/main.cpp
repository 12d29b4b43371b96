// guichet-hub: the reference server of sync protocol v1 and the administration's tools around it.
#include "sync/hub/cli.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    // Nothing is meant to throw; this turns a bug or an exhausted memory into a message and exit 1.
    try {
        return guichet::sync::hub::run_cli(args, std::cin, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "guichet-hub: internal error: " << e.what() << "\n";
        return guichet::sync::hub::exit_failed;
    }
}
