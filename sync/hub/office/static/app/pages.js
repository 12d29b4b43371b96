// A case's scanned pages (issue 18): each page is sealed on its own at the kiosk. The browser fetches a
// page's sealed bytes (GET /office/api/demandes/{id}/pieces/{n}, scoped and audited), opens it with the
// key this tab holds, checks its SHA-256 against the list the sealed answers carry, and only then shows
// it (a blob: URL) with a link to save it. The hub never sees a page in clear.
import { currentKeys } from "./keyring.js";
import { sodiumReady } from "./sodium-ready.js";

function elementOf(doc, tag, text, className) {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// [{n, sha256, step}] from the opened payload: answers.answers[step] = {pages: [{n, sha256, …}]}.
export function listedPages(payload) {
  const inner = payload && typeof payload.answers === "object" && payload.answers !== null ? payload.answers : {};
  const answers = inner.answers && typeof inner.answers === "object" && !Array.isArray(inner.answers) ? inner.answers : {};
  const pages = [];
  for (const [step, answer] of Object.entries(answers)) {
    if (!answer || typeof answer !== "object" || !Array.isArray(answer.pages)) continue;
    for (const page of answer.pages) {
      if (page && Number.isSafeInteger(page.n) && typeof page.sha256 === "string") pages.push({ n: page.n, sha256: page.sha256, step });
    }
  }
  return pages.sort((a, b) => a.n - b.n);
}

function stepTitle(labels, step) {
  const documents = labels && labels.documents && typeof labels.documents === "object" ? labels.documents : {};
  if (Object.hasOwn(documents, step) && typeof documents[step] === "string") return documents[step];
  const questions = labels && Array.isArray(labels.questions) ? labels.questions : [];
  const found = questions.find((question) => question.id === step);
  return found && typeof found.title === "string" ? found.title : step;
}

async function fetchSealedPage(caseId, n) {
  return fetch(`/office/api/demandes/${encodeURIComponent(caseId)}/pieces/${n}`, { credentials: "same-origin" });
}

function objectURL(bytes) {
  return URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
}

// Shows the pages in `container` (an element of the case page). caseName: the receipt code or id, for
// the saved files' names. keys, fetchPage and makeURL are the browser's by default (tests pass theirs).
export async function renderPages(container, caseId, caseName, payload, labels,
  { keys = currentKeys(), fetchPage = fetchSealedPage, makeURL = objectURL } = {}) {
  const pages = listedPages(payload);
  if (pages.length === 0) return;
  const sodium = await sodiumReady();
  const doc = container.ownerDocument;
  const element = (...rest) => elementOf(doc, ...rest);
  container.replaceChildren(); // under the page's own "Pièces jointes" heading
  const list = element("ul", undefined, "office-pages");
  container.append(list);
  for (const page of pages) {
    const item = element("li");
    list.append(item);
    const label = `Page ${page.n + 1} sur ${pages.length} — ${stepTitle(labels, page.step)}`;
    let response;
    try {
      response = await fetchPage(caseId, page.n);
    } catch {
      item.append(element("p", `${label} : le hub ne répond pas.`, "fr-error-text"));
      continue;
    }
    if (response.status === 404) {
      item.append(element("p", `${label} : pas encore arrivée au hub (la borne l’envoie encore).`));
      continue;
    }
    if (!response.ok) {
      item.append(element("p", `${label} : le hub ne l’a pas donnée (erreur ${response.status}).`, "fr-error-text"));
      continue;
    }
    const sealed = new Uint8Array(await response.arrayBuffer());
    let clear;
    try {
      clear = sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.secretKey);
    } catch {
      item.append(element("p", `${label} : le scellement ne s’ouvre pas avec cette clé. Page refusée.`, "fr-error-text"));
      continue;
    }
    const hash = sodium.to_hex(sodium.crypto_hash_sha256(clear));
    if (hash !== page.sha256) {
      sodium.memzero(clear);
      item.append(element("p", `${label} : elle ne correspond pas à l’empreinte listée dans les réponses scellées. Page refusée.`,
        "fr-error-text"));
      continue;
    }
    const url = makeURL(clear);
    sodium.memzero(clear);
    const image = element("img", undefined, "office-page");
    image.src = url;
    image.alt = label;
    const save = element("a", `Enregistrer la page ${page.n + 1}`, "fr-link");
    save.href = url;
    save.download = `${caseName}-page-${page.n + 1}.jpg`;
    item.append(image, element("br"), save);
  }
}
