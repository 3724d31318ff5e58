// Live updates: one stream of the tenant's events (GET /api/events) per tab, shared by every page.
// EventSource cannot send the Authorization header and the token never goes into a URL, so the
// stream is read with fetch; reconnects send Last-Event-ID and so miss nothing.
import { useEffect, useRef, useState } from './vendor/htm-preact.js';
import { get, session } from './api.js';

const RETRY_MS = [1000, 2000, 5000, 10000, 30000];
const listeners = new Set();
const statusListeners = new Set();
let connection = null;
let lastEventId = null;
let status = 'off';

function setStatus(next) {
  if (status === next) return;
  status = next;
  statusListeners.forEach((listener) => listener(next));
}

/** Calls `listener(event)` for each live event ({id, type, ticket_id, message_id}) until the returned function is called. */
export function onLiveEvent(listener) {
  listeners.add(listener);
  ensureConnected();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) disconnect();
  };
}

let lastCredential = null;

/** Who this tab is signed in as: its bearer token, or its session cookie (known by its CSRF token). */
function credential() {
  if (session.token) return { key: `token:${session.token}`, token: session.token };
  return session.csrf ? { key: `session:${session.csrf}`, token: null } : null;
}

function ensureConnected() {
  const signedIn = credential();
  if (connection || !signedIn) return;
  // Another session's position means nothing to this one.
  if (signedIn.key !== lastCredential) lastEventId = null;
  lastCredential = signedIn.key;
  const abort = new AbortController();
  connection = { abort, ...signedIn };
  void run(connection);
}

function disconnect() {
  connection?.abort.abort();
  connection = null;
  setStatus('off');
}

async function run(mine) {
  let failures = 0;
  while (connection === mine && credential()?.key === mine.key) {
    try {
      const ended = await readStream(mine);
      if (ended === 'refused') {
        // Any API call answered 401 ends the session the usual way (sign-in page, with why).
        await get('/api/me').catch(() => undefined);
        break;
      }
      failures = 0;
    } catch {
      if (mine.abort.signal.aborted) return;
      failures += 1;
    }
    setStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(failures, RETRY_MS.length - 1)]));
  }
  if (connection === mine) {
    connection = null;
    setStatus('off');
  }
}

async function readStream(mine) {
  const headers = { Accept: 'text/event-stream' };
  if (mine.token) headers.Authorization = `Bearer ${mine.token}`;
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  // With a token, no cookie rides along; a session has only its cookie.
  const credentials = mine.token ? 'omit' : 'same-origin';
  const response = await fetch('/api/events', { headers, cache: 'no-store', credentials, redirect: 'error', signal: mine.abort.signal });
  // A refused token is the API's to report; no retry loop here.
  if (response.status === 401 || response.status === 403) return 'refused';
  if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
  setStatus('live');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return 'ended';
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

function dispatch(block) {
  let id = null;
  let type = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') type = value;
    else if (field === 'data') data += value;
  }
  if (id !== null) lastEventId = id;
  if (!data) return;
  let payload;
  try {
    payload = JSON.parse(data);
  } catch {
    return;
  }
  const event = { ...payload, type };
  listeners.forEach((listener) => listener(event));
}

/**
 * Runs `handler(event)` for live events while the component is shown; bursts (a new ticket is
 * three events) are gathered for `waitMs` and handed over as the last one with `events` beside it.
 */
export function useLiveEvents(handler, waitMs = 150) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    let timer = null;
    let batch = [];
    const stop = onLiveEvent((event) => {
      batch.push(event);
      if (timer) return;
      timer = setTimeout(() => {
        const events = batch;
        batch = [];
        timer = null;
        latest.current(events);
      }, waitMs);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, []);
}

/** 'live', 'reconnecting' or 'off'. */
export function useLiveStatus() {
  const [value, setValue] = useState(status);
  useEffect(() => {
    statusListeners.add(setValue);
    setValue(status);
    return () => statusListeners.delete(setValue);
  }, []);
  return value;
}
