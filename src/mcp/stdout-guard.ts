/**
 * Over stdio, stdout is the MCP protocol stream: one stray console.log (ours or a
 * dependency's) corrupts it. Imported first by the stdio entry point, so every later
 * module's console output goes to stderr, where MCP hosts collect server logs.
 */
const toStderr = (...values: unknown[]): void => console.error(...values);
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
