import type { Config } from '../config.ts';
import { createGenerativeProvider, validateProviderConfig } from './providers/create-provider.ts';
import { ExtractiveAnswerProvider } from './providers/extractive.ts';
import type { AnswerProvider } from './types.ts';

/** The provider LLM_PROVIDER names; misconfiguration throws a ConfigError at startup. */
export function createAnswerProvider(config: Config): AnswerProvider {
  if (config.LLM_PROVIDER === 'extractive') return new ExtractiveAnswerProvider();
  validateProviderConfig(config);
  return createGenerativeProvider(config);
}
