import { z } from 'zod';

/** How many papers an answer draws on unless the caller says otherwise. */
export const DEFAULT_ASK_K = 6;

const paperIds = z.array(z.string().min(1).max(200)).min(1).max(50);

const year = z.number().int().min(1800).max(2100);
const names = z.array(z.string().trim().min(1).max(200)).min(1).max(20);

/** Metadata filters, applied inside retrieval (a paper of unknown year is outside any year range). */
export const filtersSchema = z
  .object({
    yearFrom: year.optional(),
    yearTo: year.optional(),
    authors: names.optional(),
    tags: names.optional(),
    source: z.string().trim().min(1).max(300).optional(),
  })
  .strict()
  .refine((filters) => filters.yearFrom === undefined || filters.yearTo === undefined || filters.yearFrom <= filters.yearTo, { message: 'yearFrom must not be after yearTo', path: ['yearFrom'] });

export const searchRequestSchema = z
  .object({
    query: z.string().trim().min(1, 'must not be empty').max(1000),
    k: z.number().int().min(1).max(50).default(10),
    paperIds: paperIds.optional(),
    filters: filtersSchema.optional(),
  })
  .strict();

export const chatTurnSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(20000) }).strict();

export const askRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'must not be empty').max(2000),
    history: z.array(chatTurnSchema).max(50).default([]),
    k: z.number().int().min(1).max(20).default(DEFAULT_ASK_K),
    paperIds: paperIds.optional(),
    filters: filtersSchema.optional(),
    stream: z.boolean().default(false),
  })
  .strict();

export const paperIdSchema = z.string().min(1).max(200);

export type SearchRequest = z.infer<typeof searchRequestSchema>;
export type AskRequestBody = z.infer<typeof askRequestSchema>;
