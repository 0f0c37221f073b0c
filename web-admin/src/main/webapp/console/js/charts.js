// Charts as SVG, drawn from data with createElementNS (no library: the console loads nothing from outside the node,
// and SVG elements can be checked by tests and read by screen readers, unlike a canvas).
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f6feb', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#334155'];

function s(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function color(i) { return COLORS[i % COLORS.length]; }

/**
 * A line chart. series: [{name, points: [[x, y]], dashed, color, band: [[x, low, high]]}]; opts: {id, title,
 * xLabel, yLabel, yMin, yMax, yFormat, xFormat, thresholds: [{y, label}]}.
 */
export function lineChart(series, opts = {}) {
  const W = 900, H = 260, L = 60, R = 150, T = 24, B = 40;
  const svg = s('svg', { class: 'chart', id: opts.id, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title || '' });
  svg.append(s('title', {}, opts.title || ''));
  const xs = [], ys = [];
  for (const se of series) {
    for (const p of se.points) { xs.push(p[0]); ys.push(p[1]); }
    for (const b of se.band || []) { xs.push(b[0]); ys.push(b[1], b[2]); }
  }
  for (const t of opts.thresholds || []) ys.push(t.y);
  if (xs.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data yet'));
    return svg;
  }
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  let y0 = opts.yMin ?? Math.min(...ys), y1 = opts.yMax ?? Math.max(...ys);
  if (y0 === y1) { y0 -= 1; y1 += 1; }
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  const fy = opts.yFormat || (v => (Math.abs(y1 - y0) < 5 ? v.toFixed(2) : Math.round(v)));
  const fx = opts.xFormat || (v => Math.round(v));
  const axis = s('g', { class: 'axis' });
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    axis.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: py(y), y2: py(y) }));
    axis.append(s('text', { x: L - 6, y: py(y) + 4, 'text-anchor': 'end' }, fy(y)));
    const x = x0 + (x1 - x0) * i / 4;
    axis.append(s('text', { x: px(x), y: H - B + 16, 'text-anchor': 'middle' }, fx(x)));
  }
  axis.append(s('line', { x1: L, x2: W - R, y1: H - B, y2: H - B }));
  axis.append(s('line', { x1: L, x2: L, y1: T, y2: H - B }));
  if (opts.xLabel) axis.append(s('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle' }, opts.xLabel));
  if (opts.yLabel) axis.append(s('text', { x: 12, y: T - 8 }, opts.yLabel));
  svg.append(axis);
  for (const t of opts.thresholds || []) {
    svg.append(s('line', { class: 'threshold', x1: L, x2: W - R, y1: py(t.y), y2: py(t.y) }));
    svg.append(s('text', { x: W - R + 4, y: py(t.y) + 4 }, t.label));
  }
  series.forEach((se, i) => {
    const c = se.color || color(i);
    if (se.band && se.band.length > 1) {
      const up = se.band.map(b => `${px(b[0])},${py(b[2])}`);
      const down = se.band.slice().reverse().map(b => `${px(b[0])},${py(b[1])}`);
      svg.append(s('polygon', { class: 'band', points: up.concat(down).join(' ') }));
    }
    if (se.points.length > 0) {
      const d = se.points.map((p, k) => (k === 0 ? 'M' : 'L') + px(p[0]).toFixed(1) + ',' + py(p[1]).toFixed(1)).join(' ');
      svg.append(s('path', { class: 'series' + (se.dashed ? ' dashed' : ''), d, stroke: c, 'data-series': se.name }));
    }
    if (se.points.length === 1) svg.append(s('circle', { cx: px(se.points[0][0]), cy: py(se.points[0][1]), r: 3, fill: c }));
    svg.append(s('rect', { x: W - R + 10, y: T + i * 16 - 9, width: 10, height: 10, fill: c }));
    svg.append(s('text', { x: W - R + 24, y: T + i * 16 }, se.name));
  });
  return svg;
}

/** Horizontal bars: items [{label, value (0..1), cls}]. */
export function barChart(items, opts = {}) {
  const W = 900, rowH = 22, L = 150, R = 70;
  const H = Math.max(40, items.length * rowH + 20);
  const svg = s('svg', { class: 'chart', id: opts.id, viewBox: `0 0 ${W} ${H}`, style: undefined, role: 'img', 'aria-label': opts.title || '' });
  svg.setAttribute('height', H);
  svg.append(s('title', {}, opts.title || ''));
  items.forEach((it, i) => {
    const y = 10 + i * rowH;
    svg.append(s('text', { x: L - 8, y: y + 13, 'text-anchor': 'end' }, it.label));
    svg.append(s('rect', { x: L, y, width: W - L - R, height: 16, fill: '#eceff4' }));
    svg.append(s('rect', { x: L, y, width: Math.max(0, Math.min(1, it.value)) * (W - L - R), height: 16,
      fill: it.color || '#1f6feb', 'data-node': it.label, class: 'bar ' + (it.cls || '') }));
    svg.append(s('text', { x: W - R + 6, y: y + 13 }, Math.round(it.value * 100) + ' %'));
  });
  return svg;
}

/**
 * Ticks for an axis from min to max: about `count` steps of 1, 2 or 5 × 10^k (whole numbers when `integer`), the
 * first at or below min and the last at or above max.
 */
export function niceTicks(min, max, count = 4, integer = false) {
  if (!(max > min)) max = min + (integer ? 1 : 1);
  const raw = (max - min) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = [1, 2, 5, 10].map(m => m * mag).find(st => st >= raw);
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(min / step) * step;
  const ticks = [];
  for (let v = first; v < max + step; v += step) {
    ticks.push(Number(v.toFixed(10)));
    if (v >= max) break;
  }
  return ticks;
}
