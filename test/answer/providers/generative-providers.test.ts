/**
 * The openai and ollama providers, built by createGenerativeProvider from config, against local
 * fake servers that speak the real wire protocols (SSE / NDJSON). Same contract for both.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../../src/config.ts';
import { CANNOT_ANSWER } from '../../../src/answer/prompts.ts';
import { createGenerativeProvider } from '../../../src/answer/providers/create-provider.ts';
import { LlmProviderError } from '../../../src/answer/providers/llm-provider-error.ts';
import type { FakeLlmServer } from '../../fakes/fake-llm-server.ts';
import { startFakeOllamaServer } from '../../fakes/fake-ollama-server.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../fakes/fake-openai-server.ts';
import { collect, collectUntilError, INPUT, testConfig } from './fixtures.ts';

interface Harness {
  name: 'openai' | 'ollama';
  start(): Promise<FakeLlmServer>;
  config(fake: FakeLlmServer, overrides?: Record<string, string>): Config;
}

const harnesses: Harness[] = [
  {
    name: 'openai',
    start: () => startFakeOpenAiServer({ apiKey: 'sk-test', models: ['fake-model'] }),
    config: (fake, overrides = {}) =>
      testConfig({
        LLM_PROVIDER: 'openai',
        OPENAI_BASE_URL: (fake as FakeOpenAiServer).baseUrl,
        OPENAI_API_KEY: 'sk-test',
        ...overrides,
      }),
  },
  {
    name: 'ollama',
    start: () => startFakeOllamaServer({ models: ['fake-model'] }),
    config: (fake, overrides = {}) => testConfig({ LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: fake.url, ...overrides }),
  },
];

const ANSWER_CHUNKS = ['The Transformer ', 'relies solely on ', 'attention [1]', '.'];

async function expectProviderError(promise: Promise<unknown>): Promise<LlmProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LlmProviderError);
  return error as LlmProviderError;
}

describe.each(harnesses)('$name provider (fake $name server)', (harness) => {
  let fake: FakeLlmServer;
  const provider = (overrides: Record<string, string> = {}) =>
    createGenerativeProvider(harness.config(fake, overrides), { maxRetries: 0 });

  beforeAll(async () => {
    fake = await harness.start();
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  it('is named after the provider', () => {
    expect(provider().name).toBe(harness.name);
  });

  it('streams the answer as deltas and assembles it exactly', async () => {
    fake.setBehaviour({ type: 'reply', chunks: ANSWER_CHUNKS });
    const parts = await collect(provider().generate(INPUT));
    expect(parts.join('')).toBe(ANSWER_CHUNKS.join(''));
    expect(parts.length).toBeGreaterThanOrEqual(ANSWER_CHUNKS.length - 1);
    const [request] = fake.chatRequests();
    expect(request?.body.model).toBe('fake-model');
    expect(request?.body.stream).toBe(true);
  });

  it('sends the system prompt, the delimited numbered sources and the question', async () => {
    await collect(provider().generate(INPUT));
    const [request] = fake.chatRequests();
    const messages = request?.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    const [system, user] = messages;
    expect(system?.content).toContain('ONLY');
    expect(system?.content).toContain(CANNOT_ANSWER);
    expect(system?.content).not.toContain('<!--');
    expect(system?.content).not.toContain('{cannot_answer}');
    expect(user?.content).toContain(`<source n="1" title="Attention Is All You Need">\n${INPUT.sources[0]?.abstract}\n</source>`);
    expect(user?.content).toContain('<source n="2" title="BERT: Pre-training of Deep Bidirectional Transformers">');
    expect(user?.content).toContain(`Question: ${INPUT.question}`);
    expect(user?.content).toContain(INPUT.query);
    expect(user?.content.indexOf('</source>')).toBeLessThan(user?.content.indexOf('Question:') ?? -1);
  });

  it('refuses without calling the model when there are no sources', async () => {
    const parts = await collect(provider().generate({ ...INPUT, sources: [] }));
    expect(parts.join('')).toBe(CANNOT_ANSWER);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('condenses a follow-up into one standalone query line', async () => {
    fake.setBehaviour({ type: 'reply', text: 'Standalone query: "limitations of Transformer attention"\nBecause the user asked...' });
    const query = await provider().condense!(
      [
        { role: 'user', content: 'What is the Transformer?' },
        { role: 'assistant', content: 'An attention-only architecture [1].' },
      ],
      'What are its limitations?',
    );
    expect(query).toBe('limitations of Transformer attention');
    const [request] = fake.chatRequests();
    const prompt = (request?.body.messages as Array<{ content: string }>).map((message) => message.content).join('\n');
    expect(prompt).toContain('User: What is the Transformer?');
    expect(prompt).toContain('Assistant: An attention-only architecture [1].');
    expect(prompt).toContain('Follow-up question: What are its limitations?');
    // ChatOpenAI.invoke makes a plain JSON request; ChatOllama always streams, even for invoke.
    expect(request?.body.stream).toBe(harness.name === 'ollama');
  });

  it('condense returns the question itself when there is no history (no request)', async () => {
    expect(await provider().condense!([], '  What is BERT? ')).toBe('What is BERT?');
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('times out when the server does not answer in time, and cancels the request', async () => {
    fake.setBehaviour({ type: 'reply', text: 'too late', delayMs: 3000 });
    const started = Date.now();
    const error = await expectProviderError(collect(provider({ LLM_TIMEOUT_MS: '300' }).generate(INPUT)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.kind).toBe('timeout');
    expect(error.code).toBe('llm_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.partial).toBe(false);
    await vi.waitFor(() => expect(fake.chatRequests()[0]?.clientDisconnected).toBe(true));
  });

  it('times out when the stream stalls after some tokens (idle timeout)', async () => {
    fake.setBehaviour({ type: 'break', chunks: ['The Transformer ', 'uses '], mode: 'stall' });
    const { parts, error } = await collectUntilError(provider({ LLM_TIMEOUT_MS: '300' }).generate(INPUT));
    expect(parts.join('')).toBe('The Transformer uses ');
    expect(error).toBeInstanceOf(LlmProviderError);
    expect((error as LlmProviderError).kind).toBe('timeout');
    expect((error as LlmProviderError).partial).toBe(true);
    await vi.waitFor(() => expect(fake.chatRequests()[0]?.clientDisconnected).toBe(true));
  });

  it('keeps streaming past the timeout while tokens keep coming', async () => {
    fake.setBehaviour({ type: 'reply', chunks: ['a ', 'b ', 'c ', 'd ', 'e ', 'f [1]'], chunkDelayMs: 60 });
    const parts = await collect(provider({ LLM_TIMEOUT_MS: '300' }).generate(INPUT));
    expect(parts.join('')).toBe('a b c d e f [1]');
  });

  it('turns HTTP 500 into a retryable LlmProviderError', async () => {
    fake.setBehaviour({ type: 'error', status: 500, message: 'model crashed' });
    const error = await expectProviderError(collect(provider().generate(INPUT)));
    expect(error.kind).toBe('http');
    expect(error.upstreamStatus).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('model crashed');
    expect(fake.chatRequests()).toHaveLength(1); // maxRetries 0
  });

  it('turns an unknown model (404) into a non-retryable LlmProviderError', async () => {
    const error = await expectProviderError(collect(provider({ LLM_MODEL: 'no-such-model' }).generate(INPUT)));
    expect(error.kind).toBe('http');
    expect(error.upstreamStatus).toBe(404);
    expect(error.retryable).toBe(false);
  });

  it('condense errors are LlmProviderErrors too', async () => {
    fake.setBehaviour({ type: 'error', status: 503, message: 'overloaded' });
    const error = await expectProviderError(provider().condense!([{ role: 'user', content: 'hi' }], 'and then?'));
    expect(error.upstreamStatus).toBe(503);
  });

  it('condense times out', async () => {
    fake.setBehaviour({ type: 'hang' });
    const error = await expectProviderError(
      provider({ LLM_TIMEOUT_MS: '300' }).condense!([{ role: 'user', content: 'hi' }], 'and then?'),
    );
    expect(error.kind).toBe('timeout');
  });

  it('throws (not silently truncates) when the connection breaks mid-stream', async () => {
    fake.setBehaviour({ type: 'break', chunks: ['The Transformer ', 'relies '], mode: 'destroy' });
    const { parts, error } = await collectUntilError(provider().generate(INPUT));
    expect(parts.join('')).toBe('The Transformer relies ');
    expect(error).toBeInstanceOf(LlmProviderError);
    expect((error as LlmProviderError).kind).toBe('stream');
    expect((error as LlmProviderError).partial).toBe(true);
    expect((error as LlmProviderError).retryable).toBe(true);
  });

  it('throws when the stream ends cleanly but without its end marker', async () => {
    fake.setBehaviour({ type: 'break', chunks: ['The Transformer ', 'relies '], mode: 'end' });
    const { parts, error } = await collectUntilError(provider().generate(INPUT));
    expect(parts.join('')).toBe('The Transformer relies ');
    expect(error).toBeInstanceOf(LlmProviderError);
    expect((error as LlmProviderError).kind).toBe('stream');
  });

  it('throws on an error event inside the stream', async () => {
    fake.setBehaviour({ type: 'break', chunks: ['The '], mode: 'error-event', message: 'CUDA out of memory' });
    const { error } = await collectUntilError(provider().generate(INPUT));
    expect(error).toBeInstanceOf(LlmProviderError);
    expect((error as LlmProviderError).message).toContain('CUDA out of memory');
  });

  it('throws an "empty" LlmProviderError when the model says nothing', async () => {
    fake.setBehaviour({ type: 'reply', chunks: [] });
    const error = await expectProviderError(collect(provider().generate(INPUT)));
    expect(error.kind).toBe('empty');
  });

  it('stops on abort mid-stream: AbortError (not a provider error) and the request is cancelled', async () => {
    fake.setBehaviour({ type: 'reply', chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 50 });
    const controller = new AbortController();
    const parts: string[] = [];
    const consume = (async () => {
      for await (const part of provider().generate(INPUT, controller.signal)) {
        parts.push(part);
        if (parts.length === 2) controller.abort();
      }
    })();
    const error = await consume.then(() => undefined, (caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(LlmProviderError);
    expect((error as Error).name).toBe('AbortError');
    expect(parts.length).toBeLessThan(5);
    await vi.waitFor(() => expect(fake.chatRequests()[0]?.clientDisconnected).toBe(true));
  });

  it('stops on abort before the server answers', async () => {
    fake.setBehaviour({ type: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await collect(provider().generate(INPUT, controller.signal)).then(() => undefined, (caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1500);
    await vi.waitFor(() => expect(fake.chatRequests()[0]?.clientDisconnected).toBe(true));
  });

  it('an already-aborted signal throws before any request', async () => {
    const error = await collect(provider().generate(INPUT, AbortSignal.abort())).then(() => undefined, (caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('aborting one answer does not disturb a concurrent one on the same provider', async () => {
    fake.setBehaviour({ type: 'reply', chunks: Array.from({ length: 8 }, (_, i) => `w${i} `), chunkDelayMs: 30 });
    const shared = provider();
    const controller = new AbortController();
    const aborted = (async () => {
      for await (const _part of shared.generate(INPUT, controller.signal)) controller.abort();
    })().catch((error: unknown) => error);
    const other = collect(shared.generate(INPUT));
    expect(((await aborted) as Error).name).toBe('AbortError');
    expect((await other).join('')).toBe('w0 w1 w2 w3 w4 w5 w6 w7 ');
  });

  it('reports an unreachable endpoint as a connection error', async () => {
    const closed = await harness.start();
    await closed.close();
    const error = await expectProviderError(
      collect(createGenerativeProvider(harness.config(closed), { maxRetries: 0 }).generate(INPUT)),
    );
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
  });
});

describe('openai specifics', () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: 'sk-test' });
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  const config = (overrides: Record<string, string> = {}) =>
    testConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-test', ...overrides });

  it('sends the API key as a Bearer token', async () => {
    await collect(createGenerativeProvider(config(), { maxRetries: 0 }).generate(INPUT));
    expect(fake.chatRequests()[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('a wrong key is a non-retryable 401 LlmProviderError', async () => {
    const error = await expectProviderError(
      collect(createGenerativeProvider(config({ OPENAI_API_KEY: 'sk-wrong' }), { maxRetries: 0 }).generate(INPUT)),
    );
    expect(error.upstreamStatus).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('sk-wrong');
  });

  it('sends no Authorization header to a keyless OpenAI-compatible server', async () => {
    const keyless = await startFakeOpenAiServer();
    try {
      const provider = createGenerativeProvider(
        testConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: keyless.baseUrl }),
        { maxRetries: 0 },
      );
      expect((await collect(provider.generate(INPUT))).join('')).toBe('Fake answer [1].');
      expect(keyless.chatRequests()[0]?.headers.authorization).toBeUndefined();
    } finally {
      await keyless.close();
    }
  });

  it('retries a 500 before the first token when maxRetries > 0', async () => {
    fake.queueBehaviours({ type: 'error', status: 500 });
    fake.setBehaviour({ type: 'reply', text: 'Recovered [1].' });
    const provider = createGenerativeProvider(config({ LLM_TIMEOUT_MS: '10000' }), { maxRetries: 1 });
    expect((await collect(provider.generate(INPUT))).join('')).toBe('Recovered [1].');
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('does not retry a broken stream (the failure surfaces once tokens have flowed)', async () => {
    fake.setBehaviour({ type: 'break', chunks: ['Partial '], mode: 'destroy' });
    const provider = createGenerativeProvider(config(), { maxRetries: 1 });
    const { error } = await collectUntilError(provider.generate(INPUT));
    expect(error).toBeInstanceOf(LlmProviderError);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});
