import { z } from 'zod';
import type { Paper } from '../corpus/types.ts';
import { analyze, analyzeUncached } from '../text/terms.ts';
import { BM25_PARAMETERS, TITLE_BOOST, type LexicalHit, type LexicalIndex, type LexicalQueryOptions } from './lexical-index.ts';

/**
 * BM25 over papers held in typed arrays: one compressed-sparse-row posting table per field
 * (term → ascending paper numbers with term frequencies), scored term at a time into a
 * reused accumulator. Exact: every matching paper is scored, as MiniSearch did, but over
 * flat arrays instead of nested Maps, so a query touches contiguous memory, the index loads
 * as a few buffers (no JSON object graph) and holds ~6 bytes per posting.
 *
 * The score is the one MiniSearch computed for this product (so rankings and the fitted
 * ranker's inputs do not change): for each query term t (repeats count again) and field f,
 *   boost_f · idf_f(t) · (δ + tf·(k1+1) / (tf + k1·(1 − b + b·len_f/avglen_f)))
 * with idf_f(t) = ln(1 + (N − df_f + ½)/(df_f + ½)), len_f = distinct terms of the field;
 * the sum is multiplied by the number of distinct query terms the paper matches.
 */

const FIELDS = ['title', 'abstract'] as const;
const FIELD_BOOSTS = [TITLE_BOOST, 1] as const;
const MAGIC = 0x504c5831; // "PLX1"
const FORMAT_VERSION = 1;

/** The parts of the file that are not typed arrays; validated on load. */
const headerSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  documentCount: z.number().int().nonnegative(),
  paperIds: z.array(z.string()),
  terms: z.array(z.string()),
  averageFieldLengths: z.array(z.number().nonnegative()).length(FIELDS.length),
  postingCounts: z.array(z.number().int().nonnegative()).length(FIELDS.length),
});
type Header = z.infer<typeof headerSchema>;

interface FieldPostings {
  /** offsets[term]..offsets[term + 1] index into docs/tfs. */
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint16Array;
  /** Distinct terms of the field per paper (MiniSearch's field length). */
  lengths: Uint32Array;
  averageLength: number;
}

export class PostingsLexicalIndex implements LexicalIndex {
  private readonly termIds: Map<string, number>;
  /** Per-query scratch, allocated once: queries run to completion synchronously. */
  private readonly scores: Float64Array;
  private readonly matched: Uint16Array;
  private readonly lastTerm: Int32Array;
  private readonly touched: Uint32Array;
  /** k1·(1 − b + b·len/avglen) per field and paper: the only per-paper part of a posting's score. */
  private readonly norms: Float64Array[];

  private constructor(
    private readonly paperIds: string[],
    private readonly terms: string[],
    private readonly fields: FieldPostings[],
  ) {
    this.termIds = new Map(terms.map((term, id) => [term, id]));
    const count = paperIds.length;
    this.scores = new Float64Array(count);
    this.matched = new Uint16Array(count);
    this.lastTerm = new Int32Array(count).fill(-1);
    this.touched = new Uint32Array(count);
    const { k1, b } = BM25_PARAMETERS;
    this.norms = fields.map((field) => {
      const norms = new Float64Array(count);
      const average = field.averageLength || 1;
      for (let doc = 0; doc < count; doc++) norms[doc] = k1 * (1 - b + (b * field.lengths[doc]!) / average);
      return norms;
    });
  }

  get documentCount(): number {
    return this.paperIds.length;
  }

  static build(papers: Array<Pick<Paper, 'id' | 'title' | 'abstract'>>): PostingsLexicalIndex {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    // Per field, (term, tf) pairs in paper order in flat growable arrays: at 100k papers a
    // list per term would be millions of small JS arrays for the garbage collector.
    const entries = FIELDS.map(() => ({ terms: new GrowableUint32(), tfs: new GrowableUint32(), docEnds: new Uint32Array(papers.length) }));
    const lengths = FIELDS.map(() => new Uint32Array(papers.length));
    const counts = new Map<number, number>();
    papers.forEach((paper, doc) => {
      FIELDS.forEach((field, fieldIndex) => {
        counts.clear();
        for (const term of analyzeUncached(paper[field])) {
          let id = termIds.get(term);
          if (id === undefined) {
            id = terms.length;
            termIds.set(term, id);
            terms.push(term);
          }
          counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        lengths[fieldIndex]![doc] = counts.size;
        const fieldEntries = entries[fieldIndex]!;
        for (const [id, tf] of counts) {
          fieldEntries.terms.push(id);
          fieldEntries.tfs.push(Math.min(tf, 0xffff));
        }
        fieldEntries.docEnds[doc] = fieldEntries.terms.length;
      });
    });
    const fields = FIELDS.map((_, fieldIndex): FieldPostings => {
      const { terms: entryTerms, tfs: entryTfs, docEnds } = entries[fieldIndex]!;
      const total = entryTerms.length;
      const offsets = new Uint32Array(terms.length + 1);
      for (let at = 0; at < total; at++) offsets[entryTerms.get(at) + 1]!++;
      for (let term = 0; term < terms.length; term++) offsets[term + 1]! += offsets[term]!;
      const docs = new Uint32Array(total);
      const tfs = new Uint16Array(total);
      const cursor = offsets.slice(0, terms.length);
      // Papers in order, so every posting list comes out sorted by paper.
      let at = 0;
      for (let doc = 0; doc < papers.length; doc++) {
        for (const end = docEnds[doc]!; at < end; at++) {
          const slot = cursor[entryTerms.get(at)]!++;
          docs[slot] = doc;
          tfs[slot] = entryTfs.get(at);
        }
      }
      const fieldLengths = lengths[fieldIndex]!;
      let sum = 0;
      for (const length of fieldLengths) sum += length;
      return { offsets, docs, tfs, lengths: fieldLengths, averageLength: papers.length > 0 ? sum / papers.length : 0 };
    });
    return new PostingsLexicalIndex(
      papers.map((paper) => paper.id),
      terms,
      fields,
    );
  }

  query(text: string, limit: number, options: LexicalQueryOptions = {}): LexicalHit[] {
    const { filter, termWeights } = options;
    const count = this.paperIds.length;
    if (count === 0 || limit <= 0) return [];
    // Distinct query terms in first-occurrence order, with how often each was asked for.
    const multiplicity = new Map<string, number>();
    for (const term of analyze(text)) multiplicity.set(term, (multiplicity.get(term) ?? 0) + 1);

    const { scores, matched, lastTerm, touched } = this;
    const { k1, delta } = BM25_PARAMETERS;
    let touchedCount = 0;
    let queryTerm = 0;
    for (const [term, times] of multiplicity) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const weight = times * (termWeights?.get(term) ?? 1);
      for (let fieldIndex = 0; fieldIndex < FIELDS.length; fieldIndex++) {
        const field = this.fields[fieldIndex]!;
        const start: number = field.offsets[id]!;
        const end = field.offsets[id + 1]!;
        if (end === start) continue;
        const documentFrequency = end - start;
        const idf = Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
        const factor = weight * FIELD_BOOSTS[fieldIndex]! * idf;
        const norms = this.norms[fieldIndex]!;
        const { docs, tfs } = field;
        for (let at: number = start; at < end; at++) {
          const doc = docs[at]!;
          const tf = tfs[at]!;
          const value = factor * (delta + (tf * (k1 + 1)) / (tf + norms[doc]!));
          if (lastTerm[doc] === -1) {
            touched[touchedCount++] = doc;
            scores[doc] = value;
            matched[doc] = 1;
            lastTerm[doc] = queryTerm;
          } else {
            scores[doc]! += value;
            if (lastTerm[doc] !== queryTerm) {
              matched[doc]! += 1;
              lastTerm[doc] = queryTerm;
            }
          }
        }
      }
      queryTerm++;
    }

    // Top `limit` by final score; ties keep first-match order (as MiniSearch's stable sort did).
    const heap = new TopK(limit);
    for (let position = 0; position < touchedCount; position++) {
      const doc = touched[position]!;
      lastTerm[doc] = -1;
      if (filter && !filter(this.paperIds[doc]!)) continue;
      heap.offer(scores[doc]! * matched[doc]!, position, doc);
    }
    return heap.sorted().map(({ doc, score }) => new Hit(this.paperIds[doc]!, score));
  }

  /** One buffer: magic, version, header length, JSON header, then the typed arrays (4-byte aligned). */
  serialize(): Uint8Array {
    const header: Header = {
      version: FORMAT_VERSION,
      documentCount: this.paperIds.length,
      paperIds: this.paperIds,
      terms: this.terms,
      averageFieldLengths: this.fields.map((field) => field.averageLength),
      postingCounts: this.fields.map((field) => field.docs.length),
    };
    const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
    const headerPadded = align4(headerBytes.length);
    const parts: ArrayBufferView[] = [];
    for (const field of this.fields) parts.push(field.offsets, field.docs, field.lengths, field.tfs);
    const bodyLength = parts.reduce((sum, part) => sum + align4(part.byteLength), 0);
    const out = new Uint8Array(12 + headerPadded + bodyLength);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, FORMAT_VERSION, true);
    view.setUint32(8, headerBytes.length, true);
    out.set(headerBytes, 12);
    let at = 12 + headerPadded;
    for (const part of parts) {
      out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), at);
      at += align4(part.byteLength);
    }
    return out;
  }

  static deserialize(bytes: Uint8Array): PostingsLexicalIndex {
    if (bytes.byteLength < 12) throw new Error('lexical index is truncated');
    // Typed-array views need 4-byte alignment; a Buffer from readFile may sit at any offset.
    const data = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw new Error('lexical index has an unknown format');
    if (view.getUint32(4, true) !== FORMAT_VERSION) throw new Error(`lexical index format ${view.getUint32(4, true)}, this build reads ${FORMAT_VERSION}`);
    const headerLength = view.getUint32(8, true);
    if (12 + headerLength > data.byteLength) throw new Error('lexical index is truncated');
    const header = headerSchema.parse(JSON.parse(Buffer.from(data.buffer, data.byteOffset + 12, headerLength).toString('utf8')));
    const count = header.documentCount;
    if (header.paperIds.length !== count) throw new Error('lexical index lists the wrong number of papers');
    let at = data.byteOffset + 12 + align4(headerLength);
    const end = data.byteOffset + data.byteLength;
    const take = <T>(make: (buffer: ArrayBufferLike, offset: number, length: number) => T, length: number, bytesPer: number): T => {
      if (at + length * bytesPer > end) throw new Error('lexical index is truncated');
      const array = make(data.buffer, at, length);
      at += align4(length * bytesPer);
      return array;
    };
    const fields = FIELDS.map((_, fieldIndex): FieldPostings => {
      const postings = header.postingCounts[fieldIndex]!;
      const offsets = take((buffer, offset, length) => new Uint32Array(buffer, offset, length), header.terms.length + 1, 4);
      const docs = take((buffer, offset, length) => new Uint32Array(buffer, offset, length), postings, 4);
      const lengths = take((buffer, offset, length) => new Uint32Array(buffer, offset, length), count, 4);
      const tfs = take((buffer, offset, length) => new Uint16Array(buffer, offset, length), postings, 2);
      if (offsets[header.terms.length] !== postings) throw new Error('lexical index postings disagree with its header');
      return { offsets, docs, tfs, lengths, averageLength: header.averageFieldLengths[fieldIndex]! };
    });
    return new PostingsLexicalIndex(header.paperIds, header.terms, fields);
  }
}

/** A Uint32Array that doubles as it fills. */
class GrowableUint32 {
  private data = new Uint32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  get(index: number): number {
    return this.data[index]!;
  }
}

function align4(length: number): number {
  return (length + 3) & ~3;
}

/**
 * Classes, not object literals, for what every question makes a hundred of: V8 may decide
 * that a literal allocated this often is long-lived and allocate it straight in the old
 * generation ("pretenuring"), where it waits for a full GC (docs/performance.md, "npm run load").
 */
class Hit implements LexicalHit {
  constructor(
    readonly paperId: string,
    readonly score: number,
  ) {}
}

class Scored {
  constructor(
    readonly score: number,
    readonly position: number,
    readonly doc: number,
  ) {}
}

/** Bounded min-heap on (score, then earlier first-match wins): O(n log k) selection. */
class TopK {
  private readonly entries: Scored[] = [];
  constructor(private readonly limit: number) {}

  /** a ranks below b. */
  private static worse(a: { score: number; position: number }, b: { score: number; position: number }): boolean {
    return a.score < b.score || (a.score === b.score && a.position > b.position);
  }

  offer(score: number, position: number, doc: number): void {
    const { entries } = this;
    if (entries.length < this.limit) {
      entries.push(new Scored(score, position, doc));
      let child = entries.length - 1;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!TopK.worse(entries[child]!, entries[parent]!)) break;
        const swapped = entries[child]!;
        entries[child] = entries[parent]!;
        entries[parent] = swapped;
        child = parent;
      }
      return;
    }
    const root = entries[0]!;
    if (!(score > root.score || (score === root.score && position < root.position))) return;
    entries[0] = new Scored(score, position, doc);
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < entries.length && TopK.worse(entries[left]!, entries[smallest]!)) smallest = left;
      if (right < entries.length && TopK.worse(entries[right]!, entries[smallest]!)) smallest = right;
      if (smallest === parent) break;
      const swapped = entries[smallest]!;
      entries[smallest] = entries[parent]!;
      entries[parent] = swapped;
      parent = smallest;
    }
  }

  sorted(): Scored[] {
    return [...this.entries].sort((a, b) => b.score - a.score || a.position - b.position);
  }
}
