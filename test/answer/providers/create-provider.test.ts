import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, PROJECT_ROOT } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { ChatModelAnswerProvider } from '../../../src/answer/providers/chat-model-provider.ts';
import { createGenerativeProvider, validateProviderConfig } from '../../../src/answer/providers/create-provider.ts';

const config = (environment: Record<string, string>) => loadConfig(environment);

function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('validateProviderConfig', () => {
  it('accepts the extractive default with nothing set', () => {
    expect(() => validateProviderConfig(config({}))).not.toThrow();
  });

  it('openai needs LLM_MODEL', () => {
    const error = configError(() => validateProviderConfig(config({ LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-x' })));
    expect(error.message).toMatch(/LLM_PROVIDER=openai needs LLM_MODEL/);
  });

  it('openai on api.openai.com needs OPENAI_API_KEY', () => {
    const error = configError(() => validateProviderConfig(config({ LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4o-mini' })));
    expect(error.message).toMatch(/OPENAI_API_KEY/);
    expect(error.code).toBe('config_error');
  });

  it('openai with a local OpenAI-compatible URL works without a key', () => {
    expect(() =>
      validateProviderConfig(config({ LLM_PROVIDER: 'openai', LLM_MODEL: 'qwen2.5', OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' })),
    ).not.toThrow();
  });

  it.each([
    ['OPENAI_BASE_URL', { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'not a url' }],
    ['OPENAI_BASE_URL', { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'ftp://example.com/v1' }],
    ['OLLAMA_BASE_URL', { LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: 'localhost:11434' }],
    ['OLLAMA_BASE_URL', { LLM_PROVIDER: 'ollama', OLLAMA_BASE_URL: 'http://127.0.0.1:11434/api' }],
  ])('rejects an invalid %s', (variable, environment) => {
    const error = configError(() => validateProviderConfig(config({ LLM_MODEL: 'm', OPENAI_API_KEY: 'k', ...environment })));
    expect(error.message).toContain(variable);
  });

  it('ollama needs LLM_MODEL', () => {
    const error = configError(() => validateProviderConfig(config({ LLM_PROVIDER: 'ollama' })));
    expect(error.message).toMatch(/LLM_PROVIDER=ollama needs LLM_MODEL/);
  });
});

describe('createGenerativeProvider', () => {
  it('builds an openai provider', () => {
    const provider = createGenerativeProvider(
      config({ LLM_PROVIDER: 'openai', LLM_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: 'sk-x' }),
    );
    expect(provider).toBeInstanceOf(ChatModelAnswerProvider);
    expect(provider.name).toBe('openai');
    expect(typeof provider.condense).toBe('function');
  });

  it('builds an ollama provider', () => {
    expect(createGenerativeProvider(config({ LLM_PROVIDER: 'ollama', LLM_MODEL: 'llama3.2' })).name).toBe('ollama');
  });

  it('validates first', () => {
    expect(() => createGenerativeProvider(config({ LLM_PROVIDER: 'ollama' }))).toThrow(ConfigError);
  });

  it('refuses the extractive provider', () => {
    expect(() => createGenerativeProvider(config({}))).toThrow(/not a generative provider/);
  });

  it('fails clearly when PROMPTS_DIR lacks the templates', () => {
    const missing = path.join(PROJECT_ROOT, 'no-such-prompts-dir');
    const error = configError(() =>
      createGenerativeProvider(config({ LLM_PROVIDER: 'ollama', LLM_MODEL: 'llama3.2', PROMPTS_DIR: missing })),
    );
    expect(error.message).toContain(path.join(missing, 'system.md'));
  });
});
