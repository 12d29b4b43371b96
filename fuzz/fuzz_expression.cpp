// The `show_if` conditions of procedure files (docs/procedures.md): Expression::parse on the text, then
// everything the validator and the journey ask of a parsed condition, over answers of every shape.
#include "fuzz/fuzz_support.h"
#include "kiosk/core/expression.h"

using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto expression = guichet::Expression::parse(guichet::fuzz::as_text(data, size));
    if (!expression)
        return 0;
    auto names = expression->names();
    auto literals = expression->compared_strings();
    (void)expression->always_false();

    // Five sets of answers; in each, a name gets null, a literal it is compared with, a number, a list
    // (a multiple choice) or a yes/no, turn by turn, so every comparison meets every type.
    auto literal = [&](size_t i) { return literals.empty() ? std::string("x") : literals[i % literals.size()].literal; };
    for (size_t turn = 0; turn < 5; ++turn) {
        auto answers = json::object();
        for (size_t i = 0; i < names.size(); ++i) {
            switch ((turn + i) % 5) {
            case 0:
                answers[names[i]] = nullptr;
                break;
            case 1:
                answers[names[i]] = literal(i);
                break;
            case 2:
                answers[names[i]] = static_cast<int64_t>(i) - 1;
                break;
            case 3:
                answers[names[i]] = json::array({ literal(i), literal(i + 1) });
                break;
            case 4:
                answers[names[i]] = turn % 2 == 0;
                break;
            }
        }
        (void)expression->evaluate(answers);
    }
    return 0;
}
