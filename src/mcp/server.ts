import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import packageJson from '../../package.json' with { type: 'json' };
import { answerWithSources } from '../answer/sources-list.ts';
import { IndexNotReadyError } from '../errors.ts';
import { DEFAULT_ASK_K } from '../answer/ask-request-schema.ts';
import type { AskService } from '../answer/types.ts';
import { describePaper, paperMetadata } from '../retrieval/paper-metadata.ts';
import type { Paper } from '../corpus/types.ts';
import type { SearchService } from '../retrieval/types.ts';
import { askInput, askOutput, getPaperInput, getPaperOutput, searchPapersInput, searchPapersOutput, similarPapersInput, similarPapersOutput, citePapersInput, citePapersOutput } from './schemas.ts';
import { formatBibliography } from '../bibliography/export.ts';

export interface McpDependencies {
  searchService: SearchService;
  askService: AskService;
  /** Settles when the index is loaded; tools wait for it (the stdio server connects before a first build finishes). */
  ready?: Promise<unknown>;
}

function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

/** Exactly the published metadata fields (the output schema allows no others). */
function metadataOf(paper: Paper | undefined) {
  const { authors, year, venue, doi, arxivId, tags, urls } = paper ? paperMetadata(paper) : { authors: [], year: null, venue: null, doi: null, arxivId: null, tags: [], urls: {} };
  return { authors, year, venue, doi, arxivId, tags, urls };
}

function describe(paper: Paper | undefined): string {
  return paper ? describePaper(paper) : '';
}

/**
 * The paperchat tools over MCP: search, read a paper, ask a cited question. Transport-free,
 * so stdio, streamable HTTP and tests connect it the same way. Thrown errors (index not
 * ready, invalid arguments) reach the client as tool errors (`isError`), never a crash.
 */
export function createMcpServer({ searchService, askService, ready }: McpDependencies): McpServer {
  const server = new McpServer({ name: 'paperchat', version: packageJson.version });

  server.registerTool(
    'search_papers',
    {
      title: 'Search papers',
      description: 'Hybrid (keyword + semantic) search over the research-paper abstracts. Returns ranked papers with ids for get_paper and ask.',
      inputSchema: searchPapersInput,
      outputSchema: searchPapersOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, k, filters }) => {
      await ready;
      const hits = await searchService.search(query, { k, ...(filters ? { filters } : {}) });
      const results = hits.map(({ paperId, title, score, snippet }) => ({ paperId, title, score, snippet, ...metadataOf(searchService.getPaper(paperId)) }));
      const text =
        results.length === 0
          ? 'No papers matched.'
          : results
              .map((result, rank) => {
                const line = describe(searchService.getPaper(result.paperId));
                return `${rank + 1}. ${result.title} (${result.paperId}, score ${result.score.toFixed(3)})${line ? `\n   ${line}` : ''}\n   ${result.snippet}`;
              })
              .join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { results } };
    },
  );

  server.registerTool(
    'get_paper',
    {
      title: 'Get paper',
      description: 'The full title, abstract and links of one paper, by id.',
      inputSchema: getPaperInput,
      outputSchema: getPaperOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ paperId }) => {
      await ready;
      // Without an index every id would look unknown; say why instead.
      if (searchService.status().status !== 'ok') throw new IndexNotReadyError();
      const found = searchService.getPaper(paperId);
      if (!found) return toolError(`No paper with id "${paperId}". Use search_papers to find paper ids.`);
      const paper = { paperId: found.id, title: found.title, abstract: found.abstract, links: found.links, ...metadataOf(found) };
      const links = paper.links.length > 0 ? `\n\nLinks: ${paper.links.join(', ')}` : '';
      const line = describe(found);
      return { content: [{ type: 'text', text: `${paper.title}\n(${paper.paperId})${line ? `\n${line}` : ''}\n\n${paper.abstract}${links}` }], structuredContent: { paper } };
    },
  );

  server.registerTool(
    'similar_papers',
    {
      title: 'Similar papers',
      description: 'The papers closest to one paper (by meaning and by distinctive terms), each with the terms they share and the best-matching sentence pair.',
      inputSchema: similarPapersInput,
      outputSchema: similarPapersOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ paperId, k }) => {
      await ready;
      if (searchService.status().status !== 'ok') throw new IndexNotReadyError();
      if (!searchService.getPaper(paperId)) return toolError(`No paper with id "${paperId}". Use search_papers to find paper ids.`);
      const similar = await searchService.similarPapers(paperId, { k });
      const results = similar.map((hit) => ({
        paperId: hit.paperId,
        title: hit.title,
        score: hit.score,
        reason: hit.reason.summary,
        sharedTerms: hit.reason.sharedTerms,
        matchedSentences: hit.reason.sentences,
        ...metadataOf(searchService.getPaper(hit.paperId)),
      }));
      const text =
        results.length === 0
          ? 'No similar papers found.'
          : results.map((result, rank) => `${rank + 1}. ${result.title} (${result.paperId}, score ${result.score.toFixed(3)})\n   ${result.reason}`).join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { paperId, results } };
    },
  );

  server.registerTool(
    'cite_papers',
    {
      title: 'Cite papers',
      description: 'A bibliography (BibTeX, RIS or CSL-JSON) for the given papers, with stable citation keys, arXiv ids, DOIs and URLs where known.',
      inputSchema: citePapersInput,
      outputSchema: citePapersOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ paperIds, format }) => {
      await ready;
      if (searchService.status().status !== 'ok') throw new IndexNotReadyError();
      const unique = [...new Set(paperIds)];
      const papers = unique.map((paperId) => searchService.getPaper(paperId));
      const missing = unique.filter((_paperId, position) => !papers[position]);
      if (missing.length > 0) return toolError(`No paper with id ${missing.map((paperId) => `"${paperId}"`).join(', ')}. Use search_papers to find paper ids.`);
      const { text, keys } = formatBibliography(papers as Paper[], format);
      return { content: [{ type: 'text', text }], structuredContent: { format, text, keys: Object.fromEntries(keys) } };
    },
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the papers',
      description:
        'Answers a question from the paper abstracts, with [n] citations and the abstract sentence behind each. Refuses (refused: true) when the papers do not cover the question.',
      inputSchema: askInput,
      outputSchema: askOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question, paperIds, filters }, extra) => {
      await ready;
      const result = await askService.ask({ question, history: [], k: DEFAULT_ASK_K, ...(paperIds ? { paperIds } : {}), ...(filters ? { filters } : {}) }, extra.signal);
      const warning = result.warning ? `\n\nWarning: ${result.warning}` : '';
      return {
        content: [{ type: 'text', text: `${answerWithSources(result, (paperId) => describe(searchService.getPaper(paperId)))}${warning}` }],
        structuredContent: {
          answer: result.answer,
          refused: result.refused,
          // Exactly the published fields: clients validate against the output schema, which allows no others.
          citations: result.citations.map(({ n, paperId, title, quote, start, end }) => ({ n, paperId, title, quote, start, end })),
          ...(result.warning ? { warning: result.warning } : {}),
        },
      };
    },
  );

  return server;
}
