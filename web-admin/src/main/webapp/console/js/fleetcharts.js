// The fleet's pictures, from GET /batteries/summary with the table's filter: state of health per chemistry (a
// histogram over the status bands), value against age, and the status mix. Each mark carries its count or battery
// in data- attributes and a <title>, so tests and screen readers read what is drawn.
import { el } from './dom.js';
import { color, niceTicks } from './charts.js';

const NS = 'http://www.w3.org/2000/svg';
const STATUS_COLORS = { reuse: '#1a7f37', repurpose: '#b35900', recycle: '#c62828', 'not assessed': '#8a93a6' };

function s(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** niceTicks, extended by a step at either end until the ticks cover [min, max]: an axis must hold every mark. */
function cover(min, max, count, integer) {
  const t = niceTicks(min, max > min ? max : min + 1, count, integer);
  const step = t.length > 1 ? t[1] - t[0] : 1;
  if (t.length === 0) t.push(integer ? Math.floor(min) : min);
  while (t[0] > min) t.unshift(Number((t[0] - step).toFixed(10)));
  while (t[t.length - 1] < max) t.push(Number((t[t.length - 1] + step).toFixed(10)));
  return t;
}

function frame(id, title, W, H) {
  const svg = s('svg', { class: 'chart', id, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  svg.append(s('title', {}, title));
  return svg;
}

export function fleetCharts(summary) {
  return el('div', { class: 'charts-row' },
    el('figure', {}, histogram(summary), el('figcaption', { class: 'small muted' }, 'State of health per chemistry, 5 % bins, over the status bands')),
    el('figure', {}, scatter(summary), el('figcaption', { class: 'small muted' },
      summary.pointsOf > summary.points.length ? 'Value against age: ' + summary.points.length + ' of ' + summary.pointsOf + ' batteries (the first by code)'
        : 'Value against age')),
    el('figure', {}, statusMix(summary), el('figcaption', { class: 'small muted' }, 'Status of the ' + summary.count + ' matching batteries')));
}

/** Grouped bars per 5 % bin, one colour per chemistry; the reuse/repurpose/recycle bands shaded behind. */
function histogram(summary) {
  const W = 460, H = 230, L = 44, R = 20, T = 14, B = 44;
  const svg = frame('soh-histogram', 'State of health distribution per chemistry', W, H);
  const hs = summary.histograms;
  const total = hs.reduce((a, h) => a + h.counts.reduce((x, y) => x + y, 0), 0);
  if (total === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no assessed battery matches'));
    return svg;
  }
  const width = hs[0].binWidth;
  const bins = hs[0].counts.length;
  let lo = bins;
  hs.forEach(h => h.counts.forEach((c, i) => { if (c > 0) lo = Math.min(lo, i); }));
  lo = Math.max(0, Math.min(lo, bins - 4) - 1);
  if (summary.bands) lo = Math.min(lo, Math.floor(summary.bands.recycleBelow / width) - 1);
  lo = Math.max(0, lo);
  const max = Math.max(...hs.flatMap(h => h.counts.slice(lo)));
  const yt = cover(0, max, 4, true);
  const y1 = yt[yt.length - 1];
  const px = x => L + (x - lo * width) / ((bins - lo) * width) * (W - L - R);
  const py = y => H - B - y / y1 * (H - T - B);
  if (summary.bands) {
    const b = summary.bands;
    const zone = (from, to, cls, label) => {
      const a = Math.max(from, lo * width), z = Math.min(to, 1);
      if (z <= a) return;
      svg.append(s('rect', { class: 'zone zone-' + cls, x: px(a), y: T, width: px(z) - px(a), height: H - T - B }));
      svg.append(s('text', { class: 'zone-label', x: (px(a) + px(z)) / 2, y: T + 10, 'text-anchor': 'middle' }, label));
    };
    zone(0, b.recycleBelow, 'recycle', 'recycle');
    zone(b.recycleBelow, b.reuseFrom, 'repurpose', 'repurpose');
    zone(b.reuseFrom, 1, 'reuse', 'reuse');
  }
  const axis = s('g', { class: 'axis' });
  for (const y of yt) {
    axis.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: py(y), y2: py(y) }));
    axis.append(s('text', { x: L - 6, y: py(y) + 4, 'text-anchor': 'end' }, y));
  }
  for (let i = lo; i <= bins; i += 2) {
    axis.append(s('text', { x: px(i * width), y: H - B + 14, 'text-anchor': 'middle' }, Math.round(i * width * 100) + '%'));
  }
  axis.append(s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B }));
  axis.append(s('text', { x: (L + W - R) / 2, y: H - B + 30, 'text-anchor': 'middle' }, 'state of health'));
  axis.append(s('text', { x: 4, y: T - 2 }, 'batteries'));
  svg.append(axis);
  const slot = (px(width * (lo + 1)) - px(width * lo)) / hs.length;
  hs.forEach((h, k) => {
    const c = color(k);
    for (let i = lo; i < bins; i++) {
      const n = h.counts[i];
      if (n === 0) continue;
      const bar = s('rect', { class: 'bar soh-bar', x: px(i * width) + k * slot + 1, y: py(n), width: Math.max(1, slot - 2), height: py(0) - py(n),
        fill: c, 'data-chemistry': h.chemistry, 'data-count': n, 'data-bin': i });
      bar.append(s('title', {}, h.chemistry + ': ' + n + ' batteries at ' + Math.round(i * width * 100) + '–' + Math.round((i + 1) * width * 100) + ' %'));
      svg.append(bar);
    }
    svg.append(s('rect', { x: L + 6 + k * 70, y: H - 12, width: 10, height: 10, fill: c }));
    svg.append(s('text', { x: L + 20 + k * 70, y: H - 3 }, h.chemistry));
  });
  return svg;
}

/** One dot per battery: residual value against age, coloured by status. */
function scatter(summary) {
  const W = 460, H = 230, L = 56, R = 10, T = 14, B = 44;
  const svg = frame('value-age-chart', 'Residual value against age', W, H);
  const pts = summary.points;
  if (pts.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no valued battery matches'));
    return svg;
  }
  const xt = cover(0, Math.max(...pts.map(p => p.ageYears)), 5, false);
  const yt = cover(Math.min(0, ...pts.map(p => p.residualValue)), Math.max(...pts.map(p => p.residualValue)), 4, false);
  const [x0, x1, y0, y1] = [xt[0], xt[xt.length - 1], yt[0], yt[yt.length - 1]];
  const px = x => L + (x - x0) / (x1 - x0 || 1) * (W - L - R);
  const py = y => H - B - (y - y0) / (y1 - y0 || 1) * (H - T - B);
  const axis = s('g', { class: 'axis' });
  for (const y of yt) {
    axis.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: py(y), y2: py(y) }));
    axis.append(s('text', { x: L - 6, y: py(y) + 4, 'text-anchor': 'end' }, y));
  }
  for (const x of xt) axis.append(s('text', { x: px(x), y: H - B + 14, 'text-anchor': 'middle' }, x));
  axis.append(s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B }));
  axis.append(s('text', { x: (L + W - R) / 2, y: H - B + 30, 'text-anchor': 'middle' }, 'age (years)'));
  axis.append(s('text', { x: 4, y: T - 2 }, 'residual value'));
  svg.append(axis);
  for (const p of pts) {
    const dot = s('circle', { class: 'dot', cx: px(p.ageYears), cy: py(p.residualValue), r: 3, fill: STATUS_COLORS[p.status] || '#555',
      'data-code': p.batteryCode, 'data-status': p.status });
    dot.append(s('title', {}, p.batteryCode + ': ' + p.residualValue.toFixed(2) + ' at ' + p.ageYears.toFixed(1) + ' years (' + p.status + ')'));
    svg.append(dot);
  }
  return svg;
}

/** One stacked bar of the statuses (not assessed included), so its parts add up to the table's count. */
function statusMix(summary) {
  const W = 460, H = 110, L = 10, R = 10;
  const svg = frame('status-mix', 'Status mix of the matching batteries', W, H);
  const entries = ['reuse', 'repurpose', 'recycle', 'not assessed'].map(k => [k, summary.statuses[k] || 0]).filter(e => e[1] > 0);
  const total = entries.reduce((a, e) => a + e[1], 0);
  let x = L;
  entries.forEach(([k, n], i) => {
    const w = n / total * (W - L - R);
    const part = s('rect', { class: 'bar status-part', x, y: 16, width: w, height: 26, fill: STATUS_COLORS[k], 'data-status': k, 'data-count': n });
    part.append(s('title', {}, k + ': ' + n));
    svg.append(part);
    svg.append(s('rect', { x: L + i * 112, y: 62, width: 10, height: 10, fill: STATUS_COLORS[k] }));
    svg.append(s('text', { x: L + 14 + i * 112, y: 71 }, k + ' ' + n));
    x += w;
  });
  if (total === 0) svg.append(s('text', { x: W / 2, y: 34, 'text-anchor': 'middle' }, 'no battery matches'));
  return svg;
}
