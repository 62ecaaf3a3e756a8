import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';
import type { IdentifiedEmbeddings } from './types.ts';
import { UNIVERSAL_SENTENCE_ENCODER_ID, UniversalSentenceEncoderEmbeddings } from './universal-sentence-encoder.ts';

export interface EmbeddingsLogger {
  info(message: string): void;
  warn(message: string): void;
}

export async function createEmbeddings(config: Config, logger?: EmbeddingsLogger): Promise<IdentifiedEmbeddings> {
  if (config.EMBEDDINGS === 'transformers') throw new ConfigError('EMBEDDINGS=transformers is not available in this build');
  logger?.info(`embeddings: ${UNIVERSAL_SENTENCE_ENCODER_ID}`);
  return new UniversalSentenceEncoderEmbeddings();
}

export async function createEmbeddingsById(id: string, config: Config): Promise<IdentifiedEmbeddings> {
  if (id === UNIVERSAL_SENTENCE_ENCODER_ID) return new UniversalSentenceEncoderEmbeddings();
  throw new ConfigError(`The index was built with ${id}, which this build cannot load (EMBEDDINGS=${config.EMBEDDINGS}); rebuild with npm run ingest`);
}
