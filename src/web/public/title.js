// The tab's title: the page's own, led by the unread count, e.g. "(3) Tickets · Inbound".
let pageTitle = null;
let unread = 0;

function show() {
  const base = pageTitle ? `${pageTitle} · Inbound` : 'Inbound';
  document.title = unread > 0 ? `(${unread}) ${base}` : base;
}

export function setPageTitle(title) {
  pageTitle = title || null;
  show();
}

export function setUnreadCount(count) {
  unread = Number.isFinite(count) && count > 0 ? count : 0;
  show();
}
