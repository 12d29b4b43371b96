// SANE options by name, through sane_control_option. Every set goes through the descriptor's type, size
// and constraint so a value the device cannot take is named in the error, not silently changed.
#include "devices/sane_options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace guichet::devices::sane {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Result<void> control(SANE_Handle handle, SANE_Int index, std::string_view name, void* value, std::string_view shown)
{
    SANE_Int info = 0;
    auto status = sane_control_option(handle, index, SANE_ACTION_SET_VALUE, value, &info);
    if (status != SANE_STATUS_GOOD)
        return fail("the scanner refused " + quoted(name) + " = " + quoted(shown) + ": " + sane_strstatus(status));
    return {};
}

// A number as the option's word: an int as it is, a fixed as SANE_Fixed (16.16).
SANE_Word to_word(const SANE_Option_Descriptor& option, double value)
{
    if (option.type == SANE_TYPE_FIXED)
        return SANE_FIX(value);
    return static_cast<SANE_Word>(std::lround(value));
}

double from_word(const SANE_Option_Descriptor& option, SANE_Word word)
{
    return option.type == SANE_TYPE_FIXED ? SANE_UNFIX(word) : static_cast<double>(word);
}

std::string number_text(double value)
{
    auto text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.')
        text.pop_back();
    return text;
}

}

Result<std::pair<SANE_Int, const SANE_Option_Descriptor*>> find_option(SANE_Handle handle, std::string_view name)
{
    SANE_Int count = 0;
    if (sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &count, nullptr) != SANE_STATUS_GOOD)
        return fail("the scanner does not say how many options it has");
    for (SANE_Int index = 1; index < count; ++index) {
        auto* option = sane_get_option_descriptor(handle, index);
        if (!option || !option->name || name != option->name)
            continue;
        if (!SANE_OPTION_IS_ACTIVE(option->cap))
            return fail("the scanner's option " + quoted(name) + " is inactive");
        if (!SANE_OPTION_IS_SETTABLE(option->cap))
            return fail("the scanner's option " + quoted(name) + " cannot be set");
        return std::pair { index, option };
    }
    return fail("the scanner has no option " + quoted(name));
}

bool has_active_option(SANE_Handle handle, std::string_view name) { return find_option(handle, name).has_value(); }

Result<SANE_Unit> option_unit(SANE_Handle handle, std::string_view name)
{
    auto found = find_option(handle, name);
    if (!found)
        return std::unexpected(found.error());
    return found->second->unit;
}

Result<void> set_number(SANE_Handle handle, std::string_view name, double value, Fit fit)
{
    auto found = find_option(handle, name);
    if (!found)
        return std::unexpected(found.error());
    auto [index, option] = *found;
    if ((option->type != SANE_TYPE_INT && option->type != SANE_TYPE_FIXED) || option->size != sizeof(SANE_Word))
        return fail("the scanner's option " + quoted(name) + " is not a single number");
    SANE_Word word = to_word(*option, value);
    if (option->constraint_type == SANE_CONSTRAINT_RANGE && option->constraint.range) {
        auto* range = option->constraint.range;
        if ((word < range->min || word > range->max) && fit == Fit::Exact)
            return fail("the scanner's option " + quoted(name) + " goes from " + number_text(from_word(*option, range->min))
                + " to " + number_text(from_word(*option, range->max)) + "; " + number_text(value) + " is outside");
        word = std::clamp(word, range->min, range->max);
    } else if (option->constraint_type == SANE_CONSTRAINT_WORD_LIST && option->constraint.word_list
        && option->constraint.word_list[0] > 0) {
        // The first word is the list's length.
        auto* list = option->constraint.word_list;
        SANE_Word nearest = list[1];
        for (SANE_Int i = 1; i <= list[0]; ++i)
            if (std::llabs(static_cast<long long>(list[i]) - word) < std::llabs(static_cast<long long>(nearest) - word))
                nearest = list[i];
        if (nearest != word && fit == Fit::Exact)
            return fail("the scanner's option " + quoted(name) + " cannot take " + number_text(value));
        word = nearest;
    }
    return control(handle, index, name, &word, number_text(value));
}

Result<void> set_string(SANE_Handle handle, std::string_view name, std::string_view value)
{
    auto found = find_option(handle, name);
    if (!found)
        return std::unexpected(found.error());
    auto [index, option] = *found;
    if (option->type != SANE_TYPE_STRING)
        return fail("the scanner's option " + quoted(name) + " is not a string");
    // The backend reads up to the descriptor's size, terminator included.
    if (option->size <= 0 || value.size() + 1 > static_cast<size_t>(option->size))
        return fail("the value of the scanner's option " + quoted(name) + " is too long (at most "
            + std::to_string(std::max(option->size - 1, 0)) + " characters)");
    std::string buffer(static_cast<size_t>(option->size), '\0');
    std::copy(value.begin(), value.end(), buffer.begin());
    if (option->constraint_type == SANE_CONSTRAINT_STRING_LIST && option->constraint.string_list) {
        bool listed = false;
        std::string choices;
        for (auto* item = option->constraint.string_list; *item; ++item) {
            listed = listed || value == *item;
            choices += (choices.empty() ? "" : ", ") + quoted(*item);
        }
        if (!listed)
            return fail("the scanner's option " + quoted(name) + " cannot be " + quoted(value) + "; it can be " + choices);
    }
    return control(handle, index, name, buffer.data(), value);
}

Result<std::string> set_mode(SANE_Handle handle, std::string_view wanted, const std::vector<std::string_view>& alike)
{
    auto found = find_option(handle, SANE_NAME_SCAN_MODE);
    if (!found)
        return std::unexpected(found.error());
    auto* option = found->second;
    if (option->type != SANE_TYPE_STRING || option->constraint_type != SANE_CONSTRAINT_STRING_LIST
        || !option->constraint.string_list)
        return fail("the scanner's scan modes are not a list");
    std::string chosen;
    for (auto* item = option->constraint.string_list; *item && chosen.empty(); ++item)
        if (wanted == *item)
            chosen = *item;
    for (auto* item = option->constraint.string_list; *item && chosen.empty(); ++item)
        for (auto word : alike)
            if (lower(*item).find(word) != std::string::npos) {
                chosen = *item;
                break;
            }
    if (chosen.empty())
        return fail("the scanner has no " + std::string(wanted) + " mode");
    if (auto set = set_string(handle, SANE_NAME_SCAN_MODE, chosen); !set)
        return std::unexpected(set.error());
    return chosen;
}

Result<void> set_from_text(SANE_Handle handle, std::string_view name, std::string_view text)
{
    auto found = find_option(handle, name);
    if (!found)
        return std::unexpected(found.error());
    auto [index, option] = *found;
    switch (option->type) {
    case SANE_TYPE_STRING:
        return set_string(handle, name, text);
    case SANE_TYPE_BOOL: {
        auto word = lower(text);
        SANE_Bool value;
        if (word == "true" || word == "yes" || word == "1")
            value = SANE_TRUE;
        else if (word == "false" || word == "no" || word == "0")
            value = SANE_FALSE;
        else
            return fail("the scanner's option " + quoted(name) + " is true or false, not " + quoted(text));
        return control(handle, index, name, &value, text);
    }
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED: {
        double value = 0;
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)
            || std::abs(value) > (option->type == SANE_TYPE_FIXED ? 32767.0 : std::numeric_limits<SANE_Word>::max()))
            return fail("the scanner's option " + quoted(name) + " is a number, not " + quoted(text));
        if (option->type == SANE_TYPE_INT && value != std::floor(value))
            return fail("the scanner's option " + quoted(name) + " is a whole number, not " + quoted(text));
        return set_number(handle, name, value, Fit::Exact);
    }
    default:
        return fail("the scanner's option " + quoted(name) + " is a button or a group: it takes no value");
    }
}

Result<void> set_all_from_text(SANE_Handle handle, const std::vector<std::pair<std::string, std::string>>& options)
{
    std::vector<const std::pair<std::string, std::string>*> left;
    for (auto& option : options)
        left.push_back(&option);
    while (!left.empty()) {
        std::vector<const std::pair<std::string, std::string>*> again;
        Error last;
        for (auto* option : left) {
            if (auto set = set_from_text(handle, option->first, option->second); !set) {
                again.push_back(option);
                last = set.error();
            }
        }
        if (again.size() == left.size()) // no progress: the error stands
            return std::unexpected(Error { last.message + " (scanner.options)" });
        left = std::move(again);
    }
    return {};
}

}
