import { loadConfig } from '../config.ts';
import { PaperLibrary } from '../retrieval/paper-library.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

/** `npm run search -- "query" [k]`: ranked papers in the terminal. */
runCommand(async () => {
  const query = process.argv[2]?.trim();
  if (!query) throw new Error('usage: npm run search -- "your query" [k]');
  const k = Number(process.argv[3] ?? 10);
  if (!Number.isInteger(k) || k < 1 || k > 50) throw new Error('k must be an integer from 1 to 50');
  const library = new PaperLibrary(loadConfig(), consoleLogger);
  try {
    await library.start();
    const hits = await library.search(query, { k });
    hits.forEach((hit, rank) => {
      const { lexical, vector } = hit.scores;
      console.log(`${String(rank + 1).padStart(2)}. ${hit.title}`);
      console.log(`    ${hit.paperId}  fused ${hit.score.toFixed(3)}  bm25 ${lexical?.toFixed(2) ?? '-'}  cosine ${vector?.toFixed(3) ?? '-'}`);
      console.log(`    ${hit.snippet.slice(0, 160)}`);
    });
  } finally {
    await library.close();
  }
});
