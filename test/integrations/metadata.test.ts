import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpServer } from '../../src/mcp/server.ts';
import { postJson, startTestApp, type TestApp } from '../helpers/test-app.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'ingest', 'good');

let app: TestApp;
let client: Client;

beforeAll(async () => {
  app = await startTestApp();
  await fs.copyFile(path.join(FIXTURES, 'zotero.bib'), path.join(app.config.SEEDS_DIR, 'zotero.bib'));
  await app.library.rebuild();
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await createMcpServer({ searchService: app.library, askService: app.pipeline }).connect(serverTransport);
  client = new Client({ name: 'paperchat-test', version: '1.0.0' });
  await client.connect(clientTransport);
});
afterAll(async () => {
  await client.close();
  await app.close();
});

const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult) => result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

describe('metadata and filters over MCP', () => {
  it('search_papers takes filters and returns authors, year, venue and links', async () => {
    const result = await call('search_papers', { query: 'residual networks image recognition', k: 5, filters: { yearTo: 2017 } });
    const { results } = result.structuredContent as { results: Array<{ title: string; year: number; doi: string; authors: string[]; urls: { doi?: string } }> };
    expect(results.map((hit) => hit.title)).toEqual(['Deep Residual Learning for Image Recognition']);
    expect(results[0]).toMatchObject({ year: 2016, doi: '10.1109/cvpr.2016.90', urls: { doi: 'https://doi.org/10.1109/cvpr.2016.90' } });
    expect(textOf(result)).toContain('Kaiming He et al. (2016), Proceedings of the IEEE Conference');
  });

  it('get_paper returns the metadata; ask takes filters and cites with bylines', async () => {
    const search = (await call('search_papers', { query: 'BERT', k: 1 })).structuredContent as { results: Array<{ paperId: string }> };
    const paper = (await call('get_paper', { paperId: search.results[0]!.paperId })).structuredContent as { paper: { arxivId: string; tags: string[] } };
    expect(paper.paper).toMatchObject({ arxivId: '1810.04805', tags: ['nlp', 'transformers'] });
    const answer = await call('ask', { question: 'What does BERT stand for?', filters: { tags: ['nlp'] } });
    expect(textOf(answer)).toMatch(/Sources:\n- \[1\] BERT: Pre-training .* — Jacob Devlin et al\. \(2018\) · https:\/\/arxiv\.org\/abs\/1810\.04805 — bert-/);
  });
});

describe('metadata and filters on /v1', () => {
  it('lists cited papers with byline and link, limited by the filters extension', async () => {
    const response = await postJson(`${app.url}/v1/chat/completions`, {
      model: 'paperchat',
      messages: [{ role: 'user', content: 'How do token merging methods speed up vision transformers?' }],
      filters: { authors: ['Müller'] },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }>; citations: Array<{ title: string }> };
    expect(body.citations.map((citation) => citation.title)).toEqual(['Token Merging für Vision Transformers: Étude of Speed']);
    expect(body.choices[0]!.message.content).toContain('— Jörg Müller and María García (2021), Journal of Fast Models · https://example.org/token-merging —');
  });
});
