// The headless driver's script language: one command a line, parsed up front so a typo is reported
// (with its line) before anything runs. Blank lines and lines starting with '#' are ignored.
#pragma once
#include "kiosk/core/result.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace guichet {

enum class ScriptVerb {
    TapLabel,     // tap "<label>"
    TapId,        // tap id:<id>
    Type,         // type "<text>"
    Key,          // key <name>            (an SDL key name: Return, Escape, Tab, F1, Down, …)
    Wait,         // wait <ms>             (frames keep running on the virtual clock)
    Advance,      // advance <seconds>     (the virtual clock jumps, one frame per second)
    ExpectScreen, // expect-screen <name>
    ExpectText,   // expect-text "<text>"
    ExpectNoText, // expect-no-text "<text>"
    ExpectFocus,  // expect-focus <id>     (the element with the focus ring, as Tab and the arrows moved it)
    ExpectFits,   // expect-fits           (everything inside the display, nothing overlapping, targets big enough)
    Screenshot,   // screenshot <file.png>
    Resize,       // resize <W>x<H>
    DumpUi,       // dump-ui <file.json>
    WaitSync,     // wait-sync             (real time, at most 30 s: the uploader finishes a pass)
    WaitSpeech,   // wait-speech           (real time, at most 30 s: the voice has said everything)
};

struct ScriptStep {
    int line = 0;
    ScriptVerb kind;
    std::string text;    // label, id, text, key name, screen name or file
    int number = 0;      // milliseconds, seconds, or width
    int second_number = 0; // height
};

Result<std::vector<ScriptStep>> parse_script(std::string_view text, std::string_view source);
Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& path);

}
