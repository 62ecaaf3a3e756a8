import { ChatOllama } from '@langchain/ollama';

/**
 * Ollama's default context window (2048-4096 tokens depending on the version) is smaller than a
 * prompt with several abstracts; Ollama then silently drops the *start* of the prompt, i.e. the
 * system prompt. Ask for a window that fits.
 */
export const OLLAMA_NUM_CTX = 8192;

export interface OllamaChatModelOptions {
  /** OLLAMA_BASE_URL, e.g. http://127.0.0.1:11434 (no /api suffix). */
  baseUrl: string;
  /** LLM_MODEL, e.g. llama3.2 (ChatOllama would silently default to "llama3"). */
  model: string;
  numCtx?: number;
  temperature?: number;
}

/** fetch whose requests are also cancelled by `signal`. */
function fetchWithSignal(signal: AbortSignal): typeof fetch {
  return (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

/**
 * A factory giving one ChatOllama per call, bound to that call's signal. ollama-js cannot take a
 * per-request AbortSignal, and ChatOllama reacts to an abort by calling `client.abort()`, which
 * cancels *every* stream of that client, and only once the next chunk arrives. A client per call
 * with the signal wired into its fetch cancels exactly this request, immediately, so Ollama stops
 * generating. Construction is cheap (no I/O).
 */
export function createOllamaChatModelFactory(options: OllamaChatModelOptions): (call: { signal: AbortSignal }) => ChatOllama {
  return ({ signal }) =>
    new ChatOllama({
      baseUrl: options.baseUrl,
      model: options.model,
      temperature: options.temperature ?? 0,
      numCtx: options.numCtx ?? OLLAMA_NUM_CTX,
      fetch: fetchWithSignal(signal),
    });
}
