import { ChatOpenAI } from '@langchain/openai';

export interface OpenAiChatModelOptions {
  /** Any OpenAI-compatible endpoint, including its `/v1` (OPENAI_BASE_URL). */
  baseUrl: string;
  /** OPENAI_API_KEY; optional for local OpenAI-compatible servers. */
  apiKey?: string;
  /** LLM_MODEL. */
  model: string;
  /** Per-attempt timeout of the HTTP request (until response headers). */
  timeoutMs: number;
  /**
   * Retries of a failed request (before any token arrived) by LangChain's AsyncCaller, with
   * exponential backoff from ~1 s. LangChain's default is 6; keep it small so the pipeline
   * falls back quickly. The OpenAI SDK's own retries are always 0 under LangChain.
   */
  maxRetries?: number;
  temperature?: number;
}

/** Sends no Authorization header at all when no API key is configured (local servers). */
function withoutAuthorization(): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    return fetch(input, { ...init, headers });
  };
}

/**
 * ChatOpenAI pinned to the Chat Completions API (`POST {baseUrl}/chat/completions`), the one
 * OpenAI-compatible servers implement. Nothing is read from the environment here: the key and the
 * URL are passed explicitly (ChatOpenAI would otherwise fall back to OPENAI_API_KEY/OPENAI_BASE_URL).
 */
export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatOpenAI {
  return new ChatOpenAI({
    model: options.model,
    apiKey: options.apiKey ?? 'unused',
    configuration: {
      baseURL: options.baseUrl,
      ...(options.apiKey ? {} : { fetch: withoutAuthorization() }),
    },
    temperature: options.temperature ?? 0,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries ?? 1,
    // Never switch to the Responses API (OpenAI-only); no stream_options, which some
    // OpenAI-compatible servers reject.
    useResponsesApi: false,
    streamUsage: false,
  });
}
