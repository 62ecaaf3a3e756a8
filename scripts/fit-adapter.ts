/**
 * Experiment (issue 13, "Vector" lever): does a linear adapter on the encoder's vectors,
 * q' = normalise(W q), improve retrieval on questions it never saw? Runs the protocol of
 * scripts/fit-ranker.ts (baseline fusion, tune→check, 5-fold CV of the learned ranker)
 * once per adapter variant, on the live index (never rebuilt).
 *
 *   node --import tsx scripts/fit-adapter.ts [--variants=none,ssl,...] [--epochs=2] [--pull=1] [--lr=0.001] [--temperature=0.05]
 *
 * Variants: `none`; `ssl` (query-side, self-supervised on corpus pairs); `ssl-sym` (both
 * sides: unit vectors transformed in memory and an in-memory HNSW graph built over them);
 * `sup` (query-side, fitted on eval questions, each question scored by a fold that did not
 * see it, and paper-disjoint: questions about a held-out question's gold paper are left out
 * of that fold's training, or a second question about the same paper leaks its answer);
 * `ssl+sup` (the ssl matrix fine-tuned on the same folds); `sup:overlap=1` keeps the leaky
 * folds for comparison. Settings per variant:
 * `ssl:identityPull=0.1:learningRate=0.003:epochs=2`.
 *
 * Measured and rejected (issue 13): no variant moved cross-validated held-out short
 * recall@5 by the +0.02 the decision rule asks for, and topics recall@10 fell with every
 * corpus-trained variant. The supervised adapter helps the vector side alone (the ranker
 * already recovers those papers through BM25) and transfers badly from tune to check.
 *   node --import tsx scripts/fit-adapter.ts --pull=0.01 --lr=0.003 --epochs=2 --variants=none,ssl,sup:identityPull=0.1
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { z } from 'zod';
import { consoleLogger, runCommand } from '../src/cli/console-logger.ts';
import { loadConfig, PROJECT_ROOT } from '../src/config.ts';
import { createEmbeddingsById } from '../src/embeddings/create-embeddings.ts';
import type { IdentifiedEmbeddings } from '../src/embeddings/types.ts';
import { loadEvalSets } from '../src/evaluation/eval-sets.ts';
import { mean, recallAt, reciprocalRankAt } from '../src/evaluation/metrics.ts';
import { HnswVectorStore } from '../src/index/hnsw-vector-store.ts';
import { IndexDirectory } from '../src/index/index-directory.ts';
import { loadIndex, readManifest, type LoadedIndex } from '../src/index/load-index.ts';
import { HybridRetriever } from '../src/retrieval/hybrid-retriever.ts';
import { MIN_MAX_FUSION } from '../src/retrieval/linear-ranker.ts';
import { combinedVectorScore } from '../src/retrieval/paper-features.ts';
import { mulberry32 } from '../src/util/seeded-random.ts';
import { normaliseInPlace } from '../src/util/vectors.ts';
import { adapt, corpusPairs, identity, trainAdapter, type AdapterPair, type CorpusUnit } from './fitting/embedding-adapter.ts';
import { fit, queriesOf, rank, report, type LabelledQuery, type Scored } from './fit-ranker.ts';

const QUERY_CACHE = '/tmp/paperchat-adapter/query-vectors.json';
const FOLDS = 5;

/** Serves query vectors computed once (the encoder is the slow part of every variant). */
class FixedQueryEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  constructor(
    readonly id: string,
    readonly dimensions: number,
    private readonly vectors: ReadonlyMap<string, number[]>,
  ) {
    super({});
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return Promise.all(texts.map((text) => this.embedQuery(text)));
  }

  async embedQuery(text: string): Promise<number[]> {
    const vector = this.vectors.get(text);
    if (!vector) throw new Error(`no cached vector for ${JSON.stringify(text)}`);
    return vector;
  }
}

interface Question {
  split: 'tune' | 'check';
  set: string;
  id: string;
  question: string;
  gold: string[];
}

function argument(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((value) => value.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

async function queryVectors(texts: readonly string[], embeddings: IdentifiedEmbeddings): Promise<Map<string, number[]>> {
  const cacheSchema = z.record(z.string(), z.array(z.number()));
  let cached: Record<string, number[]> = {};
  try {
    cached = cacheSchema.parse(JSON.parse(await fs.readFile(QUERY_CACHE, 'utf8')));
  } catch {
    cached = {};
  }
  const missing = texts.filter((text) => !(text in cached));
  for (const text of missing) cached[text] = await embeddings.embedQuery(text);
  if (missing.length > 0) {
    await fs.mkdir(path.dirname(QUERY_CACHE), { recursive: true });
    await fs.writeFile(QUERY_CACHE, JSON.stringify(cached));
  }
  return new Map(texts.map((text) => [text, cached[text]!]));
}

function corpusUnits(index: LoadedIndex): CorpusUnit[] {
  const units: CorpusUnit[] = [];
  for (let label = 0; label < index.vectors.size; label++) {
    const unit = index.vectors.unit(label)!;
    units.push({ paperId: unit.metadata.paperId, kind: unit.metadata.kind, vector: index.vectors.vectorOf(unit.metadata.chunkId)! });
  }
  return units;
}

/** Supervised pairs: a question → each of its gold papers, as the normalised mean of the paper's title and chunk vectors. */
function questionPairs(questions: readonly Question[], vectors: ReadonlyMap<string, number[]>, units: readonly CorpusUnit[]): AdapterPair[] {
  const paperVectors = new Map<string, Float32Array>();
  for (const unit of units) {
    if (unit.kind === 'sentence') continue;
    const sum = paperVectors.get(unit.paperId) ?? new Float32Array(unit.vector.length);
    for (let position = 0; position < sum.length; position++) sum[position]! += unit.vector[position]!;
    paperVectors.set(unit.paperId, sum);
  }
  for (const sum of paperVectors.values()) normaliseInPlace(sum);
  const pairs: AdapterPair[] = [];
  for (const question of questions) {
    const anchor = Float32Array.from(vectors.get(question.question)!);
    for (const paperId of question.gold) {
      const positive = paperVectors.get(paperId);
      if (positive) pairs.push({ anchor, positive, group: `${question.split}/${question.id}` });
    }
  }
  return pairs;
}

type Metrics = Map<string, { r1: number; r5: number; r10: number; mrr: number; n: number }>;

function metricsOf(scored: readonly Scored[]): Metrics {
  const groups = new Map<string, Scored[]>();
  for (const entry of scored) {
    const key = `${entry.query.split} ${entry.query.set}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const result: Metrics = new Map();
  for (const [key, entries] of [...groups.entries()].sort()) {
    const at = (k: number) => mean(entries.map(({ ranking, query }) => recallAt(ranking, query.gold, k)));
    result.set(key, { r1: at(1), r5: at(5), r10: at(10), mrr: mean(entries.map(({ ranking, query }) => reciprocalRankAt(ranking, query.gold, 10))), n: entries.length });
  }
  return result;
}

/** Candidate recall: whether the gold papers reach the ranker at all (the adapter changes HNSW's candidates). */
function candidateRecall(queries: readonly LabelledQuery[]): string {
  const bySet = new Map<string, number[]>();
  for (const query of queries) {
    const found = query.gold.filter((paperId) => query.candidates.some((candidate) => candidate.paperId === paperId)).length / query.gold.length;
    const key = `${query.split} ${query.set}`;
    bySet.set(key, [...(bySet.get(key) ?? []), found]);
  }
  return [...bySet.entries()]
    .sort()
    .map(([key, values]) => `${key} ${mean(values).toFixed(3)}`)
    .join(' | ');
}

type VariantOverrides = Partial<Record<'epochs' | 'identityPull' | 'learningRate' | 'temperature' | 'batchSize' | 'overlap', number>>;

/** Mean InfoNCE of a fixed sample of pairs under W (one batch), to see whether training moved anything. */
function pairLoss(matrix: Float32Array, pairs: readonly AdapterPair[], temperature: number): number {
  const anchors = pairs.map((pair) => adapt(matrix, pair.anchor));
  let loss = 0;
  anchors.forEach((anchor, item) => {
    const logits = pairs.map((pair, other) => (other !== item && pair.group === pairs[item]!.group ? -Infinity : anchor.reduce((sum, value, column) => sum + value * pair.positive[column]!, 0) / temperature));
    const highest = Math.max(...logits);
    loss -= logits[item]! - highest - Math.log(logits.reduce((sum, logit) => sum + Math.exp(logit - highest), 0));
  });
  return loss / pairs.length;
}

function distanceFromIdentity(matrix: Float32Array): number {
  const dimensions = Math.round(Math.sqrt(matrix.length));
  let sum = 0;
  for (let position = 0; position < matrix.length; position++) sum += (matrix[position]! - (position % (dimensions + 1) === 0 ? 1 : 0)) ** 2;
  return Math.sqrt(sum);
}

/**
 * The vector side alone, exact over all papers (sentence max + chunk max + ½ title max):
 * where the adapter acts, before BM25 and the ranker can hide or undo it.
 */
async function vectorOnly(name: string, questions: readonly Question[], index: LoadedIndex, retrieverFor: (question: Question) => HybridRetriever): Promise<Metrics> {
  const scored: Scored[] = [];
  const ranksBySet = new Map<string, number[]>();
  for (const question of questions) {
    const raw = await retrieverFor(question).embedQuery(question.question);
    const query = Float32Array.from(raw);
    let norm = 0;
    for (const value of query) norm += value * value;
    for (let position = 0; position < query.length; position++) query[position]! /= Math.sqrt(norm) || 1;
    const scores = index.papers.map((paper) => {
      const best: Partial<Record<'title' | 'sentence' | 'chunk', number>> = {};
      const units = index.vectors.paperUnitMetadata(paper.id);
      index.vectors.scorePaperUnits(paper.id, query).forEach((similarity, position) => {
        const { kind } = units[position]!;
        if (similarity > (best[kind] ?? -1)) best[kind] = similarity;
      });
      return { paperId: paper.id, score: combinedVectorScore(best) };
    });
    const ranking = scores.sort((a, b) => b.score - a.score).map((entry) => entry.paperId);
    scored.push({ query: { split: question.split, set: question.set, id: question.id, candidates: [], gold: question.gold }, ranking });
    const key = `${question.split} ${question.set}`;
    ranksBySet.set(key, [...(ranksBySet.get(key) ?? []), ...question.gold.map((paperId) => ranking.indexOf(paperId) + 1)]);
  }
  report(`[${name}] vector side alone, exact over all ${index.papers.length} papers`, scored);
  console.log(
    'median gold rank (vector side): ' +
      [...ranksBySet.entries()]
        .sort()
        .map(([key, ranks]) => `${key} ${ranks.sort((a, b) => a - b)[Math.floor(ranks.length / 2)]}`)
        .join(' | '),
  );
  return metricsOf(scored);
}

interface VariantResult {
  name: string;
  /** Per-question cross-validated rankings, for paired comparisons between variants. */
  crossValidatedScored?: Scored[];
  vector?: Metrics;
  baseline: Metrics;
  tuneToCheck: Metrics;
  crossValidated: Metrics;
}

async function labelled(questions: readonly Question[], retrieverFor: (question: Question) => HybridRetriever): Promise<LabelledQuery[]> {
  const queries: LabelledQuery[] = [];
  for (const question of questions) {
    const candidates = (await retrieverFor(question).candidates(question.question)).map((candidate) => ({
      paperId: candidate.paperId,
      features: candidate.features,
      gold: question.gold.includes(candidate.paperId),
    }));
    queries.push({ split: question.split, set: question.set, id: question.id, candidates, gold: question.gold });
  }
  return queries;
}

/** The three tables of fit-ranker for one set of labelled queries (the folds are fit-ranker's: mulberry32(7) in question order). */
function protocol(name: string, queries: readonly LabelledQuery[], tuneQueries: readonly LabelledQuery[] = queries.filter((query) => query.split === 'tune')): VariantResult {
  console.log(`\n===== variant ${name} =====`);
  console.log(`candidate recall: ${candidateRecall(queries)}`);
  const baseline = queries.map((query) => rank(query, MIN_MAX_FUSION));
  report(`[${name}] baseline: min-max fusion 50/50`, baseline);
  const tuneModel = fit(tuneQueries);
  const tuneToCheck = queries.map((query) => rank(query, tuneModel));
  report(`[${name}] fitted on tune, scored on both (check is held out)`, tuneToCheck);
  const random = mulberry32(7);
  const foldOf = new Map(queries.map((query) => [query, Math.floor(random() * FOLDS)]));
  const crossValidated: Scored[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const model = fit(queries.filter((query) => foldOf.get(query) !== fold));
    for (const query of queries.filter((entry) => foldOf.get(entry) === fold)) crossValidated.push(rank(query, model));
  }
  report(`[${name}] ${FOLDS}-fold cross-validation over both splits`, crossValidated);
  return { name, baseline: metricsOf(baseline), tuneToCheck: metricsOf(tuneToCheck), crossValidated: metricsOf(crossValidated), crossValidatedScored: crossValidated };
}

/** Paired differences on the same questions: wins/losses and a 95 % bootstrap interval of the mean difference. */
function paired(results: readonly VariantResult[]): void {
  const [reference, ...others] = results;
  if (!reference?.crossValidatedScored) return;
  const keyOf = (entry: Scored) => `${entry.query.split}/${entry.query.id}`;
  const referenceByKey = new Map(reference.crossValidatedScored.map((entry) => [keyOf(entry), entry]));
  console.log(`\n===== paired, cross-validated, against ${reference.name} (wins/losses, mean difference [95 % bootstrap]) =====`);
  for (const other of others) {
    for (const [set, k] of [['short', 5], ['short', 10], ['topics', 10], ['multi', 10], ['conversations', 5]] as const) {
      const differences = (other.crossValidatedScored ?? [])
        .filter((entry) => entry.query.split === 'check' && entry.query.set === set)
        .map((entry) => recallAt(entry.ranking, entry.query.gold, k) - recallAt(referenceByKey.get(keyOf(entry))!.ranking, entry.query.gold, k));
      const random = mulberry32(3);
      const means: number[] = [];
      for (let sample = 0; sample < 2000; sample++) means.push(mean(differences.map(() => differences[Math.floor(random() * differences.length)]!)));
      means.sort((a, b) => a - b);
      const wins = differences.filter((value) => value > 0).length;
      const losses = differences.filter((value) => value < 0).length;
      console.log(`${other.name.padEnd(34)} check ${set.padEnd(14)} R@${String(k).padEnd(2)} +${wins}/-${losses}  ${mean(differences) >= 0 ? '+' : ''}${mean(differences).toFixed(3)} [${means[50]!.toFixed(3)}, ${means[1949]!.toFixed(3)}]`);
    }
  }
}

function summary(results: readonly VariantResult[]): void {
  paired(results);
  const cells: Array<[string, keyof VariantResult, string, 'r1' | 'r5' | 'r10' | 'mrr']> = [];
  for (const table of ['vector', 'baseline', 'tuneToCheck', 'crossValidated'] as const) {
    for (const [set, metric] of [
      ['check short', 'r5'],
      ['check short', 'r10'],
      ['check short', 'mrr'],
      ['check topics', 'r10'],
      ['check multi', 'r10'],
      ['check facts', 'r5'],
      ['check conversations', 'r5'],
      ['tune single', 'r1'],
      ['tune short', 'r5'],
      ['tune topics', 'r10'],
    ] as const) {
      cells.push([table, table, set, metric]);
    }
  }
  console.log('\n===== summary (differences are against the first variant) =====');
  console.log(`${'table'.padEnd(15)} ${'set/metric'.padEnd(26)} ${results.map((result) => result.name.padStart(24)).join(' ')}`);
  for (const [label, table, set, metric] of cells) {
    const values = results.map((result) => (result[table] as Metrics | undefined)?.get(set)?.[metric] ?? Number.NaN);
    const text = values.map((value, position) => {
      const delta = position === 0 ? '' : ` (${value - values[0]! >= 0 ? '+' : ''}${(value - values[0]!).toFixed(3)})`;
      return `${value.toFixed(3)}${delta}`.padStart(24);
    });
    console.log(`${label.padEnd(15)} ${`${set} ${metric}`.padEnd(26)} ${text.join(' ')}`);
  }
}

runCommand(async () => {
  const variants = argument('variants', 'none,ssl').split(',');
  const epochs = Number(argument('epochs', '2'));
  const identityPull = Number(argument('pull', '1'));
  const learningRate = Number(argument('lr', '0.001'));
  const temperature = Number(argument('temperature', '0.05'));
  const config = loadConfig();
  const folder = await new IndexDirectory(config.DATA_DIR).current();
  if (!folder) throw new Error(`no index in ${config.DATA_DIR}`);
  const manifest = await readManifest(folder);
  const encoder = await createEmbeddingsById(manifest.embedder.id, config);
  try {
    const evalDir = path.resolve(PROJECT_ROOT, '../shared/eval');
    const loaded = await loadIndex(folder, encoder);
    const titleToId = new Map(loaded.papers.map((paper) => [paper.title, paper.id]));
    const questions: Question[] = [];
    for (const [split, dir] of [['tune', evalDir], ['check', path.join(evalDir, 'check')]] as const) {
      for (const set of await loadEvalSets(dir)) {
        for (const { id, question, gold } of queriesOf(set)) questions.push({ split, set: set.name, id, question, gold: gold.map((title) => titleToId.get(title) ?? title) });
      }
    }
    const started = performance.now();
    const vectors = await queryVectors(
      questions.map((question) => question.question),
      encoder,
    );
    consoleLogger.info(`${questions.length} query vectors ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const index: LoadedIndex = { ...loaded, embeddings: new FixedQueryEmbeddings(encoder.id, encoder.dimensions, vectors) };
    const dimensions = encoder.dimensions;
    const units = corpusUnits(index);
    const trainingOptions = { dimensions, epochs, identityPull, learningRate, temperature, onEpoch: (epoch: number, loss: number) => consoleLogger.info(`  epoch ${epoch}: loss ${loss.toFixed(4)}`) };

    const sslMatrices = new Map<string, Float32Array>();
    const corpus = corpusPairs(units, dimensions);
    const sample = corpus.filter((_, position) => position % 7 === 0).slice(0, 1024);
    const ssl = (overrides: VariantOverrides = {}): Float32Array => {
      const key = JSON.stringify(overrides);
      const existing = sslMatrices.get(key);
      if (existing) return existing;
      const trainingStarted = performance.now();
      const options = { ...trainingOptions, ...overrides, mode: 'query' as const };
      const before = pairLoss(identity(dimensions), sample, options.temperature);
      const matrix = trainAdapter(corpus, options);
      consoleLogger.info(
        `ssl adapter ${key}: ${corpus.length} corpus pairs, ${options.epochs} epochs in ${((performance.now() - trainingStarted) / 1000).toFixed(1)} s; ` +
          `sample InfoNCE ${before.toFixed(3)} → ${pairLoss(matrix, sample, options.temperature).toFixed(3)}; ‖W − I‖F ${distanceFromIdentity(matrix).toFixed(3)}`,
      );
      sslMatrices.set(key, matrix);
      return matrix;
    };
    const queryAdapter = (matrix: Float32Array) => (vector: number[]) => Array.from(adapt(matrix, vector));

    const random = mulberry32(7);
    const foldOfQuestion = new Map(questions.map((question) => [question.id + question.split, Math.floor(random() * FOLDS)]));
    const fold = (question: Question) => foldOfQuestion.get(question.id + question.split)!;

    const results: VariantResult[] = [];
    for (const spec of variants) {
      const [variant, ...settings] = spec.split(':');
      const overrides: VariantOverrides = Object.fromEntries(settings.map((setting) => setting.split('=')).map(([name, value]) => [name, Number(value)]));
      if (variant === 'none') {
        const retriever = new HybridRetriever(index);
        const vector = await vectorOnly(spec, questions, index, () => retriever);
        results.push({ ...protocol(variant, await labelled(questions, () => retriever)), vector });
      } else if (variant === 'ssl') {
        const matrix = ssl(overrides);
        const retriever = new HybridRetriever(index, { adaptQuery: queryAdapter(matrix) });
        const vector = await vectorOnly(spec, questions, index, () => retriever);
        results.push({ ...protocol(spec, await labelled(questions, () => retriever)), vector });
        const probe = Float32Array.from(vectors.values().next().value!);
        const timed = performance.now();
        for (let repeat = 0; repeat < 1000; repeat++) adapt(matrix, probe);
        consoleLogger.info(`query-time cost: ${((performance.now() - timed) / 1000).toFixed(3)} ms per adapted query vector (512×512 mat-vec + normalise)`);
      } else if (variant === 'ssl-sym') {
        const pairs = corpusPairs(units, dimensions);
        const trainingStarted = performance.now();
        const matrix = trainAdapter(pairs, { ...trainingOptions, ...overrides, mode: 'symmetric' });
        consoleLogger.info(`symmetric adapter trained in ${((performance.now() - trainingStarted) / 1000).toFixed(1)} s; building an in-memory HNSW over the transformed units`);
        const documents = Array.from({ length: index.vectors.size }, (_, label) => index.vectors.unit(label)!);
        const store = new HnswVectorStore(index.embeddings, dimensions, index.vectors.parameters, documents.length);
        await store.addVectors(units.map((unit) => adapt(matrix, unit.vector)), documents);
        const transformed: LoadedIndex = { ...index, vectors: store };
        const retriever = new HybridRetriever(transformed, { adaptQuery: queryAdapter(matrix) });
        const vector = await vectorOnly(spec, questions, transformed, () => retriever);
        results.push({ ...protocol(spec, await labelled(questions, () => retriever)), vector });
      } else if (variant === 'sup' || variant === 'ssl+sup') {
        const start = variant === 'ssl+sup' ? ssl() : undefined;
        const { overlap: _overlap, ...trainingOverrides } = overrides;
        const supervisedOptions = { ...trainingOptions, epochs: 15, batchSize: 128, ...trainingOverrides, initial: start, mode: 'query' as const };
        const retrievers: HybridRetriever[] = [];
        for (let held = 0; held < FOLDS; held++) {
          // Paper-disjoint: a question about a held-out question's gold paper (another file, another wording) is not trained on either.
          const heldPapers = new Set(questions.filter((question) => fold(question) === held).flatMap((question) => question.gold));
          const training = questions.filter((question) => fold(question) !== held && (overrides.overlap === 1 || !question.gold.some((paperId) => heldPapers.has(paperId))));
          consoleLogger.info(`  fold ${held}: adapter trained on ${training.length} questions`);
          const matrix = trainAdapter(questionPairs(training, vectors, units), supervisedOptions);
          retrievers.push(new HybridRetriever(index, { adaptQuery: queryAdapter(matrix) }));
        }
        // Every question is embedded by the adapter of the fold that held it out; the ranker's CV uses the same folds.
        const crossFitted = await labelled(questions, (question) => retrievers[fold(question)]!);
        const vector = await vectorOnly(`${spec} (cross-fitted)`, questions, index, (question) => retrievers[fold(question)]!);
        const tuneMatrix = trainAdapter(questionPairs(questions.filter((question) => question.split === 'tune'), vectors, units), supervisedOptions);
        const tuneRetriever = new HybridRetriever(index, { adaptQuery: queryAdapter(tuneMatrix) });
        const tuneFitted = await labelled(questions, () => tuneRetriever);
        const result = protocol(spec, crossFitted, tuneFitted.filter((query) => query.split === 'tune'));
        // tune→check must use the tune-only adapter for the check questions too.
        const tuneModel = fit(tuneFitted.filter((query) => query.split === 'tune'));
        const heldOut = tuneFitted.map((query) => rank(query, tuneModel));
        report(`[${spec}] tune-only adapter and tune-only ranker, scored on both (tune rows are in-sample)`, heldOut);
        // The same tune-only adapter under the fixed 50/50 fusion: separates the adapter's transfer from the ranker's in-sample fit.
        report(`[${spec}] tune-only adapter, min-max fusion 50/50 (tune rows are in-sample)`, tuneFitted.map((query) => rank(query, MIN_MAX_FUSION)));
        results.push({ ...result, tuneToCheck: metricsOf(heldOut), vector });
      } else {
        throw new Error(`unknown variant ${variant}`);
      }
    }
    summary(results);
  } finally {
    await encoder.close?.();
  }
});
