// Builds DOM nodes from data: text always goes in as text, never as markup.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** Replaces a node's children; null, undefined and false are left out, arrays flattened. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  return node;
}

export function page(...children) {
  return fill(document.getElementById('page'), ...children);
}

export function toast(message, failed = false) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = failed ? 'fail' : '';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.add('hidden'), 8000);
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0; let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
}

export function percent(share) { return share === null || share === undefined ? '–' : Math.round(share * 100) + ' %'; }
export function short(hex, n = 10) { return hex ? hex.substring(0, n) + '…' : ''; }
export function figure(label, value, id) {
  return el('div', { class: 'figure' }, el('div', { class: 'label' }, label), el('div', { class: 'value', id }, value));
}

/**
 * Copies text to the clipboard: the Clipboard API where the page may use it, else a hidden textarea and
 * execCommand('copy') (a page over plain http to another host has no navigator.clipboard). Focus goes back where it was.
 */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch (e) {
      // refused (no permission, or the document lost focus): the old way below
    }
  }
  const before = document.activeElement;
  const area = el('textarea', { class: 'offscreen', readonly: true, tabindex: '-1', 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  try {
    if (!document.execCommand('copy')) throw new Error('the browser refused to copy');
  } finally {
    area.remove();
    if (before && before.focus) before.focus();
  }
}

/** A small button that copies value; label names what it copies ("Copy node id of node3"), and it says when it did. */
export function copyButton(value, label) {
  const b = el('button', { type: 'button', class: 'copy', 'aria-label': label, title: label, 'data-key': label }, 'Copy');
  b.addEventListener('click', async () => {
    try {
      await copyText(value);
      b.textContent = 'Copied';
      b.classList.add('copied');
      toast(label.replace(/^Copy/, 'Copied'));
      setTimeout(() => { b.textContent = 'Copy'; b.classList.remove('copied'); }, 1500);
    } catch (e) {
      toast('Could not copy: ' + e.message, true);
    }
  });
  return b;
}

/** A table cell with a long hex value shortened (the whole value in its title) and a button copying all of it. */
export function idCell(value, label, n = 10) {
  if (!value) return el('td', { class: 'mono id' }, '–');
  return el('td', { class: 'mono id', title: value }, el('span', { class: 'id-short' }, short(value, n)), ' ', copyButton(value, label));
}

/**
 * fill() for content that a refresh rebuilds while someone may be working in it: the focused element (found again by
 * its data-key) keeps the focus, and the <details> open before (by data-key) stay open.
 */
export function refill(node, ...children) {
  const active = document.activeElement;
  const focusKey = active && node.contains(active) ? active.dataset.key : undefined;
  const open = new Set(Array.from(node.querySelectorAll('details[open][data-key]'), d => d.dataset.key));
  fill(node, ...children);
  for (const d of node.querySelectorAll('details[data-key]')) if (open.has(d.dataset.key)) d.open = true;
  if (focusKey) {
    const again = Array.from(node.querySelectorAll('[data-key]')).find(e => e.dataset.key === focusKey);
    if (again) again.focus();
  }
  return node;
}
