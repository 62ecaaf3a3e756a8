import { splitSentences } from '../corpus/sentences.ts';
import type { KeywordRetriever } from '../retrieval/keyword-retriever.ts';
import { allowedPaperIds } from '../retrieval/paper-filters.ts';
import { analyze } from '../text/terms.ts';
import { processCitations } from './citations.ts';
import { CANNOT_ANSWER } from './prompts.ts';
import { ExtractiveAnswerProvider } from './providers/extractive.ts';
import { looksLikeInjection } from './injection.ts';
import type { AnswerSource, AskEvent, AskRequest, AskResult } from './types.ts';

/** Shown with every keyword-only answer (and so in the chat, under the answer). */
export const KEYWORD_ONLY_NOTE = 'Keyword-only answer: the semantic index is still being built, so these papers were matched by their words, not their meaning.';

/**
 * Below this share of the question's content terms in the best paper, a keyword match is
 * too thin to quote as an answer (without embeddings there is no similarity to weigh it).
 */
const MIN_TERM_COVERAGE = 0.5;

/**
 * Answers during a first build, before any embedding exists: BM25 papers, sentences
 * weighed by the share of question terms they contain, extractive generation (no model
 * call while the machine is busy embedding), follow-ups taken as they are, metadata
 * filters applied as in hybrid retrieval. Labelled
 * keyword-only in `retrievalMode` and `warning`.
 */
export async function* keywordOnlyAnswer(request: AskRequest, retriever: KeywordRetriever, extractive = new ExtractiveAnswerProvider()): AsyncIterable<AskEvent> {
  const started = performance.now();
  const question = request.question;
  const hits = retriever.search(question, { k: request.k, paperIds: allowedPaperIds(retriever.papers, request.filters, request.paperIds) });
  const questionTerms = new Set(analyze(question));
  const coverage = (text: string) => {
    if (questionTerms.size === 0) return 0;
    const terms = new Set(analyze(text));
    let shared = 0;
    for (const term of questionTerms) if (terms.has(term)) shared++;
    return shared / questionTerms.size;
  };
  const best = hits[0] ? retriever.paperById.get(hits[0].paperId) : undefined;
  const answerable = !looksLikeInjection(question) && best !== undefined && coverage(`${best.title} ${best.abstract}`) >= MIN_TERM_COVERAGE;
  const sources: AnswerSource[] = answerable
    ? hits.flatMap((hit, position) => {
        const paper = retriever.paperById.get(hit.paperId);
        if (!paper) return [];
        const sentences = splitSentences(paper.abstract);
        return [{ n: position + 1, paperId: paper.id, title: paper.title, abstract: paper.abstract, sentences, sentenceSimilarities: sentences.map((sentence) => coverage(sentence.text)), hit }];
      })
    : [];
  const retrieveMs = performance.now() - started;
  const base = {
    query: question,
    retrieved: hits.map(({ paperId, title, score, scores }) => ({ paperId, title, score, scores })),
    provider: extractive.name,
    retrievalMode: 'keyword' as const,
    warning: KEYWORD_ONLY_NOTE,
  };
  if (!answerable) {
    yield { type: 'text-delta', text: CANNOT_ANSWER };
    const result: AskResult = { ...base, answer: CANNOT_ANSWER, citations: [], refused: true, timings: { retrieveMs, generateMs: 0 } };
    yield { type: 'answer-end', result };
    return;
  }
  const generateStarted = performance.now();
  let text = '';
  for await (const delta of extractive.generate({ question, query: question, history: request.history, sources })) {
    text += delta;
    yield { type: 'text-delta', text: delta };
  }
  const refused = text.includes(CANNOT_ANSWER);
  const processed = refused ? { answer: text.trim(), citations: [] } : processCitations(text, sources);
  const result: AskResult = { ...base, answer: processed.answer, citations: processed.citations, refused, timings: { retrieveMs, generateMs: performance.now() - generateStarted } };
  yield { type: 'answer-end', result };
}
