// Members: each agency's kinds and the parties its records speak for (on chain); a new member company proposed by
// governance (admin); what this node disclosed to other members, from its disclosure log (admin, auditor).
import { api, hasRole } from './api.js';
import { el, fill } from './dom.js';
import { track } from './progress.js';

const KINDS = ['manufacturer', 'charging', 'recycler', 'auditor'];

export function membersCard(log, reload) {
  const agencies = el('div', { id: 'agency-table' });
  const disclosures = el('div', { id: 'disclosure-table' });
  const admin = hasRole('admin');
  const card = el('section', { class: 'card', id: 'members' }, el('h2', {}, 'Member companies'), agencies,
    admin ? addAgencyForm(log, reload) : null,
    admin || hasRole('auditor') ? el('div', {}, el('h3', {}, 'Disclosed to other members by this node'), disclosures) : null);
  card.load = async () => {
    const list = await api('GET', '/agencies');
    fill(agencies, el('table', {}, el('thead', {}, el('tr', {}, ['Agency', 'Kinds', 'Speaks for'].map(h => el('th', {}, h)))),
      el('tbody', {}, list.map(a => el('tr', { 'data-agency': a.agency }, el('td', {}, a.agency),
        el('td', {}, a.kinds.length ? a.kinds.join(', ') : 'none declared'),
        el('td', {}, a.parties.length ? a.parties.join(', ') : 'any party'))))));
    if (admin || hasRole('auditor')) {
      const rows = await api('GET', '/disclosures?limit=50');
      fill(disclosures, rows.length === 0 ? el('p', { class: 'muted' }, 'Nothing disclosed yet.')
        : el('table', {}, el('thead', {}, el('tr', {}, ['When', 'Asker', 'Asked for', 'Records', 'Refused'].map(h => el('th', {}, h)))),
          el('tbody', {}, rows.map(d => el('tr', { class: 'disclosure' }, el('td', { class: 'small' }, d.at),
            el('td', {}, d.askerAgency), el('td', { class: 'mono small' }, d.kind + ' ' + d.subject),
            el('td', {}, String(d.disclosed)), el('td', { class: 'small' }, d.refused || '–'))))));
    }
  };
  return card;
}

// The governance half of adding a member company. Its agency CA is issued where the chain CA's key is kept
// (./consortium add-agency does both halves on the chain CA's host).
function addAgencyForm(log, reload) {
  const name = el('input', { id: 'agency-name', type: 'text', placeholder: 'agency-d', 'aria-label': 'new agency name' });
  const boxes = KINDS.map(k => el('label', { class: 'inline' }, el('input', { type: 'checkbox', value: k, class: 'agency-kind' }), ' ' + k));
  const propose = el('button', { id: 'propose-agency', type: 'button' }, 'Propose');
  propose.addEventListener('click', () => {
    const kinds = boxes.map(b => b.firstChild).filter(b => b.checked).map(b => b.value);
    track(log, 'Add member ' + name.value, () => api('POST', '/admin/proposals', { action: 'add-agency', name: name.value, kinds })).then(reload);
  });
  return el('div', { class: 'row' }, el('span', {}, 'Add a member company: '), name, ...boxes, propose,
    el('p', { class: 'muted small' }, 'Its agency CA comes from the chain CA: ./consortium add-agency --name NAME --kind KIND on the chain CA\'s host '
      + 'issues it and proposes the same; the other agencies approve in the proposals above.'));
}
