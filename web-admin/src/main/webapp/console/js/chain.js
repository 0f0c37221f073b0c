// Chain: head, view and primary; recent blocks with their transactions and the commit certificate's signers; the
// view and the transactions per block over height.
import { api } from './api.js';
import { el, fill, refill, page, figure, short } from './dom.js';
import { lineChart } from './charts.js';

export async function chainPage() {
  const head = el('div', { class: 'figures' });
  const blocks = el('table', { id: 'block-table' });
  const detail = el('div', { id: 'block-detail' });
  const charts = el('div', {});
  page(el('section', { class: 'card' }, el('h2', {}, 'Chain'), head),
    el('section', { class: 'card' }, el('h2', {}, 'Views and transactions over the last 200 blocks'), charts),
    el('section', { class: 'card' }, el('h2', {}, 'Recent blocks'), el('p', { class: 'muted small' }, 'Select a block for its transactions and commit certificate.'), blocks),
    el('section', { class: 'card' }, el('h2', {}, 'Block'), detail));
  let names = {};

  async function load() {
    const [chain, nodes, recent] = await Promise.all([api('GET', '/chain'), api('GET', '/nodes'), api('GET', '/chain/blocks?limit=200')]);
    names = Object.fromEntries(nodes.map(n => [n.id, n.name]));
    const name = id => names[id] || short(id);
    fill(head, figure('Height', chain.height, 'chain-height'), figure('View', chain.view, 'chain-view'),
      figure('Primary', name(chain.primary), 'chain-primary'), figure('Validators', chain.validators.length, 'chain-validators'),
      figure('Tolerates (f)', chain.f, 'chain-f'));
    const asc = recent.slice().reverse();
    fill(charts, 
      lineChart([{ name: 'certificate view', points: asc.map(b => [b.height, b.certificateView]) }],
        { id: 'view-chart', title: 'View of each block\'s commit certificate', xLabel: 'block height', yLabel: 'view', yMin: 0,
          xInteger: true, yInteger: true }),
      lineChart([{ name: 'transactions', points: asc.map(b => [b.height, b.transactions]) }],
        { id: 'throughput-chart', title: 'Transactions per block', xLabel: 'block height', yLabel: 'transactions', yMin: 0,
          xInteger: true, yInteger: true }));
    // A row opens its block on a click; for the keyboard, the height is a button (its click reaches the row).
    refill(blocks, el('thead', {}, el('tr', {}, ['Height', 'Time (UTC)', 'Proposer', 'View', 'Transactions', 'Signed by'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, recent.slice(0, 25).map(b => el('tr', { class: 'clickable', 'data-height': b.height, onclick: () => show(b.height) },
        el('td', {}, el('button', { type: 'button', class: 'link', 'data-key': 'block:' + b.height, 'aria-label': 'Show block ' + b.height }, b.height)),
        el('td', {}, b.timestamp.replace('T', ' ').replace(/\.\d+Z$/, 'Z')), el('td', {}, name(b.proposer)),
        el('td', {}, b.certificateView), el('td', {}, Object.entries(b.types).map(([t, c]) => c + ' ' + t).join(', ')),
        el('td', {}, b.signers.map(name).join(', '))))));
  }

  async function show(height) {
    const b = await api('GET', '/blocks/' + height);
    const name = id => names[id] || short(id);
    fill(detail, 
      el('div', { class: 'figures' }, figure('Height', b.height, 'block-height'), figure('Proposer', name(b.proposer)), figure('View', b.certificateView),
        figure('Size', Math.round(b.encodedBytes / 102.4) / 10 + ' KB')),
      el('p', { class: 'mono' }, 'hash ' + b.hash), el('p', { class: 'mono' }, 'parent ' + b.parentHash),
      el('p', { class: 'mono' }, 'transaction root ' + b.txRoot + ' · state root ' + b.stateRoot + (b.sigRoot ? ' · signature root ' + b.sigRoot : '')),
      el('h3', {}, 'Commit certificate (' + b.commitCertificate.length + ' seals)'),
      el('table', { id: 'certificate-table' }, el('tbody', {}, b.commitCertificate.map(s => el('tr', {},
        el('td', {}, name(s.nodeId)), el('td', { class: 'mono' }, short(s.signature, 48)))))),
      el('h3', {}, 'Transactions'),
      el('table', { id: 'transaction-table' }, el('thead', {}, el('tr', {}, ['Hash', 'Type', 'Sender', 'Outcome'].map(h => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, b.transactions.map(t => el('tr', {}, el('td', { class: 'mono', title: t.hash }, short(t.hash, 16)), el('td', {}, t.type),
          el('td', {}, name(t.sender)), el('td', { class: t.ok ? 'valid' : 'invalid' }, t.ok ? 'ok' : t.error))))));
  }

  await load();
  return load;
}
