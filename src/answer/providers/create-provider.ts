import type { Config } from '../../config.ts';
import { ConfigError } from '../../errors.ts';
import { loadPrompts, type AnswerPrompts } from '../prompts.ts';
import { ChatModelAnswerProvider } from './chat-model-provider.ts';
import { createOllamaChatModelFactory } from './ollama.ts';
import { createOpenAiChatModel } from './openai.ts';

export type GenerativeProviderName = 'openai' | 'ollama';

type ProviderConfig = Pick<
  Config,
  'LLM_PROVIDER' | 'LLM_MODEL' | 'OPENAI_BASE_URL' | 'OPENAI_API_KEY' | 'OLLAMA_BASE_URL' | 'LLM_TIMEOUT_MS' | 'PROMPTS_DIR'
>;

export interface GenerativeProviderOptions {
  /** Prompts to use instead of loading them from PROMPTS_DIR. */
  prompts?: AnswerPrompts;
  /** OpenAI only: retries before the first token (default 1). */
  maxRetries?: number;
}

function checkUrl(variable: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL: "${value}" (expected e.g. http://127.0.0.1:8080/v1).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${variable} must be an http:// or https:// URL, got "${value}".`);
  }
  return url;
}

function requireModel(config: ProviderConfig, example: string): string {
  const model = config.LLM_MODEL?.trim();
  if (!model) {
    throw new ConfigError(`LLM_PROVIDER=${config.LLM_PROVIDER} needs LLM_MODEL (the model name, e.g. ${example}).`);
  }
  return model;
}

/** Drops a trailing slash so URLs join cleanly. */
function normaliseBaseUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}

/**
 * Checks the LLM settings at startup; throws ConfigError with a message naming the variable.
 * Nothing to check for the extractive provider.
 */
export function validateProviderConfig(config: ProviderConfig): void {
  switch (config.LLM_PROVIDER) {
    case 'extractive':
      return;
    case 'openai': {
      requireModel(config, 'gpt-4o-mini, or the name your OpenAI-compatible server serves');
      const url = checkUrl('OPENAI_BASE_URL', config.OPENAI_BASE_URL.trim());
      if (url.hostname === 'api.openai.com' && !config.OPENAI_API_KEY?.trim()) {
        throw new ConfigError(
          'LLM_PROVIDER=openai with the default OPENAI_BASE_URL (api.openai.com) needs OPENAI_API_KEY; ' +
            'for a local OpenAI-compatible server set OPENAI_BASE_URL instead.',
        );
      }
      return;
    }
    case 'ollama': {
      requireModel(config, 'llama3.2 (see `ollama list`)');
      const url = checkUrl('OLLAMA_BASE_URL', config.OLLAMA_BASE_URL.trim());
      if (/\/api\/?$/.test(url.pathname)) {
        throw new ConfigError(`OLLAMA_BASE_URL should be the server root without /api, e.g. http://127.0.0.1:11434 (got "${config.OLLAMA_BASE_URL}").`);
      }
      return;
    }
  }
}

/**
 * The LangChain-backed provider for LLM_PROVIDER=openai|ollama (validated first).
 * The extractive provider is created elsewhere.
 */
export function createGenerativeProvider(
  config: ProviderConfig,
  options: GenerativeProviderOptions = {},
): ChatModelAnswerProvider {
  validateProviderConfig(config);
  const provider = config.LLM_PROVIDER;
  if (provider !== 'openai' && provider !== 'ollama') {
    throw new ConfigError(`createGenerativeProvider: LLM_PROVIDER=${provider} is not a generative provider (openai or ollama).`);
  }
  const prompts = options.prompts ?? loadPrompts(config.PROMPTS_DIR);
  const model = requireModel(config, '');
  if (provider === 'openai') {
    const apiKey = config.OPENAI_API_KEY?.trim();
    return new ChatModelAnswerProvider({
      name: 'openai',
      prompts,
      timeoutMs: config.LLM_TIMEOUT_MS,
      model: createOpenAiChatModel({
        baseUrl: normaliseBaseUrl(config.OPENAI_BASE_URL),
        model,
        timeoutMs: config.LLM_TIMEOUT_MS,
        ...(apiKey ? { apiKey } : {}),
        ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
      }),
    });
  }
  return new ChatModelAnswerProvider({
    name: 'ollama',
    prompts,
    timeoutMs: config.LLM_TIMEOUT_MS,
    model: createOllamaChatModelFactory({ baseUrl: normaliseBaseUrl(config.OLLAMA_BASE_URL), model }),
  });
}
