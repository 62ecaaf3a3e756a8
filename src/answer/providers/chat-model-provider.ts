import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { CANNOT_ANSWER, formatAnswerMessages, formatCondenseMessages, type AnswerPrompts } from '../prompts.ts';
import type { AnswerProvider, ChatTurn, GenerationInput } from '../types.ts';
import { LlmProviderError, type LlmFailureKind } from './llm-provider-error.ts';

/**
 * A chat model, or a factory giving one per call. The factory receives the call's signal (user
 * abort + timeout) for clients that cannot take a per-request signal themselves (ollama-js can
 * only abort *all* of a client's streams, so the Ollama provider builds a client per call).
 */
export type ChatModelSource = BaseChatModel | ((call: { signal: AbortSignal }) => BaseChatModel);

export interface ChatModelAnswerProviderOptions {
  name: string;
  model: ChatModelSource;
  prompts: AnswerPrompts;
  /**
   * generate(): longest wait for the first token and between two tokens (an idle timeout, so a
   * long answer that keeps streaming is not cut). condense(): longest wait for the whole reply.
   */
  timeoutMs: number;
}

/** Longest standalone query condense() returns. */
export const MAX_CONDENSED_QUERY_CHARS = 300;

/**
 * An AnswerProvider over any LangChain chat model (ChatOpenAI, ChatOllama, ...).
 * Every failure of the model (HTTP error, unreachable endpoint, timeout, stream broken or cut
 * short, empty reply) is thrown as LlmProviderError so the pipeline can fall back to the
 * extractive answerer; a caller's abort is re-thrown as the signal's reason (an AbortError).
 */
export class ChatModelAnswerProvider implements AnswerProvider {
  readonly name: string;
  private readonly model: ChatModelSource;
  private readonly prompts: AnswerPrompts;
  private readonly timeoutMs: number;

  constructor(options: ChatModelAnswerProviderOptions) {
    this.name = options.name;
    this.model = options.model;
    this.prompts = options.prompts;
    this.timeoutMs = options.timeoutMs;
  }

  async *generate(input: GenerationInput, signal?: AbortSignal): AsyncIterable<string> {
    signal?.throwIfAborted();
    if (input.sources.length === 0) {
      // Nothing to answer from: refuse without spending a model call.
      yield CANNOT_ANSWER;
      return;
    }
    const messages = await formatAnswerMessages(this.prompts, input);
    const call = new ModelCall(this.name, this.timeoutMs, signal);
    let iterator: AsyncIterator<BaseMessage> | undefined;
    let completed = false;
    let responded = false;
    let emitted = 0;
    try {
      const model = this.modelFor(call.signal);
      // Resolves once the first chunk has arrived (LangChain races it with the signal).
      const stream = await model.stream(messages, { signal: call.signal });
      iterator = stream[Symbol.asyncIterator]();
      let finished = false;
      for (;;) {
        const result = await iterator.next();
        if (result.done) break;
        responded = true;
        call.arm();
        if (isFinalChunk(result.value)) finished = true;
        const text = messageText(result.value);
        if (text !== '') {
          emitted += text.length;
          yield text;
        }
      }
      // Some clients end quietly when the connection closes early; without the protocol's
      // end marker (finish_reason / done) the answer is truncated, not complete.
      if (!finished) {
        throw new LlmProviderError(`${this.name}: the response stream ended before its end marker (answer truncated)`, {
          provider: this.name,
          kind: 'stream',
          partial: emitted > 0,
        });
      }
      if (emitted === 0) {
        throw new LlmProviderError(`${this.name}: the model returned an empty answer`, { provider: this.name, kind: 'empty' });
      }
      completed = true;
    } catch (error) {
      throw call.toError(error, { responded, partial: emitted > 0 });
    } finally {
      call.dispose();
      // Abandoned early (consumer stopped, error): release the LangChain stream without waiting,
      // since its return() waits for a pending read; the aborted signal already closed the request.
      if (!completed && iterator?.return) iterator.return().catch(() => undefined);
    }
  }

  async condense(history: ChatTurn[], question: string, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    if (history.length === 0) return question.trim();
    const messages = await formatCondenseMessages(this.prompts, history, question);
    const call = new ModelCall(this.name, this.timeoutMs, signal);
    try {
      const model = this.modelFor(call.signal);
      const reply = await raceWithSignal(model.invoke(messages, { signal: call.signal }), call.signal);
      return cleanStandaloneQuery(messageText(reply)) || question.trim();
    } catch (error) {
      throw call.toError(error, { responded: false, partial: false });
    } finally {
      call.dispose();
    }
  }

  private modelFor(signal: AbortSignal): BaseChatModel {
    return typeof this.model === 'function' ? this.model({ signal }) : this.model;
  }
}

/** One model call: the caller's signal combined with a (re-armable) timeout. */
class ModelCall {
  readonly signal: AbortSignal;
  private readonly internal = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(
    private readonly provider: string,
    private readonly timeoutMs: number,
    private readonly outer?: AbortSignal,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.internal.signal]) : this.internal.signal;
    this.arm();
  }

  /** (Re)starts the timeout. */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.internal.abort(new Error(`${this.provider}: timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  /** Stops the timer and aborts anything still in flight (no-op for a finished request). */
  dispose(): void {
    clearTimeout(this.timer);
    if (!this.internal.signal.aborted) this.internal.abort(new Error('model call released'));
  }

  toError(error: unknown, state: { responded: boolean; partial: boolean }): unknown {
    if (this.outer?.aborted) return abortReason(this.outer);
    if (this.timedOut) {
      return new LlmProviderError(
        `${this.provider}: no ${state.responded ? 'new token' : 'response'} within ${this.timeoutMs} ms (LLM_TIMEOUT_MS)`,
        { provider: this.provider, kind: 'timeout', partial: state.partial, cause: error },
      );
    }
    return toLlmProviderError(error, this.provider, state);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');
}

/** Like LangChain's raceWithSignal: settles on abort even if the promise never does. */
function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined); // a late rejection after the abort must not go unhandled
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function messageText(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

/** The chunk carrying the protocol's end marker: OpenAI `finish_reason`, Ollama `done: true`. */
function isFinalChunk(message: BaseMessage): boolean {
  const metadata = (message.response_metadata ?? {}) as Record<string, unknown>;
  return metadata.finish_reason != null || metadata.done === true || metadata.done_reason != null;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function upstreamStatus(error: unknown): number | undefined {
  for (const candidate of [field(error, 'status'), field(error, 'status_code'), field(field(error, 'response'), 'status')]) {
    if (typeof candidate === 'number' && candidate >= 400 && candidate <= 599) return candidate;
  }
  return undefined;
}

function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = field(current, 'cause'), depth++) {
    const code = field(current, 'code');
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    const name = field(current, 'name');
    if (name === 'APIConnectionError') return true;
    const message = field(current, 'message');
    if (typeof message === 'string' && /fetch failed|connection error|terminated|other side closed|socket hang up/i.test(message)) {
      return true;
    }
  }
  return false;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/** Classifies whatever a LangChain client threw. */
export function toLlmProviderError(
  error: unknown,
  provider: string,
  state: { responded?: boolean; partial?: boolean } = {},
): LlmProviderError {
  if (error instanceof LlmProviderError) return error;
  const status = upstreamStatus(error);
  const partial = state.partial ?? false;
  let kind: LlmFailureKind;
  let message: string;
  if (status !== undefined) {
    kind = 'http';
    message = `${provider}: the model endpoint returned HTTP ${status}: ${describe(error)}`;
  } else if (field(error, 'name') === 'TimeoutError') {
    kind = 'timeout';
    message = `${provider}: request timed out: ${describe(error)}`;
  } else if (state.responded) {
    kind = 'stream';
    message = `${provider}: the response stream broke off: ${describe(error)}`;
  } else if (isConnectionError(error)) {
    kind = 'connection';
    message = `${provider}: could not reach the model endpoint: ${describe(error)}`;
  } else {
    kind = 'other';
    message = `${provider}: ${describe(error)}`;
  }
  return new LlmProviderError(message, {
    provider,
    kind,
    partial,
    cause: error,
    ...(status !== undefined ? { upstreamStatus: status } : {}),
  });
}

/**
 * The model's condense reply as one search query: reasoning blocks removed, first non-empty line,
 * labels and wrapping quotes stripped, whitespace collapsed, length capped.
 */
export function cleanStandaloneQuery(reply: string): string {
  const withoutThinking = reply.replace(/<think>[\s\S]*?(<\/think>|$)/gi, '');
  const line = withoutThinking.split('\n').map((part) => part.trim()).find((part) => part !== '') ?? '';
  const unlabelled = line.replace(/^(standalone\s+)?(search\s+)?(query|question)\s*:\s*/i, '');
  const unquoted = unlabelled.replace(/^["'`“”‘’]+|["'`“”‘’]+$/g, '');
  const collapsed = unquoted.replace(/\s+/g, ' ').trim();
  return collapsed.length > MAX_CONDENSED_QUERY_CHARS ? collapsed.slice(0, MAX_CONDENSED_QUERY_CHARS).trim() : collapsed;
}
