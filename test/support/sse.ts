export interface ServerEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * A text/event-stream reader over fetch (EventSource cannot send an Authorization header):
 * collects the events as they come and waits for the ones a test expects.
 */
export class SseClient {
  readonly events: ServerEvent[] = [];
  readonly comments: string[] = [];
  private waiters: (() => void)[] = [];
  private ended = false;

  private constructor(private readonly abort: AbortController) {}

  /** Opens the stream; a refused request resolves to its status instead. */
  static async open(url: string, headers: Record<string, string>): Promise<SseClient | { status: number; body: unknown }> {
    const abort = new AbortController();
    const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
    if (!response.ok || !response.body) return { status: response.status, body: await response.json().catch(() => null) };
    const client = new SseClient(abort);
    void client.read(response.body);
    return client;
  }

  static async connect(url: string, headers: Record<string, string>): Promise<SseClient> {
    const opened = await SseClient.open(url, headers);
    if (!(opened instanceof SseClient)) throw new Error(`SSE refused: ${opened.status} ${JSON.stringify(opened.body)}`);
    await opened.waitFor('the connected comment', () => opened.comments.includes('connected'));
    return opened;
  }

  get lastId(): string | null {
    return [...this.events].reverse().find((e) => e.id !== null)?.id ?? null;
  }

  /** The events' JSON data. */
  payloads<T = { id: number; type: string; ticket_id: number; message_id: number | null }>(): T[] {
    return this.events.filter((e) => e.data.startsWith('{')).map((e) => JSON.parse(e.data) as T);
  }

  async waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.ended) throw new Error(`The stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake();
      }
    } catch {
      // Aborted by close(), or the server ended the stream.
    }
    this.ended = true;
    this.wake();
  }

  private parse(block: string): void {
    const event: ServerEvent = { id: null, event: 'message', data: '' };
    let hasField = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      const match = /^(id|event|data): ?(.*)$/.exec(line);
      if (!match) continue;
      hasField = true;
      if (match[1] === 'id') event.id = match[2];
      else if (match[1] === 'event') event.event = match[2];
      else event.data += match[2];
    }
    if (hasField) this.events.push(event);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}
