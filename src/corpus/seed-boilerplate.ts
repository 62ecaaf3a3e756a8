/**
 * Page furniture of the Hugging Face "trending papers" dumps. Listed exactly rather than guessed
 * at, so a real title can never be mistaken for boilerplate and vanish.
 */
const BOILERPLATE_LINES: readonly RegExp[] = [
  /^new$/i,
  /^subscribe$/i,
  /^get trending papers in your email inbox( once a day)?!?$/i,
  /^by\s*AK and the research community$/i,
  // The page's date stamp, e.g. "Mar 11" or "March 11, 2024".
  /^(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?)\.? \d{1,2}(, \d{4})?$/i,
];

export function isBoilerplateLine(line: string): boolean {
  const text = line.trim();
  return BOILERPLATE_LINES.some((pattern) => pattern.test(text));
}

/**
 * Some dumps lose the newline after the "Subscribe" button, gluing it to the first title
 * ("SubscribeVinVL: ..."). Only a capital letter or digit straight after it counts, so a title
 * that merely starts with "Subscribers" keeps its first word.
 */
const GLUED_SUBSCRIBE = /^Subscribe(?=[\p{Lu}\p{N}])/u;

export function stripGluedSubscribe(line: string): string {
  return line.replace(GLUED_SUBSCRIBE, '');
}
