/**
 * Conversations and settings, kept in localStorage. A conversation:
 * { id, title, createdAt, updatedAt, scope: [{ paperId, title }], messages: [
 *   { role: 'user', content, scope?: [{ paperId, title }] },
 *   { role: 'assistant', content, citations, refused, warning?, query, provider, timings, retrieved, stopped? } ] }
 * Failed turns (an error instead of an answer) live only in memory: they are never saved
 * and never sent back as history.
 */

const CONVERSATIONS_KEY = 'paperchat:conversations:v1';
const MAX_CONVERSATIONS = 100;

/** @param {string} key */
export function readSetting(key) {
  try {
    return localStorage.getItem(`paperchat:${key}`);
  } catch {
    return null;
  }
}

/** @param {string} key @param {string | null} value */
export function writeSetting(key, value) {
  try {
    if (value === null) localStorage.removeItem(`paperchat:${key}`);
    else localStorage.setItem(`paperchat:${key}`, value);
  } catch {
    // storage full or disabled: the setting lasts for this page only
  }
}

/** @returns {any[]} */
export function loadConversations() {
  try {
    const parsed = JSON.parse(localStorage.getItem(CONVERSATIONS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((c) => c && typeof c.id === 'string' && Array.isArray(c.messages));
  } catch {
    return [];
  }
}

/** @param {any} conversation */
function persistable(conversation) {
  return { ...conversation, messages: conversation.messages.filter((m) => !m.failed && m.role !== 'error') };
}

/** Saves every conversation that has at least one answered turn; drops the oldest when storage is full. @param {any[]} conversations */
export function saveConversations(conversations) {
  let list = conversations
    .map(persistable)
    .filter((c) => c.messages.length > 0)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, MAX_CONVERSATIONS);
  while (true) {
    try {
      localStorage.setItem(CONVERSATIONS_KEY, JSON.stringify(list));
      return;
    } catch {
      if (list.length <= 1) return;
      list = list.slice(0, Math.ceil(list.length / 2));
    }
  }
}

export function loadActiveId() {
  return readSetting('active');
}

/** @param {string | null} id */
export function saveActiveId(id) {
  writeSetting('active', id);
}

export function newConversation() {
  const now = Date.now();
  const id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${now}-${Math.random().toString(36).slice(2)}`;
  return { id, title: 'New chat', createdAt: now, updatedAt: now, scope: [], messages: [] };
}

