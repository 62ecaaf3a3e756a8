import { z } from 'zod';
import type { ChatTurn } from '../../answer/types.ts';
import { askRequestSchema, chatTurnSchema } from '../../answer/ask-request-schema.ts';
import type { AskRequest } from '../../answer/types.ts';

/** The one model this server offers. Any requested model name is answered by it, since clients often send a default. */
export const MODEL_ID = 'paperchat';

/** Chat clients resend the whole conversation; only the recent turns matter for a follow-up (the bound /api/ask uses). */
const MAX_HISTORY_TURNS = 50;

/** OpenAI's `{type: 'text', text}` part; other kinds (images, audio) have no meaning for a paper search. */
const textPartSchema = z.looseObject({
  type: z.literal('text', { error: 'only text content parts are supported' }),
  text: z.string(),
});

/** A message's `content`: a string or text parts, read as one string; null (assistant tool calls) reads as empty. */
const contentSchema = z
  .preprocess(
    (value) => (value === null || value === undefined ? [] : typeof value === 'string' ? [{ type: 'text', text: value }] : value),
    z.array(textPartSchema, { error: 'expected a string or an array of text parts' }).max(100),
  )
  .transform((parts) => parts.map((part) => part.text).join('\n'))
  .pipe(chatTurnSchema.shape.content);

const messageSchema = z.looseObject({
  // System and developer messages are accepted and ignored: answers always come from the papers.
  role: z.enum(['system', 'developer', 'user', 'assistant'], { error: 'role must be system, developer, user or assistant' }),
  content: contentSchema,
});

export interface ChatCompletionRequest {
  stream: boolean;
  /** `stream_options.include_usage`: end the stream with a usage chunk. */
  includeUsage: boolean;
  ask: AskRequest;
  /** Every message's text, for the rough prompt token count. */
  promptText: string;
}

/**
 * `POST /v1/chat/completions`: the last user message is the question, earlier user and
 * assistant messages are the history. Sampling options (`temperature`, `max_tokens`, …)
 * are type-checked and ignored; other fields pass. `k` and `paperIds` are paperchat extensions.
 */
export const chatCompletionRequestSchema = z
  .looseObject({
    model: z.string().min(1).max(200),
    messages: z.array(messageSchema).min(1).max(500),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
    temperature: z.number().nullish(),
    top_p: z.number().nullish(),
    max_tokens: z.number().int().nullish(),
    max_completion_tokens: z.number().int().nullish(),
    k: askRequestSchema.shape.k,
    paperIds: askRequestSchema.shape.paperIds,
    filters: askRequestSchema.shape.filters,
  })
  .transform((body, context): ChatCompletionRequest => {
    const conversation = body.messages.flatMap((message, index) =>
      message.role === 'user' || message.role === 'assistant' ? [{ role: message.role, content: message.content, index }] : [],
    );
    const last = conversation.at(-1);
    if (!last || last.role !== 'user') {
      context.addIssue({ code: 'custom', path: ['messages'], message: 'the last message (system messages aside) must be from the user' });
      return z.NEVER;
    }
    const question = askRequestSchema.shape.question.safeParse(last.content);
    if (!question.success) {
      for (const issue of question.error.issues) context.addIssue({ code: 'custom', path: ['messages', last.index, 'content'], message: `the question ${issue.message}` });
      return z.NEVER;
    }
    const history: ChatTurn[] = conversation
      .slice(0, -1)
      .filter((turn) => turn.content.trim() !== '')
      .slice(-MAX_HISTORY_TURNS)
      .map(({ role, content }) => ({ role, content }));
    return {
      stream: body.stream === true,
      includeUsage: body.stream_options?.include_usage === true,
      ask: { question: question.data, history, k: body.k, ...(body.paperIds ? { paperIds: body.paperIds } : {}), ...(body.filters ? { filters: body.filters } : {}) },
      promptText: body.messages.map((message) => message.content).join('\n'),
    };
  });
