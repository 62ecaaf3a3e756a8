import { z } from 'zod';
import { CITATION_FORMATS } from '../bibliography/export.ts';
import { askRequestSchema } from '../answer/ask-request-schema.ts';
import { filtersSchema, paperIdSchema, searchRequestSchema } from '../retrieval/search-request-schema.ts';

const filters = filtersSchema
  .optional()
  .describe('Only papers passing these metadata filters: yearFrom / yearTo (a paper of unknown year is outside any range), authors (any of), tags (any of), source (a seed file, "uploads/" or a format such as "bibtex").');

/**
 * Tool arguments and results. Inputs reuse the HTTP API's bounds, so a tool accepts exactly
 * what the API would; outputs are published as each tool's outputSchema.
 */
export const searchPapersInput = {
  query: searchRequestSchema.shape.query.describe('What to look for, in natural language or keywords.'),
  // Fewer than the API's default: every result lands in the calling model's context.
  k: z.number().int().min(1).max(20).default(5).describe('How many papers to return (1-20, default 5).'),
  filters,
};

export const getPaperInput = {
  paperId: paperIdSchema.describe('A paper id as returned by search_papers or ask.'),
};

export const askInput = {
  question: askRequestSchema.shape.question.describe('A question about the research papers.'),
  paperIds: askRequestSchema.shape.paperIds.describe('Restrict the answer to these papers (ids from search_papers).'),
  filters,
};

/** Bibliographic metadata, as /api/search and /api/papers/:id give it. */
const metadata = {
  authors: z.array(z.string()),
  year: z.number().int().nullable(),
  venue: z.string().nullable(),
  doi: z.string().nullable(),
  arxivId: z.string().nullable(),
  tags: z.array(z.string()),
  urls: z.object({ arxiv: z.string().optional(), doi: z.string().optional(), page: z.string().optional() }),
};

const searchResult = z.object({ paperId: z.string(), title: z.string(), score: z.number(), snippet: z.string(), ...metadata });

export const searchPapersOutput = { results: z.array(searchResult) };

export const getPaperOutput = {
  paper: z.object({ paperId: z.string(), title: z.string(), abstract: z.string(), links: z.array(z.string()), ...metadata }),
};

const citation = z.object({
  n: z.number().int(),
  paperId: z.string(),
  title: z.string(),
  quote: z.string().describe('The abstract sentence that supports the claims marked [n].'),
  start: z.number().int(),
  end: z.number().int(),
});

export const askOutput = {
  answer: z.string().describe('The answer, with [n] markers pointing at citations.'),
  refused: z.boolean().describe('True when the papers cannot answer the question.'),
  citations: z.array(citation),
  warning: z.string().optional(),
};

export const similarPapersInput = {
  paperId: paperIdSchema.describe('A paper id as returned by search_papers or ask.'),
  k: z.number().int().min(1).max(20).default(5).describe('How many similar papers to return (1-20, default 5).'),
};

const span = z.object({ text: z.string(), start: z.number().int(), end: z.number().int() });

const similarResult = z.object({
  paperId: z.string(),
  title: z.string(),
  score: z.number(),
  reason: z.string().describe('One line: the distinctive terms both papers use.'),
  sharedTerms: z.array(z.string()),
  matchedSentences: z
    .object({ source: span, similar: span, similarity: z.number() })
    .nullable()
    .describe('The best-matching sentence of each abstract, with offsets into each.'),
  ...metadata,
});

export const similarPapersOutput = { paperId: z.string(), results: z.array(similarResult) };

export const citePapersInput = {
  paperIds: z.array(paperIdSchema).min(1).max(100).describe('The papers to cite (ids from search_papers, ask or similar_papers).'),
  format: z.enum(CITATION_FORMATS).default('bibtex').describe('bibtex (default), ris or csl-json.'),
};

export const citePapersOutput = {
  format: z.enum(CITATION_FORMATS),
  text: z.string().describe('The bibliography file, ready to save.'),
  keys: z.record(z.string(), z.string()).describe('Citation key per paper id, unique within this export.'),
};
