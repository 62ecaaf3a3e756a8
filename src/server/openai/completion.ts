import { randomUUID } from 'node:crypto';
import { answerWithSources } from '../../answer/sources-list.ts';
import type { AskResult, Citation } from '../../answer/types.ts';
import { estimateTokens } from '../../corpus/token-estimate.ts';
import { MODEL_ID } from './schemas.ts';

/** Rough counts (no tokenizer): clients display them, none bill by them. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** paperchat's additions to OpenAI's objects; OpenAI clients ignore unknown fields. */
export interface PaperchatExtras {
  citations: Citation[];
  warning?: string;
}

export interface ChatCompletion extends PaperchatExtras {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: 0; message: { role: 'assistant'; content: string; refusal: null }; logprobs: null; finish_reason: 'stop' }>;
  usage: Usage;
}

export interface ChatCompletionChunk extends Partial<PaperchatExtras> {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: 0; delta: { role?: 'assistant'; content?: string }; logprobs: null; finish_reason: 'stop' | null }>;
  usage?: Usage;
}

export function usage(promptText: string, completionText: string): Usage {
  const prompt = estimateTokens(promptText);
  const completion = estimateTokens(completionText);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function extras(result: AskResult): PaperchatExtras {
  return { citations: result.citations, ...(result.warning ? { warning: result.warning } : {}) };
}

/** One response's identity; every chunk of a stream shares it. */
export class CompletionIdentity {
  readonly id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  readonly created = Math.floor(Date.now() / 1000);

  completion(result: AskResult, promptText: string, describe?: (paperId: string) => string): ChatCompletion {
    const content = answerWithSources(result, describe);
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: MODEL_ID,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: usage(promptText, content),
      ...extras(result),
    };
  }

  private chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: 'stop' | null = null): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: MODEL_ID, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
  }

  /** The first chunk announces the role, as OpenAI's does. */
  roleChunk(): ChatCompletionChunk {
    return this.chunk({ role: 'assistant', content: '' });
  }

  contentChunk(content: string): ChatCompletionChunk {
    return this.chunk({ content });
  }

  finalChunk(result: AskResult): ChatCompletionChunk {
    return { ...this.chunk({}, 'stop'), ...extras(result) };
  }

  /** Sent when the client asked for `stream_options.include_usage`: no choices, only usage. */
  usageChunk(usageCounts: Usage): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: MODEL_ID, choices: [], usage: usageCounts };
  }
}
