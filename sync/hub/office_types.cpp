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

}
