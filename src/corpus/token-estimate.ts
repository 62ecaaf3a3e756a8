/**
 * A tokenizer-free upper estimate of how many model tokens a text costs. Embedding and chat
 * models use different word-piece vocabularies, so chunk budgets are checked against whichever
 * of two pessimistic rules is larger: ~3.5 characters per token (dense text, numbers, symbols)
 * or ~1.4 tokens per word (long technical words split into several pieces).
 */
const CHARS_PER_TOKEN = 3.5;
const TOKENS_PER_WORD = 1.4;

export function estimateTokens(text: string): number {
  const words = text.match(/\S+/g)?.length ?? 0;
  if (words === 0) return 0;
  return Math.max(Math.ceil(text.length / CHARS_PER_TOKEN), Math.ceil(words * TOKENS_PER_WORD));
}
