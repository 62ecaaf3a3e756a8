import { stringify } from 'csv-stringify/sync';
import { markdownTable } from 'markdown-table';
import type { ComparisonTable } from './types.ts';

export const TABLE_FORMATS = ['json', 'csv', 'markdown'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** Header and rows as plain text: a paper column, then each column's cell text. */
function matrix(table: ComparisonTable): string[][] {
  return [['Paper', ...table.columns.map((column) => column.label)], ...table.rows.map((row) => [row.title, ...row.cells.map((cell) => cell.text)])];
}

/** RFC 4180 CSV (quotes, commas and line breaks escaped by csv-stringify). */
export function tableToCsv(table: ComparisonTable): string {
  return stringify(matrix(table));
}

/** A GFM table; pipes and line breaks inside cells would end the cell or the row, so they are escaped. */
export function tableToMarkdown(table: ComparisonTable): string {
  const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  return `${markdownTable(matrix(table).map((row) => row.map(escape)), { alignDelimiters: false })}\n`;
}
