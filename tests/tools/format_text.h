// A stand-in for std::format, which GCC 12's library lacks: each "{}" takes the next argument, printed
// with operator<<. Enough for the proxy's messages and log lines.
#pragma once
#include <sstream>
#include <string>
#include <string_view>

namespace guichet::tools {

template<typename... Arguments>
std::string format_text(std::string_view pattern, const Arguments&... arguments)
{
    std::ostringstream out;
    auto next = [&](const auto& argument) {
        auto slot = pattern.find("{}");
        out << pattern.substr(0, slot);
        if (slot == std::string_view::npos) {
            pattern = {};
            return;
        }
        out << argument;
        pattern.remove_prefix(slot + 2);
    };
    (next(arguments), ...);
    out << pattern;
    return out.str();
}

}
