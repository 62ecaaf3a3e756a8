import { z } from 'zod';
import { filtersSchema, paperIdsSchema } from '../retrieval/search-request-schema.ts';

/**
 * What a question may hold, checked wherever one arrives (HTTP `/api/ask`, `/v1`, MCP tools).
 * It describes `AskService`, so it lives beside it; the transports above only import it.
 */

/** How many papers an answer draws on unless the caller says otherwise. */
export const DEFAULT_ASK_K = 6;

export const chatTurnSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(20000) }).strict();

export const askRequestSchema = z
  .object({
    question: z.string().trim().min(1, 'must not be empty').max(2000),
    history: z.array(chatTurnSchema).max(50).default([]),
    k: z.number().int().min(1).max(20).default(DEFAULT_ASK_K),
    paperIds: paperIdsSchema.optional(),
    filters: filtersSchema.optional(),
    stream: z.boolean().default(false),
  })
  .strict();
