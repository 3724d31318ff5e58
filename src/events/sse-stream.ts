import { Response } from 'express';
import { LiveEvent } from './live-event.entity';

/** What a client is sent for one row of the log. */
export function eventPayload(event: LiveEvent) {
  return {
    id: event.id,
    type: event.type,
    ticket_id: event.ticketId,
    message_id: event.messageId,
    at: event.createdAt,
  };
}

/** The text/event-stream framing of one event; `id:` is what the client's Last-Event-ID will name. */
export function formatEvent(event: LiveEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(eventPayload(event))}\n\n`;
}

/** Starts a text/event-stream answer that no proxy buffers or caches. */
export function openEventStream(res: Response, retryMs: number): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-store, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // nginx buffers proxied answers unless told not to.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(`retry: ${retryMs}\n: connected\n\n`);
}
