// The export's CSV and JSON (export.js) and the answers' text (render.js), without a browser.
import assert from "node:assert/strict";
import { test } from "node:test";

import { app } from "./support.mjs";

const { buildCsv, buildJson, csvCell, exportColumns } = await app("export.js");
const { describeAnswers, formatAnswer, formatDate } = await app("render.js");

const labels = {
  id: "change-of-address",
  version: 1,
  title: "Signaler un changement d’adresse",
  questions: [
    { id: "moved_on", title: "À quelle date avez-vous déménagé ?", type: "date" },
    { id: "has_children", title: "Des enfants ?", type: "yes_no", options: { yes: "Oui", no: "Non" } },
    { id: "housing", title: "Logement", type: "choice", options: { tenant: "Locataire", owner: "Propriétaire" } },
    { id: "organisations", title: "Organismes", type: "multi_choice", options: { caf: "CAF", tax: "Impôts" } },
    { id: "new_address", title: "Nouvelle adresse", type: "address" },
    { id: "children_count", title: "Combien ?", type: "number", unit: "enfants" },
    { id: "note", title: "Remarque; « libre »", type: "text" },
  ],
  outcomes: { housing_aid: "Aide personnalisée au logement (APL)" },
};

function opened(answers, extra = {}) {
  return {
    record: {
      id: "00000000-0000-4000-8000-000000000001", receipt: "ABCDEFGHK", kiosk: "mairie-1", procedure: "change-of-address",
      version: 1, created_at: "2026-12-01T09:29:58.000Z", received_at: "2026-12-01T09:30:00.123Z", state: "done", ...extra,
    },
    payload: { id: "x", assisted: false, answers: { language: "fr", answers, outcomes: ["housing_aid"] } },
  };
}

test("cells: quotes when needed, formulas neutralised", () => {
  assert.equal(csvCell("simple"), "simple");
  assert.equal(csvCell("a;b"), '"a;b"');
  assert.equal(csvCell('il a dit "non"'), '"il a dit ""non"""');
  assert.equal(csvCell("deux\nlignes"), '"deux\nlignes"');
  assert.equal(csvCell("retour\r"), '"retour\r"');
  assert.equal(csvCell("=1+1"), "'=1+1");
  assert.equal(csvCell("+33 6 12"), "'+33 6 12");
  assert.equal(csvCell("-2"), "'-2");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell("=HYPERLINK(\"http://x\";\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\"");
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(3), "3");
});

test("the CSV has a BOM, ';', CRLF and French headers, one column per question", () => {
  const rows = [
    opened({ moved_on: "2026-11-20", has_children: "yes", housing: "tenant", organisations: ["caf", "tax"],
      new_address: { street: "3 rue des Lilas", postcode: "75011", commune: "Paris" }, children_count: 2,
      note: '<script>alert(1)</script>; "x"' }),
    opened({ moved_on: "2026-12-01", note: "=cmd|' /C calc'!A0" }, { receipt: "", state: "in_progress" }),
  ];
  const csv = buildCsv(rows, new Map([[1, labels]]));
  assert.ok(csv.startsWith("\uFEFF"));
  assert.ok(csv.endsWith("\r\n"));
  const lines = csv.slice(1).split("\r\n");
  assert.equal(lines.length, 4); // header, two rows, the final empty string
  assert.equal(lines[0], "Code de suivi;Kiosque;Reçue le;État;À quelle date avez-vous déménagé ?;Des enfants ?;Logement;"
    + "Organismes;Nouvelle adresse;Combien ?;\"Remarque; « libre »\"");
  assert.equal(lines[1], "ABCDEFGHK;mairie-1;2026-12-01T09:30:00.123Z;Traitée;20 novembre 2026;Oui;Locataire;CAF, Impôts;"
    + "3 rue des Lilas, 75011 Paris;2 enfants;\"<script>alert(1)</script>; \"\"x\"\"\"");
  assert.equal(lines[2], ";mairie-1;2026-12-01T09:30:00.123Z;En cours;1 décembre 2026;;;;;;'=cmd|' /C calc'!A0");
});

test("columns cover every version, the newest first", () => {
  const v2 = { ...labels, version: 2, questions: [{ id: "phone", title: "Téléphone", type: "text" }, labels.questions[0]] };
  const columns = exportColumns(new Map([[1, labels], [2, v2]]));
  assert.deepEqual(columns.map((c) => c.id).slice(0, 3), ["phone", "moved_on", "has_children"]);
  assert.equal(columns.length, labels.questions.length + 1);
});

test("the JSON export keeps the answers and names the outcomes", () => {
  const json = JSON.parse(buildJson([opened({ moved_on: "2026-11-20" })], new Map([[1, labels]])));
  assert.equal(json.length, 1);
  assert.equal(json[0].receipt, "ABCDEFGHK");
  assert.equal(json[0].answers.answers.moved_on, "2026-11-20");
  assert.deepEqual(json[0].outcomes, ["Aide personnalisée au logement (APL)"]);
});

test("answers as text: dates, choices, unknown ids, outcomes", () => {
  assert.equal(formatDate("2026-12-01"), "1 décembre 2026");
  assert.equal(formatDate("2026-13-01"), "2026-13-01");
  assert.equal(formatAnswer(labels.questions[1], "no"), "Non");
  assert.equal(formatAnswer(labels.questions[2], "unknown-value"), "unknown-value");
  assert.equal(formatAnswer(labels.questions[0], null), "Sans réponse");
  assert.equal(formatAnswer({ type: "consent" }, "yes"), "Oui, accepté");
  const described = describeAnswers(opened({ moved_on: "2026-11-20", surprise: { a: 1 } }).payload, labels);
  assert.deepEqual(described.rows, [{ id: "moved_on", label: "À quelle date avez-vous déménagé ?", value: "20 novembre 2026" }]);
  assert.deepEqual(described.unknown, [{ id: "surprise", value: '{"a":1}' }]);
  assert.deepEqual(described.outcomes, ["Aide personnalisée au logement (APL)"]);
  assert.equal(described.language, "fr");
  assert.equal(described.assisted, false);
});
