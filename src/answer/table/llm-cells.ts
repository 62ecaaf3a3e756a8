import type { Paper, Sentence } from '../../corpus/types.ts';
import { analyze } from '../../text/terms.ts';
import { CANNOT_ANSWER } from '../prompts.ts';
import type { AnswerProvider } from '../types.ts';
import type { ColumnSpec } from './columns.ts';
import type { EvidenceSpan, TableCell } from './types.ts';

/**
 * Share of a generated text's terms the evidence must contain for the text to count as
 * supported. Below it the text says something the abstract does not (a paraphrase keeps most
 * content words; an invented detail adds ones the abstract lacks).
 */
export const MIN_SUPPORT = 0.6;

/** Longest generated cell text kept; a model that writes an essay has not written a cell. */
const MAX_CELL_CHARS = 300;

const MARKERS = /\s*\[(\d+(?:\s*[,;–-]\s*\d+)*)\]/g;

/** Numbers as written ("84.8", "7.23", "21"), which a supported text must take from the abstract. */
function numbersIn(text: string): string[] {
  return text.match(/\d+(?:[.,]\d+)*/g) ?? [];
}

/**
 * Which evidence supports a generated text: the cell's extracted spans when they do, else the
 * abstract sentence that does, else none. Supported means every number in the text appears in
 * that evidence and at least MIN_SUPPORT of its terms do. A text with no content terms ("Yes.")
 * cannot be checked and is not supported.
 */
export function supportingSpans(generated: string, extracted: readonly EvidenceSpan[], sentences: readonly Sentence[]): EvidenceSpan[] | null {
  const claimTerms = new Set(analyze(generated));
  if (claimTerms.size === 0) return null;
  const numbers = numbersIn(generated);
  const supports = (evidence: string) => {
    const evidenceTerms = new Set(analyze(evidence));
    let shared = 0;
    for (const term of claimTerms) if (evidenceTerms.has(term)) shared++;
    return shared / claimTerms.size >= MIN_SUPPORT && numbers.every((number) => evidence.includes(number));
  };
  if (extracted.length > 0 && supports(extracted.map((span) => span.text).join(' '))) return [...extracted];
  const sentence = sentences.find((candidate) => supports(candidate.text));
  return sentence ? [{ start: sentence.start, end: sentence.end, text: sentence.text }] : null;
}

/** The prompt's question for one cell: the column's question, asked for a table cell. */
function cellQuestion(column: ColumnSpec): string {
  return `${column.question}\nThis answer fills one cell of a comparison table: reply with one short phrase (at most 25 words) taken from the abstract, cited with [1].`;
}

export interface CellWriteOutcome {
  cell: TableCell;
  /** The model answered but its text was not supported by the abstract (dropped). */
  dropped: boolean;
}

/**
 * Writes a cell's text with the configured LLM, over the one paper as source [1], and keeps
 * it only when the abstract supports it; otherwise the extracted cell stands. The code column
 * keeps its exact links. LlmProviderError propagates so the caller can stop asking a failing model.
 */
export async function writeCell(provider: AnswerProvider, paper: Paper, sentences: Sentence[], column: ColumnSpec, extracted: TableCell, signal?: AbortSignal): Promise<CellWriteOutcome> {
  if (column.kind === 'code') return { cell: extracted, dropped: false };
  const question = cellQuestion(column);
  let text = '';
  const source = {
    n: 1,
    paperId: paper.id,
    title: paper.title,
    abstract: paper.abstract,
    sentences,
    hit: { paperId: paper.id, title: paper.title, score: 1, snippet: '', scores: { fused: 1 }, chunks: [] },
  };
  for await (const delta of provider.generate({ question, query: column.question, history: [], sources: [source] }, signal)) text += delta;
  const cleaned = text.replace(MARKERS, '').replace(/\s+/g, ' ').trim();
  if (cleaned === '' || text.includes(CANNOT_ANSWER)) return { cell: extracted, dropped: false };
  const spans = cleaned.length <= MAX_CELL_CHARS ? supportingSpans(cleaned, extracted.spans, sentences) : null;
  if (!spans) return { cell: extracted, dropped: true };
  return { cell: { columnId: column.id, status: 'stated', text: cleaned, spans, generated: true }, dropped: false };
}
