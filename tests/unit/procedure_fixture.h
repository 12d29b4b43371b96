// A small procedure in French only, exercising conditions, for the core's unit tests.
#pragma once
#include "kiosk/core/procedure.h"

#include <nlohmann/json.hpp>

namespace guichet::testing {

inline nlohmann::json fixture_procedure_json()
{
    return nlohmann::json::parse(R"({
      "format": 1, "id": "move", "version": 3, "category": "housing", "icon": "home",
      "languages": ["fr"],
      "title": { "fr": "Déménagement" }, "summary": { "fr": "Signaler un déménagement" },
      "duration_minutes": 5,
      "what_you_need": [ { "fr": "Votre nouvelle adresse" } ],
      "data_use": { "recipient": { "fr": "La mairie" }, "purpose": { "fr": "Mettre à jour" },
                    "retention": { "fr": "Un an" } },
      "steps": [
        { "id": "hello", "kind": "info", "title": { "fr": "Bonjour" }, "text": { "fr": "Trois questions." } },
        { "id": "name", "kind": "question", "title": { "fr": "Votre nom ?" },
          "field": { "type": "text", "preset": "person_name" } },
        { "id": "children", "kind": "question", "title": { "fr": "Des enfants ?" },
          "field": { "type": "yes_no" } },
        { "id": "children_count", "kind": "question", "show_if": "children == 'yes'",
          "title": { "fr": "Combien ?" }, "field": { "type": "number", "min": 1, "max": 15 } },
        { "id": "phone", "kind": "question", "title": { "fr": "Téléphone ?" },
          "field": { "type": "text", "preset": "phone", "required": false } }
      ],
      "outcomes": [
        { "id": "family", "show_if": "children_count >= 3", "title": { "fr": "Allocations familiales" } }
      ]
    })");
}

inline ValidationOptions french_only() { return { .languages = { "fr" } }; }

inline std::shared_ptr<const Procedure> fixture_procedure()
{
    auto parsed = parse_procedure(fixture_procedure_json(), french_only(), "move.json");
    return std::make_shared<const Procedure>(std::move(*parsed.procedure));
}

}
