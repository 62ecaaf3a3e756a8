/**
 * The chat: conversations (sidebar, saved in localStorage), the composer, streaming
 * answers with citation chips, sources and retrieval details, refusals, errors, export
 * and copy.
 */
import { citedPaperIds, citeMenu } from './cite.js';
import { ApiError, askStream } from './api.js';
import { announce, byId, copyText, formatMs, formatScore, h } from './dom.js';
import { citationChip, close as closePopover } from './popover.js';
import { cleanFilters, describeFilters, filterControls } from './filters.js';
import { renderAnswer, shorten, tidyLatex } from './render.js';
import { loadActiveId, loadConversations, newConversation, readSetting, saveActiveId, saveConversations, writeSetting } from './store.js';
import { MAX_TABLE_PAPERS, tableHash } from './table.js';

export const EXAMPLE_QUESTIONS = [
  'Which papers make vision transformers faster on phones?',
  'Which methods prune or merge tokens in vision transformers?',
  'What are alternatives to quadratic self-attention for long sequences?',
  'How are transformers applied to event cameras?',
];

const MAX_QUESTION = 2000;
const MAX_HISTORY_TURNS = 20;

/** @type {any[]} */
let conversations = [];
/** @type {any} */
let active;
/** @type {AbortController | null} */
let inFlight = null;
let paperCount = 0;

/** @type {Record<string, HTMLElement>} */
const el = {};
/** @type {HTMLTextAreaElement} */
let input;
/** The chat's metadata filters: kept across questions and reloads until cleared. @type {ReturnType<typeof filterControls>} */
let chatFilters;

export function initChat() {
  for (const id of ['messages', 'chat-scroll', 'composer', 'send', 'scope', 'conversation-list', 'conversation-title', 'export-chat', 'new-chat', 'show-retrieval', 'sidebar', 'sidebar-toggle', 'scrim']) el[id] = byId(id);
  input = /** @type {HTMLTextAreaElement} */ (byId('question'));
  input.maxLength = MAX_QUESTION;

  conversations = loadConversations();
  const activeId = loadActiveId();
  active = conversations.find((c) => c.id === activeId) ?? newConversation();

  el.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    if (inFlight) return;
    void send(input.value);
  });
  el.send.addEventListener('click', (event) => {
    if (inFlight) {
      event.preventDefault();
      inFlight.abort();
    }
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (!inFlight) void send(input.value);
    }
  });
  input.addEventListener('input', autosize);

  el['new-chat'].addEventListener('click', () => {
    startNewChat();
    closeSidebar(false);
    input.focus();
  });
  el['export-chat'].addEventListener('click', exportConversation);
  el['export-chat'].after(citeMenu(() => citedPaperIds(active.messages), { label: 'Cite all' }));

  const retrieval = /** @type {HTMLInputElement} */ (el['show-retrieval']);
  retrieval.checked = readSetting('showRetrieval') === '1';
  document.body.classList.toggle('show-retrieval', retrieval.checked);
  retrieval.addEventListener('change', () => {
    document.body.classList.toggle('show-retrieval', retrieval.checked);
    writeSetting('showRetrieval', retrieval.checked ? '1' : '0');
  });

  el['sidebar-toggle'].addEventListener('click', () => (document.body.classList.contains('sidebar-open') ? closeSidebar(true) : openSidebar()));
  el.scrim.addEventListener('click', () => closeSidebar(true));
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && document.body.classList.contains('sidebar-open') && byId('popover').hidden) closeSidebar(true);
  });
  window.addEventListener('storage', (event) => {
    // Another tab saved: pick up its list (the open conversation stays as it is here).
    if (event.key !== 'paperchat:conversations:v1') return;
    const fresh = loadConversations();
    conversations = fresh.some((c) => c.id === active.id) ? fresh.map((c) => (c.id === active.id ? active : c)) : fresh;
    renderConversationList();
  });

  initFilters();
  renderConversationList();
  renderConversation();
  renderScope();
}

function initFilters() {
  const panel = byId('chat-filters');
  const toggle = byId('filters-toggle');
  chatFilters = filterControls({
    idPrefix: 'chat-filter',
    label: 'Limit answers to papers',
    onChange: (filters) => {
      writeSetting('chatFilters', filters ? JSON.stringify(filters) : '');
      renderFilterScope(filters);
    },
  });
  panel.append(chatFilters.element);
  let saved;
  try {
    saved = cleanFilters(JSON.parse(readSetting('chatFilters') || 'null') ?? undefined);
  } catch {
    saved = undefined;
  }
  chatFilters.set(saved);
  renderFilterScope(saved);
  toggle.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute('aria-expanded', panel.hidden ? 'false' : 'true');
    if (!panel.hidden) /** @type {HTMLInputElement | null} */ (panel.querySelector('input'))?.focus();
  });
}

/** The chip above the question box that says what answers are limited to. @param {import('./filters.js').Filters | undefined} filters */
function renderFilterScope(filters) {
  const chip = byId('filter-scope');
  const text = describeFilters(filters);
  chip.hidden = !text;
  byId('filters-toggle').classList.toggle('active', Boolean(text));
  chip.replaceChildren(
    ...(text
      ? [
          h('span', { class: 'scope-label' }, 'Limited to:'),
          h(
            'span',
            { class: 'chip filter-chip' },
            h('span', { class: 'chip-text' }, text),
            h(
              'button',
              {
                type: 'button',
                class: 'chip-remove',
                'aria-label': `Remove filters: ${text}`,
                title: 'Ask about all papers',
                onclick: () => {
                  chatFilters.set(undefined);
                  writeSetting('chatFilters', '');
                  renderFilterScope(undefined);
                  announce('Filters removed: questions are about all papers.');
                  input.focus();
                },
              },
              '×',
            ),
          ),
        ]
      : []),
  );
}

/** @param {number} papers */
export function setPaperCount(papers) {
  paperCount = papers;
  const count = document.querySelector('.intro .paper-count');
  if (count) count.textContent = papers > 0 ? String(papers) : 'the';
}

export function focusComposer() {
  input.focus();
}

function autosize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

function openSidebar() {
  document.body.classList.add('sidebar-open');
  el['sidebar-toggle'].setAttribute('aria-expanded', 'true');
  el.scrim.hidden = false;
  /** @type {HTMLElement | null} */ (el.sidebar.querySelector('button'))?.focus();
}

/** @param {boolean} restoreFocus */
function closeSidebar(restoreFocus) {
  if (!document.body.classList.contains('sidebar-open')) return;
  document.body.classList.remove('sidebar-open');
  el['sidebar-toggle'].setAttribute('aria-expanded', 'false');
  el.scrim.hidden = true;
  if (restoreFocus) el['sidebar-toggle'].focus();
}

// ---------------------------------------------------------------- conversations

function persist() {
  saveConversations(conversations);
  saveActiveId(active.messages.some((/** @type {any} */ m) => !m.failed) ? active.id : null);
}

export function startNewChat() {
  if (inFlight) inFlight.abort();
  dropFailedTurns();
  active = newConversation();
  saveActiveId(null);
  renderConversationList();
  renderConversation();
  renderScope();
}

/** @param {string} id */
function openConversation(id) {
  const found = conversations.find((c) => c.id === id);
  if (!found || found === active) return;
  if (inFlight) inFlight.abort();
  dropFailedTurns();
  active = found;
  saveActiveId(found.id);
  renderConversationList();
  renderConversation();
  renderScope();
  if (location.hash && location.hash !== '#/' && location.hash !== '#') location.hash = '#/';
}

/** @param {string} id */
function deleteConversation(id) {
  const conversation = conversations.find((c) => c.id === id);
  if (!conversation) return;
  if (!window.confirm(`Delete the conversation “${conversation.title}”?`)) return;
  conversations = conversations.filter((c) => c.id !== id);
  if (active.id === id) {
    if (inFlight) inFlight.abort();
    active = newConversation();
    renderConversation();
    renderScope();
  }
  persist();
  renderConversationList();
  announce('Conversation deleted.');
  el['new-chat'].focus();
}

function renderConversationList() {
  const list = el['conversation-list'];
  const sorted = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt);
  if (sorted.length === 0) {
    list.replaceChildren(h('li', { class: 'muted empty' }, 'Your conversations will be listed here.'));
    return;
  }
  list.replaceChildren(
    ...sorted.map((conversation) => {
      const questions = conversation.messages.filter((/** @type {any} */ m) => m.role === 'user' && !m.failed).length;
      const current = conversation.id === active.id;
      return h(
        'li',
        { class: current ? 'current' : null },
        h(
          'button',
          {
            type: 'button',
            class: 'conversation',
            'aria-current': current ? 'true' : null,
            onclick: () => {
              openConversation(conversation.id);
              closeSidebar(false);
              input.focus();
            },
          },
          h('span', { class: 'conversation-title' }, conversation.title),
          h('span', { class: 'conversation-meta' }, `${relativeDate(conversation.updatedAt)} · ${questions} ${questions === 1 ? 'question' : 'questions'}`),
        ),
        h('button', { type: 'button', class: 'icon-btn delete', 'aria-label': `Delete conversation: ${conversation.title}`, title: 'Delete', onclick: () => deleteConversation(conversation.id) }, '×'),
      );
    }),
  );
}

/** @param {number} time */
function relativeDate(time) {
  const date = new Date(time);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return date.toLocaleDateString([], { month: 'short', day: 'numeric', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

function dropFailedTurns() {
  active.messages = active.messages.filter((/** @type {any} */ m) => !m.failed && m.role !== 'error');
}

function renderConversation() {
  closePopover(false);
  const hasMessages = active.messages.length > 0;
  el['conversation-title'].textContent = hasMessages ? active.title : 'New chat';
  /** @type {HTMLButtonElement} */ (el['export-chat']).disabled = !active.messages.some((/** @type {any} */ m) => m.role === 'assistant');
  if (!hasMessages) {
    el.messages.replaceChildren(introView());
    return;
  }
  el.messages.replaceChildren(
    ...active.messages.map((/** @type {any} */ message) =>
      message.role === 'user' ? userView(message) : message.role === 'error' ? errorView(message.error, message.retry) : assistantView(message),
    ),
  );
  requestAnimationFrame(() => (el['chat-scroll'].scrollTop = el['chat-scroll'].scrollHeight));
}

function introView() {
  return h(
    'div',
    { class: 'intro' },
    h('h2', null, 'Ask the transformer papers'),
    h(
      'p',
      null,
      'paperchat answers questions from ',
      h('span', { class: 'paper-count' }, paperCount > 0 ? String(paperCount) : 'the'),
      ' indexed research-paper abstracts. Every claim is cited: hover or focus a number to see the sentence in the abstract that supports it. When the papers do not cover a question, it says so instead of guessing.',
    ),
    h('h3', { id: 'examples-heading' }, 'Try one of these'),
    h(
      'ul',
      { class: 'examples', 'aria-labelledby': 'examples-heading' },
      EXAMPLE_QUESTIONS.map((question) => h('li', null, h('button', { type: 'button', class: 'example', onclick: () => void send(question) }, question))),
    ),
    h('p', { class: 'muted' }, 'Or ', h('a', { href: '#/papers' }, 'search and browse the papers'), ' and ask about one of them.'),
  );
}

// ---------------------------------------------------------------- scope ("Ask about this paper")

/** Scopes the next questions to one paper and brings the chat up ready to ask. @param {{ paperId: string, title: string }} paper */
export function askAboutPaper(paper) {
  askAboutPapers([paper]);
}

/** Scopes the next questions to these papers (e.g. a topic-map cluster). @param {Array<{ paperId: string, title: string }>} papers */
export function askAboutPapers(papers) {
  if (papers.length === 0) return;
  if (active.messages.some((/** @type {any} */ m) => !m.failed)) startNewChat();
  active.scope = papers.map((paper) => ({ paperId: paper.paperId, title: paper.title }));
  renderScope();
  if (location.hash !== '#/') location.hash = '#/';
  requestAnimationFrame(() => input.focus());
  announce(papers.length === 1 ? `Questions are now about “${papers[0]?.title}”.` : `Questions are now about ${papers.length} papers.`);
}

function renderScope() {
  const scope = Array.isArray(active.scope) ? active.scope : [];
  el.scope.hidden = scope.length === 0;
  input.placeholder = scope.length > 1 ? `Ask about these ${scope.length} papers…` : scope.length > 0 ? 'Ask about this paper…' : 'Ask about the papers…';
  el.scope.replaceChildren(
    ...(scope.length === 0
      ? []
      : [
          h('span', { class: 'scope-label' }, 'Only:'),
          ...(scope.length > 4 ? scope.slice(0, 3) : scope).map((/** @type {{ paperId: string, title: string }} */ paper) =>
            h(
              'span',
              { class: 'chip' },
              h('a', { href: `#/paper/${encodeURIComponent(paper.paperId)}`, class: 'chip-text', title: paper.title }, shorten(paper.title, 70)),
              h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove scope: ${paper.title}`, title: 'Ask about all papers', onclick: () => removeScope(paper.paperId) }, '×'),
            ),
          ),
          // A cluster can be dozens of papers: the first few, then one chip for the rest.
          ...(scope.length > 4
            ? [
                h(
                  'span',
                  { class: 'chip' },
                  h('span', { class: 'chip-text' }, `+${scope.length - 3} more`),
                  h('button', { type: 'button', class: 'chip-remove', 'aria-label': 'Remove scope: all these papers', title: 'Ask about all papers', onclick: () => clearScope() }, '×'),
                ),
              ]
            : []),
        ]),
  );
}

function clearScope() {
  active.scope = [];
  renderScope();
  if (conversations.includes(active)) persist();
  announce('Scope removed: questions are about all papers.');
  input.focus();
}

/** @param {string} paperId */
function removeScope(paperId) {
  active.scope = (active.scope ?? []).filter((/** @type {{ paperId: string }} */ p) => p.paperId !== paperId);
  renderScope();
  if (conversations.includes(active)) persist();
  announce('Scope removed: questions are about all papers.');
  input.focus();
}

// ---------------------------------------------------------------- asking

/** Earlier user turns and the answers to them (failed turns are not part of the conversation). */
function historyOf(/** @type {any} */ conversation) {
  /** @type {Array<{ role: 'user' | 'assistant', content: string }>} */
  const turns = [];
  const messages = conversation.messages.filter((/** @type {any} */ m) => !m.failed && m.role !== 'error');
  for (let i = 0; i < messages.length - 1; i++) {
    if (messages[i].role === 'user' && messages[i + 1].role === 'assistant') {
      turns.push({ role: 'user', content: messages[i].content.slice(0, MAX_QUESTION) }, { role: 'assistant', content: String(messages[i + 1].content).slice(0, 20000) });
      i++;
    }
  }
  return turns.slice(-MAX_HISTORY_TURNS * 2);
}

/** @param {string} rawQuestion */
export async function send(rawQuestion) {
  const question = rawQuestion.trim();
  if (!question || inFlight) {
    if (!question) input.focus();
    return;
  }
  closePopover(false);
  const hadFailed = active.messages.some((/** @type {any} */ m) => m.failed || m.role === 'error');
  dropFailedTurns();
  if (active.messages.length === 0) el.messages.replaceChildren();
  else if (hadFailed) renderConversation();

  // Everything below works on this conversation, even if another is opened meanwhile.
  const conversation = active;
  const scope = Array.isArray(conversation.scope) && conversation.scope.length > 0 ? conversation.scope.map((/** @type {any} */ p) => ({ ...p })) : undefined;
  const history = historyOf(conversation);
  const filters = chatFilters.get();
  const userMessage = { role: 'user', content: question, ...(scope ? { scope } : {}), ...(filters ? { filters } : {}), at: Date.now() };
  conversation.messages.push(userMessage);
  if (!conversations.includes(conversation)) {
    conversation.title = shorten(question);
    conversations.unshift(conversation);
  }
  conversation.updatedAt = Date.now();
  renderConversationList();
  el['conversation-title'].textContent = conversation.title;
  const userElement = userView(userMessage);
  el.messages.append(userElement);
  if (input.value.trim() === question) {
    input.value = '';
    autosize();
  }

  const view = streamingView();
  el.messages.append(view.element);
  scrollToEnd(true);
  setBusy(true);
  const controller = new AbortController();
  inFlight = controller;
  announce('Searching the papers…');

  let text = '';
  /** @type {any} */
  let result = null;
  try {
    const body = { question, history, ...(scope ? { paperIds: scope.map((/** @type {any} */ p) => p.paperId) } : {}), ...(filters ? { filters } : {}) };
    for await (const { event, data } of askStream(body, controller.signal)) {
      if (event === 'text-delta' && typeof data?.text === 'string') {
        text += data.text;
        view.update(text);
      } else if (event === 'answer-end') {
        result = data;
      }
    }
    const assistantMessage = {
      role: 'assistant',
      content: typeof result.answer === 'string' ? result.answer : text,
      citations: Array.isArray(result.citations) ? result.citations : [],
      refused: result.refused === true,
      warning: typeof result.warning === 'string' ? result.warning : undefined,
      query: result.query,
      provider: result.provider,
      timings: result.timings,
      retrieved: Array.isArray(result.retrieved) ? result.retrieved : [],
      ...(result.scope && typeof result.scope === 'object' ? { scope: result.scope } : {}),
      at: Date.now(),
    };
    conversation.messages.push(assistantMessage);
    view.element.replaceWith(assistantView(assistantMessage));
    const cited = assistantMessage.citations.length;
    announce(assistantMessage.refused ? 'The papers do not answer this question.' : `Answer complete${cited ? `, citing ${cited} ${cited === 1 ? 'paper' : 'papers'}` : ''}.`);
  } catch (error) {
    const here = conversation === active;
    if (controller.signal.aborted) {
      if (text.trim()) {
        const stopped = { role: 'assistant', content: text, citations: [], refused: false, retrieved: [], stopped: true, at: Date.now() };
        conversation.messages.push(stopped);
        view.element.replaceWith(assistantView(stopped));
      } else {
        // Stopped before any answer: the turn is withdrawn and the question goes back in the box.
        conversation.messages.splice(conversation.messages.indexOf(userMessage), 1);
        view.element.remove();
        userElement.remove();
        if (here) {
          if (!input.value.trim()) input.value = question;
          if (conversation.messages.length === 0) renderConversation();
        }
      }
      if (here) announce('Stopped.');
    } else {
      userMessage.failed = true;
      const retry = { question };
      conversation.messages.push({ role: 'error', error, retry });
      view.element.replaceWith(errorView(error, retry));
      userElement.classList.add('failed');
      // The question is not lost: it goes back in the box, ready to send again.
      if (here && !input.value.trim()) {
        input.value = question;
        autosize();
      }
    }
  } finally {
    if (inFlight === controller) inFlight = null;
    setBusy(inFlight !== null);
    if (conversation.messages.every((/** @type {any} */ m) => m.failed || m.role === 'error')) {
      conversations = conversations.filter((c) => c !== conversation);
    }
    persist();
    renderConversationList();
    /** @type {HTMLButtonElement} */ (el['export-chat']).disabled = !active.messages.some((/** @type {any} */ m) => m.role === 'assistant');
    if (conversation === active) scrollToEnd(false);
  }
}

/** @param {boolean} busy */
function setBusy(busy) {
  const button = /** @type {HTMLButtonElement} */ (el.send);
  button.textContent = busy ? 'Stop' : 'Send';
  button.type = busy ? 'button' : 'submit';
  button.classList.toggle('stop', busy);
  button.setAttribute('aria-label', busy ? 'Stop the answer' : 'Send question');
  el.composer.setAttribute('aria-busy', busy ? 'true' : 'false');
}

/** @param {boolean} force */
function scrollToEnd(force) {
  const scroller = el['chat-scroll'];
  const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  if (force || nearBottom) scroller.scrollTop = scroller.scrollHeight;
}

// ---------------------------------------------------------------- message views

/** @param {any} message */
function userView(message) {
  const scope = Array.isArray(message.scope) ? message.scope : [];
  return h(
    'article',
    { class: `msg user${message.failed ? ' failed' : ''}`, 'aria-label': 'Your question' },
    h('p', { class: 'msg-text' }, message.content),
    scope.length > 0
      ? h('p', { class: 'msg-scope' }, 'About: ', ...scope.map((/** @type {any} */ paper, /** @type {number} */ i) => [i > 0 ? ', ' : null, h('a', { href: `#/paper/${encodeURIComponent(paper.paperId)}` }, paper.title)]))
      : null,
    message.filters ? h('p', { class: 'msg-scope' }, `Limited to: ${describeFilters(message.filters)}`) : null,
  );
}

function streamingView() {
  const status = h('p', { class: 'msg-status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Searching the papers…');
  const body = h('div', { class: 'msg-body markdown' });
  const element = h('article', { class: 'msg assistant streaming', 'aria-label': 'Answer', 'aria-busy': 'true' }, status, body);
  let pending = '';
  let scheduled = false;
  return {
    element,
    /** @param {string} text */
    update(text) {
      pending = text;
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        status.replaceChildren(h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Writing…');
        body.replaceChildren(renderAnswer(pending, (n) => h('span', { class: 'cite pending', 'aria-label': `source ${n}` }, String(n))));
        scrollToEnd(false);
      });
    },
  };
}

/** @param {any} message */
function assistantView(message) {
  const citations = new Map((message.citations ?? []).map((/** @type {any} */ c) => [c.n, c]));
  const refused = message.refused === true;
  const body = h('div', { class: 'msg-body markdown' });
  body.append(renderAnswer(String(message.content ?? ''), (n) => (refused ? null : citations.has(n) ? citationChip(citations.get(n)) : null)));
  const article = h('article', { class: `msg assistant${refused ? ' refused' : ''}${message.stopped ? ' stopped' : ''}`, 'aria-label': refused ? 'No answer' : 'Answer' });
  if (refused) {
    article.append(
      h('p', { class: 'refusal-head' }, h('span', { class: 'refusal-icon', 'aria-hidden': 'true' }, '∅'), h('strong', null, 'No answer in the indexed papers')),
      body,
      h(
        'p',
        { class: 'refusal-hint' },
        'paperchat only answers from the indexed abstracts, and none of them supports an answer to this. Try naming a method, task or model from the field, or ',
        h('a', { href: '#/papers' }, 'search the papers'),
        '.',
      ),
    );
  } else {
    article.append(body);
    if (message.stopped) article.append(h('p', { class: 'msg-note' }, 'Stopped before the answer was complete.'));
  }
  if (message.warning) article.append(h('p', { class: 'msg-warning', role: 'note' }, message.warning));
  if (message.scope && typeof message.scope === 'object' && message.scope.filters) {
    // What the answer could draw on: the server counts the papers that passed the filters.
    const count = Number(message.scope.papers);
    article.append(h('p', { class: 'answer-scope' }, h('span', { class: 'chip static' }, `Limited to ${describeFilters(message.scope.filters)} · ${count} ${count === 1 ? 'paper' : 'papers'}`)));
  }
  if (!refused && citations.size > 0) article.append(sourcesView([...citations.values()]));
  if (Array.isArray(message.retrieved) && message.retrieved.length > 0) article.append(retrievalView(message));
  if (!message.stopped || message.content) article.append(actionsView(message));
  return article;
}

/** @param {any[]} citations */
function sourcesView(citations) {
  const headingId = `sources-${Math.random().toString(36).slice(2, 9)}`;
  return h(
    'section',
    { class: 'sources', 'aria-labelledby': headingId },
    h('div', { class: 'sources-head' }, h('h3', { id: headingId }, `Sources (${citations.length})`), citeMenu(() => citations.map((citation) => citation.paperId), { label: 'Cite sources' })),
    compareLink(citations),
    h(
      'ol',
      null,
      citations
        .sort((a, b) => a.n - b.n)
        .map((citation) =>
          h(
            'li',
            null,
            citationChip(citation),
            h(
              'div',
              { class: 'source-text' },
              h('a', { class: 'source-title', href: `#/paper/${encodeURIComponent(citation.paperId)}?start=${citation.start}&end=${citation.end}` }, citation.title),
              citation.quote ? h('q', { class: 'source-quote' }, tidyLatex(citation.quote)) : null,
            ),
          ),
        ),
    ),
  );
}

/** "Compare" the cited papers in a table (#/table), when there are at least two. @param {any[]} citations */
function compareLink(citations) {
  const paperIds = [...new Set(citations.map((citation) => String(citation.paperId)))].slice(0, MAX_TABLE_PAPERS);
  return paperIds.length < 2 ? null : h('a', { class: 'btn small ghost compare-sources', href: tableHash({ paperIds }) }, `Compare ${paperIds.length} papers`);
}

/** @param {any} message */
function retrievalView(message) {
  const cited = new Map((message.citations ?? []).map((/** @type {any} */ c) => [c.paperId, c.n]));
  const timings = message.timings ?? {};
  return h(
    'section',
    { class: 'retrieval', 'aria-label': 'Retrieval details' },
    h(
      'p',
      { class: 'retrieval-meta' },
      h('strong', null, 'Retrieval'),
      message.query ? [' for ', h('q', null, message.query)] : null,
      ` · retrieve ${formatMs(timings.retrieveMs)} · generate ${formatMs(timings.generateMs)}`,
      message.provider ? ` · ${message.provider}` : null,
    ),
    h(
      'div',
      { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Retrieved papers and scores' },
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Paper'), h('th', { scope: 'col', class: 'num' }, 'Fused'), h('th', { scope: 'col', class: 'num' }, 'Lexical (BM25)'), h('th', { scope: 'col', class: 'num' }, 'Vector (cosine)'))),
        h(
          'tbody',
          null,
          message.retrieved.map((/** @type {any} */ hit, /** @type {number} */ index) => {
            const scores = hit.scores ?? {};
            const n = cited.get(hit.paperId);
            return h(
              'tr',
              { class: n ? 'cited' : null },
              h('td', null, String(index + 1)),
              h('td', null, h('a', { href: `#/paper/${encodeURIComponent(hit.paperId)}` }, hit.title), n ? h('span', { class: 'cited-badge' }, ` cited [${n}]`) : null),
              h('td', { class: 'num' }, formatScore(scores.fused ?? hit.score)),
              h('td', { class: 'num' }, scores.lexical === undefined ? '—' : `${formatScore(scores.lexical, 2)} (#${scores.lexicalRank ?? '?'})`),
              h('td', { class: 'num' }, scores.vector === undefined ? '—' : `${formatScore(scores.vector)} (#${scores.vectorRank ?? '?'})`),
            );
          }),
        ),
      ),
    ),
  );
}

/** @param {any} message */
function actionsView(message) {
  const copy = h('button', { type: 'button', class: 'btn small ghost copy' }, 'Copy answer');
  copy.addEventListener('click', async () => {
    const ok = await copyText(answerAsMarkdown(message));
    copy.textContent = ok ? 'Copied ✓' : 'Copy failed';
    announce(ok ? 'Answer copied to the clipboard.' : 'The answer could not be copied.');
    setTimeout(() => (copy.textContent = 'Copy answer'), 2000);
  });
  const timings = message.timings ?? {};
  const meta = message.provider ? `${message.provider} · ${formatMs((timings.retrieveMs ?? 0) + (timings.generateMs ?? 0))}` : '';
  return h('div', { class: 'msg-actions' }, copy, meta ? h('span', { class: 'muted small' }, meta) : null);
}


/** @param {any} message */
function answerAsMarkdown(message) {
  const lines = [String(message.content ?? '').trim()];
  const citations = [...(message.citations ?? [])].sort((a, b) => a.n - b.n);
  if (!message.refused && citations.length > 0) {
    lines.push('', 'Sources:');
    for (const c of citations) lines.push(`[${c.n}] ${c.title}${c.quote ? ` — “${c.quote}”` : ''}`);
  }
  return lines.join('\n');
}

/**
 * @param {unknown} error
 * @param {{ question: string }} retry
 */
function errorView(error, retry) {
  const { title, detail, wait } = describeError(error);
  const retryButton = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn small' }, 'Try again'));
  retryButton.addEventListener('click', () => void send(retry.question));
  const detailLine = h('p', null, detail);
  const element = h(
    'div',
    { class: 'msg error', role: 'alert' },
    h('p', { class: 'error-title' }, h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '!'), h('strong', null, title)),
    detailLine,
    h('p', { class: 'muted small' }, 'Your question is still in the box below.'),
    h('div', { class: 'msg-actions' }, retryButton),
  );
  if (wait && wait > 0) {
    let remaining = Math.ceil(wait);
    retryButton.disabled = true;
    retryButton.textContent = `Try again in ${remaining} s`;
    const timer = setInterval(() => {
      remaining -= 1;
      if (remaining <= 0 || !element.isConnected) {
        clearInterval(timer);
        retryButton.disabled = false;
        retryButton.textContent = 'Try again';
      } else {
        retryButton.textContent = `Try again in ${remaining} s`;
      }
    }, 1000);
  }
  return element;
}

/** @param {unknown} error @returns {{ title: string, detail: string, wait?: number }} */
export function describeError(error) {
  if (error instanceof ApiError) {
    switch (error.kind) {
      case 'network':
        return { title: 'Can’t reach the paperchat server', detail: 'The server did not respond. Check that it is running and that you are online, then try again.' };
      case 'rate_limited': {
        const wait = error.retryAfter ?? 30;
        return { title: 'Too many requests', detail: `You have sent many requests in a short time. Try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`, wait };
      }
      case 'indexing':
        return { title: 'The papers are still being indexed', detail: 'The search index is being built; answers will be available in a moment. Try again shortly.', wait: error.retryAfter };
      case 'invalid':
        return { title: 'The question could not be sent', detail: error.message };
      case 'stream':
        return { title: 'The answer was interrupted', detail: error.message };
      default:
        return { title: 'Something went wrong on the server', detail: error.message };
    }
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}

// ---------------------------------------------------------------- export

function exportConversation() {
  const messages = active.messages.filter((/** @type {any} */ m) => !m.failed && m.role !== 'error');
  if (!messages.some((/** @type {any} */ m) => m.role === 'assistant')) return;
  const lines = [`# ${active.title}`, '', `_Exported from paperchat on ${new Date().toLocaleString()}_`, ''];
  for (const message of messages) {
    if (message.role === 'user') {
      lines.push(`## ${message.content.replace(/\s+/g, ' ')}`, '');
      if (Array.isArray(message.scope) && message.scope.length > 0) lines.push(`_About: ${message.scope.map((/** @type {any} */ p) => p.title).join('; ')}_`, '');
    } else {
      if (message.refused) lines.push('> **No answer in the indexed papers.**', '');
      lines.push(String(message.content).trim(), '');
      if (message.stopped) lines.push('_(stopped before the answer was complete)_', '');
      const citations = [...(message.citations ?? [])].sort((a, b) => a.n - b.n);
      if (!message.refused && citations.length > 0) {
        lines.push('**Sources**', '');
        for (const c of citations) lines.push(`${c.n}. *${c.title}* (\`${c.paperId}\`)${c.quote ? ` — “${c.quote}”` : ''}`);
        lines.push('');
      }
    }
  }
  const blob = new Blob([lines.join('\n')], { type: 'text/markdown;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const slug = active.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'conversation';
  const link = h('a', { href: url, download: `paperchat-${slug}.md`, class: 'offscreen' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  announce('Conversation exported as Markdown.');
}
