import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BaseMessage } from '@langchain/core/messages';
import {
  ChatPromptTemplate,
  HumanMessagePromptTemplate,
  SystemMessagePromptTemplate,
} from '@langchain/core/prompts';
import { ConfigError } from '../errors.ts';
import type { AnswerSource, ChatTurn, GenerationInput } from './types.ts';

/**
 * The refusal sentence. The system prompt tells the model to reply with exactly this when the
 * sources don't answer; the pipeline and the extractive provider compare against it. One constant,
 * injected into the templates as `{cannot_answer}`.
 */
export const CANNOT_ANSWER = "The indexed papers don't answer this question.";

export const PROMPT_FILES = {
  system: 'system.md',
  answer: 'answer.md',
  condense: 'condense.md',
} as const;

export type PromptName = keyof typeof PROMPT_FILES;

/** The raw text of the three templates (leading `<!-- ... -->` comment removed). */
export type PromptTexts = Record<PromptName, string>;

export interface AnswerPrompts {
  /** system.md + answer.md. Variables: sources, question, query, cannot_answer. */
  answer: ChatPromptTemplate;
  /** condense.md. Variables: history, question. */
  condense: ChatPromptTemplate;
}

/** Which `{variables}` each template must use, and which it may use. */
const TEMPLATE_VARIABLES: Record<PromptName, { required: string[]; allowed: string[] }> = {
  system: { required: ['cannot_answer'], allowed: ['cannot_answer'] },
  answer: { required: ['sources', 'question'], allowed: ['sources', 'question', 'query', 'cannot_answer'] },
  condense: { required: ['history', 'question'], allowed: ['history', 'question'] },
};

/** Earlier turns shown to the condense prompt, and the length each is clipped to. */
export const CONDENSE_HISTORY_TURNS = 6;
export const CONDENSE_TURN_MAX_CHARS = 1500;

const LEADING_COMMENT = /^\uFEFF?\s*<!--[\s\S]*?-->\s*/;

/** Reads the three template files synchronously (startup). A missing file is a ConfigError naming it. */
export function readPromptTexts(promptsDir: string): PromptTexts {
  const read = (name: PromptName): string => {
    const file = path.join(promptsDir, PROMPT_FILES[name]);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(error);
      throw new ConfigError(`Prompt template ${file} ${reason} (set PROMPTS_DIR to the folder holding ${Object.values(PROMPT_FILES).join(', ')}).`);
    }
    const body = text.replace(LEADING_COMMENT, '').trim();
    if (body === '') throw new ConfigError(`Prompt template ${file} is empty.`);
    return body;
  };
  return { system: read('system'), answer: read('answer'), condense: read('condense') };
}

function checkVariables(name: PromptName, variables: string[]): void {
  const { required, allowed } = TEMPLATE_VARIABLES[name];
  const file = PROMPT_FILES[name];
  const unknown = variables.filter((variable) => !allowed.includes(variable));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Prompt template ${file} uses unknown variable(s) ${unknown.map((v) => `{${v}}`).join(', ')}; ` +
        `allowed: ${allowed.map((v) => `{${v}}`).join(', ')} (write literal braces as {{ and }}).`,
    );
  }
  const missing = required.filter((variable) => !variables.includes(variable));
  if (missing.length > 0) {
    throw new ConfigError(`Prompt template ${file} must contain ${missing.map((v) => `{${v}}`).join(', ')}.`);
  }
}

function messageTemplate(name: PromptName, kind: 'system' | 'human', text: string) {
  let template: SystemMessagePromptTemplate | HumanMessagePromptTemplate;
  try {
    template =
      kind === 'system'
        ? SystemMessagePromptTemplate.fromTemplate(text)
        : HumanMessagePromptTemplate.fromTemplate(text);
  } catch (error) {
    throw new ConfigError(
      `Prompt template ${PROMPT_FILES[name]} could not be parsed (${error instanceof Error ? error.message : String(error)}); write literal braces as {{ and }}.`,
    );
  }
  checkVariables(name, template.inputVariables as string[]);
  return template;
}

/** Builds (and validates) the LangChain chat prompt templates from the template texts. */
export function buildPrompts(texts: PromptTexts): AnswerPrompts {
  return {
    answer: ChatPromptTemplate.fromMessages([
      messageTemplate('system', 'system', texts.system),
      messageTemplate('answer', 'human', texts.answer),
    ]),
    condense: ChatPromptTemplate.fromMessages([messageTemplate('condense', 'human', texts.condense)]),
  };
}

/** Loads the templates from PROMPTS_DIR and builds the prompts; throws ConfigError on any problem. */
export function loadPrompts(promptsDir: string): AnswerPrompts {
  return buildPrompts(readPromptTexts(promptsDir));
}

/**
 * Delimiter look-alikes: anything that could open or close one of our blocks
 * (`<source`, `</source>`, `</sources>`, `</conversation>`, also with spaces or full-width
 * angle brackets), plus chat-template special tokens such as `<|im_start|>`.
 */
const DELIMITER_LOOKALIKE = /[<\uFF1C\uFE64](?=\s*\/?\s*(?:sources?|conversation|system|instructions?)\b|\s*\|)/giu;

/** Makes untrusted text (an abstract, a chat turn) unable to open or close a prompt block. */
export function neutraliseDelimiters(text: string): string {
  return text.replace(DELIMITER_LOOKALIKE, '&lt;');
}

function escapeAttribute(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The numbered sources as delimited data blocks:
 * `<source n="1" title="...">abstract</source>`, separated by blank lines.
 */
export function formatSources(sources: ReadonlyArray<Pick<AnswerSource, 'n' | 'title' | 'abstract'>>): string {
  return sources
    .map(
      (source) =>
        `<source n="${source.n}" title="${escapeAttribute(source.title)}">\n` +
        `${neutraliseDelimiters(source.abstract.trim())}\n` +
        `</source>`,
    )
    .join('\n\n');
}

function clip(text: string, max: number): string {
  const flat = text.trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The last turns of the conversation, one `User:` / `Assistant:` paragraph each. */
export function formatHistory(history: readonly ChatTurn[]): string {
  return history
    .slice(-CONDENSE_HISTORY_TURNS)
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${neutraliseDelimiters(clip(turn.content, CONDENSE_TURN_MAX_CHARS))}`)
    .join('\n\n');
}

/** The messages sent for an answer: system prompt + sources + question. */
export function formatAnswerMessages(prompts: AnswerPrompts, input: GenerationInput): Promise<BaseMessage[]> {
  return prompts.answer.formatMessages({
    sources: formatSources(input.sources),
    question: input.question.trim(),
    query: (input.query || input.question).trim(),
    cannot_answer: CANNOT_ANSWER,
  });
}

/** The messages sent to rewrite a follow-up into a standalone query. */
export function formatCondenseMessages(
  prompts: AnswerPrompts,
  history: readonly ChatTurn[],
  question: string,
): Promise<BaseMessage[]> {
  return prompts.condense.formatMessages({ history: formatHistory(history), question: question.trim() });
}
