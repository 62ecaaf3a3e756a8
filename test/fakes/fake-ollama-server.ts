/**
 * A fake Ollama server speaking the real wire protocol:
 * - `POST /api/chat`: `stream` defaults to true (as in Ollama) -> NDJSON
 *   (`application/x-ndjson`), one `{"model","created_at","message":{"role":"assistant","content"},"done":false}`
 *   line per delta, then a `done: true` line with `done_reason` and the timing/count stats;
 *   `stream: false` -> one JSON object with the whole message and the same stats.
 *   ChatOllama always streams, even for invoke().
 * - `GET /api/tags` (models list; ChatOllama calls it first only with `checkOrPullModel`),
 *   `POST /api/pull` (streamed status lines), `POST /api/show`, `GET /api/version`, `GET /`.
 * - errors as `{"error": "..."}`, with the HTTP status, or as an NDJSON line mid-stream.
 */
import type { ServerResponse } from 'node:http';
import {
  sendJson,
  startFakeLlmServer,
  type BehaviourSource,
  type FakeLlmServer,
  type ProtocolHandler,
  type RecordedRequest,
} from './fake-llm-server.ts';

export type { FakeLlmBehaviour, RecordedRequest } from './fake-llm-server.ts';

export interface FakeOllamaServerOptions {
  /** Models "pulled"; when set, chat requests for other models get 404 like Ollama. */
  models?: string[];
  /** Initial behaviour for chat requests (default: reply "Fake answer [1]."). */
  behaviour?: BehaviourSource;
}

export type FakeOllamaServer = FakeLlmServer;

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

export async function startFakeOllamaServer(options: FakeOllamaServerOptions = {}): Promise<FakeOllamaServer> {
  const modelOf = (request: RecordedRequest): string => String(request.body?.model ?? 'fake-model');
  const createdAt = () => new Date().toISOString();
  const stats = (request: RecordedRequest, text: string) => ({
    total_duration: 1_234_567_890,
    load_duration: 12_345_678,
    prompt_eval_count: JSON.stringify(request.body?.messages ?? []).length >> 2,
    prompt_eval_duration: 234_567_890,
    eval_count: Math.max(1, text.length >> 2),
    eval_duration: 987_654_321,
  });
  const modelEntry = (name: string) => ({
    name: name.includes(':') ? name : `${name}:latest`,
    model: name.includes(':') ? name : `${name}:latest`,
    modified_at: '2025-01-01T00:00:00.000000000Z',
    size: 2_019_393_189,
    digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
    details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
  });
  const known = (name: string) =>
    !options.models || options.models.some((model) => model === name || `${model}:latest` === name || model === `${name}:latest`);

  const protocol: ProtocolHandler = {
    isChatRequest: (request) => request.method === 'POST' && request.path === '/api/chat',
    isStreaming: (request) => request.body?.stream !== false,
    precheck(request, response) {
      if (!request.body || typeof request.body.model !== 'string' || request.body.model === '') {
        sendJson(response, 400, { error: 'model is required' });
        return true;
      }
      if (!known(modelOf(request))) {
        sendJson(response, 404, { error: `model "${modelOf(request)}" not found, try pulling it first` });
        return true;
      }
      return false;
    },
    handleOther(request: RecordedRequest, response: ServerResponse) {
      if ((request.method === 'GET' || request.method === 'HEAD') && request.path === '/') {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(request.method === 'HEAD' ? undefined : 'Ollama is running');
        return true;
      }
      if (request.method === 'GET' && request.path === '/api/version') {
        sendJson(response, 200, { version: '0.12.0' });
        return true;
      }
      if (request.method === 'GET' && request.path === '/api/tags') {
        sendJson(response, 200, { models: (options.models ?? ['fake-model']).map(modelEntry) });
        return true;
      }
      if (request.method === 'POST' && request.path === '/api/show') {
        const name = String(request.body?.model ?? request.body?.name ?? '');
        if (!known(name)) sendJson(response, 404, { error: `model '${name}' not found` });
        else sendJson(response, 200, { modelfile: '', parameters: '', template: '{{ .Prompt }}', details: modelEntry(name).details, capabilities: ['completion'] });
        return true;
      }
      if (request.method === 'POST' && request.path === '/api/pull') {
        const statuses = [{ status: 'pulling manifest' }, { status: 'verifying sha256 digest' }, { status: 'writing manifest' }, { status: 'success' }];
        if (request.body?.stream === false) sendJson(response, 200, { status: 'success' });
        else {
          response.writeHead(200, { 'content-type': 'application/x-ndjson' });
          response.end(statuses.map(line).join(''));
        }
        return true;
      }
      return false;
    },
    errorBody: (_status, message) => ({ error: message }),
    notFound(_request, response) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('404 page not found');
    },
    stream: {
      contentType: 'application/x-ndjson',
      start: () => '',
      delta: (request, text) =>
        line({ model: modelOf(request), created_at: createdAt(), message: { role: 'assistant', content: text }, done: false }),
      finish: (request, fullText) =>
        line({
          model: modelOf(request),
          created_at: createdAt(),
          message: { role: 'assistant', content: '' },
          done_reason: 'stop',
          done: true,
          ...stats(request, fullText),
        }),
      errorEvent: (_request, message) => line({ error: message }),
    },
    completion: (request, text) => ({
      model: modelOf(request),
      created_at: createdAt(),
      message: { role: 'assistant', content: text },
      done_reason: 'stop',
      done: true,
      ...stats(request, text),
    }),
  };

  return startFakeLlmServer(protocol, options.behaviour ? { behaviour: options.behaviour } : {});
}
