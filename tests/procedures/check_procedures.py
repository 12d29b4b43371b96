#!/usr/bin/python3
"""The procedure schema (docs/procedure.schema.json) and the kiosk's reader (`guichetctl validate`) agree.

Every shipped procedure and tests/procedures/minimal.json pass both. Every case of the broken corpus
(tests/procedures/broken.json: the minimal procedure with one defect, made by the case's edits) is refused
by exactly the checkers the case names, each with a message naming the problem: the reader refuses all of
them, the schema all but those a JSON schema cannot see (cross references, expressions, sibling values),
for which the case says why. A case whose edits change nothing, or an empty corpus, fails the test, so the
corpus cannot pass on nothing.

Run with Debian's /usr/bin/python3, which has python3-jsonschema (scripts/install-deps.sh).
"""
import argparse
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

import jsonschema

# The languages the corpus is written in; the reader checks every text holds each of them.
CORPUS_LANGUAGES = "fr,en"


def schema_errors(validator, document):
    return [f"$/{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(document)]


def apply_edits(document, edits):
    """The document with each edit made: {"set": "/json/pointer", "value": v}, {"set": "/json/pointer",
    "repeat": "text", "times": n} (the text n times: a string past a length limit, without writing it out), or
    {"remove": "/json/pointer"}."""
    document = copy.deepcopy(document)
    for edit in edits:
        pointer = edit["set"] if "set" in edit else edit["remove"]
        steps = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
        node = document
        for step in steps[:-1]:
            node = node[int(step)] if isinstance(node, list) else node[step]
        last = int(steps[-1]) if isinstance(node, list) else steps[-1]
        if "set" in edit:
            node[last] = edit["repeat"] * edit["times"] if "repeat" in edit else edit["value"]
        else:
            del node[last]
    return document


def run_validate(guichetctl, path, languages):
    done = subprocess.run([guichetctl, "validate", str(path), "--languages", languages], capture_output=True,
                          text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", required=True, type=pathlib.Path)
    parser.add_argument("--guichetctl", required=True)
    parser.add_argument("--shipped", required=True, type=pathlib.Path, help="assets/procedures")
    parser.add_argument("--minimal", required=True, type=pathlib.Path, help="tests/procedures/minimal.json")
    parser.add_argument("--corpus", required=True, type=pathlib.Path, help="tests/procedures/broken.json")
    args = parser.parse_args()

    schema = json.loads(args.schema.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = []
    checked = 0

    # What both must accept.
    shipped = sorted(args.shipped.glob("*.json"))
    if not shipped:
        failures.append(f"no procedure in {args.shipped}: nothing would be checked")
    for path, languages in [(p, "fr,en,pt,es") for p in shipped] + [(args.minimal, CORPUS_LANGUAGES)]:
        errors = schema_errors(validator, json.loads(path.read_text(encoding="utf-8")))
        if errors:
            failures.append(f"{path.name}: the schema refuses it: " + "; ".join(errors[:5]))
        code, output = run_validate(args.guichetctl, path, languages)
        if code != 0:
            failures.append(f"{path.name}: guichetctl validate refuses it (exit {code}): {output.strip()}")
        checked += 1

    # What each must refuse, as its case says.
    minimal = json.loads(args.minimal.read_text(encoding="utf-8"))
    cases = json.loads(args.corpus.read_text(encoding="utf-8"))
    cases = {name: entry for name, entry in cases.items() if not name.startswith("_")}  # "_about"
    if not cases:
        failures.append(f"no broken procedure in {args.corpus}: nothing would be checked")
    folder = tempfile.TemporaryDirectory(prefix="broken-procedures-")
    for name in sorted(cases):
        entry = cases[name]
        document = apply_edits(minimal, entry.get("edits", []))
        if document == minimal:
            failures.append(f"{name}: its edits change nothing, so it is the minimal procedure itself")
            continue
        path = pathlib.Path(folder.name) / f"{name}.json"  # guichetctl reads a file, named after the case
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")

        errors = schema_errors(validator, document)
        if "schema" in entry:
            # One text, or several that must all be in the same error (a path, then the words after a long value).
            wanted = entry["schema"] if isinstance(entry["schema"], list) else [entry["schema"]]
            if not errors:
                failures.append(f"{name}: the schema accepts it, but it should refuse it: {entry['schema']}")
            elif not any(all(part in error for part in wanted) for error in errors):

                failures.append(f"{name}: the schema refuses it, but not with '{entry['schema']}': " + "; ".join(errors[:5]))
        elif "schema_cannot" in entry:
            if errors:
                failures.append(f"{name}: the schema now refuses it ({'; '.join(errors[:3])}); the manifest says it "
                                f"cannot ({entry['schema_cannot']}): move it to 'schema'")
        else:
            failures.append(f"{name}: the manifest says neither what the schema answers ('schema') nor why it cannot "
                            "('schema_cannot')")

        # The kiosk's reader is the last word: it must refuse every broken file.
        if "guichetctl" not in entry:
            failures.append(f"{name}: the manifest says nothing of what guichetctl validate answers")
            continue
        code, output = run_validate(args.guichetctl, path, CORPUS_LANGUAGES)
        if code != 1:
            failures.append(f"{name}: guichetctl validate exits {code}, not 1: {output.strip()}")
        elif entry["guichetctl"] not in output:
            failures.append(f"{name}: guichetctl validate refuses it, but without '{entry['guichetctl']}': {output.strip()}")
        checked += 1

    for failure in failures:
        print("FAIL", failure)
    folder.cleanup()
    print(f"{checked} files checked, {len(failures)} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
