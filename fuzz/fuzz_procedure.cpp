// A procedure file (docs/procedures.md) as the kiosk and `guichetctl validate` read it: load_procedure_file
// on the file's bytes. A procedure that parses is then walked as the journey would: its conditions are
// evaluated over empty answers.
#include "fuzz/fuzz_support.h"
#include "kiosk/core/procedure.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static guichet::fuzz::MemoryFile file;
    static const guichet::ValidationOptions options;
    auto parsed = guichet::load_procedure_file(file.write(data, size), options);
    if (parsed.procedure) {
        auto answers = nlohmann::json::object();
        for (auto& step : parsed.procedure->steps) {
            if (step.show_if)
                (void)step.show_if->evaluate(answers);
        }
        for (auto& outcome : parsed.procedure->outcomes) {
            if (outcome.show_if)
                (void)outcome.show_if->evaluate(answers);
        }
    }
    for (auto& problem : parsed.problems)
        (void)guichet::to_string(problem);
    return 0;
}
