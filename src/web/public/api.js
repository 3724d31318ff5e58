// The one way the UI talks to the service: the public HTTP API, as a person signed in with the
// session cookie (httpOnly: this code never sees it; changes carry the session's CSRF token), or
// with a bearer token, which lives in sessionStorage (gone when the tab closes) and never in a URL.

const TOKEN_KEY = 'inbound.token';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }

  /** A sentence for people, with what to do about it where we know. */
  get readable() {
    switch (this.status) {
      case 0:
        return this.message;
      case 401:
        return `Not signed in: ${this.message}.`;
      case 403:
        return `Not allowed: ${this.message}.`;
      case 404:
        return `Not found: ${this.message}.`;
      case 413:
        return `Too large: ${this.message}.`;
      case 503:
        return `The service is unavailable right now (${this.message}). Try again in a moment.`;
      default:
        if (this.status >= 500) return `The server failed (${this.status}): ${this.message}. Try again; if it keeps failing, tell your administrator.`;
        return endWithStop(this.message);
    }
  }
}

/** The one way a failure becomes text on the page. */
export function errorText(error) {
  if (error instanceof ApiError) return error.readable;
  return `Something went wrong in the page: ${error?.message ?? error}.`;
}

function endWithStop(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

let unauthorizedHandler = null;

export const session = {
  get token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return memoryToken;
    }
  },
  set token(value) {
    memoryToken = value;
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage can be disabled (private modes); the token then lives in memory for this page.
    }
  },
  me: null,
  /** The session's CSRF token, from the sign-in answer or GET /api/me; null when signed in with a token. */
  csrf: null,
  signOut() {
    this.token = null;
    this.me = null;
    this.csrf = null;
  },
  onUnauthorized(handler) {
    unauthorizedHandler = handler;
  },
};
let memoryToken = null;

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (session.csrf && method !== 'GET') headers['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Inbound service. Check your connection and try again.');
  }
}

async function errorFrom(response) {
  const data = await response.json().catch(() => null);
  const message = data && typeof data.message === 'string' && data.message ? data.message : `${response.status} ${response.statusText || 'error'}`;
  return new ApiError(response.status, data?.error ?? 'error', message, data?.details);
}

/**
 * api('GET', '/api/tickets', undefined, { token }) → parsed JSON, or throws ApiError.
 * A 401 on a signed-in session ends it (the token was revoked, the session expired or the tenant
 * was disabled); `quiet` asks without that, for the question "is this tab signed in?".
 */
export async function api(method, path, body, options = {}) {
  const token = options.token ?? session.token;
  const response = await send(method, path, body, token);
  if (!response.ok) {
    const error = await errorFrom(response);
    if (error.status === 401 && !options.token && !options.quiet && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * An attachment's bytes as a blob of the given type (the API sends them as a download), for a
 * preview the page shows itself; fetched with the bearer header like any other call.
 */
export async function fetchBlob(path, type) {
  const response = await send('GET', path, undefined, session.token);
  if (!response.ok) throw await errorFrom(response);
  return new Blob([await response.arrayBuffer()], { type });
}

/**
 * Attachments (and exports, POSTed with `body`) come with the bearer header like any other call
 * and are saved from a blob, so that no token ever appears in a link.
 */
export async function download(path, filename, body) {
  const response = await send(body === undefined ? 'GET' : 'POST', path, body, session.token);
  if (!response.ok) throw await errorFrom(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename || 'attachment';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
