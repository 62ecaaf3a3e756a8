export interface ModelFamily {
  name: string;
  pattern: RegExp;
  pooling: 'cls' | 'mean';
  /** Prepended to queries (embedQuery) only. */
  queryPrefix: string;
  /** Prepended to documents (embedDocuments) only. */
  documentPrefix: string;
}

const RETRIEVAL_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

/**
 * How each model family is pooled and prompted, first match wins; every vector is
 * L2-normalised. Keyed by model id so that an index built with a model is always
 * queried the same way.
 */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
  { name: 'bge-m3', pattern: /bge-m3/i, pooling: 'cls', queryPrefix: '', documentPrefix: '' },
  { name: 'bge-zh', pattern: /bge-[^/]*-zh/i, pooling: 'cls', queryPrefix: '为这个句子生成表示以用于检索相关文章：', documentPrefix: '' },
  // BAAI bge-*-en(-v1.5), mixedbread mxbai-embed-*, Snowflake arctic-embed: CLS + retrieval instruction.
  { name: 'bge', pattern: /bge|mxbai-embed|arctic-embed/i, pooling: 'cls', queryPrefix: RETRIEVAL_INSTRUCTION, documentPrefix: '' },
  { name: 'e5', pattern: /(^|[/_-])e5([_-]|$)/i, pooling: 'mean', queryPrefix: 'query: ', documentPrefix: 'passage: ' },
  { name: 'nomic-embed', pattern: /nomic-embed-text/i, pooling: 'mean', queryPrefix: 'search_query: ', documentPrefix: 'search_document: ' },
  // sentence-transformers models (all-MiniLM-*, all-mpnet-*, paraphrase-*), gte-small/base/large, ...
  { name: 'mean', pattern: /.*/, pooling: 'mean', queryPrefix: '', documentPrefix: '' },
];

export function modelFamily(modelId: string): ModelFamily {
  return MODEL_FAMILIES.find((family) => family.pattern.test(modelId))!;
}
