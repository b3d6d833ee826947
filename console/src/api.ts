/**
 * The console's only way to the sandbox: the control API and the channel API with the signed-in key.
 * Every call is described as the curl command that makes it, so the console teaches the API.
 */
export interface Result<T = unknown> {
  status: number;
  body: T;
  curl: string;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function curlOf(method: string, url: string, key: string, body?: unknown, admin?: string): string {
  const parts = ['curl'];
  if (method !== 'GET') parts.push('-X', method);
  parts.push(shellQuote(url), '-H', shellQuote(`Authorization: Token ${key}`));
  if (admin !== undefined) parts.push('-H', shellQuote(`X-Sim-Admin: ${admin}`));
  if (body !== undefined && body !== null) {
    parts.push('-H', shellQuote('Content-Type: application/json'), '-d', shellQuote(JSON.stringify(body)));
  }
  return parts.join(' ');
}

export class Api {
  /**
   * `admin` is the simulator's admin key (`--admin-key`), sent as `X-Sim-Admin` on control calls
   * (`/__sim/...`) only: the channel API never sees it.
   */
  constructor(
    readonly key: string,
    readonly admin?: string,
    readonly origin: string = location.origin,
  ) {}

  /** The admin key, when the call needs one. */
  adminFor(path: string): string | undefined {
    return path.startsWith('/__sim/') ? this.admin : undefined;
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<Result<T>> {
    const url = this.origin + path;
    const admin = this.adminFor(path);
    const headers: Record<string, string> = { Authorization: `Token ${this.key}` };
    if (admin !== undefined) headers['X-Sim-Admin'] = admin;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body: parsed as T, curl: curlOf(method, url, this.key, body, admin) };
  }

  /** A read that must succeed. */
  async get<T>(path: string): Promise<T> {
    const result = await this.call<T>('GET', path);
    if (result.status !== 200)
      throw new Error(`GET ${path}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /**
   * Follows the channel's events (GET /__sim/events) with `fetch`, so the key goes in the
   * Authorization header (an EventSource cannot send one). Reconnects with Last-Event-ID.
   */
  watch(onEvent: (type: string, data: Record<string, unknown>) => void, onState: (live: boolean) => void) {
    const abort = new AbortController();
    let lastId: string | undefined;
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(`${this.origin}/__sim/events`, {
            headers: {
              Accept: 'text/event-stream',
              Authorization: `Token ${this.key}`,
              ...(this.admin !== undefined && { 'X-Sim-Admin': this.admin }),
              ...(lastId !== undefined && { 'Last-Event-ID': lastId }),
            },
            signal: abort.signal,
          });
          if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
          onState(true);
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              const frame = parseFrame(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              if (frame.id !== undefined) lastId = frame.id;
              if (frame.data !== undefined) onEvent(frame.event ?? 'message', JSON.parse(frame.data));
              end = buffer.indexOf('\n\n');
            }
          }
        } catch {
          // Network error or abort: fall through to the retry below.
        }
        onState(false);
        if (abort.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    };
    void run();
    return () => abort.abort();
  }
}

function parseFrame(text: string): { id?: string; event?: string; data?: string } {
  const frame: { id?: string; event?: string; data?: string } = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    if (name === 'id') frame.id = value;
    else if (name === 'event') frame.event = value;
    else if (name === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}

/** A listing body, with or without the paginated `count` / `next` (tolerated until every server has them). */
export function itemsOf<T>(body: unknown, key: string): T[] {
  const list = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(list) ? (list as T[]) : [];
}
