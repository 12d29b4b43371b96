// Receipt codes a citizen can read out on the phone: 8 random Crockford base32 characters and a check
// character, shown as ABC-DEF-GHK. Crockford's alphabet has no I, L, O or U, and reading is forgiving
// (o -> 0, i/l -> 1, any case, dashes and spaces ignored). The check character is Luhn mod 32 over the
// same alphabet (not Crockford's mod-37 symbols *~$=U, awkward to read aloud): it catches every
// single wrong character and most swaps of two neighbours.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace guichet::sync {

std::string new_receipt_code();
// The canonical form (ABC-DEF-GHK) of what a person typed, or nullopt when it is not a valid code.
std::optional<std::string> normalize_receipt_code(std::string_view typed);
char receipt_check_character(std::string_view data_characters);

// A random (version 4) UUID in lower case.
std::string new_uuid();

}
