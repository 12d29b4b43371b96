// The `show_if` condition language: parsing, evaluation over answers, the validator's queries, and every
// error an author can meet.
#include "kiosk/core/expression.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace guichet;
using nlohmann::json;

namespace {

Expression parsed(std::string_view text)
{
    auto expression = Expression::parse(text);
    INFO("condition: " << text);
    if (!expression)
        FAIL("unexpected parse error: " << expression.error().message);
    return *expression;
}

bool holds(std::string_view text, const json& answers = json::object())
{
    return parsed(text).evaluate(answers);
}

std::string error_of(std::string_view text)
{
    auto expression = Expression::parse(text);
    INFO("condition: " << text);
    REQUIRE_FALSE(expression);
    return expression.error().message;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs compared(std::string_view text)
{
    Pairs pairs;
    for (auto& [name, literal] : parsed(text).compared_strings())
        pairs.emplace_back(name, literal);
    return pairs;
}

std::string repeated(std::string_view part, int times)
{
    std::string text;
    for (int i = 0; i < times; ++i)
        text += part;
    return text;
}

}

TEST_CASE("a parsed expression keeps its text", "[expression]")
{
    CHECK(parsed("kind == 'birth'").text() == "kind == 'birth'");
}

TEST_CASE("the examples of the procedure format evaluate as documented", "[expression]")
{
    auto answers = json { { "kind", "birth" }, { "children_count", 3 }, { "housing", "tenant" },
        { "income_sources", { "salary", "rsa" } } };
    CHECK(holds("kind == 'birth'", answers));
    CHECK(holds("children_count >= 2 and not (housing in ['owner', 'free'])", answers));
    CHECK(holds("'rsa' in income_sources", answers));
    answers["housing"] = "owner";
    CHECK_FALSE(holds("children_count >= 2 and not (housing in ['owner', 'free'])", answers));
}

TEST_CASE("equality compares strings quoted either way", "[expression]")
{
    auto answers = json { { "kind", "birth" } };
    CHECK(holds("kind == 'birth'", answers));
    CHECK(holds("kind == \"birth\"", answers));
    CHECK(holds("'birth' == kind", answers));
    CHECK_FALSE(holds("kind == 'death'", answers));
    CHECK_FALSE(holds("kind == 'Birth'", answers));
    CHECK(holds("kind != 'death'", answers));
    CHECK_FALSE(holds("kind != 'birth'", answers));
}

TEST_CASE("a string literal may hold the other kind of quote", "[expression]")
{
    CHECK(holds("name == \"l'Isle\"", { { "name", "l'Isle" } }));
    CHECK(holds("name == 'say \"hi\"'", { { "name", "say \"hi\"" } }));
    CHECK(holds("name == ''", { { "name", "" } }));
}

TEST_CASE("equality compares numbers including negative ones", "[expression]")
{
    CHECK(holds("count == 2", { { "count", 2 } }));
    CHECK_FALSE(holds("count == 3", { { "count", 2 } }));
    CHECK(holds("balance == -5", { { "balance", -5 } }));
    CHECK(holds("count != 3", { { "count", 2 } }));
    CHECK(holds("0 == -0"));
}

TEST_CASE("numbers of every JSON representation compare by value", "[expression]")
{
    CHECK(holds("amount == 2", { { "amount", 2.0 } }));
    CHECK(holds("amount > 2", { { "amount", 2.5 } }));
    CHECK(holds("amount == 7", { { "amount", 7u } }));
    CHECK(holds("amount > -1", { { "amount", 7u } }));
}

TEST_CASE("a string never equals a number", "[expression]")
{
    CHECK_FALSE(holds("count == '2'", { { "count", 2 } }));
    CHECK_FALSE(holds("code == 2", { { "code", "2" } }));
    CHECK(holds("count != '2'", { { "count", 2 } }));
    CHECK_FALSE(holds("'1' == 1"));
}

TEST_CASE("booleans equal only booleans", "[expression]")
{
    CHECK(holds("flag == true", { { "flag", true } }));
    CHECK(holds("flag == false", { { "flag", false } }));
    CHECK_FALSE(holds("flag == true", { { "flag", "yes" } }));
    CHECK_FALSE(holds("flag == 1", { { "flag", true } }));
    CHECK(holds("true != false"));
}

TEST_CASE("an absent or null answer is null", "[expression]")
{
    auto answers = json { { "hidden", nullptr } };
    CHECK(holds("missing == null", answers));
    CHECK(holds("hidden == null", answers));
    CHECK(holds("null == null"));
    CHECK(holds("missing == hidden", answers));
    CHECK_FALSE(holds("missing != null", answers));
    CHECK_FALSE(holds("kind == null", { { "kind", "birth" } }));
    CHECK(holds("kind != null", { { "kind", "birth" } }));
}

TEST_CASE("null equals nothing but null", "[expression]")
{
    CHECK_FALSE(holds("missing == 'birth'"));
    CHECK_FALSE(holds("missing == 0"));
    CHECK_FALSE(holds("missing == false"));
    CHECK_FALSE(holds("missing == ''"));
    CHECK(holds("missing != 'birth'"));
}

TEST_CASE("answers that are not an object read as all null", "[expression]")
{
    CHECK(holds("kind == null", json()));
    CHECK(holds("kind == null", json::array({ "kind" })));
    CHECK_FALSE(holds("kind", json("kind")));
}

TEST_CASE("ordering compares two numbers", "[expression]")
{
    auto answers = json { { "count", 2 } };
    CHECK(holds("count < 3", answers));
    CHECK_FALSE(holds("count < 2", answers));
    CHECK(holds("count <= 2", answers));
    CHECK_FALSE(holds("count <= 1", answers));
    CHECK(holds("count > 1", answers));
    CHECK_FALSE(holds("count > 2", answers));
    CHECK(holds("count >= 2", answers));
    CHECK_FALSE(holds("count >= 3", answers));
    CHECK(holds("count > -10", answers));
    CHECK(holds("-3 < -2"));
    CHECK(holds("3 > count", answers));
}

TEST_CASE("ordering compares two strings so dates order", "[expression]")
{
    auto answers = json { { "birth_date", "1990-05-17" } };
    CHECK(holds("birth_date < '2000-01-01'", answers));
    CHECK(holds("birth_date >= '1990-05-17'", answers));
    CHECK(holds("birth_date <= '1990-05-17'", answers));
    CHECK_FALSE(holds("birth_date > '1990-05-17'", answers));
    CHECK(holds("'2024-12-31' > birth_date", answers));
    CHECK(holds("'abc' < 'abd'"));
}

TEST_CASE("ordering with null or mixed kinds is false in every direction", "[expression]")
{
    for (auto op : { "<", "<=", ">", ">=" }) {
        INFO("operator " << op);
        auto with = [&](std::string left, std::string right) { return left + " " + op + " " + right; };
        CHECK_FALSE(holds(with("missing", "2")));
        CHECK_FALSE(holds(with("2", "missing")));
        CHECK_FALSE(holds(with("null", "null")));
        CHECK_FALSE(holds(with("'2'", "2")));
        CHECK_FALSE(holds(with("2", "'2'")));
        CHECK_FALSE(holds(with("true", "false")));
        CHECK_FALSE(holds(with("flag", "1"), { { "flag", true } }));
        CHECK_FALSE(holds(with("choices", "['a']"), { { "choices", { "a" } } }));
    }
    // Both a comparison and its opposite are false: null is not "not less than".
    CHECK_FALSE(holds("missing < 5"));
    CHECK_FALSE(holds("missing >= 5"));
}

TEST_CASE("in tests membership of a list", "[expression]")
{
    auto answers = json { { "housing", "owner" }, { "count", 2 } };
    CHECK(holds("housing in ['owner', 'free']", answers));
    CHECK(holds("housing in [\"free\", \"owner\"]", answers));
    CHECK_FALSE(holds("housing in ['tenant', 'free']", answers));
    CHECK_FALSE(holds("housing in []", answers));
    CHECK(holds("count in [1, 2, 3]", answers));
    CHECK(holds("-1 in [0, -1]"));
    CHECK(holds("true in [false, true]"));
}

TEST_CASE("not in is the negation of in", "[expression]")
{
    auto answers = json { { "housing", "owner" } };
    CHECK_FALSE(holds("housing not in ['owner', 'free']", answers));
    CHECK(holds("housing not in ['tenant']", answers));
    CHECK(holds("housing not in []", answers));
    CHECK(holds("missing not in ['owner']"));
}

TEST_CASE("membership in a list uses same-kind equality", "[expression]")
{
    CHECK_FALSE(holds("count in ['2']", { { "count", 2 } }));
    CHECK_FALSE(holds("code in [2]", { { "code", "2" } }));
    CHECK_FALSE(holds("missing in ['owner', 'free']"));
    CHECK(holds("missing in ['owner', null]"));
    CHECK_FALSE(holds("flag in [1]", { { "flag", true } }));
}

TEST_CASE("a literal in a multi-choice answer tests whether it was selected", "[expression]")
{
    auto answers = json { { "income_sources", { "salary", "rsa" } }, { "none", json::array() } };
    CHECK(holds("'rsa' in income_sources", answers));
    CHECK(holds("\"salary\" in income_sources", answers));
    CHECK_FALSE(holds("'pension' in income_sources", answers));
    CHECK(holds("'pension' not in income_sources", answers));
    CHECK_FALSE(holds("'rsa' not in income_sources", answers));
    CHECK_FALSE(holds("'rsa' in none", answers));
}

TEST_CASE("in a name that is not a list contains nothing", "[expression]")
{
    CHECK_FALSE(holds("'rsa' in missing"));
    CHECK(holds("'rsa' not in missing"));
    // A single choice is a string; `in` does not look for substrings.
    CHECK_FALSE(holds("'bir' in kind", { { "kind", "birth" } }));
    CHECK_FALSE(holds("'birth' in kind", { { "kind", "birth" } }));
    CHECK_FALSE(holds("'street' in address", { { "address", { { "street", "1 rue X" } } } }));
}

TEST_CASE("a name can be looked up in another name", "[expression]")
{
    auto answers = json { { "favourite", "rsa" }, { "income_sources", { "salary", "rsa" } } };
    CHECK(holds("favourite in income_sources", answers));
    CHECK(holds("favourite in (income_sources)", answers));
}

TEST_CASE("a name alone is true for yes and for non-empty answers", "[expression]")
{
    auto truth_of = [](json answer) { return holds("x", { { "x", std::move(answer) } }); };
    CHECK(truth_of("yes"));
    CHECK_FALSE(truth_of("no"));
    CHECK(truth_of(true));
    CHECK_FALSE(truth_of(false));
    CHECK(truth_of(3));
    CHECK(truth_of(-1));
    CHECK_FALSE(truth_of(0));
    CHECK(truth_of(0.5));
    CHECK_FALSE(truth_of(0.0));
    CHECK(truth_of("1990-05-17"));
    CHECK_FALSE(truth_of(""));
    CHECK(truth_of(json::array({ "rsa" })));
    CHECK_FALSE(truth_of(json::array()));
    CHECK(truth_of(json { { "street", "1 rue X" } }));
    CHECK_FALSE(truth_of(json::object()));
    CHECK_FALSE(truth_of(nullptr));
    CHECK_FALSE(holds("x"));
}

TEST_CASE("a literal alone has the same truthiness as an answer", "[expression]")
{
    CHECK(holds("true"));
    CHECK_FALSE(holds("false"));
    CHECK_FALSE(holds("null"));
    CHECK(holds("'yes'"));
    CHECK_FALSE(holds("'no'"));
    CHECK_FALSE(holds("''"));
    CHECK(holds("1"));
    CHECK_FALSE(holds("0"));
    CHECK(holds("['a']"));
    CHECK_FALSE(holds("[]"));
}

TEST_CASE("an object answer is never equal and never ordered", "[expression]")
{
    auto address = json { { "street", "1 rue X" }, { "postcode", "38250" } };
    auto answers = json { { "address", address }, { "same", address } };
    CHECK_FALSE(holds("address == same", answers));
    CHECK(holds("address != same", answers));
    CHECK_FALSE(holds("address == address", answers));
    CHECK_FALSE(holds("address == '38250'", answers));
    CHECK_FALSE(holds("address == null", answers));
    CHECK(holds("address != null", answers));
    CHECK_FALSE(holds("address in ['38250']", answers));
    CHECK_FALSE(holds("address < 'z'", answers));
    CHECK(holds("address", answers));
}

TEST_CASE("a multi-choice answer equals a list with the same values in order", "[expression]")
{
    auto answers = json { { "choices", { "a", "b" } }, { "none", json::array() } };
    CHECK(holds("choices == ['a', 'b']", answers));
    CHECK_FALSE(holds("choices == ['b', 'a']", answers));
    CHECK(holds("none == []", answers));
    CHECK_FALSE(holds("choices == 'a'", answers));
}

TEST_CASE("and and or combine conditions", "[expression]")
{
    auto answers = json { { "a", "yes" }, { "b", "no" } };
    CHECK(holds("a and a", answers));
    CHECK_FALSE(holds("a and b", answers));
    CHECK_FALSE(holds("b and a", answers));
    CHECK(holds("a or b", answers));
    CHECK(holds("b or a", answers));
    CHECK_FALSE(holds("b or b", answers));
    CHECK(holds("a and a and a and a or b", answers));
    CHECK_FALSE(holds("b or b or b or b", answers));
}

TEST_CASE("not negates and can repeat", "[expression]")
{
    auto answers = json { { "a", "yes" } };
    CHECK_FALSE(holds("not a", answers));
    CHECK(holds("not not a", answers));
    CHECK_FALSE(holds("not not not a", answers));
    CHECK(holds("not missing"));
}

TEST_CASE("and binds tighter than or", "[expression]")
{
    // With a true and b and c false, `a or (b and c)` is true but `(a or b) and c` is false.
    auto answers = json { { "a", true }, { "b", false }, { "c", false } };
    CHECK(holds("a or b and c", answers));
    CHECK_FALSE(holds("(a or b) and c", answers));
    CHECK(holds("b and c or a", answers));
    CHECK_FALSE(holds("b and (c or a)", answers));
}

TEST_CASE("not binds tighter than and and or", "[expression]")
{
    // With a and b false, `(not a) and b` is false but `not (a and b)` is true.
    auto answers = json { { "a", false }, { "b", false } };
    CHECK_FALSE(holds("not a and b", answers));
    CHECK(holds("not (a and b)", answers));
    // With a true and b true, `(not a) or b` is true but `not (a or b)` is false.
    auto both = json { { "a", true }, { "b", true } };
    CHECK(holds("not a or b", both));
    CHECK_FALSE(holds("not (a or b)", both));
}

TEST_CASE("a comparison binds tighter than not", "[expression]")
{
    auto answers = json { { "kind", "birth" }, { "housing", "owner" } };
    CHECK_FALSE(holds("not kind == 'birth'", answers));
    CHECK(holds("not kind == 'death'", answers));
    CHECK_FALSE(holds("not housing in ['owner']", answers));
    CHECK(holds("not housing not in ['owner']", answers));
}

TEST_CASE("parentheses group and can wrap an operand", "[expression]")
{
    auto answers = json { { "kind", "birth" }, { "a", true } };
    CHECK(holds("(kind) == 'birth'", answers));
    CHECK(holds("((kind == 'birth'))", answers));
    CHECK(holds("(kind == 'birth') == true", answers));
    CHECK(holds("(a and kind == 'death') == false", answers));
    CHECK(holds("kind in (['birth'])", answers));
}

TEST_CASE("whitespace is optional and may be any blank", "[expression]")
{
    auto answers = json { { "kind", "birth" }, { "count", 2 } };
    CHECK(holds("kind=='birth'and(count>=2)", answers));
    CHECK(holds("count>-1", answers));
    CHECK(holds("\tkind ==\n'birth'\r\n", answers));
    CHECK(holds("kind in['birth','death']", answers));
}

TEST_CASE("names that start with a keyword are names", "[expression]")
{
    auto answers = json { { "android", 1 }, { "notice", 1 }, { "index", 1 }, { "order", 1 }, { "nullable", 1 },
        { "true_story", 1 }, { "falsehood", 1 } };
    CHECK(holds("android and notice and index and order and nullable and true_story and falsehood", answers));
    CHECK(parsed("android or notice").names() == std::vector<std::string> { "android", "notice" });
    CHECK(holds("a1_b2 == 3", { { "a1_b2", 3 } }));
}

TEST_CASE("names lists each name once in order of appearance", "[expression]")
{
    CHECK(parsed("b == 'x' and (a or not b) or c in ['a', 'b'] or 'd' in a").names()
        == std::vector<std::string> { "b", "a", "c" });
    CHECK(parsed("'x' in [ 'y' ] and true").names().empty());
    CHECK(parsed("x").names() == std::vector<std::string> { "x" });
}

TEST_CASE("compared strings covers every string compared with a name", "[expression]")
{
    CHECK(compared("kind == 'birth'") == Pairs { { "kind", "birth" } });
    CHECK(compared("'birth' == kind") == Pairs { { "kind", "birth" } });
    CHECK(compared("kind != \"death\"") == Pairs { { "kind", "death" } });
    CHECK(compared("housing in ['owner', 2, null, 'free']") == Pairs { { "housing", "owner" }, { "housing", "free" } });
    CHECK(compared("housing not in ['tenant']") == Pairs { { "housing", "tenant" } });
    CHECK(compared("'rsa' in income_sources") == Pairs { { "income_sources", "rsa" } });
    CHECK(compared("'rsa' not in income_sources") == Pairs { { "income_sources", "rsa" } });
    CHECK(compared("['a', 'b'] == choices") == Pairs { { "choices", "a" }, { "choices", "b" } });
}

TEST_CASE("compared strings looks inside not and parentheses and skips duplicates", "[expression]")
{
    CHECK(compared("not (kind == 'a' or (other != 'b')) and kind in ['a', 'c']")
        == Pairs { { "kind", "a" }, { "other", "b" }, { "kind", "c" } });
    CHECK(compared("(kind) == 'a'") == Pairs { { "kind", "a" } });
}

TEST_CASE("compared strings ignores orderings and comparisons without a name", "[expression]")
{
    CHECK(compared("birth_date < '2000-01-01'").empty());
    CHECK(compared("birth_date >= '2000-01-01'").empty());
    CHECK(compared("count == 2").empty());
    CHECK(compared("kind == other").empty());
    CHECK(compared("'a' == 'a'").empty());
    CHECK(compared("'a' in ['a']").empty());
    CHECK(compared("kind").empty());
}

TEST_CASE("always false is a constant false expression", "[expression]")
{
    CHECK(parsed("false").always_false());
    CHECK(parsed("1 == 2").always_false());
    CHECK(parsed("'a' in []").always_false());
    CHECK(parsed("null").always_false());
    CHECK(parsed("'no'").always_false());
    CHECK(parsed("not true and true").always_false());
    CHECK_FALSE(parsed("true").always_false());
    CHECK_FALSE(parsed("not false").always_false());
    CHECK_FALSE(parsed("1 == 1").always_false());
    CHECK_FALSE(parsed("kind == 'x'").always_false());
    // It reads a name, so it is not flagged even though no answer can make it true.
    CHECK_FALSE(parsed("kind == 'x' and false").always_false());
}

TEST_CASE("a copied expression shares its tree and evaluates the same", "[expression]")
{
    auto original = parsed("kind == 'birth'");
    auto copy = original;
    CHECK(copy.text() == original.text());
    CHECK(copy.evaluate({ { "kind", "birth" } }));
    CHECK(original.evaluate({ { "kind", "birth" } }));
    CHECK_FALSE(copy.evaluate({ { "kind", "death" } }));
}

TEST_CASE("a default expression guards nothing", "[expression]")
{
    Expression nothing;
    CHECK(nothing.evaluate(json::object()));
    CHECK(nothing.names().empty());
    CHECK(nothing.compared_strings().empty());
    CHECK_FALSE(nothing.always_false());
}

TEST_CASE("an empty condition is an error", "[expression]")
{
    CHECK(error_of("") == "the condition is empty");
    CHECK(error_of(" \t\n") == "the condition is empty");
}

TEST_CASE("a missing parenthesis names where it was expected", "[expression]")
{
    CHECK(error_of("(a == 'b'") == "at character 10: expected ')'");
    CHECK(error_of("(a == 'b' c") == "at character 11: expected ')'");
    CHECK(error_of("((a)") == "at character 5: expected ')'");
}

TEST_CASE("an unterminated string names where it starts", "[expression]")
{
    CHECK(error_of("a == 'b") == "at character 6: unterminated string");
    CHECK(error_of("a == \"b'") == "at character 6: unterminated string");
    CHECK(error_of("'") == "at character 1: unterminated string");
}

TEST_CASE("unknown operators are named with a hint", "[expression]")
{
    CHECK(error_of("a = 'b'") == "at character 3: unknown operator '=' (did you mean '=='?)");
    CHECK(error_of("a === 'b'") == "at character 3: unknown operator '===' (did you mean '=='?)");
    CHECK(error_of("a <> 'b'") == "at character 3: unknown operator '<>' (did you mean '!='?)");
    CHECK(error_of("a => 2") == "at character 3: unknown operator '=>' (did you mean '>='?)");
    CHECK(error_of("a && b") == "at character 3: unknown operator '&&' (did you mean 'and'?)");
    CHECK(error_of("a || b") == "at character 3: unknown operator '||' (did you mean 'or'?)");
    CHECK(error_of("!a") == "at character 1: unknown operator '!' (did you mean 'not'?)");
    CHECK(error_of("a >> b") == "at character 3: unknown operator '>>'");
    CHECK(error_of("a & b") == "at character 3: unknown operator '&'");
}

TEST_CASE("unexpected characters are quoted as typed", "[expression]")
{
    CHECK(error_of("Kind == 'x'") == "at character 1: unexpected character 'K' (names and keywords are lower-case)");
    CHECK(error_of("a AND b") == "at character 3: unexpected character 'A' (names and keywords are lower-case)");
    CHECK(error_of("kind == \u2018birth\u2019") == "at character 9: unexpected character '\u2018' (quote strings with ' or \")");
    CHECK(error_of("kind == \u00AB birth \u00BB") == "at character 9: unexpected character '\u00AB' (quote strings with ' or \")");
    CHECK(error_of("\u00E9t\u00E9 == 1") == "at character 1: unexpected character '\u00E9'");
    CHECK(error_of("_a") == "at character 1: unexpected character '_'");
    CHECK(error_of("a.b") == "at character 2: unexpected character '.'");
    CHECK(error_of("a + 1") == "at character 3: unexpected character '+'");
    CHECK(error_of("a == - 1") == "at character 6: unexpected character '-'");
}

TEST_CASE("positions count characters not bytes", "[expression]")
{
    // "é" is two bytes in UTF-8; the stray `y` is still the 10th character.
    CHECK(error_of("'\u00E9' == x y") == "at character 10: trailing input");
}

TEST_CASE("malformed numbers are errors", "[expression]")
{
    CHECK(error_of("1abc == 2") == "at character 1: a name must start with a letter");
    CHECK(error_of("a == 2_000") == "at character 6: a name must start with a letter");
    CHECK(error_of("a == 99999999999999999999") == "at character 6: number out of range");
    CHECK(error_of("a == -99999999999999999999") == "at character 6: number out of range");
    CHECK(holds("9223372036854775807 > -9223372036854775808"));
}

TEST_CASE("input after a complete expression is trailing input", "[expression]")
{
    CHECK(error_of("a b") == "at character 3: trailing input");
    CHECK(error_of("a == 'x' 'y'") == "at character 10: trailing input");
    CHECK(error_of("a)") == "at character 2: trailing input");
    CHECK(error_of("a -1") == "at character 3: trailing input");
    CHECK(error_of("[] []") == "at character 4: trailing input");
}

TEST_CASE("a missing operand names what was expected", "[expression]")
{
    auto expected = std::string(": expected a name, a value, a list or '('");
    CHECK(error_of("a ==") == "at character 5" + expected);
    CHECK(error_of("a and") == "at character 6" + expected);
    CHECK(error_of("and a") == "at character 1" + expected);
    CHECK(error_of("a or or b") == "at character 6" + expected);
    CHECK(error_of("not") == "at character 4" + expected);
    CHECK(error_of("()") == "at character 2" + expected);
    CHECK(error_of(")") == "at character 1" + expected);
    CHECK(error_of("== 'a'") == "at character 1" + expected);
    CHECK(error_of("in ['a']") == "at character 1" + expected);
    CHECK(error_of("a == ,") == "at character 6" + expected);
    CHECK(error_of("a == ]") == "at character 6" + expected);
}

TEST_CASE("in needs a list or a name on its right", "[expression]")
{
    CHECK(error_of("a in 'x'") == "at character 6: expected a list or a name after 'in'");
    CHECK(error_of("a not in 2") == "at character 10: expected a list or a name after 'in'");
    CHECK(error_of("a in (b == 'x')") == "at character 6: expected a list or a name after 'in'");
}

TEST_CASE("a list holds only literals separated by commas", "[expression]")
{
    auto literal = std::string(": expected a string, a number, true, false or null in the list");
    CHECK(error_of("a in [b]") == "at character 7" + literal);
    CHECK(error_of("a in ['x',]") == "at character 11" + literal);
    CHECK(error_of("a in [,'x']") == "at character 7" + literal);
    CHECK(error_of("a in [['x']]") == "at character 7" + literal);
    CHECK(error_of("a in [('x')]") == "at character 7" + literal);
    CHECK(error_of("a in ['x' 'y']") == "at character 11: expected ',' or ']'");
    CHECK(error_of("a in ['x'") == "at character 10: expected ',' or ']'");
    CHECK(error_of("a in [") == "at character 7" + literal);
}

TEST_CASE("not after an operand must be not in", "[expression]")
{
    CHECK(error_of("a not b") == "at character 7: expected 'in' after 'not'");
    CHECK(error_of("a not") == "at character 6: expected 'in' after 'not'");
    CHECK(error_of("a == 'x' not b") == "at character 10: trailing input");
}

TEST_CASE("comparisons do not chain", "[expression]")
{
    CHECK(error_of("a == b == c") == "at character 8: comparisons do not chain; add parentheses");
    CHECK(error_of("1 < a < 3") == "at character 7: comparisons do not chain; add parentheses");
    CHECK(error_of("a == b in [true]") == "at character 8: comparisons do not chain; add parentheses");
    CHECK(error_of("a in [1] not in [true]") == "at character 10: comparisons do not chain; add parentheses");
    CHECK(holds("(1 < a) == (a < 3)", { { "a", 2 } }));
}

TEST_CASE("nesting is limited to 64 levels", "[expression]")
{
    CHECK(holds(repeated("(", 64) + "a" + repeated(")", 64), { { "a", true } }));
    CHECK(holds(repeated("not ", 64) + "a", { { "a", true } }));
    CHECK(holds(repeated("not (", 32) + "a" + repeated(")", 32), { { "a", true } }));

    CHECK(error_of(repeated("(", 65) + "a" + repeated(")", 65)) == "at character 65: nested too deeply (at most 64 levels)");
    CHECK(error_of(repeated("not ", 65) + "a") == "at character 257: nested too deeply (at most 64 levels)");
    CHECK(error_of(repeated("not (", 33) + "a" + repeated(")", 33))
        == "at character 161: nested too deeply (at most 64 levels)");
}

TEST_CASE("deeply nested input is refused without exhausting the stack", "[expression]")
{
    CHECK_THAT(error_of(repeated("(", 999)), Catch::Contains("nested too deeply"));
    CHECK_THAT(error_of(repeated("not ", 249) + "a"), Catch::Contains("nested too deeply"));
}

TEST_CASE("conditions longer than 1000 characters are refused", "[expression]")
{
    auto longest = "a" + repeated(" or a", 199);
    longest += std::string(1000 - longest.size(), ' ');
    CHECK(holds(longest, { { "a", true } }));
    CHECK(error_of(longest + " ") == "the condition is 1001 characters long; at most 1000 are allowed");
    CHECK_THAT(error_of(std::string(1'000'000, '(')), Catch::Contains("at most 1000 are allowed"));
    // The limit counts characters: 499 accented letters are 998 bytes but under 510 characters.
    CHECK(holds("a == '" + repeated("\u00E9", 499) + "'", { { "a", repeated("\u00E9", 499) } }));
}

TEST_CASE("long flat chains evaluate", "[expression]")
{
    auto chain = "a" + repeated(" and a", 150) + " and b";
    CHECK(holds(chain, { { "a", true }, { "b", true } }));
    CHECK_FALSE(holds(chain, { { "a", true }, { "b", false } }));
    CHECK(parsed(chain).names() == std::vector<std::string> { "a", "b" });
}
