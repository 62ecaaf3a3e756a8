import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const retrievalCase = z.object({
  id: z.string(),
  question: z.string(),
  gold_titles: z.array(z.string()).min(1),
  answer_contains: z.array(z.string()).optional(),
});
const unanswerableCase = z.object({ id: z.string(), question: z.string(), kind: z.string() });
const conversationCase = z.object({
  id: z.string(),
  turns: z.array(z.string()).min(1),
  gold_titles: z.array(z.string()).min(1),
  answer_contains: z.array(z.string()).optional(),
});

export type RetrievalCase = z.infer<typeof retrievalCase>;
export type UnanswerableCase = z.infer<typeof unanswerableCase>;
export type ConversationCase = z.infer<typeof conversationCase>;

export type EvalSet =
  | { name: string; kind: 'retrieval'; cases: RetrievalCase[] }
  | { name: string; kind: 'unanswerable'; cases: UnanswerableCase[] }
  | { name: string; kind: 'conversation'; cases: ConversationCase[] };

async function readJsonLines<T>(file: string, schema: z.ZodType<T>): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

/** Every `*.jsonl` in the eval folder, typed by its shape (conversations, unanswerable, the rest). */
export async function loadEvalSets(dir: string): Promise<EvalSet[]> {
  const files = (await fs.readdir(dir)).filter((file) => file.endsWith('.jsonl')).sort();
  const sets: EvalSet[] = [];
  for (const file of files) {
    const name = path.basename(file, '.jsonl');
    const full = path.join(dir, file);
    const firstLine = (await fs.readFile(full, 'utf8')).split('\n').find((line) => line.trim() !== '') ?? '{}';
    const first = JSON.parse(firstLine) as Record<string, unknown>;
    if ('turns' in first) sets.push({ name, kind: 'conversation', cases: await readJsonLines(full, conversationCase) });
    else if ('kind' in first && !('gold_titles' in first)) sets.push({ name, kind: 'unanswerable', cases: await readJsonLines(full, unanswerableCase) });
    else sets.push({ name, kind: 'retrieval', cases: await readJsonLines(full, retrievalCase) });
  }
  return sets;
}
