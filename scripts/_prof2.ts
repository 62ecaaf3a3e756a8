import { loadConfig } from '../src/config.ts';
import { IndexDirectory } from '../src/index/index-directory.ts';
import { readPapers } from '../src/index/load-index.ts';
import { computeTopicMap } from '../src/index/topic-map.ts';
import { labelClusters } from '../src/index/cluster-labels.ts';
import { promises as fs } from 'node:fs';
const config = loadConfig();
const folder = (await new IndexDirectory(config.DATA_DIR).current())!;
const papers = await readPapers(folder);
// assignments from a cached recompute
const cached = JSON.parse(await fs.readFile('/tmp/assign.json', 'utf8')) as number[];
const k = Math.max(...cached) + 1;
for (const variant of JSON.parse(process.argv[2] ?? '[{}]')) {
  const t = performance.now();
  const labels = labelClusters(papers.map((p) => p.title + '.\n' + p.abstract), cached, k, variant);
  console.log(JSON.stringify(variant), (performance.now() - t).toFixed(0), 'ms');
  console.log(labels.map((l, i) => i + ': ' + l.join(' · ')).join('\n'));
}
