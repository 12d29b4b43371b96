#!/usr/bin/python3
"""The back office in a real browser, against real components only (issue 17, "Tests, against real components").

A real `guichet-hub serve` on 127.0.0.1 (with --procedures, so labels are French) is fed by the real kiosk in
headless mode: a citizen reports a street problem with markup typed into every free-text answer, another a
pothole. Then, in Debian's chromium driven by selenium, a supervisor signs in, loads the passphrase-protected
key file, finds the submission by its receipt code, reads the answers (the markup shown as text, nothing run,
nothing injected, no console error), takes it in charge and marks it "Traitée" with a message; the kiosk's
next sync brings the state back (`guichetctl receipt CODE`), and /suivi/CODE says it too. Along the way: the
CSP forbids inline script, a POST without the CSRF token is refused, an agent of another procedure gets 403
from the API, cookie flags, the key forgotten at sign-out, ten wrong passwords lock an account, and axe-core
finds no WCAG 2.2 A/AA violation on any page. Screenshots of every page go to --screenshots.

  test_office_browser.py --build BUILD_DIR --source SOURCE_DIR [--screenshots DIR]
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from office_agent import OfficeAgent  # noqa: E402

PASSPHRASE = "une phrase de passe de test assez longue"
SUPERVISOR, SUPERVISOR_PASSWORD = "sophie", "mot de passe de sophie"
AGENT, AGENT_PASSWORD = "paul", "mot de passe de paul"
LOCKED, LOCKED_PASSWORD = "marc", "mot de passe de marc"
HOSTILE = ["<script>alert('problème')</script>", "<img src=x onerror=alert(1)> rue de la Mairie", "\"><svg onload=alert(2)>"]
MESSAGE = "Le trou est rebouché. Merci de votre signalement !"

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAILED: {what}", flush=True)
    return condition


def step(text, started=time.monotonic()):
    print(f"[{time.monotonic() - started:5.1f} s] {text}", flush=True)


class Hub:
    """`guichet-hub serve` on 127.0.0.1:0 with a virtual clock (a test hook) that follows real time, plus an offset
    the lockout moves forward."""

    def __init__(self, build, source, work):
        self.binary = build / "sync/hub/guichet-hub"
        self.work = work
        self.db = work / "hub.sqlite"
        self.clock = work / "clock"
        self.offset_s = 0
        self.env = dict(os.environ, GUICHET_HUB_TEST_HOOKS="1")
        self.process = None
        self.port = None
        self.source = source

    def run(self, *args, stdin=""):
        done = subprocess.run([str(self.binary), *args], input=stdin, capture_output=True, text=True, env=self.env,
                              timeout=30)
        if done.returncode != 0:
            raise AssertionError(f"guichet-hub {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def tick(self):
        now = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=self.offset_s)
        self.clock.write_text(now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z\n")

    def start(self):
        self.tick()
        port_file = self.work / "hub.port"
        self.log = open(self.work / "hub.log", "w")
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--db", str(self.db), "--listen", "127.0.0.1:0", "--port-file", str(port_file),
             "--procedures", str(self.source / "assets/procedures"), "--clock-file", str(self.clock),
             "--agent-hash-cost", "test"], stdout=subprocess.DEVNULL, stderr=self.log, env=self.env)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text())
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError("guichet-hub serve did not start: " + (self.work / "hub.log").read_text())

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def http_get(url):
    """(status, headers, body) without following redirects."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, answer.headers, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


class Kiosk:
    def __init__(self, build, work, hub, token, public_key):
        self.guichet = build / "kiosk/app/guichet"
        self.ctl = build / "kiosk/ctl/guichetctl"
        self.work = work
        self.config = work / "guichet.toml"
        (work / "usb").mkdir(exist_ok=True)
        (work / "token").write_text(token)
        self.config.write_text(f"""# The browser test's kiosk, sending to its hub.
[kiosk]
id = "mairie-centre"
place_name = "Mairie · accueil"

[sync]
hub_url = "{hub.url}"
token_file = "{work / 'token'}"
submission_public_key = "{public_key}"

[storage]
outbox = "{work / 'outbox.sqlite'}"
staff = "{work / 'staff.sqlite'}"

[staff]
usb_dir = "{work / 'usb'}"
""")

    def script(self, path):
        done = subprocess.run([str(self.guichet), "--config", str(self.config), "--headless", "--script", str(path),
                               "--screenshot-dir", str(self.work / "kiosk-screens")],
                              capture_output=True, text=True, env=dict(os.environ, SDL_AUDIODRIVER="dummy"), timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"the kiosk's script {path.name} failed: {done.stdout}{done.stderr}")

    def ctl_run(self, *args):
        done = subprocess.run([str(self.ctl), "--config", str(self.config), *args], capture_output=True, text=True,
                              timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"guichetctl {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def receipts(self):
        return [entry["receipt"] for entry in sorted(json.loads(self.ctl_run("queue", "--json")), key=lambda e: e["created_at"])]


def injected_elements(agent):
    """Elements the hostile answers would have made if they had been parsed as HTML: none may exist."""
    return agent.driver.execute_script("""
        const found = [];
        for (const s of document.querySelectorAll('script')) if (!s.src || !s.src.includes('/office/static/')) found.push(s.outerHTML);
        for (const e of document.querySelectorAll('img[src="x"], svg, iframe, object, embed')) found.push(e.outerHTML.slice(0, 80));
        for (const e of document.querySelectorAll('*'))
          for (const a of e.attributes) if (a.name.startsWith('on')) found.push(e.tagName + ' ' + a.name);
        return found;""")


def no_alert(agent):
    try:
        alert = agent.driver.switch_to.alert
        text = alert.text
        alert.dismiss()
        return f"an alert opened: {text!r}"
    except Exception:  # noqa: BLE001 - NoAlertPresentException is the good case
        return None


def severe(entries, allowed=()):
    return [e["message"] for e in entries if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)]


def audit_page(agent, name, shots):
    """axe-core's WCAG 2.2 A/AA check on the page shown, and its screenshot."""
    violations = agent.axe()
    check(not violations, f"axe on '{name}': " + "; ".join(
        f"{v['id']} ({v['help']}) at {[n.get('target') for n in v['nodes']][:3]}" for v in violations))
    if shots:
        agent.screenshot(shots / f"office-{name}.png")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True, type=Path)
    parser.add_argument("--source", required=True, type=Path)
    parser.add_argument("--screenshots", type=Path, help="where to write office-*.png (GUICHET_SCREENSHOT_DIR wins)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (its path is printed)")
    args = parser.parse_args()
    build, source = args.build.resolve(), args.source.resolve()
    shots = os.environ.get("GUICHET_SCREENSHOT_DIR") or args.screenshots
    shots = Path(shots).resolve() if shots else None
    axe_path = build / "office-npm/node_modules/axe-core/axe.min.js"
    here = Path(__file__).resolve().parent

    work = Path(tempfile.mkdtemp(prefix="guichet-office-browser-"))
    hub = Hub(build, source, work)
    agent = None
    try:
        step("hub: keys, kiosk, agents")
        hub.run("keygen", "--out", str(work / "keys"), "--passphrase", stdin=PASSPHRASE + "\n")
        token = hub.run("enroll", "mairie-centre", "--db", str(hub.db)).strip()
        hub.run("agent", "add", SUPERVISOR, "--db", str(hub.db), "--role", "supervisor", "--procedures", "*",
                "--hash-cost", "test", stdin=SUPERVISOR_PASSWORD + "\n")
        hub.run("agent", "add", AGENT, "--db", str(hub.db), "--procedures", "change-of-address", "--hash-cost", "test",
                stdin=AGENT_PASSWORD + "\n")
        hub.run("agent", "add", LOCKED, "--db", str(hub.db), "--procedures", "public-space-report", "--hash-cost", "test",
                stdin=LOCKED_PASSWORD + "\n")
        hub.start()
        kiosk = Kiosk(build, work, hub, token, (work / "keys/submission.pub").read_text().strip())

        step("kiosk: a citizen types markup into the answers, two others report a pothole")
        kiosk.script(here / "hostile_report.gsc")
        code = kiosk.receipts()[0]
        hub.tick()
        kiosk.script(here / "plain_report.gsc")
        hub.tick()
        kiosk.script(here / "plain_report.gsc")
        kiosk.ctl_run("sync-now")  # the ratings go with the heartbeat
        check(len(kiosk.receipts()) == 3, "three submissions on the kiosk")

        step("HTTP: the security headers")
        status, headers, body = http_get(hub.url + "/office/connexion")
        csp = headers.get("Content-Security-Policy", "")
        script_src = next((part.strip() for part in csp.split(";") if part.strip().startswith("script-src")), "")
        check(status == 200, "the sign-in page answers 200")
        check(script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
              and "default-src 'none'" in csp, f"the CSP forbids inline script: {csp!r}")
        check("<script>" not in body and not re.search(r"<[^>]*\son[a-z]+=", body), "no inline script in the sign-in page")

        agent = OfficeAgent(hub.url, axe_path=str(axe_path)).start()
        step("browser: the sign-in page")
        agent.visit("/office/connexion")
        audit_page(agent, "connexion", shots)
        check(agent.sign_in(SUPERVISOR, SUPERVISOR_PASSWORD), "the supervisor signs in")
        session = next((c for c in agent.driver.get_cookies() if c["name"] == "guichet_session"), None)
        check(session is not None, "a session cookie")
        if session:
            check(session.get("httpOnly") is True, "the session cookie is HttpOnly")
            check(session.get("sameSite") == "Strict", f"the session cookie is SameSite=Strict: {session.get('sameSite')}")
            check(session.get("secure") is False, "no Secure flag on plain http (the cookie would never come back)")
        audit_page(agent, "demandes-premiere", None)

        step("browser: the key, protected by a passphrase")
        state = agent.load_key(work / "keys/submission.key", PASSPHRASE)
        check(state == "Clé chargée.", f"the key is loaded: {state!r}")
        audit_page(agent, "cle", shots)

        step(f"browser: the receipt code {code}")
        shown = f"{code[:3]}-{code[3:6]}-{code[6:]}" if len(code) == 9 else code
        rows = agent.find_by_receipt(shown.lower(), "public-space-report")
        check(len(rows) == 1 and rows[0]["code"] == shown, f"the search finds {shown}: {rows}")
        agent.console()  # what the earlier pages logged is not this page's
        agent.open_case(shown)
        answers = agent.answers()
        labels = dict(answers)
        check(labels.get("En quelques mots, quel est le problème\u202f?") == HOSTILE[0], f"the script answer as text: {answers}")
        check(labels.get("Où est le problème\u202f?") == HOSTILE[1], "the img answer as text")
        check(labels.get("Voulez-vous ajouter une précision\u202f?") == HOSTILE[2], "the svg answer as text")
        check(labels.get("Quel est le problème\u202f?") == "Autre chose", "a choice shown by its French label")
        time.sleep(0.3)  # an injected handler (onerror, onload) would have fired by now
        check(injected_elements(agent) == [], f"no element injected by the answers: {injected_elements(agent)}")
        alert = no_alert(agent)
        check(alert is None, alert or "")
        check(not agent.driver.execute_script("return document.title.includes('<') || !!window.__injected"), "title intact")
        errors = severe(agent.console())
        check(not errors, f"no console error on the case page: {errors}")
        audit_page(agent, "demande", shots)

        step("browser: take in charge, then Traitée with a message")
        outcome = agent.set_state("in_progress")
        check("enregistré" in outcome, f"taken in charge: {outcome!r}")
        check("En cours" in agent.find("dl.office-facts").text or "EN COURS" in agent.find("dl.office-facts").text,
              "the case says En cours")
        outcome = agent.set_state("done", MESSAGE)
        check("enregistré" in outcome, f"marked done: {outcome!r}")
        check(MESSAGE in agent.find("dl.office-facts").text, "the message is on the case page")
        check(agent.answers()[0][1] == "Autre chose", "the key survived the state changes (soft navigation)")
        audit_page(agent, "demande-traitee", shots)

        step("browser: the inbox with its rows, the export")
        rows = agent.inbox("public-space-report")
        check(len(rows) == 3, f"three rows in the inbox: {rows}")
        audit_page(agent, "demandes", shots)
        csv = agent.export_csv("public-space-report")
        check(csv.startswith("\ufeff"), "the CSV starts with a BOM")
        check(";" in csv.splitlines()[0] and "Où est le problème" in csv.splitlines()[0], "French labels, ; separated")
        check(all(text.replace('"', '""') in csv for text in HOSTILE), "the export keeps the answers as typed")
        audit_page(agent, "export", shots)

        step("browser: the supervisor's pages")
        for label, name in (("Statistiques", "statistiques"), ("Flotte", "flotte"), ("Journal", "journal")):
            agent.click_nav(label)
            agent.wait_for_page(name, f"/office/{name}")
            audit_page(agent, name, shots)
        check("Reçue → En cours" in agent.main_text() and "En cours → Traitée" in agent.main_text(),
              "the journal tells the state changes in French")
        agent.visit("/office/demandes/00000000-0000-4000-8000-000000000000")
        check("Demande introuvable" in agent.main_text(), "an unknown case's page")
        audit_page(agent, "demande-introuvable", None)
        agent.visit("/office/nimportequoi")
        check("Page introuvable" in agent.main_text(), "a mistyped address's page")
        audit_page(agent, "404", shots)
        agent.find("#contenu a.fr-link").click()  # its link home, a full load: the key is gone anyway
        agent.wait_for_page("demandes", "/office/demandes")
        errors = severe(agent.console(), allowed=("404 (Not Found)",))
        check(not errors, f"no console error on the supervisor's pages: {errors}")

        step("browser: a POST without the CSRF token; an inline script under the CSP")
        refused = agent.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/office/demandes/' + arguments[0] + '/etat', {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: 'etat=incomplete&rev=0'})
              .then(r => done(r.status), e => done(String(e)));""", rows[0]["href"].rsplit("/", 1)[1])
        check(refused == 403, f"a POST without the CSRF token is refused: {refused}")
        ran = agent.driver.execute_script("""
            const s = document.createElement('script'); s.textContent = 'window.__inline_ran = true;';
            document.head.append(s); return window.__inline_ran === true;""")
        check(not ran, "the CSP blocks an inline script")

        step("browser: sign-out forgets the key")
        case_id = next(r["href"] for r in agent.inbox("public-space-report") if r["code"] == shown).rsplit("/", 1)[1]
        agent.sign_out()
        check(agent.sign_in(SUPERVISOR, SUPERVISOR_PASSWORD), "signed in again")
        agent.find_by_receipt(shown, "public-space-report")
        agent.open_case(shown)
        agent.wait(lambda d: "Aucune clé chargée" in agent.answers_text(), "the case page to ask for the key")
        agent.sign_out()

        step("kiosk: the state comes back with the next sync; the public page")
        hub.tick()
        kiosk.ctl_run("sync-now")
        said = kiosk.ctl_run("receipt", code)
        check("traitée" in said and MESSAGE in said, f"guichetctl receipt says traitée with the message: {said!r}")
        status, _, body = http_get(hub.url + "/suivi/" + shown)
        check(status == 200 and "traitée" in body, f"/suivi/{shown} says traitée: {status}")
        agent.console()
        agent.visit("/suivi/" + shown)
        check("Votre démarche a été traitée." in agent.main_text(), "the public page in the browser")
        audit_page(agent, "suivi", shots)
        errors = severe(agent.console())
        check(not errors, f"no console error on the public page (its CSP allows its stylesheet and fonts): {errors}")
        agent.visit("/suivi/AAA-AAA-AAA")
        audit_page(agent, "suivi-inconnu", None)

        step("browser: an agent of another procedure")
        check(agent.sign_in(AGENT, AGENT_PASSWORD), "the agent signs in")
        status = agent.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/office/api/demandes/' + arguments[0], {credentials: 'same-origin'}).then(r => done(r.status), e => done(String(e)));""",
                                                   case_id)
        check(status == 403, f"the API refuses another procedure's submission: {status}")
        status = agent.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/office/api/demandes?procedure=public-space-report', {credentials: 'same-origin'})
              .then(r => done(r.status), e => done(String(e)));""")
        check(status == 403, f"the API refuses another procedure's list: {status}")
        agent.visit(f"/office/demandes/{case_id}")
        check("Accès refusé" in agent.main_text(), "the case page says Accès refusé")
        audit_page(agent, "403", shots)
        agent.sign_out()

        step("browser: ten wrong passwords lock the account")
        for failure in range(10):
            check(not agent.sign_in(LOCKED, "pas le bon mot de passe"), f"wrong password {failure + 1} refused")
            hub.offset_s += (1 << failure) + 1  # past each growing wait, on the hub's clock
            hub.tick()
        check(not agent.sign_in(LOCKED, LOCKED_PASSWORD), "the right password is refused once locked")
        check("Identifiant ou mot de passe incorrect" in agent.main_text(), "the refusal says the same as a wrong password")
    except Exception:  # noqa: BLE001 - reported as a failure with its trace
        failures.append(traceback.format_exc())
        print(failures[-1], flush=True)
    finally:
        if agent:
            agent.close()
        hub.stop()
        if failures:
            print("hub log (tail):\n" + "".join((work / "hub.log").read_text().splitlines(True)[-30:]), flush=True)
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    step(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
