import type { Config } from '../config.ts';
import { ExtractiveAnswerProvider } from './providers/extractive.ts';
import type { AnswerProvider } from './types.ts';

/**
 * The provider LLM_PROVIDER names; misconfiguration throws a ConfigError at startup.
 * The generative providers are imported only when configured: LangChain's OpenAI client
 * alone costs about a second of start-up time the offline default does not need.
 */
export async function createAnswerProvider(config: Config): Promise<AnswerProvider> {
  if (config.LLM_PROVIDER === 'extractive') return new ExtractiveAnswerProvider();
  const { createGenerativeProvider, validateProviderConfig } = await import('./providers/create-provider.ts');
  validateProviderConfig(config);
  return createGenerativeProvider(config);
}
