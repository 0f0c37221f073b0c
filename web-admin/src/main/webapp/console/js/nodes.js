// Nodes: the registry with each node's part in consensus, its link from this node, and why a node is flagged;
// governance actions (admin) and proposals.
import { api, hasRole, currentSession } from './api.js';
import { el, fill, refill, page, bytes, percent, short, idCell } from './dom.js';
import { barChart, lineChart, color } from './charts.js';
import { track } from './progress.js';
import { addNodeCard } from './addnode.js';
import { membersCard } from './members.js';

export async function nodesPage() {
  const admin = hasRole('admin');
  const table = el('table', { id: 'node-table' });
  const concentration = el('div', { id: 'concentration-warnings', class: 'banner warn hidden', role: 'alert' });
  const chart = el('div', { id: 'participation-now' });
  const history = el('div', { id: 'participation-history' });
  const log = el('div', { class: 'log', id: 'action-log', role: 'log', tabindex: 0, 'aria-label': 'Actions and their outcome on-chain' });
  const proposals = el('div', { id: 'proposals' });
  const members = membersCard(log, () => load());
  page(
    el('section', { class: 'card' }, el('h2', {}, 'Nodes'), concentration, table,
      el('p', { class: 'muted small' }, 'Participation: the share of recent commit certificates that carry the node\'s seal, '
        + 'over the last 100 and the last 1,000 blocks. A consensus node below 20 % is sluggish; with no link and no seal it is down.')),
    el('section', { class: 'card' }, el('h2', {}, 'Participation, last 100 blocks'), chart),
    el('section', { class: 'card' }, el('h2', {}, 'Participation over the last 1,000 blocks'), history),
    admin || hasRole('auditor') ? el('section', { class: 'card' }, el('h2', {}, 'Governance proposals'), proposals) : null,
    admin ? el('section', { class: 'card' }, el('h2', {}, 'Actions and their outcome on-chain'), log) : null,
    members,
    admin ? addNodeCard() : null);

  async function load() {
    const [nodes, buckets, spread] = await Promise.all([api('GET', '/nodes'), api('GET', '/nodes/participation?buckets=20'),
      api('GET', '/nodes/concentration')]);
    showConcentration(concentration, spread);
    refill(table, el('thead', {}, el('tr', {},
      ['Name', 'Agency', 'Id', 'CA hash', 'Index', 'Admitted at', 'Role', 'Status', 'Why', 'Last 100', 'Last 1,000', 'Behind', 'Link RTT', 'Throughput out/in',
        admin ? 'Actions' : null].filter(Boolean).map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, nodes.map(n => row(n, admin, log, load))));
    fill(chart, barChart(nodes.filter(n => n.role === 'consensus').map(n => ({
      label: n.name, value: n.recentParticipation, color: n.status === 'agile' ? '#1f6feb' : n.status === 'sluggish' ? '#b35900' : '#c62828',
    })), { id: 'participation-chart', title: 'Share of the last 100 commit certificates per node' }));
    const names = Object.fromEntries(nodes.map(n => [n.id, n.name]));
    const ids = nodes.filter(n => n.role === 'consensus').map(n => n.id);
    fill(history, lineChart(ids.map((id, i) => ({
      name: names[id] || short(id), color: color(i),
      points: buckets.buckets.map(b => [b.toHeight, b.shares[id] || 0]),
    })), { id: 'participation-history-chart', title: 'Participation per node over block height', xLabel: 'block height', xInteger: true,
      yLabel: 'share of certificates', yMin: 0, yMax: 1, yFormat: v => Math.round(v * 100) + ' %',
      thresholds: [{ y: 0.2, label: 'sluggish below' }] }));
    const self = nodes.find(n => n.id === currentSession().nodeId);
    if (admin || hasRole('auditor')) await loadProposals(proposals, admin, self ? self.agency : null, log, load);
    await members.load();
  }
  await load();
  return load;
}

// An agency holding more validators than f can halt the chain (or get conflicting blocks committed) on its own:
// said above the table, one line per warning, with the fix the node computed.
function showConcentration(box, spread) {
  const warnings = (spread && spread.warnings) || [];
  box.classList.toggle('hidden', warnings.length === 0);
  fill(box, warnings.length === 0 ? null : [
    el('strong', {}, 'Validator concentration: ' + spread.validators + ' validators, f = ' + spread.f + ', a quorum is ' + spread.quorum),
    el('ul', {}, warnings.map(w => el('li', { class: 'concentration-warning' }, w)))]);
}

function row(n, admin, log, reload) {
  const link = n.link;
  const me = currentSession().nodeId === n.id;
  return el('tr', { class: n.status, 'data-node': n.name },
    el('td', {}, n.name, me ? el('span', { class: 'muted small' }, ' (this node)') : null),
    el('td', { class: 'nowrap' }, n.agency),
    idCell(n.id, 'Copy node id of ' + n.name),
    idCell(n.caHash, 'Copy CA hash of ' + n.name),
    el('td', {}, n.idx),
    el('td', {}, n.blockNumber),
    el('td', { class: 'role' }, n.role),
    el('td', {}, el('span', { class: 'status status-' + n.status }, n.status),
      n.misbehaving ? el('span', { class: 'status status-misbehaving', title: evidenceText(n.evidence) }, ' misbehaving') : null),
    el('td', { class: 'reason small' }, n.reason, n.evidence ? el('div', { class: 'evidence small' }, evidenceText(n.evidence)) : null),
    el('td', { class: 'nowrap' }, percent(n.recentParticipation)),
    el('td', { class: 'nowrap' }, percent(n.participation)),
    el('td', { class: 'lag' }, me ? '–' : n.lagBlocks === null || n.lagBlocks === undefined ? '?' : Math.max(0, n.lagBlocks) + ' blocks'),
    el('td', { class: 'rtt' }, me ? '–' : !link ? 'no address' : !link.connected ? 'no link' : link.rttMillis === null ? '…' : link.rttMillis + ' ms'),
    el('td', { class: 'small' }, link && link.connected ? bytes(link.sendBytesPerSec) + '/s · ' + bytes(link.receiveBytesPerSec) + '/s' : '–'),
    admin ? el('td', {}, actions(n, log, reload)) : null);
}

/** What this node saw the other send that an honest node never sends: what, how much, when. */
function evidenceText(e) {
  if (!e) return '';
  const faults = Object.entries(e.faults || {}).map(([k, v]) => v + ' × ' + k.toLowerCase().replace(/_/g, ' ')).join(', ');
  const link = [e.framesOverShare ? e.framesOverShare + ' frames over its queue share' : null,
    e.throttled ? 'read paused ' + e.throttled + ' times for its rate' : null].filter(x => x).join(', ');
  const when = e.lastSeen ? ' (first ' + new Date(e.firstSeen).toLocaleTimeString() + ', last ' + new Date(e.lastSeen).toLocaleTimeString() + ')' : '';
  return 'Evidence: ' + [faults, link].filter(x => x).join('; ') + when + (e.lastDetail ? ' — last: ' + e.lastDetail : '');
}

// A click outside an open actions menu closes it (as Escape and leaving it by Tab do).
document.addEventListener('click', e => {
  document.querySelectorAll('details.actions-menu[open]').forEach(d => { if (!d.contains(e.target)) d.open = false; });
});

// One menu per row (a disclosure: Enter or Space opens it, Tab walks its buttons, Escape or leaving it closes it); the
// buttons keep their classes (demote, promote, remove, revoke) for tests and styles.
function actions(n, log, reload) {
  const menu = el('details', { class: 'actions-menu', 'data-key': 'menu:' + n.id });
  const summary = el('summary', { 'aria-label': 'Actions for ' + n.name, 'data-key': 'actions:' + n.id }, 'Actions');
  const close = () => { menu.open = false; summary.focus(); };
  const propose = (label, body, warning) => () => {
    close();
    if (warning && !confirm(warning)) return;
    track(log, label, () => api('POST', '/admin/proposals', body)).then(reload);
  };
  const item = (cls, text, onclick) => el('button', { class: cls, type: 'button', 'data-key': cls + ':' + n.id, onclick }, text);
  menu.addEventListener('keydown', e => {
    if (e.key === 'Escape' && menu.open) { e.preventDefault(); close(); }
  });
  menu.addEventListener('focusout', e => {
    if (e.relatedTarget && !menu.contains(e.relatedTarget)) menu.open = false;
  });
  menu.addEventListener('toggle', () => {
    if (menu.open) document.querySelectorAll('details.actions-menu[open]').forEach(d => { if (d !== menu) d.open = false; });
  });
  menu.append(summary, el('div', { class: 'menu' },
    n.role === 'consensus'
      ? item('demote', 'Demote to observer', propose('Demote ' + n.name + ' to observer', { action: 'set-role', nodeId: n.id, role: 'observer' },
          'Propose that ' + n.name + ' become an observer? It then receives blocks but no longer votes.'))
      : item('promote', 'Promote to consensus', propose('Promote ' + n.name + ' to consensus', { action: 'set-role', nodeId: n.id, role: 'consensus' })),
    item('remove danger', 'Remove…', propose('Remove ' + n.name, { action: 'remove-node', nodeId: n.id },
      'Propose removing ' + n.name + ' from the node registry?')),
    item('revoke danger', 'Revoke certificate…', propose('Revoke ' + n.name, { action: 'revoke', nodeId: n.id },
      'Propose revoking ' + n.name + '\'s certificate? Once approved every node cuts it off at once.'))));
  return menu;
}

// An open proposal of this node's agency can be withdrawn (each agency has at most maxOpenProposalsPerAgency open);
// another's can be approved.
function proposalAction(p, admin, ownAgency, log, reload) {
  if (!admin || p.status !== 'open') return el('td', {});
  if (p.proposerAgency === ownAgency) {
    return el('td', {}, el('button', { class: 'withdraw', type: 'button', 'data-key': 'withdraw:' + p.id, 'aria-label': 'Withdraw ' + p.action,
      onclick: () => {
        const approvals = (p.approvals || []).filter(a => a !== ownAgency);
        if (approvals.length > 0 && !confirm('Withdraw "' + p.action + '"? The approvals of ' + approvals.join(', ') + ' go with it.')) return;
        track(log, 'Withdraw ' + p.action, () => api('DELETE', '/admin/proposals/' + p.id)).then(reload);
      } }, 'Withdraw'));
  }
  return el('td', {}, el('button', { class: 'approve', type: 'button', 'data-key': 'approve:' + p.id, 'aria-label': 'Approve ' + p.action,
    onclick: () => track(log, 'Approve ' + p.action, () => api('POST', '/admin/proposals/' + p.id + '/approvals')).then(reload) }, 'Approve'));
}

async function loadProposals(box, admin, ownAgency, log, reload) {
  const all = await api('GET', '/admin/proposals');
  const open = all.filter(p => p.status === 'open');
  const recent = all.filter(p => p.status !== 'open').sort((a, b) => b.createdHeight - a.createdHeight).slice(0, 10);
  const rows = open.concat(recent).map(p => el('tr', { 'data-proposal': p.id, class: 'proposal-' + p.status },
    idCell(p.id, 'Copy id of proposal ' + p.id.substring(0, 8), 12),
    el('td', {}, p.action),
    el('td', {}, p.proposerAgency),
    el('td', {}, (p.approvals || []).join(', ')),
    el('td', { class: 'proposal-status' }, p.outcome && p.outcome.startsWith(p.status) ? p.outcome : p.status + (p.outcome ? ': ' + p.outcome : '')),
    el('td', {}, p.createdHeight),
    proposalAction(p, admin, ownAgency, log, reload)));
  refill(box, rows.length === 0 ? el('p', { class: 'muted' }, 'No proposals.') : el('table', { id: 'proposal-table' },
    el('thead', {}, el('tr', {}, ['Id', 'Action', 'Proposed by', 'Approved by', 'Status', 'Block'].map(h => el('th', { scope: 'col' }, h)),
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Approve or withdraw')))),
    el('tbody', {}, rows)));
}
