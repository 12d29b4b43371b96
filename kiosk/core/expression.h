// Conditions over earlier answers (`show_if`, docs/procedures.md): a small, safe expression language,
// parsed once into a tree and evaluated over the answers. Nothing is ever executed as code.
#pragma once
#include "kiosk/core/result.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

namespace expression_detail {
struct Node;
}

class Expression {
public:
    // Parses `text`; an error names what was expected and where ("at character 12: expected ')'").
    static Result<Expression> parse(std::string_view text);

    // Evaluates over `answers`, a JSON object from question id to answer. A name that is absent or null
    // in it is null (an unanswered or hidden question).
    bool evaluate(const nlohmann::json& answers) const;

    const std::string& text() const { return m_text; }
    // Every NAME the expression reads, once each, in order of first appearance.
    std::vector<std::string> names() const;
    // Every comparison of a NAME with string literals (`kind == 'birth'`, `kind in ['a', 'b']`,
    // `'rsa' in incomes`): lets the validator catch a literal that is none of the answer's values.
    struct NameLiteral {
        std::string name;
        std::string literal;
    };
    std::vector<NameLiteral> compared_strings() const;
    // True when the expression reads no answer and is false: the step it guards can never be shown.
    bool always_false() const;

private:
    std::string m_text;
    std::shared_ptr<const expression_detail::Node> m_root;
};

}
