// No HTML sinks in the office's JavaScript: answers typed at a kiosk reach the page, and the only safe
// way to show them is as text (createElement + textContent). The CSP forbids inline scripts and eval;
// this keeps our own code from needing them. Comment lines are not code and are skipped.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { staticDir } from "./support.mjs";

const FORBIDDEN = [
  [/\binnerHTML\b/, "innerHTML"],
  [/\bouterHTML\b/, "outerHTML"],
  [/\binsertAdjacentHTML\b/, "insertAdjacentHTML"],
  [/\bdocument\s*\.\s*write(ln)?\b/, "document.write"],
  [/\beval\s*\(/, "eval"],
  [/\bnew\s+Function\b/, "new Function"],
  [/\b(setTimeout|setInterval)\s*\(\s*["'`]/, "string timer"],
  [/\bcreateContextualFragment\b/, "createContextualFragment"],
  [/\b(localStorage|sessionStorage|indexedDB)\b/, "browser storage (the key stays in memory)"],
];

export function findSinks(source) {
  const found = [];
  source.split("\n").forEach((line, index) => {
    const code = line.trim();
    if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
    for (const [pattern, name] of FORBIDDEN) if (pattern.test(line)) found.push(`${index + 1}: ${name}`);
  });
  return found;
}

function scripts(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return scripts(full);
    return /\.(m?js)$/.test(entry.name) ? [full] : [];
  });
}

test("the checker finds each sink", () => {
  assert.deepEqual(findSinks("a.innerHTML = x;"), ["1: innerHTML"]);
  assert.deepEqual(findSinks("el.insertAdjacentHTML('beforeend', s)"), ["1: insertAdjacentHTML"]);
  assert.deepEqual(findSinks("document.write(s)"), ["1: document.write"]);
  assert.deepEqual(findSinks("eval (s)"), ["1: eval"]);
  assert.deepEqual(findSinks("setTimeout('go()', 1)"), ["1: string timer"]);
  assert.deepEqual(findSinks("// innerHTML is forbidden"), []);
  assert.deepEqual(findSinks("node.textContent = s"), []);
});

test("no office script uses an HTML sink, eval or browser storage", () => {
  const files = scripts(staticDir);
  assert.ok(files.length >= 6, `our modules are found under ${staticDir}`);
  const problems = files.flatMap((file) => findSinks(fs.readFileSync(file, "utf8")).map((p) => `${path.relative(staticDir, file)}:${p}`));
  assert.deepEqual(problems, []);
});
