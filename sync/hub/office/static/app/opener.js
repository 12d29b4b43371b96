// Opens one submission in the browser, with the checks guichet-hub open makes
// (sync/hub/keys.cpp, open_export_line), in the same order, so an agent's page and the
// administration's command line give the same verdict on the same record:
//   the record is well formed (the API's JSON: id, kiosk, procedure, version, created_at,
//   received_at, sealed in base64) → the blob is at least a seal long → crypto_box_seal_open opens it
//   with the key → the plaintext is a submission payload (a JSON object with string id, kiosk,
//   procedure, created_at, integer version, object answers) → its id, kiosk, procedure, version,
//   created_at (and the receipt, when both carry one) equal the envelope's.
// Returns {ok: true, payload} or {ok: false, code, reason}; reasons are in French for the page.
import { sodiumReady } from "./sodium-ready.js";
import { currentKeys } from "./keyring.js";

export const MAX_PLAINTEXT_BYTES = 1024 * 1024; // the protocol's largest sealed submission
const MAX_DEPTH = 32;
const MAX_VALUES = 100000;

function failed(code, reason) {
  return { ok: false, code, reason };
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// Bounded in UTF-8 bytes, as the protocol's decoder counts.
function isString(value, max) {
  return typeof value === "string" && new TextEncoder().encode(value).length <= max;
}

// The protocol's bounds on a JSON document (sync/protocol.cpp: depth 32, 100,000 values).
function withinBounds(root) {
  let values = 0;
  const stack = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop();
    values += 1;
    if (values > MAX_VALUES || depth > MAX_DEPTH) return false;
    if (value !== null && typeof value === "object") {
      for (const child of Object.values(value)) stack.push([child, depth + 1]);
    }
  }
  return true;
}

function envelopeProblem(record) {
  if (!isObject(record)) return "ce n’est pas un objet";
  for (const key of ["id", "kiosk", "procedure", "created_at", "received_at", "sealed"]) {
    if (typeof record[key] !== "string") return `le champ « ${key} » manque ou n’est pas un texte`;
  }
  if (!Number.isSafeInteger(record.version)) return "le champ « version » manque ou n’est pas un entier";
  if (record.receipt !== undefined && record.receipt !== null && typeof record.receipt !== "string") {
    return "le champ « receipt » n’est pas un texte";
  }
  return null;
}

const FIELD_NAMES = {
  id: "l’identifiant",
  kiosk: "le kiosque",
  procedure: "la démarche",
  version: "la version",
  created_at: "la date de création",
  receipt: "le code de suivi",
};

// record: GET /office/api/demandes/{id} (or one item of the list). keys: the keyring's, by default.
export async function openSealed(record, keys = currentKeys()) {
  const sodium = await sodiumReady();
  if (!keys) return failed("no-key", "Aucune clé chargée : chargez la clé de dépôt d’abord.");
  const problem = envelopeProblem(record);
  if (problem) return failed("record", `Enregistrement illisible : ${problem}.`);
  let sealed;
  try {
    sealed = sodium.from_base64(record.sealed, sodium.base64_variants.ORIGINAL);
  } catch {
    return failed("record", "Enregistrement illisible : le contenu scellé n’est pas du base64.");
  }
  if (sealed.length < sodium.crypto_box_SEALBYTES) {
    return failed("short", "Le contenu scellé est plus court qu’un scellement : il a été tronqué.");
  }
  let plaintext;
  try {
    plaintext = sodium.crypto_box_seal_open(sealed, keys.publicKey, keys.secretKey);
  } catch {
    return failed("seal",
      "Le scellement ne s’ouvre pas avec cette clé : contenu modifié, tronqué, ou scellé pour une autre clé.");
  }
  let payload = null;
  try {
    if (plaintext.length <= MAX_PLAINTEXT_BYTES) {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
      payload = JSON.parse(text);
    }
  } catch {
    payload = null;
  } finally {
    sodium.memzero(plaintext);
  }
  if (!isObject(payload) || !withinBounds(payload)
      || !isString(payload.id, 256) || !isString(payload.kiosk, 256) || !isString(payload.procedure, 256)
      || !isString(payload.created_at, 64) || !Number.isSafeInteger(payload.version) || !isObject(payload.answers)) {
    return failed("payload", "Le contenu ouvert n’est pas une demande : il manque l’identifiant, le kiosque, "
      + "la démarche, la version, la date de création ou les réponses.");
  }
  const fields = ["id", "kiosk", "procedure", "version", "created_at"];
  // Payloads sealed before issue 17 carry no receipt, nor do records of older kiosks: as guichet-hub
  // open does, the codes are compared only when both sides have one.
  if (typeof payload.receipt === "string" && typeof record.receipt === "string" && record.receipt !== "") {
    fields.push("receipt");
  }
  for (const field of fields) {
    if (payload[field] !== record[field]) {
      return failed(`mismatch:${field}`,
        `Le contenu scellé ne correspond pas à son enveloppe : ${FIELD_NAMES[field]} diffère. Ne vous fiez pas à cette demande.`);
    }
  }
  return { ok: true, payload };
}
