/**
 * The paperchat HTTP API as the page uses it. Every failure becomes an ApiError with a
 * `kind` the chat can explain plainly: network, rate_limited, indexing, invalid, server, stream.
 */

import { readSetting, writeSetting } from './store.js';

export class ApiError extends Error {
  /**
   * @param {'network' | 'rate_limited' | 'indexing' | 'invalid' | 'not_found' | 'server' | 'stream'} kind
   * @param {string} message
   * @param {{ status?: number, code?: string, retryAfter?: number }} [details]
   */
  constructor(kind, message, details = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = details.status;
    this.code = details.code;
    /** Seconds to wait before retrying, when the server said so. */
    this.retryAfter = details.retryAfter;
  }
}

/** Retry-After is seconds or an HTTP date; the draft-7 RateLimit header carries `reset=`. @param {Headers} headers */
function retryAfterSeconds(headers) {
  const value = headers.get('Retry-After');
  if (value) {
    if (/^\d+$/.test(value.trim())) return Number(value.trim());
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  const reset = /reset=(\d+)/.exec(headers.get('RateLimit') ?? '');
  return reset ? Number(reset[1]) : undefined;
}

/** @param {Response} response */
async function errorFromResponse(response) {
  let code = `http_${response.status}`;
  let message = '';
  try {
    const body = await response.json();
    if (body && typeof body === 'object' && body.error) {
      code = typeof body.error.code === 'string' ? body.error.code : code;
      message = typeof body.error.message === 'string' ? body.error.message : '';
    }
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const details = { status: response.status, code, retryAfter: retryAfterSeconds(response.headers) };
  if (response.status === 429) return new ApiError('rate_limited', message || 'Too many requests.', details);
  if (response.status === 503 && code === 'index_not_ready') return new ApiError('indexing', message || 'The index is still being built.', details);
  if (response.status === 404) return new ApiError('not_found', message || 'Not found.', details);
  if (response.status >= 400 && response.status < 500) return new ApiError('invalid', message || `The request was rejected (${response.status}).`, details);
  return new ApiError('server', message || `The server had a problem (${response.status}).`, details);
}

/**
 * A server run with API_TOKEN answers 401 until the page sends the token. The person is asked
 * once, the token is kept in this browser (localStorage, like the conversations) and sent as
 * `Authorization: Bearer …` from then on; a token the server refuses is forgotten and asked for
 * again. Declining stops the asking (background polls included) until the page is reloaded.
 */
const TOKEN_SETTING = 'apiToken';
/** @type {Promise<string | null> | null} one question at a time, however many requests were refused together */
let tokenQuestion = null;
let tokenDeclined = false;

/** @param {string | null} refused the token the refused request carried @returns {Promise<string | null>} */
function tokenAfterRefusal(refused) {
  const stored = readSetting(TOKEN_SETTING);
  if (stored && stored !== refused) return Promise.resolve(stored);
  if (refused) writeSetting(TOKEN_SETTING, null);
  if (tokenDeclined) return Promise.resolve(null);
  tokenQuestion ??= Promise.resolve()
    .then(() => {
      const entered = window.prompt(
        refused ? 'That access token was not accepted. Access token for this paperchat server:' : 'This paperchat server needs an access token (its API_TOKEN). It is kept in this browser.',
      );
      const token = entered?.trim() || null;
      if (token) writeSetting(TOKEN_SETTING, token);
      else tokenDeclined = true;
      return token;
    })
    .finally(() => {
      tokenQuestion = null;
    });
  return tokenQuestion;
}

/** @param {string} path @param {RequestInit | undefined} init @param {string | null} token */
async function send(path, init, token) {
  const headers = token ? { ...(/** @type {Record<string, string>} */ (init?.headers ?? {})), Authorization: `Bearer ${token}` } : init?.headers;
  try {
    return await fetch(path, { ...init, headers });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network', 'Could not reach the paperchat server.');
  }
}

/** @param {string} path @param {RequestInit} [init] */
async function request(path, init) {
  let token = readSetting(TOKEN_SETTING);
  let response = await send(path, init, token);
  while (response.status === 401) {
    const next = await tokenAfterRefusal(token);
    if (!next) throw new ApiError('invalid', 'This server needs an access token: reload the page and enter the API_TOKEN its operator gave you.', { status: 401, code: 'unauthorized' });
    token = next;
    response = await send(path, init, token);
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/** @param {unknown} body @param {AbortSignal} [signal] @returns {RequestInit} */
function postJson(body, signal) {
  return { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal };
}

/** @returns {Promise<{ status: 'ok' | 'indexing', keywordAnswers?: boolean, papers: number, chunks: number, embedder: string | null }>} */
export async function getHealth() {
  return (await request('/api/health', { cache: 'no-store' })).json();
}

/**
 * The index as GET /api/index reports it: the live build, the one running and the last report.
 * @returns {Promise<{ live: { buildId: string | null, builtAt: string, papers: number } | null, building: { buildId: string, phase: string, done: number, total: number, trigger: string } | null, queued: boolean, lastReport: any }>}
 */
export async function getIndexInfo() {
  return (await request('/api/index', { cache: 'no-store' })).json();
}

/**
 * @param {string} query @param {{ k?: number, paperIds?: string[], filters?: Record<string, unknown>, signal?: AbortSignal }} [options]
 * @returns {Promise<Array<{ paperId: string, title: string, score: number, snippet: string, scores: Record<string, number>, authors?: string[], year?: number | null, venue?: string | null }>>}
 */
export async function search(query, options = {}) {
  const body = { query, k: options.k ?? 10, ...(options.paperIds ? { paperIds: options.paperIds } : {}), ...(options.filters ? { filters: options.filters } : {}) };
  const data = await (await request('/api/search', postJson(body, options.signal))).json();
  return Array.isArray(data.results) ? data.results : [];
}

/** @typedef {{ paperId: string, title: string, abstract: string, sources: Array<{ file: string, line: number }>, links: string[], authors?: string[], year?: number | null, venue?: string | null, doi?: string | null, arxivId?: string | null, tags?: string[], urls?: { arxiv?: string, doi?: string, page?: string } }} PaperJson */
/** @type {Map<string, Promise<PaperJson>>} */
const paperCache = new Map();

/** A new index may have changed papers' metadata (ids stay): forget what was cached. */
export function clearPaperCache() {
  paperCache.clear();
}

/** Papers keep their ids across reindexes; cached until a new index is noticed (clearPaperCache). @param {string} paperId */
export function getPaper(paperId) {
  let cached = paperCache.get(paperId);
  if (!cached) {
    cached = request(`/api/papers/${encodeURIComponent(paperId)}`).then((response) => response.json());
    cached.catch(() => paperCache.delete(paperId));
    paperCache.set(paperId, cached);
  }
  return cached;
}

/**
 * POST /api/ask with stream: true, yielding the Server-Sent Events as { event, data }.
 * Errors before the stream starts are thrown as ApiError; an `error` event is thrown too.
 * @param {{ question: string, history: Array<{ role: 'user' | 'assistant', content: string }>, paperIds?: string[], k?: number }} body
 * @param {AbortSignal} [signal]
 * @returns {AsyncGenerator<{ event: string, data: any }>}
 */
export async function* askStream(body, signal) {
  const response = await request('/api/ask', {
    ...postJson({ ...body, stream: true }, signal),
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
  });
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('text/event-stream')) {
    // A server without streaming answers with the whole result at once.
    const result = await response.json();
    if (typeof result?.answer === 'string') {
      yield { event: 'text-delta', data: { text: result.answer } };
      yield { event: 'answer-end', data: result };
      return;
    }
    throw new ApiError('server', 'The server sent an unexpected response.');
  }
  if (!response.body) throw new ApiError('stream', 'The answer stream could not be read.');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let ended = false;
  try {
    while (true) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw new ApiError('stream', 'The connection was lost while the answer was being written.');
      }
      if (chunk.done) break;
      buffer += chunk.value.replace(/\r\n?/g, '\n');
      let boundary;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const parsed = parseFrame(frame);
        if (!parsed) continue;
        if (parsed.event === 'error') {
          const error = parsed.data?.error ?? {};
          throw new ApiError('stream', typeof error.message === 'string' ? error.message : 'The answer could not be completed.', { code: error.code });
        }
        if (parsed.event === 'answer-end') ended = true;
        yield parsed;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (!ended) throw new ApiError('stream', 'The answer stream ended before the answer was complete.');
}

/** @param {string} frame */
function parseFrame(frame) {
  let event = 'message';
  const dataLines = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') dataLines.push(value);
  }
  if (dataLines.length === 0) return null;
  try {
    return { event, data: JSON.parse(dataLines.join('\n')) };
  } catch {
    return null;
  }
}

/**
 * GET /api/papers/:id/similar: the nearest papers, each with why (shared terms, best sentence pair).
 * @param {string} paperId @param {{ k?: number, signal?: AbortSignal }} [options]
 * @returns {Promise<Array<{ paperId: string, title: string, score: number, authors?: string[], year?: number | null, venue?: string | null, reason: { summary: string, sharedTerms: string[], sentences: { source: { text: string, start: number, end: number }, similar: { text: string, start: number, end: number }, similarity: number } | null } }>>}
 */
export async function getSimilarPapers(paperId, options = {}) {
  const data = await (await request(`/api/papers/${encodeURIComponent(paperId)}/similar?k=${options.k ?? 8}`, { signal: options.signal })).json();
  return Array.isArray(data.results) ? data.results : [];
}

/**
 * POST /api/cite: the papers as a bibliography file.
 * @param {string[]} paperIds @param {'bibtex' | 'ris' | 'csl-json'} format
 * @returns {Promise<{ text: string, contentType: string, filename: string | null }>}
 */
export async function citePapers(paperIds, format) {
  const response = await request('/api/cite', postJson({ paperIds, format, download: true }));
  const filename = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? null;
  return { text: await response.text(), contentType: response.headers.get('Content-Type') ?? 'text/plain', filename };
}

/**
 * @typedef {{ start: number, end: number, text: string }} EvidenceSpan
 * @typedef {{ columnId: string, status: 'stated' | 'not_stated', text: string, spans: EvidenceSpan[], generated: boolean }} TableCell
 * @typedef {{ columns: Array<{ id: string, label: string, kind: string }>, rows: Array<{ paperId: string, title: string, cells: TableCell[] }>, provider: string, question?: string, warning?: string }} ComparisonTable
 * @typedef {{ paperIds?: string[], question?: string, k?: number, columns?: string[] }} TableRequest
 */

/** POST /api/table: one row per paper, one cell per column, every cell with its abstract spans. @param {TableRequest} body @param {AbortSignal} [signal] @returns {Promise<ComparisonTable>} */
export async function getTable(body, signal) {
  return (await request('/api/table', postJson(body, signal))).json();
}

/**
 * The same table as a CSV or Markdown file, with the name the server gives it.
 * @param {TableRequest} body @param {'csv' | 'markdown'} format @returns {Promise<{ blob: Blob, fileName: string }>}
 */
export async function exportTable(body, format) {
  const response = await request('/api/table', postJson({ ...body, format }));
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `comparison.${format === 'csv' ? 'csv' : 'md'}`;
  return { blob: await response.blob(), fileName };
}

/**
 * The topic map computed with the index (GET /api/map).
 * @returns {Promise<{ points: Array<{ paperId: string, title: string, x: number, y: number, cluster: number }>, clusters: Array<{ id: number, label: string[], size: number }> }>}
 */
export async function getMap() {
  return (await request('/api/map', { cache: 'no-store' })).json();
}
