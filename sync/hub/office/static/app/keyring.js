// The agent's submission secret key, held in this tab's memory only (never localStorage,
// sessionStorage, IndexedDB or a cookie): read from the file the agent picks (never uploaded), in
// either form guichet-hub keygen writes (sync/hub/keys.h): the plain base64 secret key, or the JSON
// protected by a passphrase (Argon2id + secretbox). Wiped on sign-out, when the page goes away, and
// after 30 minutes without activity.
import { sodiumReady } from "./sodium-ready.js";

export const PROTECTED_FORMAT = "guichet-secret-key-1";
export const IDLE_FORGET_MS = 30 * 60 * 1000;

let secretKey = null;
let publicKey = null;
let idleTimer = null;

export class KeyError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code; // "not-a-key" | "passphrase-needed" | "passphrase" | "damaged"
  }
}

// Whether the file's text is the protected form (then a passphrase is needed).
export function isProtected(text) {
  return text.trimStart().startsWith("{");
}

function decodeExact(sodium, text, size) {
  if (typeof text !== "string") return null;
  try {
    const bytes = sodium.from_base64(text, sodium.base64_variants.ORIGINAL);
    return bytes.length === size ? bytes : null;
  } catch {
    return null;
  }
}

function unsigned(value) {
  return Number.isSafeInteger(value) && value >= 0;
}

// Reads the key from the file's text. Any key held before is forgotten first, even if this one
// fails: the agent meant to replace it. Throws KeyError.
export async function loadKeyText(text, passphrase) {
  const sodium = await sodiumReady();
  forgetWith(sodium);
  const trimmed = text.replace(/[\n\r ]+$/, "");
  if (!isProtected(trimmed)) {
    const secret = decodeExact(sodium, trimmed, sodium.crypto_box_SECRETKEYBYTES);
    if (!secret) {
      throw new KeyError("not-a-key",
        "Ce fichier n’est pas une clé de dépôt : ni une clé en base64 de 32 octets, ni une clé protégée par une phrase de passe.");
    }
    hold(sodium, secret, sodium.crypto_scalarmult_base(secret));
    return;
  }
  let file;
  try {
    file = JSON.parse(trimmed);
  } catch {
    file = null;
  }
  if (!file || typeof file !== "object" || Array.isArray(file) || file.format !== PROTECTED_FORMAT) {
    throw new KeyError("not-a-key", "Ce fichier JSON n’est pas une clé de dépôt protégée (format « guichet-secret-key-1 »).");
  }
  if (typeof passphrase !== "string" || passphrase.length === 0) {
    throw new KeyError("passphrase-needed", "Cette clé est protégée : saisissez sa phrase de passe.");
  }
  // The same bounds as guichet-hub (keys.cpp): a crafted file must not cost minutes or gigabytes.
  if (file.kdf !== "argon2id13" || !unsigned(file.opslimit) || !unsigned(file.memlimit)
      || file.opslimit < sodium.crypto_pwhash_OPSLIMIT_MIN || file.opslimit > 10
      || file.memlimit < sodium.crypto_pwhash_MEMLIMIT_MIN || file.memlimit > 1024 * 1024 * 1024) {
    throw new KeyError("damaged", "Fichier de clé abîmé : paramètres de dérivation inattendus.");
  }
  const salt = decodeExact(sodium, file.salt, sodium.crypto_pwhash_SALTBYTES);
  const nonce = decodeExact(sodium, file.nonce, sodium.crypto_secretbox_NONCEBYTES);
  const box = decodeExact(sodium, file.box, sodium.crypto_secretbox_MACBYTES + sodium.crypto_box_SECRETKEYBYTES);
  const expected = decodeExact(sodium, file.public_key, sodium.crypto_box_PUBLICKEYBYTES);
  if (!salt || !nonce || !box || !expected) {
    throw new KeyError("damaged", "Fichier de clé abîmé : sel, nonce, boîte ou clé publique manquant ou de mauvaise taille.");
  }
  const derived = sodium.crypto_pwhash(sodium.crypto_secretbox_KEYBYTES, passphrase, salt, file.opslimit, file.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13);
  let secret;
  try {
    secret = sodium.crypto_secretbox_open_easy(box, nonce, derived);
  } catch {
    secret = null;
  } finally {
    sodium.memzero(derived);
  }
  if (!secret) throw new KeyError("passphrase", "Phrase de passe incorrecte.");
  const derivedPublic = sodium.crypto_scalarmult_base(secret);
  if (!sodium.memcmp(derivedPublic, expected)) {
    sodium.memzero(secret);
    throw new KeyError("damaged", "Fichier de clé abîmé : la clé secrète ne correspond pas à sa clé publique.");
  }
  hold(sodium, secret, derivedPublic);
}

// The File the agent picked in an <input type=file> (outside any form: it is never sent).
export async function loadKeyFile(file, passphrase) {
  const text = await file.text();
  return loadKeyText(text, passphrase);
}

function hold(sodium, secret, pub) {
  forgetWith(sodium);
  secretKey = secret;
  publicKey = pub;
  touch();
}

export function hasKey() {
  return secretKey !== null;
}

// {publicKey, secretKey} while a key is held, else null. Callers must not keep them.
export function currentKeys() {
  return secretKey ? { publicKey, secretKey } : null;
}

function forgetWith(sodium) {
  if (secretKey && sodium) sodium.memzero(secretKey);
  secretKey = null;
  publicKey = null;
  if (idleTimer !== null) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
}

// Wipes the key (sign-out, page hidden for good, idle).
export function forget() {
  forgetWith(globalThis.sodium);
}

// Activity: the 30-minute idle clock starts again.
export function touch() {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = secretKey ? setTimeout(forget, IDLE_FORGET_MS) : null;
  if (idleTimer && typeof idleTimer.unref === "function") idleTimer.unref(); // node tests must not wait 30 min
}

// In the page: forget on pagehide, and count keyboard and pointer use as activity.
export function armAutoForget(target = globalThis) {
  if (!target || typeof target.addEventListener !== "function") return;
  target.addEventListener("pagehide", forget);
  for (const type of ["keydown", "pointerdown"]) target.addEventListener(type, touch, { passive: true });
}
