/**
 * `npm run map-report`: how well the topic map's clusters match the eval topics.
 *
 * For every question of the `topics` and `multi` sets (tune split and held-out check/), the
 * purity of its gold set: the share of its gold papers that fall in their most common cluster.
 * A permutation baseline (the same cluster sizes, papers shuffled) says what chance gives.
 * Also prints the number of clusters chosen, the silhouette per k and map time / build time.
 *
 * Reads the live index in DATA_DIR (its map.json). `--recompute` recomputes the map from the
 * stored vectors instead (to try settings without a rebuild); `--json` prints JSON.
 */
import path from 'node:path';
import { loadConfig, PROJECT_ROOT } from '../src/config.ts';
import { createEmbeddingsById } from '../src/embeddings/create-embeddings.ts';
import { loadEvalSets } from '../src/evaluation/eval-sets.ts';
import { IndexDirectory } from '../src/index/index-directory.ts';
import { loadIndex, readManifest, readPapers } from '../src/index/load-index.ts';
import { computeTopicMap, paperVectors, readTopicMap, type TopicMap } from '../src/index/topic-map.ts';
import { mulberry32 } from '../src/util/seeded-random.ts';

const TOPIC_SETS = ['topics', 'multi'];
const BASELINE_SHUFFLES = 200;

function purity(clusters: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const cluster of clusters) counts.set(cluster, (counts.get(cluster) ?? 0) + 1);
  return Math.max(...counts.values()) / clusters.length;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

async function main(): Promise<void> {
  const config = loadConfig();
  const folder = await new IndexDirectory(config.DATA_DIR).current();
  if (!folder) throw new Error(`no index in ${config.DATA_DIR}: run npm run ingest first`);
  const manifest = await readManifest(folder);
  const papers = await readPapers(folder);
  let map: TopicMap;
  if (process.argv.includes('--recompute')) {
    const embeddings = await createEmbeddingsById(manifest.embedder.id, config);
    const index = await loadIndex(folder, embeddings);
    const units = Array.from({ length: index.vectors.size }, (_, label) => {
      const unit = index.vectors.unit(label)!;
      return { paperId: unit.metadata.paperId, vector: index.vectors.vectorOf(unit.metadata.chunkId)! };
    });
    map = await computeTopicMap(index.papers, paperVectors(index.papers, units, manifest.embedder.dimensions));
    await embeddings.close?.();
  } else {
    map = await readTopicMap(folder, papers);
  }

  const clusterOf = new Map(map.points.map((point) => [point.paperId, point.cluster]));
  const idOfTitle = new Map(papers.map((paper) => [paper.title, paper.id]));
  const evalDir = path.resolve(PROJECT_ROOT, '../shared/eval');
  const random = mulberry32(7);
  const rows: Array<{ split: string; set: string; questions: number; purity: number; baseline: number; goldPapers: number; missing: number }> = [];
  for (const [split, dir] of [['tune', evalDir], ['check', path.join(evalDir, 'check')]] as const) {
    for (const set of await loadEvalSets(dir)) {
      if (set.kind !== 'retrieval' || !TOPIC_SETS.includes(set.name)) continue;
      const purities: number[] = [];
      const baselines: number[] = [];
      let goldPapers = 0;
      let missing = 0;
      for (const question of set.cases) {
        const ids = question.gold_titles.map((title) => idOfTitle.get(title)).filter((id): id is string => id !== undefined);
        missing += question.gold_titles.length - ids.length;
        if (ids.length < 2) continue;
        goldPapers += ids.length;
        purities.push(purity(ids.map((id) => clusterOf.get(id)!)));
        // Chance: as many papers drawn at random from the map (so with its cluster sizes).
        const shuffled: number[] = [];
        for (let draw = 0; draw < BASELINE_SHUFFLES; draw++) {
          shuffled.push(purity(ids.map(() => map.points[Math.floor(random() * map.points.length)]!.cluster)));
        }
        baselines.push(mean(shuffled));
      }
      rows.push({ split, set: set.name, questions: purities.length, purity: mean(purities), baseline: mean(baselines), goldPapers, missing });
    }
  }

  const summary = {
    index: path.basename(folder),
    papers: map.points.length,
    clusters: map.clusters.length,
    silhouette: map.selection.silhouette,
    silhouetteByK: map.selection.silhouetteByK,
    mapMs: map.computeMs,
    mapTimings: map.timings,
    buildMs: manifest.buildMs,
    mapShareOfBuild: manifest.buildMs > 0 ? map.computeMs / manifest.buildMs : null,
    purity: rows,
    clusterLabels: map.clusters.map((cluster) => ({ id: cluster.id, size: cluster.size, label: cluster.label.join(' · ') })),
  };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  console.log(`index ${summary.index}: ${summary.papers} papers, ${summary.clusters} clusters (silhouette ${summary.silhouette ?? 'n/a'})`);
  console.log(`silhouette by k: ${summary.silhouetteByK.map(({ k, silhouette }) => `${k}:${silhouette.toFixed(3)}`).join(' ')}`);
  console.log(`map ${summary.mapMs} ms${process.argv.includes('--recompute') ? ' (recomputed now)' : ''} / build ${summary.buildMs} ms = ${summary.mapShareOfBuild === null ? 'n/a' : (summary.mapShareOfBuild * 100).toFixed(1) + ' %'} (layout ${map.timings.layoutMs} ms, clusters ${map.timings.clustersMs} ms, labels ${map.timings.labelsMs} ms)`);
  console.log('split  set      questions  purity  chance  (gold papers, titles not in corpus)');
  for (const row of rows) {
    console.log(`${row.split.padEnd(6)} ${row.set.padEnd(8)} ${String(row.questions).padStart(9)}  ${row.purity.toFixed(3)}   ${row.baseline.toFixed(3)}   (${row.goldPapers}, ${row.missing})`);
  }
  console.log('clusters:');
  for (const cluster of summary.clusterLabels) console.log(`  ${String(cluster.id).padStart(2)} (${String(cluster.size).padStart(3)}) ${cluster.label}`);
}

await main();
