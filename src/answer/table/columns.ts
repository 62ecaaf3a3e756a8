import type { ColumnKind, DefaultColumnKind, TableColumn } from './types.ts';

/** A column with the question its sentences are scored against (embedded once per table). */
export interface ColumnSpec extends TableColumn {
  question: string;
}

const DEFAULT_COLUMNS: Record<DefaultColumnKind, { label: string; question: string }> = {
  problem: { label: 'Problem / task', question: 'What problem or task does the paper address?' },
  method: { label: 'Method', question: 'What method, model or approach does the paper propose?' },
  data: { label: 'Data (datasets, benchmarks)', question: 'Which datasets or benchmarks is it trained or evaluated on?' },
  results: { label: 'Results', question: 'What results does it report, with which metric?' },
  code: { label: 'Code / project link', question: 'Where are the code and the project page?' },
};

/**
 * The table's columns: the five defaults when the request names none, else the user's columns
 * in order. A user column that names a default ("results", "Code / project link") gets its typed
 * extractor; any other wording is a question.
 */
export function resolveColumns(requested: readonly string[] | undefined): ColumnSpec[] {
  if (!requested || requested.length === 0) {
    return Object.entries(DEFAULT_COLUMNS).map(([kind, column]) => ({ id: kind, kind: kind as DefaultColumnKind, ...column }));
  }
  const used = new Set<string>();
  return requested.map((text, position) => {
    const kind = defaultKindNamed(text);
    if (kind && !used.has(kind)) {
      used.add(kind);
      return { id: kind, kind, ...DEFAULT_COLUMNS[kind] };
    }
    return { id: `c${position + 1}`, kind: 'question' as ColumnKind, label: text.trim(), question: text.trim() };
  });
}

/** Matches a default column by its id or label, ignoring case and punctuation. */
function defaultKindNamed(text: string): DefaultColumnKind | undefined {
  const normalise = (value: string) => value.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
  const wanted = normalise(text);
  for (const [kind, column] of Object.entries(DEFAULT_COLUMNS) as Array<[DefaultColumnKind, { label: string }]>) {
    if (wanted === kind || wanted === normalise(column.label)) return kind;
  }
  return undefined;
}
