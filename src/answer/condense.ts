import type { LoadedIndex } from '../index/load-index.ts';
import { LlmProviderError } from './providers/llm-provider-error.ts';
import { isFollowUp } from './question-analysis.ts';
import type { AnswerProvider, AskRequest, ChatTurn } from './types.ts';

export interface StandaloneQuestion {
  /** The query used for the open search (the question itself when it stands alone). */
  query: string;
  /** The query used to re-rank papers the conversation already cited. */
  focusQuery: string;
  /** Papers named in the previous answer, most relevant to a follow-up. */
  earlierPaperIds: string[];
}

/** Earlier user turns kept as context for an offline follow-up. */
const CONTEXT_TURNS = 2;

/** Papers whose titles appear in the latest assistant turn (answers name the papers they cite). */
function papersNamedIn(history: ChatTurn[], index: LoadedIndex): string[] {
  const lastAnswer = [...history].reverse().find((turn) => turn.role === 'assistant');
  if (!lastAnswer) return [];
  const text = lastAnswer.content.toLowerCase();
  return index.papers.filter((paper) => text.includes(paper.title.toLowerCase())).map((paper) => paper.id);
}

/**
 * Turns a follow-up ("what datasets did they use?") into something retrieval can use.
 * With a generative provider, the model rewrites it; offline (or when the model fails)
 * the earlier user turns give the topic and the previous answer's papers the referent.
 */
export async function resolveFollowUp(request: AskRequest, index: LoadedIndex, provider: AnswerProvider, signal?: AbortSignal): Promise<StandaloneQuestion> {
  const { question, history } = request;
  const earlierQuestions = history.filter((turn) => turn.role === 'user').map((turn) => turn.content);
  if (earlierQuestions.length === 0 || !isFollowUp(question)) {
    return { query: question, focusQuery: question, earlierPaperIds: [] };
  }
  const context = earlierQuestions.slice(-CONTEXT_TURNS).join(' ');
  const offlineQuery = `${context} ${question}`;
  const earlierPaperIds = papersNamedIn(history, index);
  if (provider.condense) {
    try {
      const condensed = await provider.condense(history, question, signal);
      return { query: condensed, focusQuery: condensed, earlierPaperIds };
    } catch (error) {
      if (!(error instanceof LlmProviderError)) throw error;
    }
  }
  return { query: offlineQuery, focusQuery: offlineQuery, earlierPaperIds };
}
