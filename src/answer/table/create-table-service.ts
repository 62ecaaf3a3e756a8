import type { PaperLibrary } from '../../retrieval/paper-library.ts';
import { ExtractiveAnswerProvider } from '../providers/extractive.ts';
import type { AnswerProvider } from '../types.ts';
import { libraryEvidence } from './library-evidence.ts';
import { ComparisonTableBuilder } from './table-builder.ts';
import type { TableService } from './types.ts';

/** Tables over the live index; a generative provider (LLM_PROVIDER=openai|ollama) writes the cell texts. */
export function createTableService(library: PaperLibrary, provider: AnswerProvider): TableService {
  return new ComparisonTableBuilder(libraryEvidence(library), provider instanceof ExtractiveAnswerProvider ? undefined : provider);
}
