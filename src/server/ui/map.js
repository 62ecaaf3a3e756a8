/**
 * The topic map (#/map): the papers as a zoomable scatter coloured by cluster, with the
 * clusters' labels, and the same clusters as a list (what keyboards and screen readers use).
 * Selecting a cluster (or drawing around papers with the lasso: its button, or shift+drag)
 * offers "Ask about these papers" (scoped chat) and "Compare" (#/table).
 * Zoom and pan are a small hand-written transform: wheel, drag, and two-finger pinch.
 */
import { citeMenu } from './cite.js';
import { ApiError, getMap } from './api.js';
import { announce, byId, h } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** The map's [0, 1]² coordinates are drawn in a square viewBox of this size (plus a margin). */
const SIZE = 1000;
const MARGIN = 40;
const POINT_RADIUS = 5;
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 40;
/** /api/ask takes at most this many paperIds: a larger cluster is asked about by its most central papers. */
const MAX_SCOPE = 50;
/** A pointer that moved more than this (px) dragged the map: its release is not a click. */
const CLICK_SLOP = 5;

/** @typedef {{ paperId: string, title: string, x: number, y: number, cluster: number }} MapPoint */
/** @typedef {{ id: number, label: string[], size: number }} MapCluster */

/** @type {{ points: MapPoint[], clusters: MapCluster[] } | null} */
let data = null;
/** @type {Promise<void> | null} */
let loading = null;
let selected = /** @type {number | null} */ (null);
/** Papers drawn around with the lasso (a selection of its own, instead of a cluster). */
let lassoed = /** @type {Set<string> | null} */ (null);
let lassoMode = false;
const view = { k: 1, x: 0, y: 0 };
/** @type {(papers: Array<{ paperId: string, title: string }>) => void} */
let onAsk = () => {};

/** @param {string} tag @param {Record<string, string | number>} [attributes] */
function svg(tag, attributes = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** A stable, well-spread colour per cluster (golden-angle hues). @param {number} cluster */
export function clusterColour(cluster) {
  return `hsl(${Math.round((cluster * 137.508) % 360)} 62% 48%)`;
}

const toView = (/** @type {number} */ value) => MARGIN + value * (SIZE - 2 * MARGIN);

/** @param {MapCluster} cluster */
const labelText = (cluster) => cluster.label.slice(0, 2).join(' · ') || `Cluster ${cluster.id + 1}`;

/** Papers of a cluster, most central first (nearest the cluster's mean position). @param {number} clusterId */
function clusterPapers(clusterId) {
  const members = (data?.points ?? []).filter((point) => point.cluster === clusterId);
  const cx = members.reduce((sum, point) => sum + point.x, 0) / Math.max(1, members.length);
  const cy = members.reduce((sum, point) => sum + point.y, 0) / Math.max(1, members.length);
  return members.map((point) => ({ point, distance: Math.hypot(point.x - cx, point.y - cy) })).sort((a, b) => a.distance - b.distance).map(({ point }) => point);
}

// ---------------------------------------------------------------- drawing

function applyTransform() {
  const layer = document.getElementById('map-points');
  layer?.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.k})`);
  // Points keep their size on screen while the map zooms.
  for (const circle of document.querySelectorAll('#map-points circle')) circle.setAttribute('r', String(POINT_RADIUS / Math.sqrt(view.k)));
  const labels = [...document.querySelectorAll('#map-labels .map-label')];
  for (const label of labels) {
    const x = Number(label.getAttribute('data-x')) * view.k + view.x;
    const y = Number(label.getAttribute('data-y')) * view.k + view.y;
    label.setAttribute('transform', `translate(${x} ${y})`);
  }
  hideOverlappingLabels(labels);
}

/**
 * Labels that would overlap one already shown are hidden: the selected cluster's first, then
 * by cluster size (ids are by size). Zooming in spreads them, so more labels appear.
 * @param {Element[]} labels
 */
function hideOverlappingLabels(labels) {
  /** @type {DOMRect[]} */
  const shown = [];
  const order = [...labels].sort((a, b) => Number(Number(b.getAttribute('data-cluster')) === selected) - Number(Number(a.getAttribute('data-cluster')) === selected));
  for (const label of order) {
    label.classList.remove('map-label-hidden');
    const box = label.getBoundingClientRect();
    if (shown.some((other) => box.left < other.right && box.right > other.left && box.top < other.bottom && box.bottom > other.top)) label.classList.add('map-label-hidden');
    else shown.push(box);
  }
}

function draw() {
  const root = byId('map-svg');
  if (!data) return;
  const points = svg('g', { id: 'map-points' });
  for (const point of data.points) {
    const link = svg('a', { href: `#/paper/${encodeURIComponent(point.paperId)}`, tabindex: -1, class: 'map-point', 'data-paper-id': point.paperId, 'data-cluster': point.cluster });
    const circle = svg('circle', { cx: toView(point.x), cy: toView(point.y), r: POINT_RADIUS, fill: clusterColour(point.cluster) });
    link.append(circle);
    points.append(link);
  }
  const labels = svg('g', { id: 'map-labels' });
  for (const cluster of data.clusters) {
    const members = data.points.filter((point) => point.cluster === cluster.id);
    if (members.length === 0) continue;
    const x = toView(members.reduce((sum, point) => sum + point.x, 0) / members.length);
    const y = toView(members.reduce((sum, point) => sum + point.y, 0) / members.length);
    const group = svg('g', { class: 'map-label', 'data-cluster': cluster.id, 'data-x': x, 'data-y': y });
    const text = svg('text', { 'text-anchor': 'middle', 'dominant-baseline': 'middle' });
    text.textContent = labelText(cluster);
    group.append(text);
    labels.append(group);
  }
  root.replaceChildren(points, labels);
  sizeHalos();
  applyTransform();
  renderSelection();
}

/** A halo behind each label, sized to its text: only measurable while the map is shown. */
function sizeHalos() {
  for (const group of document.querySelectorAll('#map-labels .map-label')) {
    const text = /** @type {SVGTextElement} */ (group.querySelector('text'));
    const box = text.getBBox();
    if (box.width === 0) continue;
    const halo = group.querySelector('rect') ?? group.insertBefore(svg('rect', { rx: 6 }), text);
    for (const [key, value] of Object.entries({ x: box.x - 6, y: box.y - 3, width: box.width + 12, height: box.height + 6 })) halo.setAttribute(key, String(value));
  }
}

function renderClusterList() {
  const list = byId('map-cluster-list');
  if (!data) return;
  list.replaceChildren(
    ...data.clusters.map((cluster) =>
      h(
        'li',
        { class: 'map-cluster', 'data-cluster': String(cluster.id) },
        h(
          'div',
          { class: 'map-cluster-head' },
          h('span', { class: 'map-swatch', 'aria-hidden': 'true', dataset: { cluster: String(cluster.id) } }),
          h('button', { type: 'button', class: 'btn small ghost map-select', 'aria-pressed': 'false', onclick: () => select(cluster.id, true) }, labelText(cluster)),
          h('span', { class: 'muted' }, `${cluster.size} ${cluster.size === 1 ? 'paper' : 'papers'}`),
        ),
        cluster.label.length > 2 ? h('p', { class: 'map-cluster-terms muted' }, cluster.label.join(' · ')) : null,
        h(
          'details',
          null,
          h('summary', null, 'Papers'),
          h('ul', { class: 'map-cluster-papers' }, ...clusterPapers(cluster.id).map((point) => h('li', null, h('a', { href: `#/paper/${encodeURIComponent(point.paperId)}` }, point.title)))),
        ),
      ),
    ),
  );
  // Inline styles are forbidden by the CSP; swatch colours are set through the DOM instead.
  for (const swatch of list.querySelectorAll('.map-swatch')) {
    /** @type {HTMLElement} */ (swatch).style.background = clusterColour(Number(/** @type {HTMLElement} */ (swatch).dataset.cluster));
  }
}

function renderSelection() {
  const panel = byId('map-selection');
  document.querySelector('#map-svg')?.classList.toggle('has-selection', selected !== null || lassoed !== null);
  for (const element of document.querySelectorAll('#map-svg [data-cluster]')) {
    const paperId = element.getAttribute('data-paper-id');
    element.classList.toggle('selected', lassoed ? paperId !== null && lassoed.has(paperId) : Number(element.getAttribute('data-cluster')) === selected);
  }
  for (const item of document.querySelectorAll('#map-cluster-list .map-cluster')) {
    const on = Number(item.getAttribute('data-cluster')) === selected;
    item.classList.toggle('selected', on);
    item.querySelector('.map-select')?.setAttribute('aria-pressed', String(on));
  }
  hideOverlappingLabels([...document.querySelectorAll('#map-labels .map-label')]);
  const cluster = selected === null ? undefined : data?.clusters.find((entry) => entry.id === selected);
  if (lassoed && data) {
    const papers = data.points.filter((point) => lassoed?.has(point.paperId));
    renderPanel(h('strong', null, `${papers.length} ${papers.length === 1 ? 'paper' : 'papers'} drawn around`), null, papers, `Asking and comparing use the first ${MAX_SCOPE} of them.`);
  } else if (cluster) {
    const papers = clusterPapers(cluster.id);
    renderPanel(
      [h('strong', null, labelText(cluster)), ` · ${papers.length} ${papers.length === 1 ? 'paper' : 'papers'}`],
      cluster.label.length > 2 ? cluster.label.join(' · ') : null,
      papers,
      `Asking and comparing use the ${MAX_SCOPE} most central papers of the cluster.`,
    );
  } else {
    panel.hidden = true;
    panel.replaceChildren();
  }
}

/**
 * The selected papers' actions: ask about them (scoped chat) or compare them (#/table).
 * @param {Node | Array<Node | string>} title @param {string | null} terms @param {MapPoint[]} papers @param {string} overflowNote
 */
function renderPanel(title, terms, papers, overflowNote) {
  const panel = byId('map-selection');
  const scoped = papers.slice(0, MAX_SCOPE);
  panel.hidden = false;
  panel.replaceChildren(
    h('p', { class: 'map-selection-title' }, title),
    terms ? h('p', { class: 'muted map-cluster-terms' }, terms) : null,
    h(
      'div',
      { class: 'map-actions' },
      h('button', { type: 'button', class: 'btn small primary', disabled: scoped.length === 0, onclick: () => onAsk(scoped.map(({ paperId, title: paperTitle }) => ({ paperId, title: paperTitle }))) }, 'Ask about these papers'),
      h('a', { class: 'btn small', href: `#/table?ids=${scoped.map((point) => encodeURIComponent(point.paperId)).join(',')}` }, 'Compare'),
      citeMenu(() => papers.map((point) => point.paperId), { label: 'Cite these papers' }),
      h('button', { type: 'button', class: 'btn small ghost', onclick: () => select(null, true) }, 'Clear selection'),
    ),
    papers.length > MAX_SCOPE ? h('p', { class: 'muted' }, overflowNote) : null,
  );
}

/** @param {number | null} clusterId @param {boolean} [speak] */
function select(clusterId, speak = false) {
  selected = selected === clusterId ? null : clusterId;
  lassoed = null;
  renderSelection();
  if (!speak) return;
  const cluster = data?.clusters.find((entry) => entry.id === selected);
  announce(cluster ? `Selected the cluster “${labelText(cluster)}”, ${cluster.size} papers.` : 'Selection cleared.');
}

// ---------------------------------------------------------------- zoom and pan

/** Client (px) → viewBox coordinates. @param {number} clientX @param {number} clientY */
function viewPoint(clientX, clientY) {
  const root = /** @type {SVGSVGElement} */ (/** @type {unknown} */ (byId('map-svg')));
  const matrix = root.getScreenCTM();
  if (!matrix) return { x: clientX, y: clientY };
  const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

/** Zooms by `factor` keeping the viewBox point (x, y) where it is. @param {number} factor @param {number} x @param {number} y */
function zoomAround(factor, x, y) {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor));
  const applied = k / view.k;
  view.x = x - (x - view.x) * applied;
  view.y = y - (y - view.y) * applied;
  view.k = k;
  applyTransform();
}

export function resetZoom() {
  Object.assign(view, { k: 1, x: 0, y: 0 });
  applyTransform();
}

/** Ray casting: whether (x, y) lies inside the polygon. @param {number} x @param {number} y @param {Array<{ x: number, y: number }>} polygon */
function insidePolygon(x, y, polygon) {
  let inside = false;
  for (let index = 0, previous = polygon.length - 1; index < polygon.length; previous = index++) {
    const a = /** @type {{ x: number, y: number }} */ (polygon[index]);
    const b = /** @type {{ x: number, y: number }} */ (polygon[previous]);
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Selects the papers inside the drawn outline (viewBox coordinates, as drawn on screen). @param {Array<{ x: number, y: number }>} outline */
function selectInside(outline) {
  if (!data || outline.length < 3) return;
  const inside = data.points.filter((point) => insidePolygon(toView(point.x) * view.k + view.x, toView(point.y) * view.k + view.y, outline));
  selected = null;
  lassoed = inside.length > 0 ? new Set(inside.map((point) => point.paperId)) : null;
  renderSelection();
  announce(inside.length > 0 ? `Selected ${inside.length} papers.` : 'No papers inside the outline.');
}

function initZoomAndPan() {
  const root = byId('map-svg');
  /** @type {Map<number, { x: number, y: number }>} */
  const pointers = new Map();
  let moved = 0;
  /** @type {{ distance: number, k: number } | null} */
  let pinch = null;

  root.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const at = viewPoint(event.clientX, event.clientY);
      zoomAround(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), at.x, at.y);
    },
    { passive: false },
  );
  /** @type {Array<{ x: number, y: number }> | null} */
  let outline = null;
  root.addEventListener('pointerdown', (event) => {
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 1) moved = 0;
    if (pointers.size === 1 && (lassoMode || event.shiftKey)) {
      outline = [viewPoint(event.clientX, event.clientY)];
      root.setPointerCapture(event.pointerId);
      root.append(svg('polyline', { id: 'map-lasso-path', class: 'map-lasso-path', points: '' }));
      return;
    }
    outline = null;
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, k: view.k };
    }
  });
  root.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) {
      hover(event);
      return;
    }
    if (outline) {
      outline.push(viewPoint(event.clientX, event.clientY));
      moved += Math.hypot(event.clientX - last.x, event.clientY - last.y);
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      document.getElementById('map-lasso-path')?.setAttribute('points', outline.map(({ x, y }) => `${x},${y}`).join(' '));
      return;
    }
    if (pointers.size === 1 && (event.buttons & 1 || event.pointerType !== 'mouse')) {
      const from = viewPoint(last.x, last.y);
      const to = viewPoint(event.clientX, event.clientY);
      view.x += to.x - from.x;
      view.y += to.y - from.y;
      moved += Math.hypot(event.clientX - last.x, event.clientY - last.y);
      if (moved > CLICK_SLOP && !root.hasPointerCapture(event.pointerId)) root.setPointerCapture(event.pointerId);
      applyTransform();
    }
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && pinch) {
      const [a, b] = [...pointers.values()];
      const centre = viewPoint((a.x + b.x) / 2, (a.y + b.y) / 2);
      moved = CLICK_SLOP + 1;
      zoomAround((pinch.k * Math.hypot(a.x - b.x, a.y - b.y)) / pinch.distance / view.k, centre.x, centre.y);
    }
    hideTooltip();
  });
  const release = (/** @type {PointerEvent} */ event) => {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
    if (outline) {
      document.getElementById('map-lasso-path')?.remove();
      if (event.type === 'pointerup') selectInside(outline);
      outline = null;
    }
  };
  root.addEventListener('pointerup', release);
  root.addEventListener('pointercancel', release);
  root.addEventListener('pointerleave', hideTooltip);
  // A drag that ends over a point or a label is a pan, not a click on it.
  root.addEventListener(
    'click',
    (event) => {
      if (moved > CLICK_SLOP) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
      const label = /** @type {Element} */ (event.target).closest?.('.map-label');
      if (label) select(Number(label.getAttribute('data-cluster')), true);
    },
    true,
  );
}

// ---------------------------------------------------------------- tooltip

/** @param {PointerEvent} event */
function hover(event) {
  const target = /** @type {Element} */ (event.target).closest?.('.map-point');
  const point = target ? data?.points.find((entry) => entry.paperId === target.getAttribute('data-paper-id')) : undefined;
  if (!point) {
    hideTooltip();
    return;
  }
  const tooltip = byId('map-tooltip');
  const wrap = byId('map-wrap').getBoundingClientRect();
  tooltip.textContent = point.title;
  tooltip.hidden = false;
  const left = Math.min(event.clientX - wrap.left + 12, wrap.width - tooltip.offsetWidth - 4);
  const top = event.clientY - wrap.top + 14 + tooltip.offsetHeight > wrap.height ? event.clientY - wrap.top - tooltip.offsetHeight - 10 : event.clientY - wrap.top + 14;
  tooltip.style.transform = `translate(${Math.max(4, left)}px, ${Math.max(4, top)}px)`;
}

function hideTooltip() {
  const tooltip = document.getElementById('map-tooltip');
  if (tooltip) tooltip.hidden = true;
}

// ---------------------------------------------------------------- loading

async function load() {
  const status = byId('map-status');
  status.textContent = 'Loading the map…';
  try {
    data = await getMap();
    status.textContent = `${data.points.length} papers in ${data.clusters.length} topics. Scroll or pinch to zoom, drag to pan; pick a topic to ask about its papers.`;
    draw();
    renderClusterList();
  } catch (error) {
    data = null;
    status.textContent =
      error instanceof ApiError && error.kind === 'indexing' ? 'The map is made with the index, which is still being built. Try again in a moment.' : 'The map could not be loaded. Try again in a moment.';
    loading = null;
  }
}

/** Shows the map view, loading the map the first time (and after a new index, see `forgetMap`). */
export function showMap() {
  if (!loading) loading = load();
  // Drawn while another view was up (the load finished after the user left), labels had no size.
  else if (data) {
    sizeHalos();
    applyTransform();
  }
  return loading;
}

/** A new index has a new map: the next visit reloads it. */
export function forgetMap() {
  loading = null;
  data = null;
  selected = null;
  lassoed = null;
}

/** @param {{ onAsk: (papers: Array<{ paperId: string, title: string }>) => void }} options */
export function initMap(options) {
  onAsk = options.onAsk;
  initZoomAndPan();
  byId('map-reset').addEventListener('click', resetZoom);
  const lassoButton = byId('map-lasso');
  lassoButton.addEventListener('click', () => {
    lassoMode = !lassoMode;
    lassoButton.setAttribute('aria-pressed', String(lassoMode));
    byId('map-svg').classList.toggle('lasso-mode', lassoMode);
  });
  // Another width (a phone turned) changes which labels overlap.
  window.addEventListener('resize', () => {
    if (data && !byId('map-view').hidden) applyTransform();
  });
  byId('map-zoom-in').addEventListener('click', () => zoomAround(1.5, SIZE / 2, SIZE / 2));
  byId('map-zoom-out').addEventListener('click', () => zoomAround(1 / 1.5, SIZE / 2, SIZE / 2));
}
