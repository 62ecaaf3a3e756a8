/**
 * A query may say what it does not want: "Which papers speed up vision transformers by
 * pruning tokens? Exclude vision-language models and new backbones." Searched for, those
 * words find exactly the papers the asker ruled out, so the clause is dropped before search.
 * Only explicit exclusions count: "instead of square patches" or "rather than text commands"
 * describe the wanted paper (its abstract usually states the contrast) and stay.
 */

/** A sentence that opens with an exclusion ("Exclude…", "Leave out…", "Don't count…"). */
const EXCLUSION_SENTENCE = /^(?:please\s+)?(?:exclude|excluding|leave\s+out|leaving\s+out|omit|omitting|skip|not\s+counting|except(?:\s+for)?|(?:do\s+not|don't|dont)\s+(?:include|count|list|want|need|consider))\b/i;

/** An exclusion inside a sentence, up to the next clause boundary: "…, excluding surveys,". */
const EXCLUSION_CLAUSE = /[,;(]\s*(?:but\s+)?(?:excluding|leaving\s+out|not\s+counting|except(?:\s+for)?|(?:and\s+)?(?:do\s+not|don't)\s+(?:include|count))\b[^,;.?!)]*[)]?/gi;

/** Fewer content words than this left over means the exclusion was the query: keep it whole. */
const MIN_WORDS_LEFT = 3;

export function withoutExclusions(query: string): string {
  if (!/\b(exclud|leav|omit|skip|count|except|include|list|want|need|consider)/i.test(query)) return query;
  const sentences = query.split(/(?<=[.?!;])\s+/);
  const kept = sentences.filter((sentence) => !EXCLUSION_SENTENCE.test(sentence.trim()));
  const stripped = kept.join(' ').replace(EXCLUSION_CLAUSE, '').replace(/\s+([,.?!;])/g, '$1').trim();
  return stripped.split(/\s+/).filter((word) => /[a-z]{3,}/i.test(word)).length >= MIN_WORDS_LEFT ? stripped : query;
}
