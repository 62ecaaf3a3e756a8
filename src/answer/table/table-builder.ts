import type { Paper } from '../../corpus/types.ts';
import { NotFoundError } from '../../errors.ts';
import { LlmProviderError } from '../providers/llm-provider-error.ts';
import type { AnswerProvider } from '../types.ts';
import { resolveColumns, type ColumnSpec } from './columns.ts';
import { extractCell, type PaperEvidence } from './extractors.ts';
import { writeCell } from './llm-cells.ts';
import type { ComparisonTable, TableCell, TableEvidenceSource, TableRequest, TableRow, TableService } from './types.ts';

/** Cells asked of an LLM at once: enough to overlap network waits, few enough not to flood a local server. */
const LLM_CONCURRENCY = 4;

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const position = next++;
      results[position] = await work(items[position]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * One row per paper, one cell per column, every cell backed by abstract spans or "not stated".
 * Offline the cells are extracted; with a generative provider each cell's text is written by
 * the model and kept only when the abstract supports it.
 */
export class ComparisonTableBuilder implements TableService {
  constructor(
    private readonly evidence: TableEvidenceSource,
    /** Only a generative provider: the extractive one would only repeat the extracted text. */
    private readonly writer?: AnswerProvider,
  ) {}

  async build(request: TableRequest, signal?: AbortSignal): Promise<ComparisonTable> {
    const papers = request.paperIds ? this.papersById(request.paperIds) : await this.papersFor(request.question, request.k);
    const columns = resolveColumns(request.columns);
    // Each column's question is embedded once, then compared with every paper's stored sentence vectors.
    const vectors = await Promise.all(columns.map((column) => (column.kind === 'code' ? null : this.evidence.embedQuery(column.question))));
    const extracted = await Promise.all(
      papers.map(async (paper) => {
        const sentences = this.evidence.sentencesOf(paper);
        const cells = await Promise.all(
          columns.map(async (column, position) => {
            const vector = vectors[position];
            const similarities = vector ? await this.evidence.sentenceSimilarities(paper, vector) : sentences.map(() => 0);
            const paperEvidence: PaperEvidence = { paper, sentences, similarities };
            return extractCell(column, paperEvidence);
          }),
        );
        return { paper, cells };
      }),
    );
    const base = { columns: columns.map(({ id, label, kind }) => ({ id, label, kind })), ...(request.question ? { question: request.question } : {}) };
    if (!this.writer) {
      return { ...base, provider: 'extractive', rows: extracted.map(({ paper, cells }) => ({ paperId: paper.id, title: paper.title, cells })) };
    }
    return { ...base, ...(await this.writeCells(this.writer, extracted, columns, signal)) };
  }

  private papersById(paperIds: readonly string[]): Paper[] {
    const unique = [...new Set(paperIds)];
    const unknown = unique.filter((paperId) => !this.evidence.getPaper(paperId));
    if (unknown.length > 0) throw new NotFoundError(`No paper with id: ${unknown.join(', ')}`);
    return unique.map((paperId) => this.evidence.getPaper(paperId)!);
  }

  private async papersFor(question: string, k: number): Promise<Paper[]> {
    const hits = await this.evidence.search(question, { k });
    return hits.flatMap((hit) => this.evidence.getPaper(hit.paperId) ?? []);
  }

  /** After the model's first failure the remaining cells keep their extracted text (with a warning). */
  private async writeCells(
    writer: AnswerProvider,
    extracted: Array<{ paper: Paper; cells: TableCell[] }>,
    columns: ColumnSpec[],
    signal?: AbortSignal,
  ): Promise<{ rows: TableRow[]; provider: string; warning?: string }> {
    let failure: string | null = null;
    let dropped = 0;
    const jobs = extracted.flatMap(({ paper, cells }, row) => cells.map((cell, column) => ({ paper, cell, row, column })));
    const written = await mapWithConcurrency(jobs, LLM_CONCURRENCY, async ({ paper, cell, column }) => {
      if (failure !== null) return cell;
      try {
        const outcome = await writeCell(writer, paper, this.evidence.sentencesOf(paper), columns[column]!, cell, signal);
        if (outcome.dropped) dropped++;
        return outcome.cell;
      } catch (error) {
        if (!(error instanceof LlmProviderError)) throw error;
        failure ??= error.message;
        return cell;
      }
    });
    const rows = extracted.map(({ paper, cells }, row) => ({
      paperId: paper.id,
      title: paper.title,
      cells: cells.map((_, column) => written[row * columns.length + column]!),
    }));
    const warnings = [
      ...(failure !== null ? [`The ${writer.name} model failed (${failure}); the remaining cells were extracted from the abstracts.`] : []),
      ...(dropped > 0 ? [`${dropped} model-written cell text${dropped === 1 ? ' was' : 's were'} not supported by the abstract and replaced by the extracted text.`] : []),
    ];
    return { rows, provider: writer.name, ...(warnings.length > 0 ? { warning: warnings.join(' ') } : {}) };
  }
}
