import { useEffect } from './vendor/htm-preact.js';
import { get } from './api.js';
import { useLiveEvents } from './live.js';
import { setUnreadCount } from './title.js';

/** Keeps "(n)" in the tab's title: the tenant's tickets with unread messages, asked again after live events. */
export function UnreadTitle() {
  const refresh = () =>
    get('/api/tickets/summary')
      .then((summary) => setUnreadCount(summary.unread))
      // The count is a convenience: a failure leaves the last one, the page reports its own errors.
      .catch(() => undefined);
  useEffect(() => {
    void refresh();
    return () => setUnreadCount(0);
  }, []);
  useLiveEvents(() => void refresh(), 300);
  return null;
}
