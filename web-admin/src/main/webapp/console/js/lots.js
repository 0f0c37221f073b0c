// Lots: a selection of the fleet (or a whole filter) valued as one job — a certificate per battery — with its progress,
// its value and band, the failures with their reasons, cancel, and the report as CSV, PDF and a ZIP of certificates.
import { api, apiUrl, hasRole } from './api.js';
import { el, fill, toast } from './dom.js';

let box = null;
let timer = null;

/** The Lots card: recent lots of this node, and the one being watched. */
export function lotsCard() {
  if (timer) { clearTimeout(timer); timer = null; }
  const current = el('div', { id: 'lot-current' });
  const recent = el('div', { id: 'lot-recent' });
  box = { current, recent };
  loadRecent().catch(e => toast(e.message, true));
  return el('section', { class: 'card', id: 'lots' }, el('h2', {}, 'Lots'),
    el('p', { class: 'muted small' }, 'A lot is valued battery by battery, each with its own signed certificate registered on chain.'),
    current, el('h3', {}, 'Recent lots'), recent);
}

/** Starts a lot of {codes} or {filter, count} after a confirmation. */
export async function startLot(selection) {
  const n = selection.codes ? selection.codes.length : selection.count;
  const partial = document.getElementById('lot-partial');
  if (!confirm('Value ' + n + ' batteries as a lot? Each gets a signed certificate registered on chain.')) return;
  const body = selection.codes ? { batteryCodes: selection.codes } : { filter: selection.filter };
  body.partial = !!(partial && partial.checked);
  try {
    const lot = await api('POST', '/valuations/lots', body);
    toast('Lot ' + lot.lotId + ' started: ' + lot.total + ' batteries');
    watch(lot.lotId);
    document.getElementById('lots').scrollIntoView({ block: 'start' }); // its progress, below the fleet table
  } catch (e) {
    toast(e.message, true);
  }
}

async function loadRecent() {
  if (!box) return;
  const lots = await api('GET', '/valuations/lots?limit=10');
  fill(box.recent, lots.length === 0 ? el('p', { class: 'muted' }, 'No lot valued on this node yet.')
    : el('table', { id: 'lot-table' },
      el('thead', {}, el('tr', {}, ['Lot', 'Status', 'Batteries', 'Valued', 'Failed', 'Value', 'Created'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, lots.map(l => el('tr', { 'data-lot': l.lotId },
        el('td', { class: 'mono nowrap' }, el('a', { href: '#', onclick: e => { e.preventDefault(); watch(l.lotId); } }, l.lotId)),
        el('td', {}, l.status), el('td', { class: 'num' }, l.total), el('td', { class: 'num' }, l.valued), el('td', { class: 'num' }, l.failed),
        el('td', { class: 'num' }, l.value.map(v => v.amount.toFixed(2) + ' ' + v.currency).join(', ') || '—'),
        el('td', {}, new Date(l.createdAt).toLocaleString()))))));
}

function watch(lotId) {
  if (timer) { clearTimeout(timer); timer = null; }
  const poll = async () => {
    if (!box || !document.body.contains(box.current)) return; // the page changed
    const lot = await api('GET', '/valuations/lots/' + encodeURIComponent(lotId));
    show(lot);
    if (lot.status === 'running') timer = setTimeout(() => poll().catch(e => toast(e.message, true)), 1000);
    else await loadRecent();
  };
  poll().catch(e => toast(e.message, true));
}

function show(lot) {
  const finished = lot.valued + lot.failed + lot.cancelled;
  const canCancel = lot.status === 'running' && hasRole('recycler', 'admin');
  const links = [['report.csv', 'CSV of every battery', 'lot-csv'], ['report.pdf', 'PDF summary', 'lot-pdf'],
    ['certificates.zip', 'ZIP of the certificates (CMS)', 'lot-zip']];
  fill(box.current, el('div', { class: 'lot', 'data-lot': lot.lotId, 'data-status': lot.status },
    el('h3', { id: 'lot-id' }, 'Lot ' + lot.lotId),
    el('label', { for: 'lot-progress', class: 'small' }, 'Progress: ', el('span', { id: 'lot-progress-text' },
      finished + ' of ' + lot.total + ' (' + lot.valued + ' valued, ' + lot.failed + ' failed' + (lot.cancelled ? ', ' + lot.cancelled + ' left out' : '') + ')')),
    el('progress', { id: 'lot-progress', max: lot.total, value: finished }),
    el('p', { id: 'lot-status', class: 'lot-' + lot.status }, lot.status === 'running' ? 'Valuing…' : lot.status === 'done' ? 'Done.' : 'Cancelled.'),
    el('p', { id: 'lot-value' }, lot.value.length === 0 ? 'No battery valued yet.' : lot.value.map(v => 'Lot value ' + v.amount.toFixed(2) + ' ' + v.currency
      + ' (band ' + v.low.toFixed(2) + '–' + v.high.toFixed(2) + ')').join('; ')),
    canCancel ? el('button', { type: 'button', id: 'lot-cancel', class: 'danger', onclick: () => api('POST', '/valuations/lots/' + lot.lotId + '/cancel')
      .then(show).catch(e => toast(e.message, true)) }, 'Cancel the lot') : null,
    lot.failures && lot.failures.length ? el('details', { id: 'lot-failures' }, el('summary', {}, lot.failed + ' failed, with the reasons'),
      el('ul', {}, lot.failures.map(f => el('li', {}, el('span', { class: 'mono' }, f.batteryCode), ': ' + f.reason)))) : null,
    el('p', { class: 'row' }, links.map(([path, label, id]) => el('a', { id, href: apiUrl('/valuations/lots/' + lot.lotId + '/' + path),
      download: lot.lotId + '-' + path }, label)))));
}

/** The lot options next to the fleet's lot buttons. */
export function lotOptions() {
  return el('label', { class: 'small' }, el('input', { type: 'checkbox', id: 'lot-partial' }),
    ' value from what there is when a holder does not answer (partial; the certificate says what was missing)');
}
