import { Router } from 'express';
import { paperMetadata } from '../../retrieval/paper-metadata.ts';
import type { PaperFilters, SearchService } from '../../retrieval/types.ts';
import type { AppDependencies } from '../dependencies.ts';
import { clientSignal } from '../http/client-signal.ts';
import { errorCode, sendError } from './errors.ts';
import { askRequestSchema } from '../../answer/ask-request-schema.ts';
import { paperIdSchema, searchRequestSchema } from '../../retrieval/search-request-schema.ts';
import { SseWriter, wantsEventStream } from './sse.ts';

/** What an answer or a search was limited to, for the UI's scope chip. */
function scopeOf(searchService: SearchService, filters: PaperFilters | undefined): { filters: PaperFilters; papers: number } | undefined {
  return filters ? { filters, papers: searchService.countPapers(filters) } : undefined;
}

export function apiRoutes({ searchService, askService, indexAdmin }: AppDependencies): Router {
  const router = Router();

  router.get('/health', (_request, response) => {
    response.json(searchService.status());
  });

  router.get('/ready', (_request, response) => {
    const status = searchService.status();
    response.status(status.status === 'ok' && status.database !== 'down' ? 200 : 503).json(status);
  });

  /** The live build, the one in progress and the last ingest report (built or failed). */
  router.get('/index', (_request, response) => {
    if (!indexAdmin) {
      const status = searchService.status();
      response.json({ live: status.status === 'ok' ? { papers: status.papers, chunks: status.chunks, embedder: status.embedder } : null, building: null, queued: false, lastReport: null });
      return;
    }
    response.json(indexAdmin.indexInfo());
  });

  router.post('/search', async (request, response) => {
    const body = searchRequestSchema.parse(request.body);
    const hits = await searchService.search(body.query, { k: body.k, paperIds: body.paperIds, filters: body.filters });
    const scope = scopeOf(searchService, body.filters);
    response.json({
      results: hits.map(({ paperId, title, score, snippet, scores }) => {
        const paper = searchService.getPaper(paperId);
        return { paperId, title, score, snippet, scores, ...(paper ? paperMetadata(paper) : {}) };
      }),
      ...(scope ? { scope } : {}),
    });
  });

  router.get('/papers/:id', (request, response) => {
    const id = paperIdSchema.safeParse(request.params.id);
    const paper = id.success ? searchService.getPaper(id.data) : undefined;
    if (!paper) {
      sendError(response, 404, 'not_found', 'No paper with that id.');
      return;
    }
    response.json({ paperId: paper.id, title: paper.title, abstract: paper.abstract, sources: paper.sources, links: paper.links, ...paperMetadata(paper) });
  });

  router.post('/ask', async (request, response) => {
    const body = askRequestSchema.parse(request.body);
    const askRequest = { question: body.question, history: body.history, k: body.k, paperIds: body.paperIds, filters: body.filters };
    const signal = clientSignal(request);
    const scope = scopeOf(searchService, body.filters);
    if (!wantsEventStream(request.headers.accept, body.stream)) {
      response.json({ ...(await askService.ask(askRequest, signal)), ...(scope ? { scope } : {}) });
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
        else sse.send('answer-end', { ...event.result, ...(scope ? { scope } : {}) });
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
