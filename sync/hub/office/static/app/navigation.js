// Soft navigation inside /office/: links and GET forms fetch the next page and swap <main> and <title>
// instead of loading a new document, because a full load would forget the key this tab holds in memory
// (keyring.js). Swapped nodes come from our own server, parsed by DOMParser, which never runs scripts.
// Anything unusual (another origin, a download, a modifier key, a POST) is left to the browser.

const listeners = [];
let current = document.body.dataset.page || '';

// fn(pageName, mainElement) is called now for the current page and after each soft navigation.
export function onPage(fn) {
  listeners.push(fn);
}

function announce(text) {
  const region = document.getElementById('annonce');
  if (region) region.textContent = text;
}

function isOfficeUrl(url) {
  return url.origin === window.location.origin && url.pathname.startsWith('/office/') &&
    !url.pathname.startsWith('/office/static/') && !url.pathname.startsWith('/office/api/');
}

function notify() {
  const main = document.getElementById('contenu');
  for (const fn of listeners) fn(current, main);
}

// init: fetch's options for a POST form (see onSubmit); a GET otherwise.
async function go(url, push, init = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' }, ...init });
  } catch {
    if (!init.method) window.location.assign(url);
    return;
  }
  const type = response.headers.get('Content-Type') || '';
  const landed = new URL(response.url);
  if (!type.startsWith('text/html') || !isOfficeUrl(landed)) {
    window.location.assign(init.method ? window.location.href : url); // never re-sends a POST as a GET
    return;
  }
  const next = new DOMParser().parseFromString(await response.text(), 'text/html');
  const main = next.getElementById('contenu');
  // The sign-in page (session over) and pages of another layout are loaded for real.
  if (!main || next.body.dataset.page === 'connexion') {
    window.location.assign(landed.href);
    return;
  }
  document.getElementById('contenu').replaceWith(document.adoptNode(main));
  document.title = next.title;
  const nav = document.getElementById('navigation');
  const nextNav = next.getElementById('navigation');
  if (nav && nextNav) nav.replaceWith(document.adoptNode(nextNav));
  current = next.body.dataset.page || '';
  document.body.dataset.page = current;
  // A POST answered without a redirect (a refusal) stays at the page's address: its own is not a page.
  if (push && !(init.method && !response.redirected)) history.pushState({}, '', landed.href);
  const heading = document.querySelector('#contenu h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
  announce(document.title);
  notify();
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.hasAttribute('download') || (link.target && link.target !== '_self')) return;
  const url = new URL(link.href, window.location.href);
  if (!isOfficeUrl(url) || url.hash && url.pathname === window.location.pathname) return;
  event.preventDefault();
  go(url.href, true);
}

function onSubmit(event) {
  const form = event.target;
  if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
  const url = new URL(form.action, window.location.href);
  if (!isOfficeUrl(url)) return;
  // A POST form marked office-soft-post (a case's state form) is sent by fetch too, so the key survives
  // it; the server's 303 lands on a page like any other. Other POST forms (sign-out) are left alone.
  const method = (form.method || 'get').toLowerCase();
  if (method === 'post') {
    if (!form.classList.contains('office-soft-post')) return;
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    go(url.href, true, {
      method: 'POST',
      headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(data).toString(),
    });
    return;
  }
  if (method !== 'get') return;
  event.preventDefault();
  url.search = new URLSearchParams(new FormData(form)).toString();
  go(url.href, true);
}

export function startNavigation() {
  document.addEventListener('click', onClick);
  document.addEventListener('submit', onSubmit);
  window.addEventListener('popstate', () => go(window.location.href, false));
  // Module scripts all run before DOMContentLoaded: waiting for it lets every page module register
  // with office.js before the first page is wired.
  if (document.readyState === 'complete') notify();
  else document.addEventListener('DOMContentLoaded', notify, { once: true });
}
