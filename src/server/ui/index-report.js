/**
 * The index report page (#/index, linked from the status bar) and the quiet "updated" notice:
 * what the last build took from each seed file, what it changed, and every entry it rejected
 * with file:line and the reason.
 */
import { getIndexInfo } from './api.js';
import { byId, h } from './dom.js';

/** @param {number} n @param {string} one @param {string} [many] */
function count(n, one, many = `${one}s`) {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "5 papers added, 1 updated" (only what changed), or "no changes". @param {{ added: number, updated: number, removed: number }} totals */
export function changeSummary(totals) {
  /** @type {Array<[string, number]>} */
  const changes = [
    ['added', totals.added],
    ['updated', totals.updated],
    ['removed', totals.removed],
  ];
  const changed = changes.filter(([, n]) => n > 0);
  if (changed.length === 0) return 'no changes';
  return changed.map(([what, n], i) => (i === 0 ? `${count(n, 'paper')} ${what}` : `${n} ${what}`)).join(', ');
}

/** Shows the notice for a newly finished build. @param {any} report */
export function updateNotice(report) {
  const notice = byId('index-notice');
  if (!report) {
    notice.hidden = true;
    return;
  }
  const rejected = report.totals.rejected + report.totals.unreadableFiles;
  notice.className = `index-notice ${report.status === 'failed' ? 'failed' : 'updated'}`;
  notice.textContent =
    report.status === 'failed'
      ? `Update failed: ${report.error ?? 'no valid papers'}; the previous papers are still used.`
      : `Updated: ${changeSummary(report.totals)}${rejected > 0 ? ` · ${count(rejected, 'problem')}` : ''}`;
  notice.hidden = false;
}

/** @param {any} problem @param {string} file @param {string} kind */
function problemItem(problem, file, kind) {
  return h('li', { class: `report-problem ${kind}` }, h('code', null, `${file}${problem.line > 0 ? `:${problem.line}` : ''}`), ' ', problem.reason, problem.text ? h('span', { class: 'muted' }, ` — ${problem.text}`) : null);
}

/** @param {any} file */
function fileView(file) {
  const problems = [
    ...(file.error ? [problemItem(file.error, file.file, 'error')] : []),
    ...file.rejected.map((/** @type {any} */ p) => problemItem(p, file.file, 'rejected')),
    ...file.conflicts.map((/** @type {any} */ p) => problemItem(p, file.file, 'conflict')),
  ];
  // Merged duplicates and notes are expected in page dumps (hundreds of lines): folded away, still listed.
  const merged = [
    ...file.duplicates.map((/** @type {any} */ d) =>
      h('li', { class: 'report-problem duplicate' }, h('code', null, `${file.file}:${d.line}`), ` merged into `, h('a', { href: `#/paper/${encodeURIComponent(d.paperId)}` }, d.title), ` (same ${d.matchedBy === 'arxivId' ? 'arXiv id' : d.matchedBy === 'doi' ? 'DOI' : 'title'} as ${d.into.file}:${d.into.line})`),
    ),
    ...file.notes.map((/** @type {any} */ p) => problemItem(p, file.file, 'note')),
  ];
  return h(
    'section',
    { class: 'report-file', 'aria-label': file.file },
    h('h3', null, h('code', null, file.file), ' ', h('span', { class: 'muted small' }, file.present ? `${file.format ?? 'unsupported'} · ${count(file.entries, 'entry', 'entries')} read` : 'no longer present')),
    h(
      'p',
      { class: 'report-counts' },
      `${file.added} added · ${file.updated} updated · ${file.unchanged} unchanged · ${file.removed} removed · ${file.duplicates.length} duplicates merged · ${file.rejected.length} rejected`,
    ),
    problems.length > 0 ? h('ul', { class: 'report-problems' }, problems) : null,
    merged.length > 0
      ? h('details', { class: 'report-merged' }, h('summary', null, `${count(file.duplicates.length, 'duplicate')} merged${file.notes.length > 0 ? `, ${count(file.notes.length, 'note')}` : ''}`), h('ul', { class: 'report-problems' }, merged))
      : null,
  );
}

export async function showIndexReport() {
  const container = byId('index-report');
  let info;
  try {
    info = await getIndexInfo();
  } catch (error) {
    container.replaceChildren(h('p', null, `The index report could not be loaded: ${error instanceof Error ? error.message : String(error)}`));
    return;
  }
  const { live, building, lastReport: report } = info;
  const liveView = live
    ? h('p', null, `Serving ${count(live.papers, 'paper')} built ${new Date(live.builtAt).toLocaleString()}${live.embedder ? ` with ${live.embedder}` : ''}.`)
    : h('p', null, 'No index is live yet.');
  const buildingView = building
    ? h('p', { class: 'report-building' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ` Rebuilding (${building.trigger}): ${building.phase} ${building.done}/${building.total}${info.queued ? '; another rebuild follows' : ''}…`)
    : null;
  if (!report) {
    container.replaceChildren(liveView, buildingView ?? '', h('p', { class: 'muted' }, 'No build report yet.'));
    return;
  }
  const t = report.totals;
  container.replaceChildren(
    liveView,
    buildingView ?? '',
    h('h2', null, report.status === 'failed' ? 'Last build failed' : 'Last build'),
    h(
      'p',
      { class: 'report-summary' },
      report.status === 'failed' ? `${report.error}. The previous papers are still used. ` : '',
      `${count(t.files, 'file')}, ${count(t.entries, 'entry', 'entries')} → ${count(t.papers, 'paper')}: ${t.added} added, ${t.updated} updated, ${t.unchanged} unchanged, ${t.removed} removed; ${t.duplicates} duplicates merged, ${t.rejected} entries rejected, ${t.unreadableFiles} unreadable files; ${t.embedded} texts embedded. Finished ${new Date(report.finishedAt).toLocaleString()} in ${(report.durationMs / 1000).toFixed(1)} s.`,
    ),
    h('div', { class: 'report-files' }, report.files.map(fileView)),
  );
}
