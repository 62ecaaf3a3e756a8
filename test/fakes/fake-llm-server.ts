/**
 * Shared machinery of the fake LLM servers (fake-openai-server.ts, fake-ollama-server.ts):
 * a node:http server on 127.0.0.1:0 that records every request and replies according to a
 * scriptable behaviour. The protocol modules only format the wire messages.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the fake answers the next chat request.
 * - `reply`: answer `text` (split into word chunks when streaming, or given as `chunks`), after
 *   `delayMs` before the response headers (use it to go past a client timeout) and
 *   `chunkDelayMs` between stream chunks.
 * - `error`: HTTP error `status` with the protocol's error body.
 * - `hang`: read the request, never answer (the client must time out or abort).
 * - `break`: start a streamed answer with `chunks`, then: `destroy` the socket, `end` the response
 *   cleanly but without the protocol's end marker, `stall` (stay open, send nothing more), or send
 *   the protocol's in-stream `error-event`. Non-streaming requests get the socket destroyed
 *   (`stall` hangs).
 */
export type FakeLlmBehaviour =
  | { type: 'reply'; text?: string; chunks?: string[]; delayMs?: number; chunkDelayMs?: number }
  | { type: 'error'; status: number; message?: string; delayMs?: number }
  | { type: 'hang' }
  | {
      type: 'break';
      chunks: string[];
      mode: 'destroy' | 'end' | 'stall' | 'error-event';
      message?: string;
      chunkDelayMs?: number;
    };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The JSON body, or undefined when there was none / it was not JSON. */
  body: any;
  receivedAt: number;
  /** The client went away before the fake finished its response (abort, timeout). */
  clientDisconnected: boolean;
}

export type BehaviourSource = FakeLlmBehaviour | ((request: RecordedRequest) => FakeLlmBehaviour);

export interface FakeLlmServer {
  /** Root URL, e.g. http://127.0.0.1:43210 (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The default behaviour for chat requests (a value, or a function of the request). */
  setBehaviour(behaviour: BehaviourSource): void;
  /** One-shot behaviours used, in order, before the default (e.g. fail once, then succeed). */
  queueBehaviours(...behaviours: FakeLlmBehaviour[]): void;
  /** Requests to the chat endpoint only. */
  chatRequests(): RecordedRequest[];
  /** Resolves once `count` chat requests have arrived. */
  waitForChatRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Forget recorded requests and queued behaviours; back to the default reply. */
  reset(): void;
  close(): Promise<void>;
}

/** What a protocol module tells the core. */
export interface ChatExchange {
  request: RecordedRequest;
  response: ServerResponse;
  streaming: boolean;
  behaviour: FakeLlmBehaviour;
}

export interface ProtocolHandler {
  /** Is this request the chat endpoint (the one behaviours apply to)? */
  isChatRequest(request: RecordedRequest): boolean;
  /** Answer a non-chat request (models list, version, ...); return false for 404. */
  handleOther(request: RecordedRequest, response: ServerResponse): boolean;
  /** Refuse a chat request before behaviours (bad auth, unknown model); return true if handled. */
  precheck?(request: RecordedRequest, response: ServerResponse): boolean;
  isStreaming(request: RecordedRequest): boolean;
  /** Status + body of an HTTP error in the protocol's shape. */
  errorBody(status: number, message: string): unknown;
  notFound(request: RecordedRequest, response: ServerResponse): void;
  stream: {
    contentType: string;
    /** Wire text for the start of the stream (may be ''). */
    start(request: RecordedRequest): string;
    /** Wire text for one content delta. */
    delta(request: RecordedRequest, text: string): string;
    /** Wire text for the end of a complete stream (finish marker, terminator). */
    finish(request: RecordedRequest, fullText: string): string;
    /** Wire text for an in-stream error. */
    errorEvent(request: RecordedRequest, message: string): string;
  };
  /** Full non-streaming reply body. */
  completion(request: RecordedRequest, text: string): unknown;
}

export const DEFAULT_REPLY = 'Fake answer [1].';

/** Splits text into word-sized stream chunks, whitespace kept with the preceding word. */
export function splitIntoChunks(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  response.end(json);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

export async function startFakeLlmServer(
  protocol: ProtocolHandler,
  options: { behaviour?: BehaviourSource } = {},
): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = [];
  const queued: FakeLlmBehaviour[] = [];
  const initial: BehaviourSource = options.behaviour ?? { type: 'reply', text: DEFAULT_REPLY };
  let behaviour: BehaviourSource = initial;
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const nextBehaviour = (request: RecordedRequest): FakeLlmBehaviour => {
    const next = queued.shift();
    if (next) return next;
    return typeof behaviour === 'function' ? behaviour(request) : behaviour;
  };

  const stillOpen = (response: ServerResponse) => !response.destroyed && !response.writableEnded;

  async function runChat({ request, response, streaming, behaviour: current }: ChatExchange): Promise<void> {
    switch (current.type) {
      case 'hang':
        return;
      case 'error': {
        await sleep(current.delayMs ?? 0);
        if (!stillOpen(response)) return;
        sendJson(response, current.status, protocol.errorBody(current.status, current.message ?? `Fake error ${current.status}`));
        return;
      }
      case 'reply': {
        const text = current.chunks ? current.chunks.join('') : (current.text ?? DEFAULT_REPLY);
        await sleep(current.delayMs ?? 0);
        if (!stillOpen(response)) return;
        if (!streaming) {
          sendJson(response, 200, protocol.completion(request, text));
          return;
        }
        response.writeHead(200, { 'content-type': protocol.stream.contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
        response.flushHeaders();
        response.write(protocol.stream.start(request));
        for (const chunk of current.chunks ?? splitIntoChunks(text)) {
          if (current.chunkDelayMs) await sleep(current.chunkDelayMs);
          if (!stillOpen(response)) return;
          response.write(protocol.stream.delta(request, chunk));
        }
        if (!stillOpen(response)) return;
        response.end(protocol.stream.finish(request, text));
        return;
      }
      case 'break': {
        if (!streaming) {
          if (current.mode !== 'stall') response.socket?.destroy();
          return;
        }
        response.writeHead(200, { 'content-type': protocol.stream.contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
        response.flushHeaders();
        response.write(protocol.stream.start(request));
        for (const chunk of current.chunks) {
          await sleep(current.chunkDelayMs ?? 5);
          if (!stillOpen(response)) return;
          response.write(protocol.stream.delta(request, chunk));
        }
        // Let the chunks reach the client before breaking.
        await sleep(20);
        if (!stillOpen(response)) return;
        if (current.mode === 'destroy') response.socket?.destroy();
        else if (current.mode === 'end') response.end();
        else if (current.mode === 'error-event') response.end(protocol.stream.errorEvent(request, current.message ?? 'Fake in-stream error'));
        return; // stall: leave it open
      }
    }
  }

  const server = http.createServer(async (incoming, response) => {
    const rawBody = await readBody(incoming).catch(() => '');
    let body: any;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path: (incoming.url ?? '/').split('?')[0] ?? '/',
      headers: incoming.headers,
      rawBody,
      body,
      receivedAt: Date.now(),
      clientDisconnected: false,
    };
    requests.push(record);
    for (const waiter of waiters) waiter();
    response.on('close', () => {
      if (!response.writableFinished) record.clientDisconnected = true;
    });
    try {
      if (protocol.isChatRequest(record)) {
        if (protocol.precheck?.(record, response)) return;
        await runChat({ request: record, response, streaming: protocol.isStreaming(record), behaviour: nextBehaviour(record) });
      } else if (!protocol.handleOther(record, response)) {
        protocol.notFound(record, response);
      }
    } catch (error) {
      if (stillOpen(response) && !response.headersSent) sendJson(response, 500, protocol.errorBody(500, String(error)));
      else response.destroy();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const chatRequests = () => requests.filter((request) => protocol.isChatRequest(request));

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour(next) {
      behaviour = next;
    },
    queueBehaviours(...next) {
      queued.push(...next);
    },
    chatRequests,
    waitForChatRequests(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (chatRequests().length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(chatRequests());
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Expected ${count} chat request(s), got ${chatRequests().length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queued.length = 0;
      behaviour = initial;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
