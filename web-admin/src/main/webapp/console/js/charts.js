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
 * Tick values for an axis from min to max: about `count` of them, spaced by a "nice" step (1, 2 or 5 × 10^k), each a
 * multiple of the step, none repeated. With `integer` the step is at least 1, so every tick is a whole number (block
 * heights, counts: never 1.3 or 2.5).
 */
export function niceTicks(min, max, count = 5, integer = false) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  return ticksWith(min, max, niceStep(max - min, count, integer));
}

function niceStep(span, count, integer) {
  if (!(span > 0)) return 1;
  // The 1-2-5 step nearest (on a log scale) to span / count, as d3's tickIncrement picks it.
  const raw = span / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / magnitude;
  const step = (norm >= Math.sqrt(50) ? 10 : norm >= Math.sqrt(10) ? 5 : norm >= Math.sqrt(2) ? 2 : 1) * magnitude;
  return integer ? Math.max(1, Math.round(step)) : step;
}

// Multiples of step within [min, max], computed from integer indexes (no accumulated rounding) and rounded to the
// step's decimals, so 0.1 + 0.2 prints as 0.3.
function ticksWith(min, max, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks = [];
  const first = Math.ceil(min / step - 1e-9), last = Math.floor(max / step + 1e-9);
  for (let k = first; k <= last && ticks.length < 1000; k++) {
    const v = Number((k * step).toFixed(decimals));
    if (ticks[ticks.length - 1] !== v) ticks.push(v);
  }
  return ticks;
}

function stepDecimals(ticks) {
  return ticks.length > 1 ? Math.max(0, -Math.floor(Math.log10(ticks[1] - ticks[0]) + 1e-9)) : 0;
}

// One axis's range: integer axes widen to whole numbers, an empty range opens by one, and an end the caller did not
// fix widens to the next multiple of the tick step (a y axis that ends at 1,000 rather than 937).
function axisRange(values, fixedMin, fixedMax, count, integer) {
  let lo = fixedMin ?? Math.min(...values), hi = fixedMax ?? Math.max(...values);
  if (integer) { lo = Math.floor(lo); hi = Math.ceil(hi); }
  if (lo === hi) { // one value: open the range on a side the caller left free (views all 0 with yMin 0: 0 to 1)
    if (fixedMax === undefined || fixedMax === null) hi += 1; else lo -= 1;
  }
  const step = niceStep(hi - lo, count, integer);
  if (fixedMin === undefined || fixedMin === null) lo = Math.floor(lo / step + 1e-9) * step;
  if (fixedMax === undefined || fixedMax === null) hi = Math.ceil(hi / step - 1e-9) * step;
  return { lo, hi, ticks: ticksWith(lo, hi, step) };
}

/**
 * A line chart. series: [{name, points: [[x, y]], dashed, color, band: [[x, low, high]]}]; opts: {id, title,
 * xLabel, yLabel, yMin, yMax, yFormat, xFormat, xInteger, yInteger, thresholds: [{y, label}]}. Ticks are "nice"
 * values (niceTicks); xInteger / yInteger keep them whole numbers for integer quantities (block height, counts).
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
  // The x axis spans the data exactly (its ends are not widened); the y axis widens to nice ends unless fixed.
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (opts.xInteger) { x0 = Math.floor(x0); x1 = Math.ceil(x1); }
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  const xTicks = niceTicks(x0, x1, 7, !!opts.xInteger);
  const { lo: y0, hi: y1, ticks: yTicks } = axisRange(ys, opts.yMin, opts.yMax, 5, !!opts.yInteger);
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  const yDecimals = stepDecimals(yTicks), xDecimals = stepDecimals(xTicks);
  const fy = opts.yFormat || (v => v.toFixed(opts.yInteger ? 0 : yDecimals));
  const fx = opts.xFormat || (v => v.toFixed(opts.xInteger ? 0 : xDecimals));
  const axis = s('g', { class: 'axis' });
  let last = null;
  for (const y of yTicks) {
    const label = String(fy(y));
    if (label === last) continue; // a format coarser than the step would repeat a label
    last = label;
    axis.append(s('line', { class: 'grid', x1: L, x2: W - R, y1: py(y), y2: py(y) }));
    axis.append(s('text', { class: 'tick y-tick', x: L - 6, y: py(y) + 4, 'text-anchor': 'end' }, label));
  }
  last = null;
  for (const x of xTicks) {
    const label = String(fx(x));
    if (label === last) continue;
    last = label;
    axis.append(s('line', { x1: px(x), x2: px(x), y1: H - B, y2: H - B + 4 }));
    axis.append(s('text', { class: 'tick x-tick', x: px(x), y: H - B + 16, 'text-anchor': 'middle' }, label));
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
