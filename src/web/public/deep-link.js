// Deep links survive sign-in: the page asked for rides along as #/signin?next=… and is opened after.

/** A hash path of this app, and nothing that could leave it or loop back to sign-in. */
function safeNext(value) {
  if (!value || !/^\/[A-Za-z0-9/?=&%._~+-]*$/.test(value) || value.startsWith('//')) return null;
  return /^\/(signin)?(\?|$)/.test(value) ? null : value;
}

/** Where to send a visitor without a session who asked for `where` ({path, query}). */
export function signInRoute(where) {
  if (where.path === '/signin') return `#/signin${where.query.size ? `?${where.query}` : ''}`;
  const search = where.query.toString();
  const next = safeNext(`${where.path}${search ? `?${search}` : ''}`);
  return next ? `#/signin?next=${encodeURIComponent(next)}` : '#/signin';
}

/** After signing in on `where` (the sign-in page): the page first asked for, else `home`. */
export function afterSignIn(where, home) {
  const next = where.path === '/signin' ? safeNext(where.query.get('next')) : null;
  return next ? `#${next}` : home;
}
