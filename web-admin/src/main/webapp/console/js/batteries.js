// Batteries: the fleet table (fleet.js) and lots (lots.js); a battery's history (master data, sessions, anchors), each
// record verifiable with its proof, checked by the node and again in this browser.
import { api, currentSession, hasRole } from './api.js';
import { fleetCard } from './fleet.js';
import { lotsCard, startLot } from './lots.js';
import { el, fill, page, figure, short, toast } from './dom.js';
import { recordHash, rootFromPath } from './merkle.js';

const SHOWN_SESSIONS = 200;

export async function batteriesPage(args) {
  const detail = el('div', { id: 'battery-detail' });
  if (args[0]) {
    page(el('p', {}, el('a', { href: '#/batteries', id: 'back-to-fleet' }, '← Fleet')), detail);
    await showBattery(detail, args[0]);
    return;
  }
  const fleet = fleetCard(hasRole('recycler', 'admin') ? selection => startLot(selection) : null);
  page(fleet.card, lotsCard());
  await fleet.reload();
}

async function showBattery(box, code) {
  const p = await api('GET', '/batteries/' + encodeURIComponent(code));
  const m = p.master || {};
  const sessions = p.sessions.slice(-SHOWN_SESSIONS).reverse();
  const masterRows = p.master ? [recordRow(p.master, p.masterHash, p.masterAnchor, p.masterHolder)] : [];
  fill(box,
    el('section', { class: 'card' }, el('h2', { id: 'battery-code' }, p.batteryCode),
      el('div', { class: 'figures' }, figure('Chemistry', m.chemistry || '—'), figure('Manufacturer', m.manufacturer || '—'),
        figure('Registered by', p.registration ? p.registration.agency + ' (block ' + p.registration.blockHeight + ')' : 'not yet'),
        figure('Rated capacity', m.ratedCapacityAh ? m.ratedCapacityAh + ' Ah' : '—'), figure('Rated cycle life', m.ratedCycleLife || '—'),
        figure('Equivalent full cycles', p.equivalentFullCycles === null ? 'more than one page' : p.equivalentFullCycles),
        figure('Sessions', p.sessionCount, 'battery-sessions'),
        figure('Latest valuation', p.latestValuation ? p.latestValuation.certificateId : 'none')),
      completeness(p),
      el('p', {}, el('a', { href: '#/valuations/' + encodeURIComponent(p.batteryCode), id: 'value-battery' }, 'Valuations of this battery')),
      el('h3', {}, 'Records of every member that holds them'),
      el('p', { class: 'muted small' }, p.sessionCount > SHOWN_SESSIONS ? 'The newest ' + SHOWN_SESSIONS + ' of ' + p.sessionCount + ' sessions.' : ''),
      el('table', { id: 'record-table' },
        el('thead', {}, el('tr', {}, ['Record', 'Type', 'When', 'SoC', 'Temp avg/max', 'Anchored', 'Holder', ''].map(h => el('th', {}, h)))),
        el('tbody', {}, masterRows.concat(sessions.map(s => recordRow(s.record, s.hash, s.anchor, s.holder)))))));
}

// Whether every member node answered, what the policy withheld, and records that failed their check (never counted).
function completeness(p) {
  const parts = [];
  parts.push(el('p', { id: 'battery-completeness', class: p.complete ? 'muted small' : 'verdict invalid' },
    p.complete ? 'Every member node answered (' + p.holders.length + ').'
      : 'Incomplete: ' + p.holders.filter(h => h.status !== 'self' && h.status !== 'answered')
        .map(h => h.node + ' ' + h.status + (h.reason ? ' (' + h.reason + ')' : '')).join('; ')));
  for (const r of p.refusals) {
    parts.push(el('p', { class: 'muted small refusal' }, r));
  }
  for (const f of p.failed) {
    parts.push(el('p', { class: 'verdict invalid failed-record' }, 'Record ' + (f.record.recordId || f.hash) + ' held by ' + f.holder.node
      + ' failed its check: ' + f.holder.verification));
  }
  return el('div', {}, parts);
}

function recordRow(r, hash, anchor, holder) {
  const proofRow = el('tr', { class: 'hidden proof-row' }, el('td', { colspan: 8 }));
  const verify = el('button', { type: 'button', class: 'verify', 'data-record': r.recordId }, 'Verify');
  verify.addEventListener('click', () => verifyRecord(r, proofRow, verify).catch(e => toast(e.message, true)));
  const row = el('tr', { 'data-record': r.recordId },
    el('td', { class: 'mono' }, r.recordId), el('td', {}, r.type),
    el('td', {}, r.type === 'session' ? r.startedAt : r.manufacturedAt),
    el('td', {}, r.type === 'session' ? Math.round(r.socStart * 100) + ' → ' + Math.round(r.socEnd * 100) + ' %' : ''),
    el('td', {}, r.type === 'session' ? r.avgTempC + ' / ' + r.maxTempC + ' °C' : ''),
    el('td', {}, anchor && anchor.blockHeight ? 'block ' + anchor.blockHeight : (anchor ? anchor.status : 'no')),
    el('td', { title: holder ? holder.verification : '' }, holder ? holder.node + ' (' + holder.agency + ')' + (holder.verified ? ' ✓' : '') : ''),
    el('td', {}, verify));
  return [row, proofRow];
}

async function verifyRecord(record, proofRow, button) {
  button.disabled = true;
  const cell = proofRow.firstChild;
  proofRow.classList.remove('hidden');
  fill(cell, el('span', { class: 'muted' }, 'verifying…'));
  try {
    const v = await api('POST', '/records/verify', record);
    const parts = [el('p', { class: 'verdict ' + (v.valid ? 'valid' : 'invalid') }, (v.valid ? 'Valid: ' : 'Not valid: ') + v.reason)];
    if (v.proof) {
      const pr = v.proof;
      let local = 'not checked in the browser (the chain does not use SHA-256)';
      let localOk = false;
      if (currentSession().suite.includes('sha256')) {
        const h = await recordHash(record);
        const root = await rootFromPath(h, pr.leafIndex, pr.treeSize, pr.auditPath);
        localOk = h === pr.recordHash && root === pr.batchRoot;
        local = localOk ? 'this browser recomputed the record hash and, along the audit path, the batch root: they match'
          : 'this browser computed ' + (h !== pr.recordHash ? 'record hash ' + h : 'root ' + root) + ': they do not match';
      }
      parts.push(el('p', { class: 'browser-check ' + (localOk ? 'valid' : 'invalid') }, local),
        el('table', { class: 'proof' }, el('tbody', {},
          [['record hash', pr.recordHash], ['leaf', pr.leafIndex + ' of ' + pr.treeSize], ['batch root', pr.batchRoot],
            ['anchored in block', pr.blockHeight], ['transaction', pr.txHash]]
            .map(([k, val]) => el('tr', {}, el('th', {}, k), el('td', { class: 'mono' }, String(val)))),
          el('tr', {}, el('th', {}, 'audit path'), el('td', { class: 'mono' }, pr.auditPath.map(x => el('div', {}, x)))))));
    }
    fill(cell, ...parts);
  } finally {
    button.disabled = false;
  }
}
