import { z } from 'zod';
import type { EntryDraft } from './entry.ts';
import { arxivIdFrom, normaliseDoi, publishedFrom, splitAuthors, splitTags, yearFrom } from './fields.ts';

/** The fields a JSON / JSON Lines / CSV record may have (keys matched case-insensitively). */
export const RECORD_FIELDS = ['title', 'abstract', 'authors', 'year', 'published', 'url', 'arxivid', 'doi', 'venue', 'tags'] as const;
type RecordField = (typeof RECORD_FIELDS)[number];

const text = z.string({ error: 'expected a string' });
const textOrNumber = z.union([z.string(), z.number()], { error: 'expected a string or a number' });
const listOrText = z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' });

/** Types checked at the boundary: a record with `"title": 42` is rejected with that reason. */
const recordSchema = z.object({
  title: text.optional(),
  abstract: text.optional(),
  authors: listOrText.optional(),
  year: textOrNumber.optional(),
  published: text.optional(),
  url: text.optional(),
  arxivid: textOrNumber.optional(),
  doi: text.optional(),
  venue: text.optional(),
  tags: listOrText.optional(),
});

export interface RecordReading {
  draft?: EntryDraft;
  /** Why the record was rejected, when it was. */
  error?: string;
  /** Keys that are not fields (reported once per file, then ignored). */
  unknownKeys: string[];
}

/** Null and "" mean "not given" in spreadsheets and scripts alike. */
function given(value: unknown): boolean {
  return value !== null && value !== undefined && value !== '';
}

export function readRecord(record: Record<string, unknown>): RecordReading {
  const known: Partial<Record<RecordField, unknown>> = {};
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const field = key.trim().toLowerCase() as RecordField;
    if ((RECORD_FIELDS as readonly string[]).includes(field)) {
      if (given(value)) known[field] = value;
    } else {
      unknownKeys.push(key);
    }
  }
  const parsed = recordSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join('.') ?? 'record'}: ${issue?.message ?? 'invalid'}`, unknownKeys };
  }
  const fields = parsed.data;
  const arxivId = arxivIdFrom(fields.arxivid === undefined ? undefined : String(fields.arxivid)) ?? arxivIdFrom(fields.url?.includes('arxiv.org') ? fields.url : undefined);
  return {
    draft: {
      title: fields.title,
      abstract: fields.abstract,
      authors: splitAuthors(fields.authors),
      year: yearFrom(fields.year) ?? yearFrom(fields.published),
      published: publishedFrom(fields.published),
      url: fields.url?.trim() || undefined,
      arxivId,
      doi: normaliseDoi(fields.doi),
      venue: fields.venue?.trim() || undefined,
      tags: splitTags(fields.tags),
    },
    unknownKeys,
  };
}
