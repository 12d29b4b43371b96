"""One agent of the back office in one real browser (Debian's chromium through chromedriver and selenium).

What an agent does, as plain methods: sign in, load the key file, look for a receipt code, open a case,
read its answers, change its state, export, visit a page, check it with axe-core, take a screenshot. The
browser test (test_office_browser.py) uses it, and so can a demonstration script.

The key lives in the tab's memory only: a full page load forgets it. So once a key is loaded, the agent
moves by clicking the office's own links and forms (the office's soft navigation keeps the tab), as a
person would; visit() is a full load (typing an address), which forgets the key by design.
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The WCAG 2.2 A and AA rules of axe-core (its tags), the bar for every page.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class OfficeAgent:
    def __init__(self, base_url, axe_path=None, width=1280, height=900, timeout=15):
        self.base_url = base_url.rstrip("/")
        self.axe_path = axe_path
        self.width, self.height = width, height
        self.timeout = timeout
        self.driver = None
        self.profile = None
        self.downloads = None

    # ---- the browser

    def start(self):
        """Starts a fresh headless chromium: an empty profile, no network of its own (closed machines)."""
        self.profile = tempfile.mkdtemp(prefix="guichet-office-chromium-")
        self.downloads = tempfile.mkdtemp(prefix="guichet-office-downloads-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--user-data-dir={self.profile}",
                     f"--window-size={self.width},{self.height}", "--lang=fr-FR"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        options.add_experimental_option("prefs", {
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
            "intl.accept_languages": "fr-FR,fr",
        })
        # On Linux chromium takes its own language (file picker, date fields) from the environment, not
        # from --lang; French as an agent's browser would be (its words need Debian's chromium-l10n).
        french = dict(os.environ, LANGUAGE="fr", LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8")
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER, env=french), options=options)
        self.driver.set_page_load_timeout(self.timeout)
        self.driver.set_script_timeout(self.timeout)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": self.downloads})
        return self

    def close(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            finally:
                self.driver = None
        for folder in (self.profile, self.downloads):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # ---- small helpers

    def wait(self, condition, what, timeout=None):
        try:
            # A condition asked while the page navigates may meet a vanished node or an unloaded document:
            # it is asked again, until the timeout says what the page was.
            return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.05,
                                 ignored_exceptions=(WebDriverException,)).until(condition)
        except TimeoutException:
            raise AssertionError(f"waited {timeout or self.timeout} s for {what}; the page is {self.driver.current_url}: "
                                 f"{self.main_text()[:400]!r}") from None

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def page_name(self):
        return self.driver.execute_script("return document.body ? (document.body.dataset.page || '') : ''")

    def main_text(self):
        try:
            return self.driver.execute_script(
                "const m = document.getElementById('contenu') || document.querySelector('main') || document.body;"
                "return m ? m.innerText : '';")
        except Exception:  # noqa: BLE001 - only for error messages
            return ""

    def wait_for_page(self, name, path_part=None):
        """Waits until the page (full or soft load) is `name` (its <body data-page>) at an address with path_part."""
        self.wait(lambda d: self.page_name() == name and (path_part is None or path_part in d.current_url),
                  f"the page '{name}'" + (f" at {path_part}" if path_part else ""))

    def soft(self, action, what):
        """Runs action() (a click on an office link or button) and waits until the office's soft navigation
        (or a full load) has replaced the page's <main>."""
        old = self.find("#contenu")
        action()

        def replaced(_):
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException:
                return False  # asked in the middle of a navigation (chromium: "node … does not belong to the document"): ask again

        self.wait(replaced, what)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete"
                  and d.find_elements(By.CSS_SELECTOR, "#contenu, main"), what)

    def click_nav(self, label):
        """A link of the header's menu, by its text (soft navigation: the key stays)."""
        for link in self.find_all("#navigation a.fr-nav__link"):
            if link.text.strip() == label:
                self.soft(link.click, f"the menu's '{label}'")
                return
        raise AssertionError(f"no menu link '{label}' on {self.driver.current_url}")

    # ---- what an agent does

    def visit(self, path):
        """A full load of an address (as if typed): the tab's key is forgotten."""
        self.driver.get(self.base_url + path)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{path} to load")

    def sign_in(self, name, password):
        """The sign-in form; True when it led into the office, False when the form refused."""
        if self.page_name() != "connexion" or not self.find_all("#nom"):
            self.visit("/office/connexion")
        if self.page_name() != "connexion":
            return True  # already signed in
        self.find("#nom").clear()
        self.find("#nom").send_keys(name)
        self.find("#mot-de-passe").send_keys(password)
        self.soft(self.find("form[action='/office/connexion'] button[type=submit]").click, "the answer to the sign-in")
        return self.page_name() != "connexion"

    def sign_out(self):
        self.soft(self.find("form.office-sign-out button[type=submit]").click, "the sign-out")
        self.wait_for_page("connexion")

    def load_key(self, key_file, passphrase=None):
        """Goes to the key page by the menu, picks the file, types the passphrase; the page's final status."""
        if self.page_name() != "cle":
            self.click_nav("Clé")
            self.wait_for_page("cle", "/office/cle")
        self.find("#cle-fichier").send_keys(str(Path(key_file).resolve()))
        if passphrase is not None:
            self.find("#cle-phrase").send_keys(passphrase)
        self.find("#cle-charger").click()
        state = self.find("#cle-etat")
        self.wait(lambda d: state.text not in ("", "Lecture de la clé…"), "the key to be read", timeout=30)
        return state.text

    def inbox(self, procedure=None, **filters):
        """The inbox by the menu, then its filters form (procedure, etat, kiosque, du, au, code); its rows."""
        self.click_nav("Demandes")
        self.wait_for_page("demandes", "/office/demandes")
        if procedure or filters:
            if procedure:
                self.driver.execute_script(
                    "const s = document.getElementById('procedure'); s.value = arguments[0];", procedure)
            for name, value in filters.items():
                field = self.find(f"#filtres [name='{name}']")
                if field.tag_name == "select":
                    self.driver.execute_script("arguments[0].value = arguments[1];", field, value)
                else:
                    field.clear()
                    field.send_keys(value)
            self.soft(self.find("#filtres button[type=submit]").click, "the filtered inbox")
            self.wait_for_page("demandes")
        return self.rows()

    def rows(self):
        rows = []
        for tr in self.find_all("#contenu table tbody tr"):
            cells = tr.find_elements(By.CSS_SELECTOR, "th, td")
            link = tr.find_element(By.CSS_SELECTOR, "a")
            rows.append({"code": cells[0].text.strip(), "kiosk": cells[1].text, "received": cells[2].text,
                         "state": cells[3].text, "waiting": cells[4].text, "href": link.get_attribute("href")})
        return rows

    def find_by_receipt(self, code, procedure=None):
        """Searches the inbox for a receipt code (as the citizen reads it out); the matching rows."""
        return self.inbox(procedure, code=code)

    def open_case(self, code):
        """Clicks the inbox row of that receipt code (the inbox must show it)."""
        for tr in self.find_all("#contenu table tbody tr"):
            link = tr.find_element(By.CSS_SELECTOR, "th a")
            if link.text.strip().replace("-", "") == code.replace("-", ""):
                self.soft(link.click, f"the case {code}")
                self.wait_for_page("demande", "/office/demandes/")
                return
        raise AssertionError(f"no row for {code} in the inbox")

    def answers(self):
        """The opened answers as [(label, value)], once the browser has opened them (or raise with the page's words)."""
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#reponses dl.office-answers, #reponses .fr-alert--error")
                  or "Aucune clé chargée" in self.find("#reponses").text, "the answers to open", timeout=30)
        area = self.find("#reponses")
        if not area.find_elements(By.CSS_SELECTOR, "dl.office-answers"):
            raise AssertionError(f"the answers did not open: {area.text!r}")
        terms = area.find_elements(By.CSS_SELECTOR, "dl.office-answers > dt")
        values = area.find_elements(By.CSS_SELECTOR, "dl.office-answers > dd")
        return [(t.text, v.text) for t, v in zip(terms, values)]

    def pages(self, count, timeout=30):
        """On a case page whose answers are open: the scanned pages as [(alt text, natural width, natural height)],
        once the browser has opened `count` of them and the images have loaded."""
        def loaded(d):
            images = d.find_elements(By.CSS_SELECTOR, "img.office-page")
            return len(images) >= count and all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
                                                 for i in images)
        self.wait(loaded, f"{count} scanned page(s) to open", timeout=timeout)
        return [(i.get_attribute("alt"), self.driver.execute_script("return arguments[0].naturalWidth", i),
                 self.driver.execute_script("return arguments[0].naturalHeight", i))
                for i in self.find_all("img.office-page")]

    def answers_text(self):
        return self.find("#reponses").text

    def set_state(self, state, message=""):
        """On a case page: the message, then the button of that state ('in_progress', 'done', 'incomplete');
        the alert that answers."""
        if message:
            box = self.find("#message")
            box.clear()
            box.send_keys(message)
        self.soft(self.find(f"form.office-soft-post button[name=etat][value={state}]").click, "the state to be saved")
        self.wait_for_page("demande", "resultat=")
        alerts = self.find_all("#contenu .fr-alert")
        return alerts[0].text if alerts else ""

    def export_csv(self, procedure=None, timeout=30):
        """The export page by the menu, CSV, "Ouvrir et exporter"; the downloaded file's text."""
        for old in os.listdir(self.downloads):
            os.remove(os.path.join(self.downloads, old))
        self.click_nav("Export")
        self.wait_for_page("export", "/office/export")
        if procedure:
            self.driver.execute_script("document.getElementById('procedure').value = arguments[0];", procedure)
        if not self.find("#format-csv").is_selected():
            self.find("label[for=format-csv]").click()  # DSFR hides the radio itself behind its label
        self.find("#export-filtres button[type=submit]").click()
        state = self.find("#export-etat")
        self.wait(lambda d: "exportée" in state.text or "échoué" in state.text or "Aucune clé" in state.text,
                  "the export", timeout=timeout)
        if "exportée" not in state.text:
            raise AssertionError(f"the export did not run: {state.text!r}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [f for f in os.listdir(self.downloads) if not f.endswith(".crdownload")]
            if done:
                return Path(self.downloads, done[0]).read_text(encoding="utf-8")
            time.sleep(0.05)
        raise AssertionError("the export's file was not downloaded")

    def axe(self, tags=WCAG_TAGS):
        """axe-core's violations on the current page, for these tags. The file is injected through the
        driver (as devtools would), which the page's CSP does not govern."""
        if not self.axe_path:
            raise AssertionError("no axe.min.js given")
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            self.driver.execute_script(Path(self.axe_path).read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify([{id: 'axe-error', help: String(e), nodes: []}])));",
            list(tags))
        return json.loads(result)

    def screenshot(self, path, full_page=True):
        """A PNG of the page: the whole page's height when full_page (at the window's width)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if full_page:
            height = self.driver.execute_script(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
            self.driver.set_window_size(self.width, min(max(self.height, height + 140), 4000))
        try:
            self.driver.save_screenshot(str(path))
        finally:
            if full_page:
                self.driver.set_window_size(self.width, self.height)
        return path

    def console(self):
        """The browser's console entries since the last call: [{level, message}]."""
        return self.driver.get_log("browser")
