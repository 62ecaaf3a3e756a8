import { analyze } from '../text/terms.ts';
import type { AnswerSource, Citation } from './types.ts';

/** `[1]`, `[1][3]` and `[1, 3]` / `[1-2]` forms that models write. */
const MARKER_GROUP = /\[(\d+(?:\s*[,;–-]\s*\d+)*)\]/g;

function expandGroup(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.split(/\s*[,;]\s*/)) {
    const range = part.match(/^(\d+)\s*[–-]\s*(\d+)$/);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let value = from; value <= to && value - from < 20; value++) numbers.push(value);
    } else {
      numbers.push(Number(part));
    }
  }
  return numbers;
}

/** Share of the claim's terms found in the sentence: how well the abstract sentence supports it. */
function support(claimTerms: Set<string>, sentence: string): number {
  if (claimTerms.size === 0) return 0;
  const sentenceTerms = new Set(analyze(sentence));
  let shared = 0;
  for (const term of claimTerms) if (sentenceTerms.has(term)) shared++;
  return shared / claimTerms.size;
}

export interface ProcessedAnswer {
  answer: string;
  citations: Citation[];
}

/**
 * Keeps only markers that point to a provided source (others are removed from the text),
 * maps each cited source to its paper, and attaches the abstract sentence that best
 * supports the claims citing it, with its offsets, so the UI can highlight it.
 */
export function processCitations(answer: string, sources: readonly AnswerSource[]): ProcessedAnswer {
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  const claimsByNumber = new Map<number, string[]>();
  let claimStart = 0;
  const cleaned = answer.replace(MARKER_GROUP, (match, group: string, offset: number) => {
    const valid = [...new Set(expandGroup(group))].filter((n) => byNumber.has(n));
    const claim = answer.slice(claimStart, offset).replace(MARKER_GROUP, ' ');
    claimStart = offset + match.length;
    for (const n of valid) claimsByNumber.set(n, [...(claimsByNumber.get(n) ?? []), claim]);
    return valid.map((n) => `[${n}]`).join('');
  });

  const citations: Citation[] = [];
  for (const [n, claims] of [...claimsByNumber.entries()].sort((a, b) => a[0] - b[0])) {
    const source = byNumber.get(n)!;
    const claimTerms = new Set(analyze(claims.join(' ')));
    let best = source.sentences[0];
    let bestSupport = -1;
    for (const sentence of source.sentences) {
      // An answer that quotes the abstract verbatim points at that exact sentence.
      const value = claims.some((claim) => claim.includes(sentence.text)) ? 2 : support(claimTerms, sentence.text);
      if (value > bestSupport) {
        best = sentence;
        bestSupport = value;
      }
    }
    citations.push({
      n,
      paperId: source.paperId,
      title: source.title,
      quote: best?.text ?? '',
      start: best?.start ?? 0,
      end: best?.end ?? 0,
    });
  }
  return { answer: cleaned.replace(/[ \t]+\n/g, '\n').replace(/ {2,}/g, ' ').trim(), citations };
}
