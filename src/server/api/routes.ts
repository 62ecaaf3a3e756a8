import { Router } from 'express';
import type { AppDependencies } from '../dependencies.ts';
import { clientSignal } from '../http/client-signal.ts';
import { errorCode, sendError } from './errors.ts';
import { askRequestSchema, paperIdSchema, searchRequestSchema } from './schemas.ts';
import { SseWriter, wantsEventStream } from './sse.ts';

export function apiRoutes({ searchService, askService }: AppDependencies): Router {
  const router = Router();

  router.get('/health', (_request, response) => {
    response.json(searchService.status());
  });

  router.get('/ready', (_request, response) => {
    const status = searchService.status();
    response.status(status.status === 'ok' ? 200 : 503).json(status);
  });

  router.post('/search', async (request, response) => {
    const body = searchRequestSchema.parse(request.body);
    const hits = await searchService.search(body.query, { k: body.k, paperIds: body.paperIds });
    response.json({
      results: hits.map(({ paperId, title, score, snippet, scores }) => ({ paperId, title, score, snippet, scores })),
    });
  });

  router.get('/papers/:id', (request, response) => {
    const id = paperIdSchema.safeParse(request.params.id);
    const paper = id.success ? searchService.getPaper(id.data) : undefined;
    if (!paper) {
      sendError(response, 404, 'not_found', 'No paper with that id.');
      return;
    }
    response.json({ paperId: paper.id, title: paper.title, abstract: paper.abstract, sources: paper.sources, links: paper.links });
  });

  router.post('/ask', async (request, response) => {
    const body = askRequestSchema.parse(request.body);
    const askRequest = { question: body.question, history: body.history, k: body.k, paperIds: body.paperIds };
    const signal = clientSignal(request);
    if (!wantsEventStream(request.headers.accept, body.stream)) {
      response.json(await askService.ask(askRequest, signal));
      return;
    }
    // Errors before the first event still get a normal JSON status (e.g. 503 while indexing).
    const events = askService.askStream(askRequest, signal)[Symbol.asyncIterator]();
    const first = await events.next();
    const sse = new SseWriter(response);
    sse.open();
    try {
      for (let step = first; !step.done; step = await events.next()) {
        const event = step.value;
        if (event.type === 'text-delta') sse.send('text-delta', { text: event.text });
        else sse.send('answer-end', event.result);
      }
    } catch (error) {
      // The status line is already out: report the failure as an event.
      const code = errorCode(error);
      if (!signal.aborted) request.log?.error({ err: error }, 'answer stream failed');
      sse.send('error', { error: { code, message: 'The answer could not be completed.' } });
    } finally {
      sse.close();
    }
  });

  return router;
}
