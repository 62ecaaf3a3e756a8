/** Text to match literally inside a RegExp built from parts (a name, a unit). */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
