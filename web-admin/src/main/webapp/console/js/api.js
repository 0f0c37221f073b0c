// The JSON API of this node, as the console calls it: the session's CSRF token on every change, problem+json
// details as errors, and a lost session back to the login page.
const BASE = new URL('../../api', import.meta.url).pathname; // /ledger/api
let session = null;

export class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

export async function loadSession() {
  session = await api('GET', '/session');
  return session;
}

export function currentSession() { return session; }
export function hasRole(...roles) { return !!session && roles.some(r => session.roles.includes(r)); }
export function apiUrl(path) { return BASE + path; }

export async function api(method, path, body, contentType = 'application/json') {
  return (await call(method, path, body, contentType)).json;
}

/**
 * A page of a list the node pages with a Link header (rel="next") and X-Total-Count: {items, next (the next page's
 * cursor, or null), total}.
 */
export async function apiPage(path) {
  const r = await call('GET', path);
  const link = r.headers.get('Link') || '';
  const m = link.match(/<([^>]*)>\s*;\s*rel="next"/);
  const next = m ? new URL(m[1], location.href).searchParams.get('cursor') : null;
  return { items: r.json, next, total: Number(r.headers.get('X-Total-Count') || 0) };
}

async function call(method, path, body, contentType = 'application/json') {
  const headers = { 'X-Requested-With': 'battery-ledger-console', 'Accept': 'application/json' };
  if (method !== 'GET' && session && session.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
  let payload;
  if (body !== undefined && body !== null) {
    headers['Content-Type'] = contentType;
    // Bytes (a file's) go as they are, whatever their type: JSON.stringify would make an object of their indices.
    payload = contentType === 'application/json' && !(body instanceof Uint8Array) ? JSON.stringify(body) : body;
  }
  const r = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  if (r.status === 401) {
    location.assign(new URL('../../login', import.meta.url).pathname);
    throw new ApiError(401, 'the session ended: log in again');
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) {
    throw new ApiError(r.status, (json && json.detail) || (r.status + ' ' + r.statusText));
  }
  return { json, headers: r.headers };
}

export async function logout() {
  const r = await fetch(new URL('../../logout', import.meta.url).pathname, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'X-Requested-With': 'battery-ledger-console', 'X-CSRF-Token': session ? session.csrfToken : '' } });
  if (!r.ok && r.status !== 401) throw new ApiError(r.status, 'logout failed: ' + r.status);
  location.assign(new URL('../../login', import.meta.url).pathname);
}
