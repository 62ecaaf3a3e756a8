import type { LibraryLogger } from '../retrieval/paper-library.ts';

/** Log lines for commands: to stderr, so stdout stays the command's own output. */
export const consoleLogger: LibraryLogger = {
  info: (message) => console.error(message),
  warn: (message) => console.error(`warning: ${message}`),
  error: (message) => console.error(`error: ${message}`),
};

/** Runs a command's main, printing a one-line error (never a stack) and exiting non-zero on failure. */
export function runCommand(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.DEBUG) console.error(error);
      process.exit(1);
    },
  );
}
