/**
 * Letters without their accents ("Nyströmformer" → "Nystromformer", "Müller" → "Muller"):
 * askers, abstracts and metadata keep or drop them independently. Compatibility forms are
 * unfolded too ("ﬁ" → "fi"), so the length can change.
 */
export const withoutDiacritics = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '');
