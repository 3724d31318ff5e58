// The two flows every page shares: loading what it shows, and running what the user asks for.
import { html, useEffect, useRef, useState } from './vendor/htm-preact.js';
import { ApiError, errorText } from './api.js';
import { ErrorPage } from './error-page.js';
import { Loading } from './components.js';
import { setPageTitle } from './title.js';

/**
 * What the user typed cannot be sent as it is: shown without a title, and the field it names
 * (an element id) gets the focus.
 */
export class InputProblem extends Error {
  constructor(message, fieldId) {
    super(message);
    this.fieldId = fieldId;
  }
}

/**
 * The form flow of the whole UI: run → busy → a success notice, or the error as text.
 * `work` returns the success notice ({ kind, title, text }), or undefined to leave the notice
 * as it is; a failure is shown under `failureTitle`, or the title given to this run.
 * `submit(work)` is the same as a form's onSubmit handler.
 */
export function useAction(failureTitle) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const running = useRef(false);

  const run = async (work, title = failureTitle) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setNotice(null);
    try {
      const result = await work();
      if (result !== undefined) setNotice(result);
    } catch (error) {
      if (error instanceof InputProblem) {
        setNotice({ kind: 'error', text: error.message });
        if (error.fieldId) document.getElementById(error.fieldId)?.focus();
      } else {
        setNotice({ kind: 'error', title, text: errorText(error) });
      }
    } finally {
      running.current = false;
      setBusy(false);
    }
  };

  const submit = (work, title) => (event) => {
    event.preventDefault();
    void run(work, title);
  };

  return { busy, notice, setNotice, run, submit };
}

export const ok = (text, title) => ({ kind: 'ok', title, text });
export const info = (text, title) => ({ kind: 'info', title, text });
export const failure = (text, title) => ({ kind: 'error', title, text });

/**
 * Loads what a page shows. While loading, and when it failed, `fallback` is what to render
 * instead: "Loading…", or a readable error with "Try again". A 401 renders nothing: the session
 * has ended and the sign-in page takes over.
 */
export function useLoad(load) {
  const [state, setState] = useState({ data: null, error: null });
  const attempt = useRef(0);

  const reload = async ({ quiet = false } = {}) => {
    const mine = ++attempt.current;
    if (!quiet) setState({ data: null, error: null });
    try {
      const data = await load();
      if (mine === attempt.current) setState({ data, error: null });
    } catch (error) {
      if (mine !== attempt.current) return;
      if (quiet) throw error;
      setState({ data: null, error });
    }
  };

  useEffect(() => {
    void reload();
    return () => {
      attempt.current = -1;
    };
  }, []);

  let fallback = null;
  if (state.error) {
    // After a 401 the sign-in page is on its way: no error page in between.
    const sessionEnded = state.error instanceof ApiError && state.error.status === 401;
    fallback = sessionEnded ? html`<${Loading} />` : html`<${ErrorPage} error=${state.error} retry=${() => reload()} />`;
  } else if (state.data === null) {
    fallback = html`<${Loading} />`;
  }
  return { data: state.data, fallback, reload, setData: (data) => setState({ data, error: null }) };
}

/** The tab's title while this page is shown. */
export function useTitle(title) {
  useEffect(() => {
    setPageTitle(title);
  }, [title]);
}
