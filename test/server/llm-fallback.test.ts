import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerProvider } from '../../src/answer/create-answer-provider.ts';
import type { AskResult } from '../../src/answer/types.ts';
import { loadConfig } from '../../src/config.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { parseEventStream, postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

let fake: FakeOpenAiServer;
let app: TestApp;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  const provider = await createAnswerProvider(
    loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '500' }),
  );
  app = await startTestApp({ provider });
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

const question = 'How fast does TinyText run on phones?';

describe('a generative provider behind /api/ask', () => {
  it('answers through the model with its citations mapped to papers', async () => {
    fake.setBehaviour({ type: 'reply', text: 'TinyText runs at 30 tokens per second on phones [1].' });
    const result = (await (await postJson(`${app.url}/api/ask`, { question })).json()) as AskResult;
    expect(result.provider).toBe('openai');
    expect(result.warning).toBeUndefined();
    expect(result.answer).toBe('TinyText runs at 30 tokens per second on phones [1].');
    expect(result.citations[0]!.quote).toContain('30 tokens per second');
    const prompt = JSON.stringify(fake.chatRequests().at(-1)!.body);
    expect(prompt).toContain('<source n=\\"1\\"');
  });

  it('treats the model saying the papers do not answer as a refusal with no citations', async () => {
    fake.setBehaviour({ type: 'reply', text: "The indexed papers don't answer this question." });
    const result = (await (await postJson(`${app.url}/api/ask`, { question })).json()) as AskResult;
    expect(result.refused).toBe(true);
    expect(result.citations).toEqual([]);
  });

  it.each([
    ['an HTTP 500', { type: 'error' as const, status: 500 }],
    ['a timeout', { type: 'hang' as const }],
    ['a stream broken midway', { type: 'break' as const, chunks: ['TinyText ', 'runs'], mode: 'destroy' as const }],
  ])('falls back to the extractive answer with a warning on %s', async (_name, behaviour) => {
    fake.setBehaviour(behaviour);
    const response = await postJson(`${app.url}/api/ask`, { question, stream: true });
    expect(response.status).toBe(200);
    const end = parseEventStream(await response.text()).at(-1)!;
    expect(end.event).toBe('answer-end');
    const result = end.data as AskResult;
    expect(result.provider).toBe('extractive');
    expect(result.warning).toMatch(/openai model failed/);
    expect(result.answer).toContain('30 tokens per second');
    expect(result.citations.length).toBeGreaterThan(0);
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/paperchat_llm_errors_total\{provider="openai"\} [1-9]/);
  });
});
