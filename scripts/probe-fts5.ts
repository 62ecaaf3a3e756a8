import { createRequire } from 'node:module';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.ts';
import { parseSeedFiles } from '../src/corpus/read-seeds.ts';
import { TITLE_BOOST } from '../src/index/lexical-index.ts';
import { PostingsLexicalIndex } from '../src/index/postings-lexical-index.ts';
import { analyze } from '../src/text/terms.ts';
import { syntheticPapers, syntheticQueries } from './bench-scale-data.ts';

/**
 * One-off measurement behind the lexical engine choice (docs/performance.md): SQLite FTS5
 * through better-sqlite3 over the same synthetic papers as `npm run bench`'s engine table.
 * better-sqlite3 is not a dependency; install it aside (12.x on Node 20) and point to it:
 *   BETTER_SQLITE3=/tmp/x/node_modules/better-sqlite3 node --import tsx scripts/probe-fts5.ts 10000
 * Text is analysed by src/text/terms.ts first, so FTS5 sees the same terms; its bm25()
 * (title weight TITLE_BOOST) is its own formula, so the overlap with the product's BM25 is reported.
 */
interface Statement {
  run(...values: unknown[]): unknown;
  all(...values: unknown[]): unknown[];
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction(run: () => void): () => void;
}
const require = createRequire(import.meta.url);
const DatabaseClass = require(process.env.BETTER_SQLITE3 ?? 'better-sqlite3') as new (file: string) => Database;

const count = Number(process.argv[2] ?? 10_000);
const seeds = (await parseSeedFiles(path.join(PROJECT_ROOT, 'seeds'))).papers;
const papers = syntheticPapers(count, seeds, count + 5);
const queries = syntheticQueries(200, seeds, 99);
const db = new DatabaseClass(':memory:');
db.exec(`CREATE VIRTUAL TABLE fts USING fts5(title, abstract, tokenize="unicode61 tokenchars '-.'")`);
const started = performance.now();
const insert = db.prepare('INSERT INTO fts(rowid, title, abstract) VALUES (?, ?, ?)');
db.transaction(() => papers.forEach((paper, row) => insert.run(row, analyze(paper.title).join(' '), analyze(paper.abstract).join(' '))))();
db.exec("INSERT INTO fts(fts) VALUES('optimize')");
const buildSeconds = (performance.now() - started) / 1000;
const search = db.prepare(`SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, ${TITLE_BOOST}, 1.0) LIMIT 100`);
const postingsStarted = performance.now();
const postings = PostingsLexicalIndex.build(papers);
const postingsBuildSeconds = (performance.now() - postingsStarted) / 1000;
const times: number[] = [];
const postingsTimes: number[] = [];
let overlap = 0;
for (const [round, list] of [[0, queries.slice(0, 20)], [1, queries]] as const) {
  for (const query of list) {
    const match = [...new Set(analyze(query))].map((term) => `"${term.replace(/"/g, '""')}"`).join(' OR ');
    if (!match) continue;
    const queryStarted = performance.now();
    const rows = search.all(match) as Array<{ rowid: number }>;
    const elapsed = performance.now() - queryStarted;
    if (round === 0) continue;
    times.push(elapsed);
    const postingsQueryStarted = performance.now();
    postings.query(query, 100);
    postingsTimes.push(performance.now() - postingsQueryStarted);
    const ours = new Set(postings.query(query, 10).map((hit) => hit.paperId));
    overlap += rows.slice(0, 10).filter((row) => ours.has(`p${row.rowid}`)).length / 10;
  }
}
const at = (list: number[], fraction: number) => [...list].sort((a, b) => a - b)[Math.floor(list.length * fraction)];
// The postings engine timed in the same run, on the same questions, for a within-run ratio.
console.log(
  JSON.stringify({
    papers: count,
    fts5: { buildSeconds, p50Ms: at(times, 0.5), p95Ms: at(times, 0.95) },
    postings: { buildSeconds: postingsBuildSeconds, p50Ms: at(postingsTimes, 0.5), p95Ms: at(postingsTimes, 0.95) },
    top10OverlapWithProductBm25: overlap / times.length,
  }),
);
