import { ApiError, get, session } from './api.js';
import { alertBox, busy, field, h } from './dom.js';

export function signInView({ flash, onSignedIn }) {
  const token = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'inb_… or the platform admin token',
  });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Sign in');

  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        const value = token.value.trim();
        if (!value) {
          status.replaceChildren(alertBox('error', null, 'Enter your API token.'));
          token.focus();
          return;
        }
        status.replaceChildren();
        await busy(submit, async () => {
          try {
            const me = await get('/api/me', { token: value });
            session.token = value;
            onSignedIn(me);
          } catch (error) {
            const text =
              error instanceof ApiError && error.status === 401
                ? `That token was not accepted: ${error.message}.`
                : error instanceof ApiError
                  ? error.readable
                  : String(error);
            status.replaceChildren(alertBox('error', 'Sign-in failed', text));
            token.select();
          }
        }, 'Signing in…');
      },
    },
    field('API token', token, 'Your token stays in this browser tab only and is forgotten when you sign out or close the tab.'),
    h('div', { class: 'button-row' }, submit),
  );

  return h(
    'section',
    { class: 'signin' },
    h(
      'div',
      { class: 'panel' },
      h('h1', null, 'Sign in to Inbound'),
      h('p', { class: 'muted' }, 'E-mail in, helpdesk tickets out.'),
      flash,
      status,
      form,
    ),
    h(
      'details',
      { class: 'panel small' },
      h('summary', null, 'Where do I get a token?'),
      h(
        'ul',
        null,
        h('li', null, 'Platform admin: the ', h('code', null, 'ADMIN_API_TOKEN'), ' of the service, or the token printed in its log at the first start.'),
        h('li', null, 'Tenant admins and agents: a token created for you by the platform admin or your tenant admin. It is shown only once.'),
      ),
    ),
  );
}
