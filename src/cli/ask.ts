import { AnswerPipeline } from '../answer/pipeline.ts';
import { createAnswerProvider } from '../answer/create-answer-provider.ts';
import { loadConfig } from '../config.ts';
import { PaperLibrary } from '../retrieval/paper-library.ts';
import { consoleLogger, runCommand } from './console-logger.ts';

/** `npm run ask -- "question"`: the same pipeline as /api/ask, streamed to the terminal. */
runCommand(async () => {
  const question = process.argv.slice(2).join(' ').trim();
  if (!question) throw new Error('usage: npm run ask -- "your question"');
  if (question.length > 2000) throw new Error('the question is longer than 2000 characters');
  const config = loadConfig();
  const library = new PaperLibrary(config, consoleLogger);
  const pipeline = new AnswerPipeline(library, await createAnswerProvider(config));
  try {
    await library.start();
    for await (const event of pipeline.askStream({ question, history: [], k: 6 })) {
      if (event.type === 'text-delta') {
        process.stdout.write(event.text);
        continue;
      }
      const { result } = event;
      process.stdout.write('\n\n');
      if (result.warning) console.log(`warning: ${result.warning}`);
      for (const citation of result.citations) {
        console.log(`[${citation.n}] ${citation.title} (${citation.paperId})\n    “${citation.quote}”`);
      }
      console.log(`\n${result.refused ? 'refused · ' : ''}${result.provider} · retrieve ${result.timings.retrieveMs.toFixed(0)} ms · generate ${result.timings.generateMs.toFixed(0)} ms`);
    }
  } finally {
    await library.close();
  }
});
