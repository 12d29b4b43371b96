// The back office's entry module (loaded with type="module" by every page of office_html.cpp's layout):
// reads <body data-page="…"> and wires what that page needs. Pages work without it; it only adds soft
// navigation (navigation.js), which keeps the decryption key held in this tab's memory across pages.
import { startNavigation, onPage } from './navigation.js';
import { casePages } from './cases.js';
import { armAutoForget, forget } from './keyring.js';

const wiring = new Map(); // data-page → function(main) run on each arrival on that page
const signOutHooks = [];

// Another module registers what a page needs: registerPage('demande', (main) => { … }).
export function registerPage(name, wire) {
  wiring.set(name, wire);
}

// fn() runs when the agent presses "Se déconnecter", before the form leaves: keyring.js wipes the key
// there (the server's Clear-Site-Data cannot reach a tab's memory).
export function onSignOut(fn) {
  signOutHooks.push(fn);
}

document.addEventListener('submit', (event) => {
  if (event.target instanceof HTMLFormElement && event.target.classList.contains('office-sign-out')) {
    for (const fn of signOutHooks) fn();
  }
}, true);

// The agents' pages (cases.js); the key is wiped at sign-out, when the tab goes away, and when idle.
for (const [name, wire] of Object.entries(casePages)) registerPage(name, wire);
onSignOut(forget);
armAutoForget(window);

onPage((name, main) => {
  const wire = wiring.get(name);
  if (wire) wire(main);
});

startNavigation();
