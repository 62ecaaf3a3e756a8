/**
 * A fake OpenAI-compatible server speaking the real wire protocol:
 * - `POST /v1/chat/completions` with `stream: false` -> a `chat.completion` JSON object;
 * - with `stream: true` -> Server-Sent Events: `data: {chat.completion.chunk}` lines (role chunk,
 *   content deltas, a final chunk with `finish_reason: "stop"`, a usage chunk when
 *   `stream_options.include_usage`), then `data: [DONE]`;
 * - `GET /v1/models` -> the model list;
 * - errors as `{"error": {"message", "type", "param", "code"}}`.
 *
 * Usage: `const fake = await startFakeOpenAiServer({ apiKey: 'sk-test' })`, point the client at
 * `fake.baseUrl` (= `${fake.url}/v1`), script it with `fake.setBehaviour(...)`, inspect
 * `fake.chatRequests()`.
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

export interface FakeOpenAiServerOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** Models served; when set, chat requests for other models get 404 model_not_found. */
  models?: string[];
  /** Initial behaviour for chat requests (default: reply "Fake answer [1]."). */
  behaviour?: BehaviourSource;
}

export interface FakeOpenAiServer extends FakeLlmServer {
  /** The OpenAI base URL, `${url}/v1` (what OPENAI_BASE_URL should be). */
  baseUrl: string;
}

const CHAT_PATH = '/v1/chat/completions';

function errorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export async function startFakeOpenAiServer(options: FakeOpenAiServerOptions = {}): Promise<FakeOpenAiServer> {
  let counter = 0;
  const ids = new WeakMap<RecordedRequest, string>();
  const idFor = (request: RecordedRequest) => {
    let id = ids.get(request);
    if (!id) {
      id = `chatcmpl-fake${++counter}`;
      ids.set(request, id);
    }
    return id;
  };
  const created = () => Math.floor(Date.now() / 1000);
  const modelOf = (request: RecordedRequest): string => String(request.body?.model ?? 'fake-model');
  const includeUsage = (request: RecordedRequest) => request.body?.stream_options?.include_usage === true;
  const usage = (request: RecordedRequest, text: string) => {
    const prompt = JSON.stringify(request.body?.messages ?? []).length >> 2;
    const completion = Math.max(1, text.length >> 2);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  };
  const chunk = (request: RecordedRequest, delta: Record<string, unknown>, finishReason: string | null) => ({
    id: idFor(request),
    object: 'chat.completion.chunk',
    created: created(),
    model: modelOf(request),
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage(request) ? { usage: null } : {}),
  });
  const sse = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  const errorBody = (status: number, message: string) => ({
    error: { message, type: errorType(status), param: null, code: status === 404 ? 'model_not_found' : null },
  });

  const protocol: ProtocolHandler = {
    isChatRequest: (request) => request.method === 'POST' && request.path === CHAT_PATH,
    isStreaming: (request) => request.body?.stream === true,
    precheck(request, response) {
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        sendJson(response, 401, {
          error: {
            message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        });
        return true;
      }
      if (!request.body || !Array.isArray(request.body.messages)) {
        sendJson(response, 400, { error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
        return true;
      }
      if (options.models && !options.models.includes(modelOf(request))) {
        sendJson(response, 404, errorBody(404, `The model \`${modelOf(request)}\` does not exist or you do not have access to it.`));
        return true;
      }
      return false;
    },
    handleOther(request: RecordedRequest, response: ServerResponse) {
      if (request.method === 'GET' && request.path === '/v1/models') {
        sendJson(response, 200, {
          object: 'list',
          data: (options.models ?? ['fake-model']).map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'paperchat-fake' })),
        });
        return true;
      }
      return false;
    },
    errorBody,
    notFound(request, response) {
      sendJson(response, 404, { error: { message: `Unknown request URL: ${request.method} ${request.path}.`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
    },
    stream: {
      contentType: 'text/event-stream; charset=utf-8',
      start: (request) => sse(chunk(request, { role: 'assistant', content: '', refusal: null }, null)),
      delta: (request, text) => sse(chunk(request, { content: text }, null)),
      finish(request, fullText) {
        let wire = sse(chunk(request, {}, 'stop'));
        if (includeUsage(request)) {
          wire += sse({ ...chunk(request, {}, null), choices: [], usage: usage(request, fullText) });
        }
        return wire + sse('[DONE]');
      },
      errorEvent: (_request, message) => sse({ error: { message, type: 'server_error', param: null, code: null } }),
    },
    completion: (request, text) => ({
      id: idFor(request),
      object: 'chat.completion',
      created: created(),
      model: modelOf(request),
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: usage(request, text),
    }),
  };

  const server = await startFakeLlmServer(protocol, options.behaviour ? { behaviour: options.behaviour } : {});
  return Object.assign(server, { baseUrl: `${server.url}/v1` });
}
