/**
 * A query may say what it does not want: "Which papers speed up vision transformers by
 * pruning tokens? Exclude vision-language models and new backbones." Searched for, those
 * words find exactly the papers the asker ruled out, so the clause is dropped before search.
 * Explicit exclusions count anywhere; a contrast ("rather than …") only in a request for several
 * papers. In a search for one paper, "instead of square patches" or "rather than text commands"
 * describe it (its abstract usually states the contrast) and stay.
 */

/** A sentence that opens with an exclusion ("Exclude…", "Leave out…", "Don't count…"). */
const EXCLUSION_SENTENCE = /^(?:please\s+)?(?:exclude|excluding|leave\s+out|leaving\s+out|omit|omitting|skip|not\s+counting|except(?:\s+for)?|(?:do\s+not|don't|dont)\s+(?:include|count|list|want|need|consider))\b/i;

/** An exclusion inside a sentence, up to the next clause boundary: "…, excluding surveys,". */
const EXCLUSION_CLAUSE = /[,;(]\s*(?:but\s+)?(?:excluding|leaving\s+out|not\s+counting|except(?:\s+for)?|(?:and\s+)?(?:do\s+not|don't)\s+(?:include|count))\b[^,;.?!)]*[)]?/gi;

/** "Which papers…?", "Which surveys…?": a request for several papers, where a contrast says what to leave out. */
const SEVERAL_PAPERS = /^\s*(?:which|what)\s+(?:papers|studies|surveys|reviews|works|articles|publications)\b/i;

/**
 * The contrast runs to the end of its sentence ("…, rather than general vision-language models
 * that can also caption?"), through the commas of a list ("rather than code, images or graphs"),
 * but not past a comma that takes the main clause up again ("…, rather than pruning, to obtain
 * compact vision transformers?").
 */
const CONTRAST_CLAUSE = /,?\s*\b(?:rather\s+than|as\s+opposed\s+to)\b(?:[^.?!;,]|,(?!\s*(?:to|for|in|on|with|by|so|which|that|while|using|when|where|because)\b))*/gi;

/** Fewer content words than this left over means the exclusion was the query: keep it whole. */
const MIN_WORDS_LEFT = 3;

export function withoutExclusions(query: string): string {
  const sentences = query.split(/(?<=[.?!;])\s+/);
  const severalPapers = SEVERAL_PAPERS.test(query);
  const kept = sentences.filter((sentence) => !EXCLUSION_SENTENCE.test(sentence.trim()));
  // Nothing excluded: the query as typed (the embedding cache is keyed by it).
  if (kept.length === sentences.length && query.search(EXCLUSION_CLAUSE) < 0 && !(severalPapers && query.search(CONTRAST_CLAUSE) >= 0)) return query;
  const withoutClauses = kept.join(' ').replace(EXCLUSION_CLAUSE, '');
  const stripped = (severalPapers ? withoutClauses.replace(CONTRAST_CLAUSE, '') : withoutClauses).replace(/\s+([,.?!;])/g, '$1').trim();
  return stripped.split(/\s+/).filter((word) => /[a-z]{3,}/i.test(word)).length >= MIN_WORDS_LEFT ? stripped : query;
}
