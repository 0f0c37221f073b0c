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
