// fetch helpers for the back office: same-origin credentials, JSON, and the CSRF token of the page's
// <meta name="csrf"> on every state-changing request (office_session.h checks it as X-CSRF-Token).

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf"]');
  return meta ? meta.getAttribute('content') : '';
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  const type = response.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await response.json() : null;
  if (!response.ok) {
    const message = body && typeof body.error === 'string' ? body.error : `erreur ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

export async function getJSON(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  return answer(response);
}

export async function postJSON(url, value) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
    body: JSON.stringify(value),
  });
  return answer(response);
}
