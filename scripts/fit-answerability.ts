/**
 * Fits the answerability model (src/answer/answerability-model.json): logistic regression
 * over the scale-free features of src/answer/refusal.ts, answerable eval questions against
 * unanswerable ones (off-topic and near-miss), and the refusal threshold that keeps false
 * refusals at about 1 % of the answerable questions it was fitted on.
 *
 *   npm run fit-answerability              # 5-fold CV over both splits, tune→check, trade-off curve
 *   npm run fit-answerability -- --write   # also write the model fitted on every question
 *   npm run fit-answerability -- --write --fit-on=tune   # fitted on the tune split only
 *   npm run fit-answerability -- --without-written       # without the written off-topic questions
 *
 * Besides the eval questions, the model learns from off-topic questions written for it
 * (scripts/fitting/offtopic-questions.jsonl: everyday questions, half of them sharing words
 * with the corpus — "train my dog", "model trains", "attention span"). The eval's off-topic
 * questions share few words with the papers, so a model fitted on them alone leans on word
 * overlap and answers an everyday question that happens to use the field's words. Group a
 * is always trained on; group b never is, except in the shipped model, so the held-out
 * figure for that class comes from b.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import path from 'node:path';
import { runCommand } from '../src/cli/console-logger.ts';
import { PROJECT_ROOT } from '../src/config.ts';
import { ANSWERABILITY_FEATURES, answerabilityFeatures, judgeAnswerability } from '../src/answer/refusal.ts';
import { mulberry32 } from '../src/util/seeded-random.ts';
import { withFitContext } from './fitting/fit-context.ts';
import { fitLogistic, predict, type LogisticModel } from './fitting/logistic.ts';

interface Example {
  split: 'tune' | 'check' | 'written';
  set: string;
  kind: string;
  id: string;
  question: string;
  answerable: boolean;
  /** Refused by a hard rule (injection, unknown names) before the model is asked. */
  hardRefusal: boolean;
  features: number[];
}

interface Model {
  bias: number;
  weights: number[];
  threshold: number;
}

const TARGET_FALSE_REFUSAL = 0.01;
const WRITTEN_FILE = path.join(PROJECT_ROOT, 'scripts/fitting/offtopic-questions.jsonl');
const writtenQuestion = z.object({ id: z.string(), group: z.enum(['a', 'b']), question: z.string().min(1) });
const L2 = 0.01;

function probability(model: LogisticModel, features: readonly number[]): number {
  return predict(model, features);
}

/** Class-balanced logistic regression (each class weighs half), then the refusal threshold. */
function fit(examples: readonly Example[]): Model {
  const training = examples.filter((example) => example.kind !== 'injection');
  const positives = training.filter((example) => example.answerable).length;
  const negatives = training.length - positives;
  const { bias, weights } = fitLogistic(training.map((example) => ({ features: example.features, label: example.answerable, weight: example.answerable ? 0.5 / positives : 0.5 / negatives })), { l2: L2 });
  // Threshold: refuse below the confidence that ~1 % of the answerable questions fall under.
  const answerableScores = training.filter((example) => example.answerable && !example.hardRefusal).map((example) => probability({ bias, weights }, example.features)).sort((a, b) => a - b);
  const threshold = answerableScores[Math.floor(TARGET_FALSE_REFUSAL * answerableScores.length)] ?? 0.5;
  return { bias, weights, threshold: Math.max(0, threshold - 1e-6) };
}

function refused(example: Example, model: Model, threshold = model.threshold): boolean {
  return example.hardRefusal || probability(model, example.features) < threshold;
}

function report(title: string, scored: Array<{ example: Example; refused: boolean }>): void {
  console.log(`\n${title}`);
  for (const split of ['tune', 'check'] as const) {
    const inSplit = scored.filter((entry) => entry.example.split === split);
    const rate = (entries: typeof scored) => (entries.length === 0 ? '  -  ' : (entries.filter((entry) => entry.refused).length / entries.length).toFixed(3));
    const unanswerable = inSplit.filter((entry) => !entry.example.answerable);
    const kinds = ['offtopic', 'nearmiss', 'injection'].map((kind) => `${kind} ${rate(unanswerable.filter((entry) => entry.example.kind === kind))}`).join(', ');
    const sets = [...new Set(inSplit.filter((entry) => entry.example.answerable).map((entry) => entry.example.set))];
    const falseRefusals = sets.map((set) => `${set} ${rate(inSplit.filter((entry) => entry.example.set === set))}`).join(', ');
    console.log(`  ${split.padEnd(5)} refused unanswerable ${rate(unanswerable)} (${kinds}); false refusal ${falseRefusals}`);
  }
}

runCommand(() => withFitContext(async ({ library, live, splits, write, fitOnTuneOnly }) => {
    const examples: Example[] = [];
    for (const { split, sets } of splits) {
      for (const set of sets) {
        if (set.kind === 'conversation') continue;
        const cases = set.kind === 'unanswerable' ? set.cases.map((item) => ({ id: item.id, question: item.question, kind: item.kind, answerable: false })) : set.cases.map((item) => ({ id: item.id, question: item.question, kind: set.name, answerable: true }));
        for (const item of cases) {
          const hits = await library.search(item.question, { k: 6 });
          const vector = await live.retriever.embedQuery(item.question);
          const verdict = judgeAnswerability(item.question, { query: item.question, earlierPaperIds: [] }, hits, live.index, vector);
          const hardRefusal = !verdict.answerable && verdict.reason !== 'low-confidence';
          const features = answerabilityFeatures(item.question, hits, live.index, vector);
          examples.push({ split, set: set.name, kind: item.kind, id: item.id, question: item.question, answerable: item.answerable, hardRefusal, features: ANSWERABILITY_FEATURES.map((name) => features[name]) });
        }
      }
    }
    const useWritten = !process.argv.includes('--without-written');
    const written: Example[] = [];
    const shippedRefused = new Map<Example, boolean>();
    for (const line of readFileSync(WRITTEN_FILE, 'utf8').split('\n').filter((row) => row.trim() !== '')) {
      const item = writtenQuestion.parse(JSON.parse(line));
      const hits = await library.search(item.question, { k: 6 });
      const vector = await live.retriever.embedQuery(item.question);
      const verdict = judgeAnswerability(item.question, { query: item.question, earlierPaperIds: [] }, hits, live.index, vector);
      const features = answerabilityFeatures(item.question, hits, live.index, vector);
      const example: Example = { split: 'written', set: `written-${item.group}`, kind: 'offtopic', id: item.id, question: item.question, answerable: false, hardRefusal: !verdict.answerable && verdict.reason !== 'low-confidence', features: ANSWERABILITY_FEATURES.map((name) => features[name]) };
      written.push(example);
      shippedRefused.set(example, !verdict.answerable);
    }
    const writtenRate = (group: string, isRefused: (example: Example) => boolean) => {
      const inGroup = written.filter((example) => example.set === `written-${group}`);
      return `${inGroup.filter(isRefused).length}/${inGroup.length}`;
    };
    console.log(`\nwritten off-topic questions refused by the shipped model: group a ${writtenRate('a', (example) => shippedRefused.get(example)!)}, group b ${writtenRate('b', (example) => shippedRefused.get(example)!)}`);
    const alwaysTrained = useWritten ? written.filter((example) => example.set === 'written-a') : [];

    if (process.argv.includes('--dump')) for (const example of examples) console.log(`${example.answerable ? 'A' : 'U'} ${example.id.padEnd(9)} ${example.kind.padEnd(10)} hard=${example.hardRefusal ? 1 : 0} ${example.features.map((value) => value.toFixed(2)).join(' ')} | ${example.question.slice(0, 70)}`);

    const hardOnly = examples.map((example) => ({ example, refused: example.hardRefusal }));
    report('hard rules only (injection, unknown names)', hardOnly);

    const tuneModel = fit([...examples.filter((example) => example.split === 'tune'), ...alwaysTrained]);
    report(`fitted on tune (threshold ${tuneModel.threshold.toFixed(3)}), check held out`, examples.map((example) => ({ example, refused: refused(example, tuneModel) })));

    const folds = 5;
    const random = mulberry32(11);
    const foldOf = new Map(examples.map((example) => [example, Math.floor(random() * folds)]));
    const crossValidated: Array<{ example: Example; refused: boolean; confidence: number }> = [];
    for (let fold = 0; fold < folds; fold++) {
      const model = fit([...examples.filter((example) => foldOf.get(example) !== fold), ...alwaysTrained]);
      for (const example of examples.filter((entry) => foldOf.get(entry) === fold)) {
        crossValidated.push({ example, refused: refused(example, model), confidence: example.hardRefusal ? 0 : probability(model, example.features) });
      }
    }
    report(`${folds}-fold cross-validation over both splits`, crossValidated);
    const heldOutWritten = fit([...examples, ...alwaysTrained]);
    console.log(`  written off-topic, group b (never trained on): refused ${writtenRate('b', (example) => refused(example, heldOutWritten))}; group a: ${writtenRate('a', (example) => refused(example, heldOutWritten))}${useWritten ? ' (trained on)' : ''}`);

    console.log('\ntrade-off (cross-validated confidences; threshold t: refuse when confidence < t)');
    console.log('  t      refused-unanswerable  false-refusal-answerable   (check split)   written off-topic b refused');
    for (let threshold = 0; threshold <= 0.951; threshold += 0.05) {
      const check = crossValidated.filter((entry) => entry.example.split === 'check');
      const unanswerable = check.filter((entry) => !entry.example.answerable);
      const answerable = check.filter((entry) => entry.example.answerable);
      const refusedAt = (entry: (typeof check)[number]) => entry.example.hardRefusal || entry.confidence < threshold;
      const writtenB = written.filter((example) => example.set === 'written-b');
      const writtenRefused = writtenB.filter((example) => example.hardRefusal || probability(heldOutWritten, example.features) < threshold).length / writtenB.length;
      console.log(`  ${threshold.toFixed(2)}   ${(unanswerable.filter(refusedAt).length / unanswerable.length).toFixed(3)}                 ${(answerable.filter(refusedAt).length / answerable.length).toFixed(3)}                      ${writtenRefused.toFixed(3)}`);
    }

    const fitted = [...(fitOnTuneOnly ? examples.filter((item) => item.split === 'tune') : examples), ...(useWritten ? written : [])];
    const finalModel = fit(fitted);
    const described = {
      description: `logistic regression on ${fitted.length} questions: eval${fitOnTuneOnly ? ' (tune split only)' : ''}${useWritten ? ` and ${written.length} written off-topic` : ''} (scripts/fit-answerability.ts); threshold keeps ~${TARGET_FALSE_REFUSAL * 100} % of answerable questions above it`,
      bias: Number(finalModel.bias.toFixed(4)),
      weights: Object.fromEntries(ANSWERABILITY_FEATURES.map((name, position) => [name, Number(finalModel.weights[position]!.toFixed(4))])),
      threshold: Number(finalModel.threshold.toFixed(4)),
    };
    console.log(`\nmodel fitted on every question: ${JSON.stringify(described)}`);
    const misses = crossValidated.filter((entry) => entry.example.answerable === entry.refused);
    for (const entry of misses) console.log(`  ${entry.example.answerable ? 'false refusal' : 'answered'} ${entry.example.id} (${entry.example.kind}) conf ${entry.confidence.toFixed(2)}: ${entry.example.question.slice(0, 90)}`);
    if (write) {
      const file = path.join(PROJECT_ROOT, 'src/answer/answerability-model.json');
      writeFileSync(file, `${JSON.stringify(described, null, 2)}\n`);
      console.log(`wrote ${path.relative(PROJECT_ROOT, file)}`);
    }
}));
