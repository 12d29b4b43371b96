// The agents' pages that work in the browser (office_cases.cpp renders them): "demande" opens the
// sealed answers with the key this tab holds and lays them out; "cle" loads that key from a file;
// "export" opens every matching submission and saves them as CSV or JSON. Everything shown comes from
// createElement/textContent: answers were typed by citizens at a kiosk.
import { getJSON, postJSON } from "./api.js";
import { exportAll } from "./export.js";
import { KeyError, forget, hasKey, isProtected, loadKeyFile } from "./keyring.js";
import { openSealed } from "./opener.js";
import { renderPages } from "./pages.js";
import { renderAnswers } from "./render.js";

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function alertBox(kind, text) {
  const box = element("div", undefined, `fr-alert fr-alert--${kind} fr-alert--sm`);
  box.append(element("p", text));
  return box;
}

// "Aucune clé chargée" with the way to load one (a soft link: the page keeps this tab's memory).
function noKey(container, what, caseId) {
  const paragraph = element("p", `Aucune clé chargée : ${what} `);
  const link = element("a", "Charger la clé de dépôt");
  link.href = caseId ? `/office/cle?retour=${encodeURIComponent(caseId)}` : "/office/cle";
  paragraph.append(link, document.createTextNode("."));
  container.replaceChildren(paragraph);
}

// The hub keeps at most 1000 bytes of message (accents take two): say so before the form leaves, so the
// agent's text is not lost to a refusal.
const MAX_MESSAGE_BYTES = 1000;

function wireStateForm(main) {
  const form = main.querySelector("form.office-soft-post");
  const message = form ? form.querySelector("#message") : null;
  if (!form || !message) return;
  form.addEventListener("submit", (event) => {
    const bytes = new TextEncoder().encode(message.value.replace(/\r/g, "")).length;
    let error = form.querySelector("#message-erreur");
    if (bytes <= MAX_MESSAGE_BYTES) {
      if (error) error.remove();
      message.removeAttribute("aria-invalid");
      return;
    }
    event.preventDefault();
    if (!error) {
      error = element("p", undefined, "fr-error-text");
      error.id = "message-erreur";
      message.after(error);
    }
    error.textContent = `Message trop long : ${bytes} octets pour ${MAX_MESSAGE_BYTES} au plus (les lettres accentuées en comptent deux). Raccourcissez-le.`;
    message.setAttribute("aria-invalid", "true");
    message.setAttribute("aria-describedby", "message-erreur");
    message.focus();
  });
}

async function wireCase(main) {
  wireStateForm(main);
  const area = main.querySelector("#reponses");
  if (!area || !area.dataset.id) return;
  const { id, procedure } = area.dataset;
  if (!hasKey()) {
    noKey(area, "les réponses restent scellées.", id);
    return;
  }
  area.replaceChildren(element("p", "Ouverture des réponses…"));
  let record;
  try {
    record = await getJSON(`/office/api/demandes/${encodeURIComponent(id)}`);
  } catch (error) {
    const text = error.status === 410
      ? "Les réponses de cette demande ont été supprimées au terme de leur durée de conservation."
      : `Les réponses n’ont pas pu être chargées : ${error.message}.`;
    area.replaceChildren(alertBox(error.status === 410 ? "info" : "error", text));
    return;
  }
  const opened = await openSealed(record);
  if (!opened.ok) {
    if (opened.code === "no-key") {
      noKey(area, "les réponses restent scellées.", id);
      return;
    }
    area.replaceChildren(alertBox("error", opened.reason));
    // The audit log notes the failure (counts only, never the contents).
    postJSON("/office/api/journal", { action: "open-failed", procedure, count: 1 }).catch(() => {});
    return;
  }
  let labels = null;
  try {
    labels = await getJSON(`/office/api/procedures/${encodeURIComponent(record.procedure)}/${record.version}`);
  } catch {
    labels = null; // the answers are shown with their ids: better than nothing
  }
  renderAnswers(area, opened.payload, labels);
  // Issue 18: the scanned pages, each opened and checked against the answers' list.
  const pieces = main.querySelector("#pieces-ouvertes");
  if (pieces) {
    renderPages(pieces, id, area.dataset.name || id, opened.payload, labels).catch((error) => {
      pieces.replaceChildren(alertBox("error", `Les pièces jointes n’ont pas pu être ouvertes : ${error.message}.`));
    });
  }
  if (!labels) {
    area.prepend(alertBox("warning",
      "Le hub ne connaît pas les libellés de cette version de la démarche : les réponses sont affichées avec leurs identifiants."));
  }
}

function showKeyState(main) {
  const state = main.querySelector("#cle-etat");
  if (state) state.textContent = hasKey() ? "Clé chargée." : "Aucune clé chargée.";
}

function wireKey(main) {
  showKeyState(main);
  const file = main.querySelector("#cle-fichier");
  const passphrase = main.querySelector("#cle-phrase");
  const load = main.querySelector("#cle-charger");
  const drop = main.querySelector("#cle-oublier");
  const state = main.querySelector("#cle-etat");
  if (!file || !passphrase || !load || !drop || !state) return;
  load.addEventListener("click", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) {
      state.textContent = "Choisissez d’abord le fichier de la clé.";
      return;
    }
    load.disabled = true;
    state.textContent = "Lecture de la clé…";
    try {
      const text = await chosen.text();
      if (isProtected(text) && passphrase.value === "") {
        state.textContent = "Cette clé est protégée : saisissez sa phrase de passe.";
        return;
      }
      await loadKeyFile(chosen, passphrase.value);
      state.textContent = "Clé chargée.";
    } catch (error) {
      state.textContent = error instanceof KeyError ? `Aucune clé chargée : ${error.message}` : `Aucune clé chargée : ${error.message}`;
    } finally {
      passphrase.value = "";
      file.value = "";
      load.disabled = false;
    }
  });
  drop.addEventListener("click", () => {
    forget();
    state.textContent = "Aucune clé chargée.";
  });
}

function wireExport(main) {
  const form = main.querySelector("#export-filtres");
  const state = main.querySelector("#export-etat");
  const failuresArea = main.querySelector("#export-echecs");
  if (!form || !state || !failuresArea) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault(); // the export runs here, not as a navigation
    failuresArea.replaceChildren();
    if (!hasKey()) {
      noKey(state, "les demandes ne peuvent pas être ouvertes.");
      return;
    }
    const data = new FormData(form);
    const format = data.get("format") === "json" ? "json" : "csv";
    const filters = {};
    for (const name of ["procedure", "etat", "kiosque", "du", "au"]) {
      const value = data.get(name);
      if (typeof value === "string" && value !== "") filters[name] = value;
    }
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    state.textContent = "Ouverture des demandes…";
    try {
      const result = await exportAll({
        filters,
        format,
        onProgress: (opened, failed) => {
          state.textContent = `${opened} demande(s) ouverte(s)${failed ? `, ${failed} en échec` : ""}…`;
        },
      });
      state.textContent = `${result.exported} demande(s) exportée(s).`;
      if (result.failures.length > 0) {
        failuresArea.append(alertBox("warning",
          `${result.failures.length} demande(s) n’ont pas pu être ouvertes et ne sont pas dans le fichier :`));
        const list = element("ul");
        for (const failure of result.failures) list.append(element("li", `${failure.receipt || failure.id} : ${failure.reason}`));
        failuresArea.append(list);
        postJSON("/office/api/journal", { action: "open-failed", procedure: filters.procedure || "", count: result.failures.length })
          .catch(() => {});
      }
    } catch (error) {
      state.textContent = `L’export a échoué : ${error.message}.`;
    } finally {
      if (button) button.disabled = false;
    }
  });
}

// data-page → its wiring, registered by office.js.
export const casePages = {
  demande: (main) =>
    wireCase(main).catch((error) => {
      const area = main.querySelector("#reponses");
      if (area) area.replaceChildren(alertBox("error", `Les réponses n’ont pas pu être ouvertes : ${error.message}`));
    }),
  cle: wireKey,
  export: wireExport,
};
