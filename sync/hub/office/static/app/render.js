// Opened answers → DOM, with createElement and textContent only: everything here was typed by a
// citizen at a kiosk and is shown as text, never parsed as HTML. The labels are the procedure
// version's French labels (GET /office/api/procedures/{id}/{version}, procedure_catalog.h).
// describeAnswers is the pure part (also used by the export); renderAnswers builds the nodes.

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
  "novembre", "décembre"];

export const STATE_LABELS = {
  received: "Reçue",
  in_progress: "En cours",
  done: "Traitée",
  incomplete: "Incomplète",
};

// "2026-12-01" → "1 décembre 2026"; anything else is returned as it is.
export function formatDate(value) {
  const match = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return String(value);
  const month = Number(match[2]);
  if (month < 1 || month > 12) return value;
  return `${Number(match[3])} ${MONTHS[month - 1]} ${match[1]}`;
}

function asText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

// One answer as text, by its question's type (labels.questions[i]); unknown shapes as raw JSON text.
export function formatAnswer(question, value) {
  if (value === null || value === undefined) return "Sans réponse";
  const options = question && question.options ? question.options : {};
  const label = (v) => (typeof v === "string" && Object.hasOwn(options, v) ? options[v] : asText(v));
  switch (question ? question.type : "") {
    case "date":
      return formatDate(value);
    case "number":
      return question.unit ? `${asText(value)} ${question.unit}` : asText(value);
    case "choice":
    case "yes_no":
      return label(value);
    case "multi_choice":
      return Array.isArray(value) ? value.map(label).join(", ") : asText(value);
    case "consent":
      return value === "yes" ? "Oui, accepté" : asText(value);
    case "address":
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const city = [value.postcode, value.commune].filter((p) => typeof p === "string" && p !== "").join(" ");
        return [value.street, city].filter((p) => typeof p === "string" && p !== "").join(", ");
      }
      return asText(value);
    default:
      return asText(value);
  }
}

function pagesOf(answer) {
  return answer && typeof answer === "object" && Array.isArray(answer.pages) ? answer.pages : null;
}

// "2 pages (ci-dessous, sous « Pièces jointes »)"
function pagesText(answer) {
  const pages = pagesOf(answer);
  if (!pages) return asText(answer);
  return `${pages.length} ${pages.length === 1 ? "page" : "pages"} (sous « Pièces jointes »)`;
}

// {rows: [{id, label, value}], unknown: [{id, value}], outcomes: [text], assisted, language}
export function describeAnswers(payload, labels) {
  const inner = payload && typeof payload.answers === "object" && payload.answers !== null ? payload.answers : {};
  const answers = inner.answers && typeof inner.answers === "object" && !Array.isArray(inner.answers) ? inner.answers : {};
  const questions = labels && Array.isArray(labels.questions) ? labels.questions : [];
  const known = new Set();
  const rows = [];
  for (const question of questions) {
    known.add(question.id);
    if (!Object.hasOwn(answers, question.id)) continue;
    rows.push({ id: question.id, label: question.title, value: formatAnswer(question, answers[question.id]) });
  }
  // A document step's answer lists its pages, shown as pictures below the answers: here its title and count.
  const documents = labels && labels.documents && typeof labels.documents === "object" ? labels.documents : {};
  for (const [id, title] of Object.entries(documents)) {
    known.add(id);
    if (Object.hasOwn(answers, id)) rows.push({ id, label: asText(title), value: pagesText(answers[id]) });
  }
  const unknown = Object.keys(answers).filter((id) => !known.has(id))
    .map((id) => ({ id, value: pagesOf(answers[id]) ? pagesText(answers[id]) : asText(answers[id]) }));
  const outcomeTitles = labels && labels.outcomes ? labels.outcomes : {};
  const outcomes = Array.isArray(inner.outcomes)
    ? inner.outcomes.map((id) => (typeof id === "string" && Object.hasOwn(outcomeTitles, id) ? outcomeTitles[id] : asText(id)))
    : [];
  return {
    rows,
    unknown,
    outcomes,
    assisted: payload && payload.assisted === true,
    language: typeof inner.language === "string" ? inner.language : "",
  };
}

function element(doc, tag, text, className) {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// Replaces the container's children with the answers.
export function renderAnswers(container, payload, labels) {
  const doc = container.ownerDocument;
  const described = describeAnswers(payload, labels);
  container.replaceChildren();
  if (described.assisted) {
    container.append(element(doc, "p", "Demande déposée avec l’aide d’un médiateur.", "fr-badge fr-badge--info"));
  }
  const list = element(doc, "dl", undefined, "office-answers");
  for (const row of described.rows) {
    list.append(element(doc, "dt", row.label), element(doc, "dd", row.value));
  }
  container.append(list);
  if (described.rows.length === 0) container.append(element(doc, "p", "Aucune réponse."));
  if (described.unknown.length > 0) {
    container.append(element(doc, "h3", "Réponses sans libellé (version de la démarche inconnue)"));
    const raw = element(doc, "dl", undefined, "office-answers");
    for (const entry of described.unknown) raw.append(element(doc, "dt", entry.id), element(doc, "dd", entry.value));
    container.append(raw);
  }
  if (described.outcomes.length > 0) {
    container.append(element(doc, "h3", "Aides suggérées au citoyen (indicatif)"));
    const items = element(doc, "ul");
    for (const title of described.outcomes) items.append(element(doc, "li", title));
    container.append(items);
  }
}
