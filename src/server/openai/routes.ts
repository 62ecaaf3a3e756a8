import { Router, type Request, type Response } from 'express';
import { formatSourcesList } from '../../answer/sources-list.ts';
import type { AskEvent } from '../../answer/types.ts';
import { errorCode } from '../api/errors.ts';
import { SseWriter } from '../api/sse.ts';
import type { AskService } from '../../answer/types.ts';
import { clientSignal } from '../http/client-signal.ts';
import { CompletionIdentity, usage } from './completion.ts';
import { openAiErrorBody, openAiNotFound, sendOpenAiError } from './errors.ts';
import { chatCompletionRequestSchema, MODEL_ID, type ChatCompletionRequest } from './schemas.ts';

/** `created` is fixed so the listing is stable across restarts (clients cache it). */
const MODEL = { id: MODEL_ID, object: 'model', created: 1_700_000_000, owned_by: 'paperchat' } as const;

/**
 * Relays the answer as OpenAI chunks: role, text deltas, the Sources list, a final chunk with
 * the citations, optionally usage, then `[DONE]`. Text is relayed as the model writes it; the
 * citation cleanup (dropping markers that point at no source) shows only in the non-streamed form.
 */
async function streamCompletion(request: Request, response: Response, body: ChatCompletionRequest, askService: AskService, describe?: DescribePaper): Promise<void> {
  const signal = clientSignal(request);
  // As on /api/ask: errors before the first event still get a normal status (503 while indexing).
  const events = askService.askStream(body.ask, signal)[Symbol.asyncIterator]();
  const first = await events.next();
  const identity = new CompletionIdentity();
  const sse = new SseWriter(response);
  sse.open();
  sse.sendData(identity.roleChunk());
  let completionText = '';
  try {
    for (let step: IteratorResult<AskEvent> = first; !step.done; step = await events.next()) {
      const event = step.value;
      if (event.type === 'text-delta') {
        completionText += event.text;
        sse.sendData(identity.contentChunk(event.text));
        continue;
      }
      const sources = formatSourcesList(event.result.citations, describe);
      if (sources) {
        completionText += sources;
        sse.sendData(identity.contentChunk(sources));
      }
      sse.sendData(identity.finalChunk(event.result));
      if (body.includeUsage) sse.sendData(identity.usageChunk(usage(body.promptText, completionText)));
      sse.sendData('[DONE]');
    }
  } catch (error) {
    // The status line is already out: OpenAI clients raise an error chunk as an APIError.
    if (!signal.aborted) request.log?.error({ err: error }, 'chat completion stream failed');
    sse.sendData(openAiErrorBody({ status: 500, code: errorCode(error), message: 'The answer could not be completed.' }));
  } finally {
    sse.close();
  }
}

/** `/v1`: the OpenAI chat-completions surface over the same answer pipeline as /api/ask. */
/** The byline and link of a cited paper for the Sources list (authors, year, venue, DOI / arXiv link). */
export type DescribePaper = (paperId: string) => string;

export function openAiRoutes(askService: AskService, describe?: DescribePaper): Router {
  const router = Router();

  router.get('/models', (_request, response) => {
    response.json({ object: 'list', data: [MODEL] });
  });

  router.get('/models/:id', (request, response) => {
    if (request.params.id !== MODEL_ID) {
      sendOpenAiError(response, { status: 404, code: 'model_not_found', message: `The model '${request.params.id.slice(0, 200)}' does not exist; this server offers '${MODEL_ID}'.`, param: 'model' });
      return;
    }
    response.json(MODEL);
  });

  router.post('/chat/completions', async (request, response) => {
    const body = chatCompletionRequestSchema.parse(request.body);
    if (body.stream) {
      await streamCompletion(request, response, body, askService, describe);
      return;
    }
    const result = await askService.ask(body.ask, clientSignal(request));
    response.json(new CompletionIdentity().completion(result, body.promptText, describe));
  });

  router.use(openAiNotFound);
  return router;
}
