// Export of opened submissions, in the browser (the hub never sees the answers): pages through
// GET /office/api/demandes, opens each record with the agent's key (opener.js), and builds a CSV for
// spreadsheets or a JSON file. Records that fail the integrity check are listed, never exported.
// The CSV: UTF-8 with a BOM (so spreadsheets read the accents), ';' (French spreadsheets' separator),
// CRLF, one column per question with its French label after receipt, kiosk, received and state;
// a cell that a spreadsheet would take for a formula gets a leading apostrophe.
import { getJSON, postJSON } from "./api.js";
import { openSealed } from "./opener.js";
import { STATE_LABELS, describeAnswers, formatAnswer } from "./render.js";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[;"\r\n]/;

export function csvCell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (NEEDS_QUOTES.test(text)) text = `"${text.replaceAll('"', '""')}"`;
  return text;
}

// The questions of every version seen, the newest version's first, each id once.
export function exportColumns(labelsByVersion) {
  const versions = [...labelsByVersion.keys()].sort((a, b) => b - a);
  const columns = [];
  const seen = new Set();
  for (const version of versions) {
    for (const question of labelsByVersion.get(version).questions || []) {
      if (seen.has(question.id)) continue;
      seen.add(question.id);
      columns.push(question);
    }
  }
  return columns;
}

// rows: [{record, payload}] (opened); labelsByVersion: Map(version → labels).
export function buildCsv(rows, labelsByVersion) {
  const columns = exportColumns(labelsByVersion);
  const header = ["Code de suivi", "Kiosque", "Reçue le", "État", ...columns.map((q) => q.title)];
  const lines = [header.map(csvCell).join(";")];
  for (const { record, payload } of rows) {
    const labels = labelsByVersion.get(record.version) || { questions: [] };
    const own = new Map((labels.questions || []).map((q) => [q.id, q]));
    const answers = payload.answers && payload.answers.answers ? payload.answers.answers : {};
    const cells = [record.receipt || "", record.kiosk, record.received_at, STATE_LABELS[record.state] || record.state || ""];
    for (const column of columns) {
      cells.push(Object.hasOwn(answers, column.id) ? formatAnswer(own.get(column.id) || column, answers[column.id]) : "");
    }
    lines.push(cells.map(csvCell).join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

// The opened submissions as they are, with their envelope: for another program.
export function buildJson(rows, labelsByVersion) {
  const items = rows.map(({ record, payload }) => {
    const described = describeAnswers(payload, labelsByVersion.get(record.version));
    return {
      id: record.id,
      receipt: record.receipt || null,
      kiosk: record.kiosk,
      procedure: record.procedure,
      version: record.version,
      created_at: record.created_at,
      received_at: record.received_at,
      state: record.state,
      assisted: payload.assisted === true,
      answers: payload.answers,
      outcomes: described.outcomes,
    };
  });
  return `${JSON.stringify(items, null, 2)}\n`;
}

// In the page: fetch, open, build, download, and tell the audit log (counts only).
// filters: the inbox's query parameters (procedure, etat, kiosque, du, au) as an object.
export async function exportAll({ filters, format, onProgress = () => {} }) {
  performance.mark("export-start");
  const opened = [];
  const failures = [];
  const labelsByVersion = new Map();
  let cursor = null;
  do {
    const query = new URLSearchParams(filters);
    if (cursor) query.set("apres", cursor);
    const page = await getJSON(`/office/api/demandes?${query}`);
    for (const record of page.items) {
      const result = await openSealed(record);
      if (!result.ok) {
        failures.push({ id: record.id, receipt: record.receipt || "", reason: result.reason });
        continue;
      }
      if (!labelsByVersion.has(record.version)) {
        const path = `/office/api/procedures/${encodeURIComponent(record.procedure)}/${record.version}`;
        labelsByVersion.set(record.version, await getJSON(path));
      }
      opened.push({ record, payload: result.payload });
    }
    onProgress(opened.length, failures.length);
    cursor = page.next;
  } while (cursor);
  const text = format === "json" ? buildJson(opened, labelsByVersion) : buildCsv(opened, labelsByVersion);
  const type = format === "json" ? "application/json" : "text/csv;charset=utf-8";
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `${filters.procedure || "demandes"}.${format === "json" ? "json" : "csv"}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000); // after the download has started
  performance.mark("export-end");
  performance.measure("export", "export-start", "export-end");
  await postJSON("/office/api/journal", {
    action: "export",
    procedure: filters.procedure || "",
    count: opened.length,
    format: format === "json" ? "json" : "csv",
  });
  return { exported: opened.length, failures };
}
