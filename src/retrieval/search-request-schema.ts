import { z } from 'zod';

/**
 * What a search request may hold, checked wherever one arrives (HTTP `/api/search`, MCP tools).
 * It describes `SearchService`, so it lives beside it; the transports above only import it.
 */

export const paperIdSchema = z.string().min(1).max(200);

/** A user's own selection of papers to search or answer from. */
export const paperIdsSchema = z.array(paperIdSchema).min(1).max(50);

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
    paperIds: paperIdsSchema.optional(),
    filters: filtersSchema.optional(),
  })
  .strict();
