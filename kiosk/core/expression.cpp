// The `show_if` condition language (docs/procedures.md): a tokenizer, a recursive-descent parser into a
// tree of nodes, and an evaluator over the answers. The text is only ever read as data, never run.
//
// [SECTION] Tree
// [SECTION] Tokenizer
// [SECTION] Parser
// [SECTION] Evaluation
// [SECTION] Expression

#include "kiosk/core/expression.h"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

namespace guichet {

// [SECTION] Tree

namespace expression_detail {

enum class CompareOp {
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    In,
    NotIn,
};

// A tagged node rather than a class hierarchy: the language is small and closed, and one switch per
// operation keeps the evaluator readable in one place.
struct Node {
    enum class Kind {
        Name,    // `name`
        Literal, // `value`: a string, integer, boolean or null
        List,    // `value`: a JSON array of literals
        Not,     // one child
        And,     // two or more children, flattened so long chains do not deepen the tree
        Or,      // two or more children, likewise
        Compare, // `op` between two children
    };

    Kind kind;
    std::string name;
    nlohmann::json value;
    CompareOp op = CompareOp::Equal;
    std::vector<std::shared_ptr<const Node>> children;
};

}

namespace {

using expression_detail::CompareOp;
using expression_detail::Node;
using NodePtr = std::shared_ptr<const Node>;
using nlohmann::json;

// Both limits keep a hostile or broken procedure file from exhausting the stack or the parser; real
// conditions are a line long and nest two or three levels.
constexpr std::size_t max_length = 1000;
constexpr int max_depth = 64;

// Authors read positions in characters, not bytes: a French string literal before an error must not
// shift the column. Counts the UTF-8 lead bytes before `offset`, from 1.
std::size_t character_number(std::string_view text, std::size_t offset)
{
    std::size_t number = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
            ++number;
    }
    return number;
}

std::unexpected<Error> fail_at(std::string_view text, std::size_t offset, std::string_view what)
{
    return fail("at character " + std::to_string(character_number(text, offset)) + ": " + std::string(what));
}

// [SECTION] Tokenizer

enum class TokenKind {
    Name,
    String,
    Number,
    True,
    False,
    Null,
    And,
    Or,
    Not,
    In,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    End,
};

struct Token {
    TokenKind kind;
    std::size_t offset;
    std::string text; // the name, or the string literal without its quotes
    std::int64_t number = 0;
};

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return is_lower(c) || is_digit(c) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters that make up operators. `&` and `|` are here so `&&` and `||` get a helpful message
// instead of a bare "unexpected character".
bool is_operator_char(char c) { return c == '=' || c == '!' || c == '<' || c == '>' || c == '&' || c == '|'; }

struct KnownWord {
    std::string_view text;
    TokenKind kind;
};

constexpr KnownWord keywords[] = {
    { "and", TokenKind::And },
    { "or", TokenKind::Or },
    { "not", TokenKind::Not },
    { "in", TokenKind::In },
    { "true", TokenKind::True },
    { "false", TokenKind::False },
    { "null", TokenKind::Null },
};

constexpr KnownWord operators[] = {
    { "==", TokenKind::Equal },
    { "!=", TokenKind::NotEqual },
    { "<", TokenKind::Less },
    { "<=", TokenKind::LessEqual },
    { ">", TokenKind::Greater },
    { ">=", TokenKind::GreaterEqual },
};

// What people coming from other languages type, and what they meant here.
constexpr std::pair<std::string_view, std::string_view> operator_hints[] = {
    { "=", "==" },
    { "===", "==" },
    { "!==", "!=" },
    { "<>", "!=" },
    { "=<", "<=" },
    { "=>", ">=" },
    { "!", "not" },
    { "&&", "and" },
    { "||", "or" },
};

// The whole UTF-8 sequence starting at `offset`, so an error can quote a typographic quote or an accent
// as the author typed it.
std::string_view character_at(std::string_view text, std::size_t offset)
{
    auto length = std::size_t { 1 };
    while (offset + length < text.size() && (static_cast<unsigned char>(text[offset + length]) & 0xC0) == 0x80)
        ++length;
    return text.substr(offset, length);
}

Result<std::vector<Token>> tokenize(std::string_view text)
{
    std::vector<Token> tokens;
    std::size_t at = 0;
    while (at < text.size()) {
        char c = text[at];
        auto start = at;
        if (is_space(c)) {
            ++at;
        } else if (is_lower(c)) {
            while (at < text.size() && is_name_char(text[at]))
                ++at;
            auto word = text.substr(start, at - start);
            auto kind = TokenKind::Name;
            for (auto& keyword : keywords) {
                if (keyword.text == word)
                    kind = keyword.kind;
            }
            tokens.push_back({ kind, start, std::string(word) });
        } else if (is_digit(c) || (c == '-' && at + 1 < text.size() && is_digit(text[at + 1]))) {
            ++at;
            while (at < text.size() && is_digit(text[at]))
                ++at;
            if (at < text.size() && is_name_char(text[at]))
                return fail_at(text, start, "a name must start with a letter");
            std::int64_t number = 0;
            auto [end, error] = std::from_chars(text.data() + start, text.data() + at, number);
            if (error != std::errc {} || end != text.data() + at)
                return fail_at(text, start, "number out of range");
            tokens.push_back({ TokenKind::Number, start, {}, number });
        } else if (c == '\'' || c == '"') {
            // No escapes: a literal that needs one kind of quote is written with the other.
            auto close = text.find(c, at + 1);
            if (close == std::string_view::npos)
                return fail_at(text, start, "unterminated string");
            tokens.push_back({ TokenKind::String, start, std::string(text.substr(at + 1, close - at - 1)) });
            at = close + 1;
        } else if (is_operator_char(c)) {
            while (at < text.size() && is_operator_char(text[at]))
                ++at;
            auto symbol = text.substr(start, at - start);
            bool known = false;
            for (auto& op : operators) {
                if (op.text == symbol) {
                    tokens.push_back({ op.kind, start });
                    known = true;
                }
            }
            if (!known) {
                auto message = "unknown operator '" + std::string(symbol) + "'";
                for (auto& [typed, meant] : operator_hints) {
                    if (typed == symbol)
                        message += " (did you mean '" + std::string(meant) + "'?)";
                }
                return fail_at(text, start, message);
            }
        } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
            auto kind = c == '(' ? TokenKind::LeftParen
                : c == ')'       ? TokenKind::RightParen
                : c == '['       ? TokenKind::LeftBracket
                : c == ']'       ? TokenKind::RightBracket
                                 : TokenKind::Comma;
            tokens.push_back({ kind, start });
            ++at;
        } else {
            auto character = character_at(text, at);
            auto message = "unexpected character '" + std::string(character) + "'";
            if (c >= 'A' && c <= 'Z')
                message += " (names and keywords are lower-case)";
            else if (character == "\u2018" || character == "\u2019" || character == "\u201C" || character == "\u201D"
                || character == "\u00AB" || character == "\u00BB")
                message += " (quote strings with ' or \")";
            return fail_at(text, start, message);
        }
    }
    tokens.push_back({ TokenKind::End, text.size() });
    return tokens;
}

// [SECTION] Parser

std::optional<CompareOp> compare_op(TokenKind kind)
{
    switch (kind) {
    case TokenKind::Equal:
        return CompareOp::Equal;
    case TokenKind::NotEqual:
        return CompareOp::NotEqual;
    case TokenKind::Less:
        return CompareOp::Less;
    case TokenKind::LessEqual:
        return CompareOp::LessEqual;
    case TokenKind::Greater:
        return CompareOp::Greater;
    case TokenKind::GreaterEqual:
        return CompareOp::GreaterEqual;
    case TokenKind::In:
        return CompareOp::In;
    default:
        return std::nullopt;
    }
}

NodePtr make_node(Node node) { return std::make_shared<const Node>(std::move(node)); }

class Parser {
public:
    Parser(std::string_view text, std::vector<Token> tokens)
        : m_text(text)
        , m_tokens(std::move(tokens))
    {
    }

    Result<NodePtr> parse_all()
    {
        auto root = parse_or();
        if (!root)
            return root;
        if (peek().kind != TokenKind::End)
            return fail_at(m_text, peek().offset, "trailing input");
        return root;
    }

private:
    // or := and ( "or" and )*
    Result<NodePtr> parse_or() { return parse_chain(TokenKind::Or, Node::Kind::Or, &Parser::parse_and); }

    // and := not ( "and" not )*
    Result<NodePtr> parse_and() { return parse_chain(TokenKind::And, Node::Kind::And, &Parser::parse_not); }

    Result<NodePtr> parse_chain(TokenKind separator, Node::Kind kind, Result<NodePtr> (Parser::*parse_part)())
    {
        auto first = (this->*parse_part)();
        if (!first || peek().kind != separator)
            return first;
        Node chain { .kind = kind };
        chain.children.push_back(std::move(*first));
        while (peek().kind == separator) {
            advance();
            auto next = (this->*parse_part)();
            if (!next)
                return next;
            chain.children.push_back(std::move(*next));
        }
        return make_node(std::move(chain));
    }

    // not := "not" not | compare
    Result<NodePtr> parse_not()
    {
        if (peek().kind != TokenKind::Not)
            return parse_compare();
        auto& keyword = advance();
        if (auto deeper = enter(keyword); !deeper)
            return std::unexpected(deeper.error());
        auto operand = parse_not();
        leave();
        if (!operand)
            return operand;
        return make_node({ .kind = Node::Kind::Not, .children = { std::move(*operand) } });
    }

    // compare := operand ( op operand )?, where op includes the two-word "not in".
    Result<NodePtr> parse_compare()
    {
        auto left = parse_operand();
        if (!left)
            return left;
        auto op = read_compare_op();
        if (!op)
            return std::unexpected(op.error());
        if (!*op)
            return left;
        auto& right_token = peek();
        auto right = parse_operand();
        if (!right)
            return right;
        bool membership = **op == CompareOp::In || **op == CompareOp::NotIn;
        if (membership && (*right)->kind != Node::Kind::List && (*right)->kind != Node::Kind::Name)
            return fail_at(m_text, right_token.offset, "expected a list or a name after 'in'");
        // `a == b == c` reads as a chain in other languages but means nothing here; say so rather than
        // report "trailing input".
        auto chained_at = peek().offset;
        if (auto after = read_compare_op(); after && *after)
            return fail_at(m_text, chained_at, "comparisons do not chain; add parentheses");
        return make_node({ .kind = Node::Kind::Compare, .op = **op, .children = { std::move(*left), std::move(*right) } });
    }

    // Consumes a comparison operator if one is next. An error only for a `not` that is not `not in`,
    // because after an operand nothing else can follow a `not`.
    Result<std::optional<CompareOp>> read_compare_op()
    {
        if (peek().kind == TokenKind::Not) {
            if (peek(1).kind != TokenKind::In)
                return fail_at(m_text, peek(1).offset, "expected 'in' after 'not'");
            advance();
            advance();
            return CompareOp::NotIn;
        }
        auto op = compare_op(peek().kind);
        if (op)
            advance();
        return op;
    }

    // operand := NAME | STRING | NUMBER | true | false | null | list | "(" expr ")"
    Result<NodePtr> parse_operand()
    {
        auto& token = peek();
        switch (token.kind) {
        case TokenKind::Name:
            advance();
            return make_node({ .kind = Node::Kind::Name, .name = token.text });
        case TokenKind::LeftBracket:
            return parse_list();
        case TokenKind::LeftParen: {
            advance();
            if (auto deeper = enter(token); !deeper)
                return std::unexpected(deeper.error());
            auto inner = parse_or();
            leave();
            if (!inner)
                return inner;
            if (peek().kind != TokenKind::RightParen)
                return fail_at(m_text, peek().offset, "expected ')'");
            advance();
            // Parentheses only group: `(kind) == 'birth'` compares the answer itself.
            return inner;
        }
        default:
            if (auto literal = literal_value(token)) {
                advance();
                return make_node({ .kind = Node::Kind::Literal, .value = std::move(*literal) });
            }
            return fail_at(m_text, token.offset, "expected a name, a value, a list or '('");
        }
    }

    // list := "[" ( literal ( "," literal )* )? "]"
    Result<NodePtr> parse_list()
    {
        advance();
        auto items = json::array();
        if (peek().kind == TokenKind::RightBracket) {
            advance();
            return make_node({ .kind = Node::Kind::List, .value = std::move(items) });
        }
        while (true) {
            auto literal = literal_value(peek());
            if (!literal)
                return fail_at(m_text, peek().offset, "expected a string, a number, true, false or null in the list");
            items.push_back(std::move(*literal));
            advance();
            if (peek().kind == TokenKind::RightBracket)
                break;
            if (peek().kind != TokenKind::Comma)
                return fail_at(m_text, peek().offset, "expected ',' or ']'");
            advance();
        }
        advance();
        return make_node({ .kind = Node::Kind::List, .value = std::move(items) });
    }

    static std::optional<json> literal_value(const Token& token)
    {
        switch (token.kind) {
        case TokenKind::String:
            return json(token.text);
        case TokenKind::Number:
            return json(token.number);
        case TokenKind::True:
            return json(true);
        case TokenKind::False:
            return json(false);
        case TokenKind::Null:
            return json(nullptr);
        default:
            return std::nullopt;
        }
    }

    // Depth counts the recursive rules (`not` and parentheses); everything else loops, so this alone
    // bounds the parser's stack, the tree's depth, and with it the evaluator's stack.
    Result<void> enter(const Token& token)
    {
        if (++m_depth > max_depth)
            return fail_at(m_text, token.offset, "nested too deeply (at most " + std::to_string(max_depth) + " levels)");
        return {};
    }
    void leave() { --m_depth; }

    const Token& peek(std::size_t ahead = 0) const { return m_tokens[std::min(m_next + ahead, m_tokens.size() - 1)]; }
    const Token& advance()
    {
        auto& token = m_tokens[m_next];
        if (m_next + 1 < m_tokens.size())
            ++m_next;
        return token;
    }

    std::string_view m_text;
    std::vector<Token> m_tokens;
    std::size_t m_next = 0;
    int m_depth = 0;
};

// [SECTION] Evaluation

// Objects (an address answer) and anything else outside the documented kinds have no meaningful
// equality in a condition, so they are never equal to anything, themselves included.
bool comparable_kind(const json& value)
{
    return value.is_null() || value.is_boolean() || value.is_number() || value.is_string() || value.is_array();
}

bool same_kind(const json& a, const json& b)
{
    if (a.is_number() && b.is_number())
        return true;
    return a.type() == b.type();
}

bool equal(const json& a, const json& b)
{
    if (!comparable_kind(a) || !comparable_kind(b) || !same_kind(a, b))
        return false;
    return a == b;
}

// Ordering is defined for two numbers or two strings (dates are `YYYY-MM-DD`, so they order as
// strings); with null or mixed kinds it is false, whichever way round.
bool ordered(CompareOp op, const json& a, const json& b)
{
    bool numbers = a.is_number() && b.is_number();
    bool strings = a.is_string() && b.is_string();
    if (!numbers && !strings)
        return false;
    switch (op) {
    case CompareOp::Less:
        return a < b;
    case CompareOp::LessEqual:
        return a <= b;
    case CompareOp::Greater:
        return a > b;
    case CompareOp::GreaterEqual:
        return a >= b;
    default:
        return false;
    }
}

// `x in [list]` and `'rsa' in income_sources`: membership in an array. Anything else on the right (an
// unanswered question, a single choice) contains nothing.
bool contains(const json& collection, const json& item)
{
    if (!collection.is_array())
        return false;
    for (auto& element : collection) {
        if (equal(element, item))
            return true;
    }
    return false;
}

bool truthy(const json& value)
{
    switch (value.type()) {
    case json::value_t::boolean:
        return value.get<bool>();
    case json::value_t::number_integer:
        return value.get<std::int64_t>() != 0;
    case json::value_t::number_unsigned:
        return value.get<std::uint64_t>() != 0;
    case json::value_t::number_float:
        return value.get<double>() != 0.0;
    case json::value_t::string: {
        // A yes_no answer is the string "no", which must read as false.
        auto& text = value.get_ref<const std::string&>();
        return !text.empty() && text != "no";
    }
    case json::value_t::array:
    case json::value_t::object:
        return !value.empty();
    default:
        return false;
    }
}

const json null_value = nullptr;

bool evaluate_node(const Node& node, const json& answers);

json value_of(const Node& node, const json& answers)
{
    switch (node.kind) {
    case Node::Kind::Name: {
        if (!answers.is_object())
            return null_value;
        auto found = answers.find(node.name);
        return found == answers.end() ? null_value : *found;
    }
    case Node::Kind::Literal:
    case Node::Kind::List:
        return node.value;
    default:
        return evaluate_node(node, answers);
    }
}

bool evaluate_node(const Node& node, const json& answers)
{
    switch (node.kind) {
    case Node::Kind::Name:
    case Node::Kind::Literal:
    case Node::Kind::List:
        return truthy(value_of(node, answers));
    case Node::Kind::Not:
        return !evaluate_node(*node.children[0], answers);
    case Node::Kind::And:
        for (auto& child : node.children) {
            if (!evaluate_node(*child, answers))
                return false;
        }
        return true;
    case Node::Kind::Or:
        for (auto& child : node.children) {
            if (evaluate_node(*child, answers))
                return true;
        }
        return false;
    case Node::Kind::Compare: {
        auto left = value_of(*node.children[0], answers);
        auto right = value_of(*node.children[1], answers);
        switch (node.op) {
        case CompareOp::Equal:
            return equal(left, right);
        case CompareOp::NotEqual:
            return !equal(left, right);
        case CompareOp::In:
            return contains(right, left);
        case CompareOp::NotIn:
            return !contains(right, left);
        default:
            return ordered(node.op, left, right);
        }
    }
    }
    return false;
}

// Pre-order, left before right: the tree keeps source order, so this visits names in the order they
// appear in the text.
template<typename Visit>
void walk(const Node& node, Visit& visit)
{
    visit(node);
    for (auto& child : node.children)
        walk(*child, visit);
}

}

// [SECTION] Expression

Result<Expression> Expression::parse(std::string_view text)
{
    auto length = character_number(text, text.size()) - 1;
    if (length > max_length)
        return fail("the condition is " + std::to_string(length) + " characters long; at most " + std::to_string(max_length)
            + " are allowed");
    auto tokens = tokenize(text);
    if (!tokens)
        return std::unexpected(tokens.error());
    if (tokens->size() == 1)
        return fail("the condition is empty");
    Parser parser(text, std::move(*tokens));
    auto root = parser.parse_all();
    if (!root)
        return std::unexpected(root.error());
    Expression expression;
    expression.m_text = std::string(text);
    expression.m_root = std::move(*root);
    return expression;
}

bool Expression::evaluate(const nlohmann::json& answers) const
{
    // A default-constructed Expression guards nothing, like a step without `show_if`.
    if (!m_root)
        return true;
    return evaluate_node(*m_root, answers);
}

std::vector<std::string> Expression::names() const
{
    std::vector<std::string> found;
    if (!m_root)
        return found;
    auto visit = [&](const Node& node) {
        if (node.kind == Node::Kind::Name && std::find(found.begin(), found.end(), node.name) == found.end())
            found.push_back(node.name);
    };
    walk(*m_root, visit);
    return found;
}

std::vector<Expression::NameLiteral> Expression::compared_strings() const
{
    std::vector<NameLiteral> found;
    if (!m_root)
        return found;
    auto add = [&](const std::string& name, const json& literal) {
        if (!literal.is_string())
            return;
        auto& text = literal.get_ref<const std::string&>();
        for (auto& pair : found) {
            if (pair.name == name && pair.literal == text)
                return;
        }
        found.push_back({ name, text });
    };
    auto add_all = [&](const std::string& name, const Node& other) {
        if (other.kind == Node::Kind::Literal)
            add(name, other.value);
        else if (other.kind == Node::Kind::List) {
            for (auto& item : other.value)
                add(name, item);
        }
    };
    auto visit = [&](const Node& node) {
        if (node.kind != Node::Kind::Compare)
            return;
        if (node.op != CompareOp::Equal && node.op != CompareOp::NotEqual && node.op != CompareOp::In
            && node.op != CompareOp::NotIn)
            return;
        auto& left = *node.children[0];
        auto& right = *node.children[1];
        if (left.kind == Node::Kind::Name)
            add_all(left.name, right);
        if (right.kind == Node::Kind::Name)
            add_all(right.name, left);
    };
    walk(*m_root, visit);
    return found;
}

bool Expression::always_false() const
{
    // With no name read, the value cannot depend on the answers: one evaluation decides it.
    return m_root && names().empty() && !evaluate(nlohmann::json::object());
}

}
