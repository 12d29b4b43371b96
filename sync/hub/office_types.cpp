// Names of the back office's enumerations, as they are stored and sent.
#include "sync/hub/office_types.h"

namespace guichet::sync::hub {

std::string_view name_of(AgentRole role) { return role == AgentRole::Supervisor ? "supervisor" : "agent"; }

std::optional<AgentRole> agent_role_from(std::string_view name)
{
    if (name == "agent")
        return AgentRole::Agent;
    if (name == "supervisor")
        return AgentRole::Supervisor;
    return std::nullopt;
}

std::string_view name_of(CaseState state)
{
    switch (state) {
    case CaseState::Received:
        return "received";
    case CaseState::InProgress:
        return "in_progress";
    case CaseState::Done:
        return "done";
    case CaseState::Incomplete:
        return "incomplete";
    }
    return "received";
}

std::optional<CaseState> case_state_from(std::string_view name)
{
    for (auto state : { CaseState::Received, CaseState::InProgress, CaseState::Done, CaseState::Incomplete })
        if (name_of(state) == name)
            return state;
    return std::nullopt;
}

bool is_valid_agent_name(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool letter_or_digit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!letter_or_digit && !(i > 0 && (c == '.' || c == '-')))
            return false;
    }
    return true;
}

}
