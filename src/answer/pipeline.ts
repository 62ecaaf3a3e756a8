import { splitSentences } from '../corpus/sentences.ts';
import type { Sentence } from '../corpus/types.ts';
import type { ServedIndex } from '../index/served-index.ts';
import type { PaperLibrary } from '../retrieval/paper-library.ts';
import type { PaperHit } from '../retrieval/types.ts';
import { processCitations } from './citations.ts';
import { resolveFollowUp, type StandaloneQuestion } from './condense.ts';
import { CANNOT_ANSWER } from './prompts.ts';
import { LlmProviderError } from './providers/llm-provider-error.ts';
import { ExtractiveAnswerProvider } from './providers/extractive.ts';
import { keywordOnlyAnswer } from './keyword-answer.ts';
import { judgeAnswerability } from './refusal.ts';
import type { AnswerProvider, AnswerSource, AskEvent, AskRequest, AskResult, AskService, GenerationInput } from './types.ts';
import { dotProduct } from '../util/vectors.ts';

export interface PipelineObserver {
  onStage?(stage: 'retrieve' | 'generate', seconds: number): void;
  onLlmError?(provider: string): void;
}

/** Sentences of each abstract, split once per loaded index (splitting is the slow part of building sources). */
const sentencesByIndex = new WeakMap<ServedIndex, Map<string, Sentence[]>>();

function sentencesOf(index: ServedIndex, paperId: string, abstract: string): Sentence[] {
  let byPaper = sentencesByIndex.get(index);
  if (!byPaper) {
    byPaper = new Map();
    sentencesByIndex.set(index, byPaper);
  }
  let sentences = byPaper.get(paperId);
  if (!sentences) {
    sentences = splitSentences(abstract);
    byPaper.set(paperId, sentences);
  }
  return sentences;
}


/**
 * Question in, cited answer out: resolve follow-ups, retrieve, decide whether the papers
 * can answer, generate with the configured provider (falling back to the extractive one
 * when it fails), and keep only citations that point at provided sources.
 */
export class AnswerPipeline implements AskService {
  private readonly extractive = new ExtractiveAnswerProvider();

  constructor(
    private readonly library: PaperLibrary,
    private readonly provider: AnswerProvider = new ExtractiveAnswerProvider(),
    private readonly observer: PipelineObserver = {},
  ) {}

  async ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult> {
    let result: AskResult | undefined;
    for await (const event of this.askStream(request, signal)) if (event.type === 'answer-end') result = event.result;
    if (!result) throw new Error('the answer stream ended without a result');
    return result;
  }

  async *askStream(request: AskRequest, signal?: AbortSignal): AsyncIterable<AskEvent> {
    const keyword = this.library.keywordOnly;
    if (keyword) {
      yield* keywordOnlyAnswer(request, keyword, this.extractive);
      return;
    }
    const live = this.library.requireLive();
    const retrieveStarted = performance.now();
    const standalone = await resolveFollowUp(request, live.index, this.provider, signal);
    const hits = await this.retrieve(standalone, request);
    const verdict = judgeAnswerability(request.question, standalone, hits, live.index, await live.retriever.embedQuery(standalone.query), {
      scoped: request.paperIds !== undefined && request.paperIds.length > 0,
    });
    const sources = verdict.answerable ? await this.buildSources(hits, request.question, live.index) : [];
    const retrieveMs = performance.now() - retrieveStarted;
    this.observer.onStage?.('retrieve', retrieveMs / 1000);

    const generateStarted = performance.now();
    const base = {
      retrievalMode: 'hybrid' as const,
      query: standalone.query,
      retrieved: hits.map(({ paperId, title, score, scores }) => ({ paperId, title, score, scores })),
    };
    if (!verdict.answerable) {
      const answer = verdict.message;
      yield { type: 'text-delta', text: answer };
      yield {
        type: 'answer-end',
        result: { ...base, answer, citations: [], refused: true, confidence: verdict.confidence, provider: this.provider.name, timings: { retrieveMs, generateMs: 0 } },
      };
      return;
    }

    let text = '';
    let providerName = this.provider.name;
    let warning: string | undefined;
    const input: GenerationInput = {
      question: request.question,
      query: standalone.query,
      history: request.history,
      sources,
      ...(standalone.reference ? { reference: standalone.reference } : {}),
      ...(standalone.referent ? { referent: standalone.referent } : {}),
    };
    try {
      for await (const delta of this.provider.generate(input, signal)) {
        text += delta;
        yield { type: 'text-delta', text: delta };
      }
    } catch (error) {
      if (!(error instanceof LlmProviderError)) throw error;
      this.observer.onLlmError?.(this.provider.name);
      warning = `The ${this.provider.name} model failed (${error.message}); this answer was extracted from the abstracts instead.`;
      providerName = this.extractive.name;
      if (text) yield { type: 'text-delta', text: '\n\n---\n\n' };
      text = '';
      for await (const delta of this.extractive.generate(input)) {
        text += delta;
        yield { type: 'text-delta', text: delta };
      }
    }
    const generateMs = performance.now() - generateStarted;
    this.observer.onStage?.('generate', generateMs / 1000);

    const refused = text.includes(CANNOT_ANSWER);
    const processed = refused ? { answer: text.trim(), citations: [] } : processCitations(text, sources);
    yield {
      type: 'answer-end',
      result: {
        ...base,
        answer: processed.answer,
        citations: processed.citations,
        refused,
        confidence: verdict.confidence,
        provider: providerName,
        ...(warning ? { warning } : {}),
        timings: { retrieveMs, generateMs },
      },
    };
  }

  /**
   * A follow-up is searched on its standalone query (earlier turns + question), which
   * already favours the papers under discussion, since the same words found them. A
   * referent the wording pins down comes first. Otherwise the papers the previous answer
   * named only win near-ties: when the previous answer missed the paper the user means,
   * the follow-up's extra words often find it, and forcing the listed ones first hid it.
   */
  private async retrieve(standalone: StandaloneQuestion, request: AskRequest): Promise<PaperHit[]> {
    // Deep enough to see where the earlier papers rank; the search scores this many candidates anyway.
    const POOL_DEPTH = 50;
    // On the search's min-max scale (top = 1): a tie-break, not a lift over a clearly better paper.
    const EARLIER_BONUS = 0.05;
    const allowed = request.paperIds;
    const { filters } = request;
    const earlier = standalone.earlierPaperIds.filter((paperId) => !allowed || allowed.includes(paperId));
    // The pool only serves a follow-up that can favour earlier papers; a standalone question
    // gets its k hits directly (the same ones: the ranking does not depend on k), without
    // building 50 hits per question to throw 45 away.
    if (standalone.reference === 'standalone' || earlier.length === 0) return this.library.search(standalone.query, { k: request.k, paperIds: allowed, filters });
    const ranked = await this.library.search(standalone.query, { k: Math.max(request.k, POOL_DEPTH), paperIds: allowed, filters });
    const referent = standalone.referent;
    if (referent && earlier.includes(referent)) {
      const found = ranked.find((hit) => hit.paperId === referent);
      // The referent stays in play even when the open search ranks it below the pool.
      const [hit] = found ? [found] : await this.library.search(standalone.query, { k: 1, paperIds: [referent], filters });
      if (hit) return [hit, ...ranked.filter((other) => other.paperId !== referent)].slice(0, request.k);
    }
    const isEarlier = new Set(earlier);
    const fit = (hit: PaperHit) => hit.score + (isEarlier.has(hit.paperId) ? EARLIER_BONUS : 0);
    return [...ranked].sort((a, b) => fit(b) - fit(a)).slice(0, request.k);
  }

  private async buildSources(hits: PaperHit[], question: string, index: ServedIndex): Promise<AnswerSource[]> {
    const questionVector = await this.library.requireLive().retriever.embedQuery(question);
    const sentenceIds = hits.flatMap((hit) => {
      const paper = index.paperById.get(hit.paperId);
      return paper ? sentencesOf(index, paper.id, paper.abstract).map((_, sentenceIndex) => `${paper.id}#s${sentenceIndex}`) : [];
    });
    const sentenceVectors = await index.candidates.unitVectors(sentenceIds);
    return hits.flatMap((hit, position) => {
      const paper = index.paperById.get(hit.paperId);
      if (!paper) return [];
      const sentences = sentencesOf(index, paper.id, paper.abstract);
      const sentenceSimilarities = sentences.map((_, sentenceIndex) => {
        const vector = sentenceVectors.get(`${paper.id}#s${sentenceIndex}`);
        return vector ? dotProduct(vector, questionVector) : 0;
      });
      return [{ n: position + 1, paperId: paper.id, title: paper.title, abstract: paper.abstract, sentences, sentenceSimilarities, hit }];
    });
  }
}
