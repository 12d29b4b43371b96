// The semantic tree as a JSON file (see ui_dump.h).
#include "kiosk/app/ui_dump.h"

#include <nlohmann/json.hpp>

#include <fstream>

namespace guichet::app {

void UiDumpFile::update(const UiTree& tree)
{
    if (m_path.empty())
        return;
    auto text = tree.to_json().dump(2);
    if (text == m_last)
        return;
    m_last = std::move(text);
    std::ofstream(m_path) << m_last << '\n';
}

Result<void> UiDumpFile::write(const std::filesystem::path& path, const UiTree& tree)
{
    std::ofstream out(path);
    out << tree.to_json().dump(2) << '\n';
    if (!out)
        return fail("cannot write the UI dump '" + path.string() + "'");
    return {};
}

}
