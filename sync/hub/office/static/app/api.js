// The office's JSON calls: same-origin, with the session cookie, and the CSRF token of the page's
// <meta name="csrf"> on every POST (the hub refuses a POST without it).
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  if (response.ok) return response.json();
  let message = `Le serveur a répondu ${response.status}.`;
  try {
    const body = await response.json();
    if (body && typeof body.error === "string") message = body.error;
  } catch {
    // Not JSON: keep the status.
  }
  throw new ApiError(response.status, message);
}

export async function getJSON(url) {
  const response = await fetch(url, {
    method: "GET",
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    cache: "no-store",
  });
  return answer(response);
}

export async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken() },
    body: JSON.stringify(body),
    cache: "no-store",
  });
  return answer(response);
}
