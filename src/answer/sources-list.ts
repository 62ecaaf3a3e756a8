import type { AskResult, Citation } from './types.ts';

/**
 * The cited papers as text ("\n\nSources:\n- [1] Title — paperId"), for clients that only
 * show message text (OpenAI-compatible chat UIs, MCP hosts); empty when nothing is cited.
 * A Markdown list, so chat UIs that render Markdown keep one source per line.
 */
export function formatSourcesList(citations: readonly Citation[], describe?: (paperId: string) => string): string {
  if (citations.length === 0) return '';
  // `describe` adds the byline and a link ("Devlin et al. (2019), NAACL · https://doi.org/…") when the caller knows the paper.
  const lines = citations.map((citation) => {
    const details = describe?.(citation.paperId);
    return `- [${citation.n}] ${citation.title}${details ? ` — ${details}` : ''} — ${citation.paperId}`;
  });
  return `\n\nSources:\n${lines.join('\n')}`;
}

/** The answer with its Sources list, as one message. A refusal cites nothing, so it stays bare. */
export function answerWithSources(result: Pick<AskResult, 'answer' | 'citations'>, describe?: (paperId: string) => string): string {
  return `${result.answer}${formatSourcesList(result.citations, describe)}`;
}
