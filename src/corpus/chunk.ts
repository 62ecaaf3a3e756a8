import { Document } from '@langchain/core/documents';
import { ConfigError } from '../errors.ts';
import { splitSentences } from './sentences.ts';
import { estimateTokens } from './token-estimate.ts';
import type { ChunkMetadata, Paper } from './types.ts';

export { estimateTokens } from './token-estimate.ts';

export interface ChunkOptions {
  /** Budget per chunk, title included, in estimated tokens (see estimateTokens). */
  maxTokens?: number;
  /** Sentences repeated from the end of one chunk at the start of the next. */
  overlapSentences?: number;
}

export const DEFAULT_MAX_TOKENS = 256;
export const DEFAULT_OVERLAP_SENTENCES = 1;

/** A run of abstract text that is never cut inside: a sentence, or a piece of an overlong one. */
interface Unit {
  start: number;
  end: number;
}

/**
 * Splits a paper's abstract into retrieval chunks at sentence boundaries. The title leads every
 * chunk so that a chunk matched on its own still says which paper it is about; the budget covers
 * the title too, because the whole `pageContent` is what gets embedded. Offsets let a citation
 * point back at the exact abstract text.
 */
export function chunkPaper(paper: Paper, options: ChunkOptions = {}): Document<ChunkMetadata>[] {
  const { maxTokens, overlapSentences } = resolveOptions(options);
  const { abstract, title } = paper;
  const prefix = `${title}\n`;
  const fits = (start: number, end: number): boolean => estimateTokens(prefix + abstract.slice(start, end)) <= maxTokens;

  const units = splitSentences(abstract).flatMap((sentence) =>
    fits(sentence.start, sentence.end) ? [sentence] : splitOversized(abstract, sentence, fits, paper),
  );

  const documents: Document<ChunkMetadata>[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    while (last + 1 < units.length && fits(unitAt(units, first).start, unitAt(units, last + 1).end)) last++;

    const start = unitAt(units, first).start;
    const end = unitAt(units, last).end;
    const position = documents.length;
    const chunkId = `${paper.id}#${position}`;
    documents.push(
      new Document<ChunkMetadata>({
        id: chunkId,
        pageContent: prefix + abstract.slice(start, end),
        metadata: { chunkId, paperId: paper.id, title, position, start, end },
      }),
    );
    if (last === units.length - 1) break;
    first = nextFirst(units, first, last, overlapSentences, fits);
  }
  return documents;
}

export function chunkCorpus(papers: readonly Paper[], options: ChunkOptions = {}): Document<ChunkMetadata>[] {
  return papers.flatMap((paper) => chunkPaper(paper, options));
}

/**
 * Where the next chunk starts: `overlap` units back from the end of this one, but always after
 * this chunk's first unit (or chunks would repeat forever) and never so far back that the next
 * new unit no longer fits beside the overlap, which would produce a chunk with nothing new.
 */
function nextFirst(
  units: readonly Unit[],
  first: number,
  last: number,
  overlap: number,
  fits: (start: number, end: number) => boolean,
): number {
  const next = last + 1;
  let candidate = Math.max(first + 1, next - overlap);
  while (candidate < next && !fits(unitAt(units, candidate).start, unitAt(units, next).end)) candidate++;
  return candidate;
}

/** Cuts a sentence too long for one chunk at word boundaries, or inside a word only if it must. */
function splitOversized(
  text: string,
  sentence: Unit,
  fits: (start: number, end: number) => boolean,
  paper: Paper,
): Unit[] {
  const words = [...text.slice(sentence.start, sentence.end).matchAll(/\S+/g)].map((match) => ({
    start: sentence.start + match.index,
    end: sentence.start + match.index + match[0].length,
  }));

  const pieces: Unit[] = [];
  let index = 0;
  while (index < words.length) {
    const word = unitAt(words, index);
    if (!fits(word.start, word.end)) {
      pieces.push(...cutWord(word, fits, paper));
      index++;
      continue;
    }
    let lastWord = index;
    while (lastWord + 1 < words.length && fits(word.start, unitAt(words, lastWord + 1).end)) lastWord++;
    pieces.push({ start: word.start, end: unitAt(words, lastWord).end });
    index = lastWord + 1;
  }
  return pieces;
}

/** A single "word" over budget (a huge URL or formula) is cut into the longest runs that fit. */
function cutWord(word: Unit, fits: (start: number, end: number) => boolean, paper: Paper): Unit[] {
  const pieces: Unit[] = [];
  let start = word.start;
  while (start < word.end) {
    let end = start;
    while (end < word.end && fits(start, end + 1)) end++;
    if (end === start) {
      throw new ConfigError(`Chunk budget is too small to hold the title of "${paper.title}" and any of its abstract; raise maxTokens`);
    }
    pieces.push({ start, end });
    start = end;
  }
  return pieces;
}

/** Indexing that the surrounding loop bounds already guarantee, made explicit for the type checker. */
function unitAt(units: readonly Unit[], index: number): Unit {
  const unit = units[index];
  if (!unit) throw new RangeError(`unit ${index} out of range (${units.length})`);
  return unit;
}

function resolveOptions(options: ChunkOptions): Required<ChunkOptions> {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapSentences = options.overlapSentences ?? DEFAULT_OVERLAP_SENTENCES;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new ConfigError(`maxTokens must be a positive integer, got ${maxTokens}`);
  }
  if (!Number.isInteger(overlapSentences) || overlapSentences < 0) {
    throw new ConfigError(`overlapSentences must be a non-negative integer, got ${overlapSentences}`);
  }
  return { maxTokens, overlapSentences };
}
