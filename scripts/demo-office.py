#!/usr/bin/python3
"""The demo's second half, headless: an agent of the back office processes what the kiosk sent.

Run by scripts/demo.sh through scripts/with-local-hub.sh (which starts the hub and passes --config):
the newest submission the demo kiosk sent is found in the back office by its receipt code, opened in
headless Chromium with the administration's key, and marked "Traitée" with a message; then the kiosk
syncs and `guichetctl receipt CODE` says "traitée". Screenshots of the agent's pages go to --shots.
    scripts/with-local-hub.sh BUILD STATE scripts/demo-office.py --build BUILD --shots DIR
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

repo = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(repo / "tests" / "office"))
from office_agent import OfficeAgent  # noqa: E402  (tests/office: the browser test's agent)

MESSAGES = {
    "housing-certificate": "Votre attestation d’hébergement est prête : retirez-la à l’accueil de la mairie.",
    "public-space-report": "Merci pour votre signalement : l’équipe technique passe cette semaine.",
}
MESSAGE = "Votre demande est traitée."


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the kiosk's configuration (with-local-hub.sh passes it)")
    parser.add_argument("--build", required=True, help="the build directory (guichetctl)")
    parser.add_argument("--shots", required=True, help="where the back office's screenshots go")
    args = parser.parse_args()
    state = Path(args.config).resolve().parent
    ctl = [str(Path(args.build) / "kiosk" / "ctl" / "guichetctl"), "--config", args.config]
    url = "http://127.0.0.1:" + (state / "hub.port").read_text().strip()
    password = (state / "agent-password").read_text().strip()
    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)

    queue = json.loads(subprocess.run(ctl + ["queue", "--json"], check=True, capture_output=True, text=True).stdout)
    sent = [entry for entry in queue if entry["state"] == "sent"]
    if not sent:
        print("demo-office: the kiosk has sent nothing to the hub yet", file=sys.stderr)
        return 1
    latest = sent[0]  # newest first
    code, procedure = latest["receipt"], latest["procedure"]
    print(f"demo-office: an agent opens {code} ({procedure}) in the back office, {url}/office/")

    with OfficeAgent(url) as agent:
        if not agent.sign_in("demo", password):
            print("demo-office: the demo agent could not sign in", file=sys.stderr)
            return 1
        print("demo-office: key: " + agent.load_key(state / "keys" / "submission.key"))
        agent.find_by_receipt(code, procedure)
        agent.screenshot(shots / "office-1-demandes.png")
        agent.open_case(code)
        for label, value in agent.answers():
            print(f"  {label} : {value}")
        if procedure == "housing-certificate":  # the demo's document: the page the kiosk scanned, opened in the browser
            for alt, width, height in agent.pages(1):
                print(f"  {alt} : {width} × {height} pixels")
        agent.screenshot(shots / "office-2-demande.png")
        print("demo-office: " + agent.set_state("done", MESSAGES.get(procedure, MESSAGE)))
        agent.screenshot(shots / "office-3-traitee.png")
        agent.sign_out()

    # The state travels back in the answer to the kiosk's next heartbeat; sync-now sends one.
    subprocess.run(ctl + ["sync-now"], check=True, stdout=subprocess.DEVNULL)
    receipt = subprocess.run(ctl + ["receipt", code], check=True, capture_output=True, text=True).stdout
    print("demo-office: at the kiosk, guichetctl receipt " + code + ":")
    print(receipt.rstrip())
    if "traitée" not in receipt:
        print("demo-office: the kiosk did not get the state back", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
