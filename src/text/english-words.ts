import nspell from 'nspell';
import americanEnglish from 'dictionary-en';
import britishEnglish from 'dictionary-en-gb';

/**
 * Whether a lower-case word is ordinary English (any inflection, American or British
 * spelling), from the Hunspell dictionaries. The name check uses it to tell a system written
 * in lower case ("byol", "gptq") from an everyday word the papers happen not to use
 * ("yardstick", "shoestring").
 */
export interface EnglishWords {
  has(word: string): boolean;
  /** Builds the dictionaries now (they are otherwise built on first use). */
  load(): void;
}

let spellers: Array<ReturnType<typeof nspell>> | undefined;

// The dictionaries ship Uint8Arrays; nspell's types ask for Buffers (it reads either).
const asHunspell = (dictionary: { aff: Uint8Array; dic: Uint8Array }) => ({ aff: Buffer.from(dictionary.aff), dic: Buffer.from(dictionary.dic) });

// Built on first use (~0.3 s per dictionary): most questions never need it.
function loadSpellers() {
  spellers ??= [nspell(asHunspell(americanEnglish)), nspell(asHunspell(britishEnglish))];
  return spellers;
}

export const englishWords: EnglishWords = {
  has: (word) => loadSpellers().some((speller) => speller.correct(word)),
  load: () => void loadSpellers(),
};
