/** The fakes' wire formats, checked with plain fetch (independent of the LangChain clients). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllamaServer, type FakeOllamaServer } from './fake-ollama-server.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.ts';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('fake OpenAI server', () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer({ apiKey: 'sk-test', models: ['m1'] });
  });
  afterAll(() => fake.close());
  const auth = { authorization: 'Bearer sk-test' };
  const body = { model: 'm1', messages: [{ role: 'user', content: 'hi' }] };

  it('lists models', async () => {
    const response = await fetch(`${fake.baseUrl}/models`);
    expect(await response.json()).toMatchObject({ object: 'list', data: [{ id: 'm1', object: 'model' }] });
  });

  it('answers a non-streaming chat completion', async () => {
    fake.setBehaviour({ type: 'reply', text: 'Hello [1].' });
    const json = await (await post(`${fake.baseUrl}/chat/completions`, body, auth)).json();
    expect(json).toMatchObject({
      object: 'chat.completion',
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello [1].' }, finish_reason: 'stop' }],
    });
    expect(json.usage.total_tokens).toBeGreaterThan(0);
  });

  it('streams SSE chunks ending with [DONE], usage when asked', async () => {
    fake.setBehaviour({ type: 'reply', chunks: ['Hel', 'lo'] });
    const response = await post(`${fake.baseUrl}/chat/completions`, { ...body, stream: true, stream_options: { include_usage: true } }, auth);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: expect.any(Number) } });
  });

  it('checks the key and the model, and records requests', async () => {
    fake.reset();
    expect((await post(`${fake.baseUrl}/chat/completions`, body)).status).toBe(401);
    const unknown = await post(`${fake.baseUrl}/chat/completions`, { ...body, model: 'nope' }, auth);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('model_not_found');
    expect(fake.chatRequests().map((request) => request.body.model)).toEqual(['m1', 'nope']);
  });

  it('queued behaviours run once, in order, then the default', async () => {
    fake.reset();
    fake.queueBehaviours({ type: 'error', status: 429, message: 'slow down' });
    const first = await post(`${fake.baseUrl}/chat/completions`, body, auth);
    expect(first.status).toBe(429);
    expect((await first.json()).error.message).toBe('slow down');
    expect((await post(`${fake.baseUrl}/chat/completions`, body, auth)).status).toBe(200);
    await expect(fake.waitForChatRequests(2, 100)).resolves.toHaveLength(2);
  });
});

describe('fake Ollama server', () => {
  let fake: FakeOllamaServer;
  beforeAll(async () => {
    fake = await startFakeOllamaServer({ models: ['llama3.2'] });
  });
  afterAll(() => fake.close());

  it('answers the housekeeping endpoints', async () => {
    expect(await (await fetch(fake.url)).text()).toBe('Ollama is running');
    expect(await (await fetch(`${fake.url}/api/tags`)).json()).toMatchObject({ models: [{ name: 'llama3.2:latest' }] });
    expect(await (await fetch(`${fake.url}/api/version`)).json()).toHaveProperty('version');
  });

  it('streams NDJSON by default, ending with a done line carrying the stats', async () => {
    fake.setBehaviour({ type: 'reply', chunks: ['Hel', 'lo'] });
    const response = await post(`${fake.url}/api/chat`, { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.slice(0, -1).map((line) => line.message.content).join('')).toBe('Hello');
    expect(lines.slice(0, -1).every((line) => line.done === false)).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      done: true,
      done_reason: 'stop',
      message: { role: 'assistant', content: '' },
      eval_count: expect.any(Number),
      prompt_eval_count: expect.any(Number),
      total_duration: expect.any(Number),
    });
  });

  it('answers stream:false with one JSON object', async () => {
    fake.setBehaviour({ type: 'reply', text: 'Hi there' });
    const json = await (await post(`${fake.url}/api/chat`, { model: 'llama3.2', stream: false, messages: [] })).json();
    expect(json).toMatchObject({ model: 'llama3.2', message: { role: 'assistant', content: 'Hi there' }, done: true });
  });

  it('reports unknown models like Ollama', async () => {
    const response = await post(`${fake.url}/api/chat`, { model: 'mistral', messages: [] });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'model "mistral" not found, try pulling it first' });
  });
});
