// The fleet table: every battery this node knows with its latest consortium-wide assessment, sorted, filtered and
// paged by the node (GET /batteries), its pictures drawn from the same filter (GET /batteries/summary), and a
// selection (or the whole filter) handed to lot valuation.
import { apiPage, api } from './api.js';
import { el, fill, toast } from './dom.js';
import { fleetCharts } from './fleetcharts.js';
import { lotOptions } from './lots.js';

const PAGE = 50;
export const COLUMNS = [
  { key: 'batteryCode', label: 'Code' },
  { key: 'unitKind', label: 'Unit' },
  { key: 'chemistry', label: 'Chemistry' },
  { key: 'manufacturer', label: 'Manufacturer' },
  { key: 'age', label: 'Age' },
  { key: 'sessions', label: 'Sessions' },
  { key: 'equivalentFullCycles', label: 'Full cycles' },
  { key: 'stateOfHealth', label: 'State of health' },
  { key: 'status', label: 'Status' },
  { key: 'residualValue', label: 'Residual value' },
  { key: 'evidence', label: 'Evidence' },
];
const CHOICES = {
  unitKind: ['pack', 'module', 'cell'],
  chemistry: ['LFP', 'NMC', 'NCA', 'LMO', 'LTO'],
  status: ['reuse', 'repurpose', 'recycle'],
  evidence: ['verified', 'unanchored', 'incomplete', 'not-assessed', 'unavailable'],
};

/** The filter form's fields as one RSQL filter; the same string goes to the table and to the pictures. */
export function rsql(f) {
  const terms = [];
  const quote = v => (/^[A-Za-z0-9_.*-]+$/.test(v) ? v : '"' + v.replace(/["\\]/g, '\\$&') + '"');
  if (f.code) terms.push('batteryCode==' + quote(f.code.toUpperCase() + '*'));
  for (const k of ['unitKind', 'chemistry', 'status', 'evidence']) if (f[k]) terms.push(k + '==' + f[k]);
  if (f.manufacturer) terms.push('manufacturer==' + quote(f.manufacturer));
  const range = (key, lo, hi, scale = 1) => {
    if (lo !== '' && lo !== undefined) terms.push(key + '=ge=' + Number(lo) * scale);
    if (hi !== '' && hi !== undefined) terms.push(key + '=le=' + Number(hi) * scale);
  };
  range('stateOfHealth', f.sohMin, f.sohMax, 0.01);
  range('age', f.ageMin, f.ageMax);
  range('residualValue', f.valueMin, f.valueMax);
  return terms.join(';');
}

/**
 * The fleet card: filter form, pictures, table with sortable headers and pages. {onLot(selection)} is called with
 * {codes} or {filter, count} when the user values a lot; null hides the lot buttons.
 */
export function fleetCard(onLot) {
  const state = { sort: 'batteryCode', filter: '', cursors: [null], selected: new Set(), total: 0 };
  const input = (id, label, attrs = {}) => el('label', { class: 'field' }, label, el('input', { id, autocomplete: 'off', ...attrs }));
  const select = (key, label) => el('label', { class: 'field' }, label,
    el('select', { id: 'fleet-' + key }, el('option', { value: '' }, 'any'), CHOICES[key].map(v => el('option', { value: v }, v))));
  const form = el('form', { id: 'fleet-filter-form', class: 'filters', role: 'search', 'aria-label': 'Filter the fleet' },
    input('battery-search', 'Code begins', { size: 14, placeholder: 'e.g. 036P' }),
    select('unitKind', 'Unit'), select('chemistry', 'Chemistry'),
    input('fleet-manufacturer', 'Manufacturer', { size: 14, placeholder: 'CATL or CAT*' }),
    select('status', 'Status'), select('evidence', 'Evidence'),
    input('fleet-soh-min', 'SoH from %', { type: 'number', min: 0, max: 100, step: 'any', size: 5 }),
    input('fleet-soh-max', 'SoH to %', { type: 'number', min: 0, max: 100, step: 'any', size: 5 }),
    input('fleet-age-min', 'Age from (years)', { type: 'number', min: 0, step: 'any', size: 5 }),
    input('fleet-age-max', 'Age to (years)', { type: 'number', min: 0, step: 'any', size: 5 }),
    input('fleet-value-min', 'Value from', { type: 'number', step: 'any', size: 7 }),
    input('fleet-value-max', 'Value to', { type: 'number', step: 'any', size: 7 }),
    el('div', { class: 'row' }, el('button', { type: 'submit', id: 'battery-search-button', class: 'primary' }, 'Apply'),
      el('button', { type: 'reset', id: 'fleet-clear' }, 'Clear')));
  const shownFilter = el('code', { id: 'fleet-filter' });
  const count = el('span', { id: 'fleet-count', 'aria-live': 'polite' });
  const table = el('table', { id: 'fleet-table', class: 'fleet' });
  const pager = el('div', { class: 'row', id: 'fleet-pager' });
  const pictures = el('div', { id: 'fleet-pictures', class: 'pictures' });
  const lotBar = el('div', { class: 'row', id: 'fleet-lot-bar' });
  const value = id => document.getElementById(id).value.trim();

  form.addEventListener('submit', e => {
    e.preventDefault();
    state.filter = rsql({ code: value('battery-search'), unitKind: value('fleet-unitKind'), chemistry: value('fleet-chemistry'),
      manufacturer: value('fleet-manufacturer'), status: value('fleet-status'), evidence: value('fleet-evidence'),
      sohMin: value('fleet-soh-min'), sohMax: value('fleet-soh-max'), ageMin: value('fleet-age-min'), ageMax: value('fleet-age-max'),
      valueMin: value('fleet-value-min'), valueMax: value('fleet-value-max') });
    state.cursors = [null];
    reload().catch(x => toast(x.message, true));
  });
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));

  async function reload() {
    await Promise.all([loadPage(), loadPictures()]);
  }

  async function loadPage() {
    const cursor = state.cursors[state.cursors.length - 1];
    const q = '/batteries?limit=' + PAGE + '&sort=' + encodeURIComponent(state.sort) + '&filter=' + encodeURIComponent(state.filter)
      + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    const p = await apiPage(q);
    state.total = p.total;
    fill(shownFilter, state.filter || '(none)');
    const first = (state.cursors.length - 1) * PAGE;
    fill(count, p.total === 0 ? 'No battery matches.' : 'Batteries ' + (first + 1) + '–' + (first + p.items.length) + ' of ' + p.total + ' matching');
    fill(table, header(), el('tbody', { id: 'battery-results' }, p.items.map(row)));
    fill(pager,
      el('button', { type: 'button', id: 'fleet-first', disabled: state.cursors.length === 1,
        onclick: () => { state.cursors = [null]; loadPage().catch(x => toast(x.message, true)); } }, 'First page'),
      el('button', { type: 'button', id: 'fleet-prev', disabled: state.cursors.length === 1,
        onclick: () => { state.cursors.pop(); loadPage().catch(x => toast(x.message, true)); } }, 'Previous page'),
      el('button', { type: 'button', id: 'fleet-next', disabled: !p.next,
        onclick: () => { state.cursors.push(p.next); loadPage().catch(x => toast(x.message, true)); } }, 'Next page'));
    showLotBar();
  }

  async function loadPictures() {
    const s = await api('GET', '/batteries/summary?filter=' + encodeURIComponent(state.filter));
    fill(pictures, fleetCharts(s));
  }

  function header() {
    const all = el('input', { type: 'checkbox', id: 'fleet-select-page', 'aria-label': 'Select every battery on this page' });
    all.addEventListener('change', () => {
      document.querySelectorAll('#battery-results input.pick').forEach(c => {
        c.checked = all.checked;
        if (all.checked) state.selected.add(c.value); else state.selected.delete(c.value);
      });
      showLotBar();
    });
    return el('thead', {}, el('tr', {}, onLot ? el('th', { scope: 'col' }, all) : null, COLUMNS.map(c => {
      const active = state.sort.replace(/^-/, '') === c.key;
      const desc = active && state.sort.startsWith('-');
      const b = el('button', { type: 'button', class: 'sort', 'data-sort': c.key,
        title: 'Sort by ' + c.label.toLowerCase() + (active && !desc ? ', descending' : '') }, c.label, active ? (desc ? ' ▼' : ' ▲') : '');
      b.addEventListener('click', () => {
        state.sort = active && !desc ? '-' + c.key : c.key;
        state.cursors = [null];
        loadPage().catch(x => toast(x.message, true));
      });
      return el('th', { scope: 'col', 'aria-sort': active ? (desc ? 'descending' : 'ascending') : 'none' }, b);
    })));
  }

  function row(b) {
    const pick = el('input', { type: 'checkbox', class: 'pick', value: b.batteryCode, 'aria-label': 'Select ' + b.batteryCode,
      checked: state.selected.has(b.batteryCode) });
    pick.addEventListener('change', () => { if (pick.checked) state.selected.add(b.batteryCode); else state.selected.delete(b.batteryCode); showLotBar(); });
    const none = el('span', { class: 'muted' }, '—');
    return el('tr', { 'data-code': b.batteryCode },
      onLot ? el('td', {}, pick) : null,
      el('td', { class: 'mono nowrap' }, el('a', { href: '#/batteries/' + encodeURIComponent(b.batteryCode), 'data-code': b.batteryCode }, b.batteryCode)),
      el('td', {}, b.unitKind), el('td', {}, b.chemistry || none), el('td', {}, b.manufacturer || none),
      el('td', { class: 'num', 'data-value': b.ageYears }, b.ageYears === undefined ? none : b.ageYears.toFixed(1) + ' y'),
      el('td', { class: 'num' }, b.sessions === undefined ? none : b.sessions),
      el('td', { class: 'num' }, b.equivalentFullCycles === undefined ? none : b.equivalentFullCycles),
      el('td', { class: 'num soh', 'data-value': b.stateOfHealth }, b.stateOfHealth === undefined ? none
        : [pct(b.stateOfHealth), el('span', { class: 'muted small' }, ' ' + pct(b.stateOfHealthLow) + '–' + pct(b.stateOfHealthHigh))]),
      el('td', {}, b.status ? el('span', { class: 'status status-' + b.status }, b.status) : none),
      el('td', { class: 'num', 'data-value': b.residualValue }, b.residualValue === undefined ? none
        : [money(b.residualValue, b.currency), el('div', { class: 'muted small' }, money(b.residualValueLow) + '–' + money(b.residualValueHigh))]),
      el('td', { class: 'evidence-' + b.evidence, title: b.evidenceDetail || '' }, b.evidence,
        b.evidenceDetail && b.evidence !== 'verified' ? el('div', { class: 'muted small' }, b.evidenceDetail) : null));
  }

  function showLotBar() {
    if (!onLot) return;
    const n = state.selected.size;
    fill(lotBar,
      el('button', { type: 'button', id: 'lot-selected', class: 'primary', disabled: n === 0,
        onclick: () => onLot({ codes: [...state.selected] }) }, 'Value the ' + n + ' selected as a lot'),
      el('button', { type: 'button', id: 'lot-filter', disabled: state.total === 0,
        onclick: () => onLot({ filter: state.filter, count: state.total }) }, 'Value all ' + state.total + ' matching as a lot'),
      n > 0 ? el('button', { type: 'button', id: 'lot-clear-selection',
        onclick: () => { state.selected.clear(); loadPage().catch(x => toast(x.message, true)); } }, 'Clear selection') : null);
  }

  const card = el('section', { class: 'card', id: 'fleet' }, el('h2', {}, 'Fleet'), form,
    el('p', { class: 'muted small' }, 'Filter: ', shownFilter, ' · figures from this node\'s latest assessment of each battery from every member\'s records'),
    pictures, el('div', { class: 'row' }, count), onLot ? lotBar : null, onLot ? lotOptions() : null, el('div', { class: 'scroll' }, table), pager);
  return { card, reload };
}

function pct(x) { return x === undefined || x === null ? '—' : (x * 100).toFixed(1) + ' %'; }
function money(x, currency) { return x === undefined || x === null ? '—' : x.toFixed(2) + (currency ? ' ' + currency : ''); }
