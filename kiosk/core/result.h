// Errors in the core are values: std::expected with a message a person can act on.
#pragma once
#include <expected>
#include <string>
#include <utility>

namespace guichet {

struct Error {
    std::string message;
};

template<typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message)
{
    return std::unexpected(Error { std::move(message) });
}

}
