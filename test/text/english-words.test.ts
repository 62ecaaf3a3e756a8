import { describe, expect, it } from 'vitest';
import { englishWords } from '../../src/text/english-words.ts';

describe('englishWords', () => {
  it('knows everyday words in any inflection, in American and British spelling', () => {
    englishWords.load();
    for (const word of ['yardstick', 'shoestring', 'colors', 'neighbouring', 'analysed', 'printed']) expect(englishWords.has(word), word).toBe(true);
  });

  it('does not know system names written in lower case', () => {
    for (const word of ['byol', 'gptq', 'qwopnet']) expect(englishWords.has(word), word).toBe(false);
  });
});
