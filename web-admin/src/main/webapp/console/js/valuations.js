// Valuations: issue a certificate for a battery (recycler, admin), see its figures and capacity-fade curve, download
// it as JSON, PDF or CMS, and verify a certificate file.
import { api, apiUrl, hasRole } from './api.js';
import { el, fill, page, figure, toast } from './dom.js';
import { lineChart } from './charts.js';

export async function valuationsPage(args) {
  const code = el('input', { id: 'valuation-code', placeholder: 'battery code', size: 32, autocomplete: 'off', value: args[0] || '' });
  const list = el('div', { id: 'valuation-list' });
  const recent = el('div', { id: 'recent-valuations' });
  const shown = el('div', { id: 'valuation-result' });
  const file = el('input', { type: 'file', id: 'verify-file', accept: '.p7m,.p7s,.pem,.json,.der' });
  const verdict = el('div', { id: 'verify-result' });
  const canIssue = hasRole('recycler', 'admin');
  const issue = el('button', { type: 'button', id: 'issue-valuation', class: 'primary' }, 'Issue valuation');
  issue.addEventListener('click', async () => {
    issue.disabled = true;
    fill(shown, el('p', { class: 'muted' }, 'valuing from the anchored records and registering on-chain…'));
    try {
      const r = await api('POST', '/valuations', { batteryCode: code.value.trim().toUpperCase() });
      toast('Certificate ' + r.certificateId + ' ' + (r.registration.status === 'registered' ? 'registered in block ' + r.registration.blockHeight : r.registration.status));
      await loadList(code.value.trim().toUpperCase(), list, shown);
      show(r.certificateId, r.certificate, r.registration, shown);
    } catch (e) {
      fill(shown, el('p', { class: 'error', id: 'valuation-error' }, e.message));
    } finally {
      issue.disabled = false;
    }
  });
  const verify = el('button', { type: 'button', id: 'verify-upload' }, 'Verify');
  verify.addEventListener('click', () => verifyFile(file, verdict).catch(e => fill(verdict, el('p', { class: 'invalid' }, e.message))));
  page(
    el('section', { class: 'card' }, el('h2', {}, 'Valuations'),
      el('form', { class: 'row', onsubmit: e => { e.preventDefault(); const c = code.value.trim().toUpperCase();
        Promise.all([loadList(c, list, shown), loadRecent(c, recent, list, shown)]).catch(x => toast(x.message, true)); } },
        code, el('button', { type: 'submit', id: 'valuation-list-button' }, 'Show certificates'), canIssue ? issue : null),
      canIssue ? null : el('p', { class: 'muted small' }, 'Issuing needs the recycler or admin role.'), list),
    el('section', { class: 'card' }, el('h2', {}, 'Certificate'), shown),
    el('section', { class: 'card' }, el('h2', {}, 'Recent valuations'), recent),
    el('section', { class: 'card' }, el('h2', {}, 'Verify a certificate'),
      el('p', { class: 'muted small' }, 'A certificate from any node of the chain: its CMS (.p7m, DER or PEM) or its JSON document.'),
      el('div', { class: 'row' }, el('label', { for: 'verify-file' }, 'Certificate file'), file, verify), verdict));
  if (args[0]) await loadList(args[0], list, shown);
  await loadRecent(args[0] || '', recent, list, shown);
}

// This node's latest certificates and the chain's latest registrations by any agency, narrowed by what was typed.
async function loadRecent(q, box, list, shown) {
  const [mine, chain] = await Promise.all([api('GET', '/valuations?limit=20&q=' + encodeURIComponent(q)),
    api('GET', '/valuations/registrations?limit=20&q=' + encodeURIComponent(q))]);
  const battery = code => el('button', { type: 'button', class: 'link mono', 'data-code': code,
    onclick: () => loadList(code, list, shown).catch(e => toast(e.message, true)) }, code);
  fill(box,
    el('h3', {}, 'Issued by this node' + (q ? ' (' + q + '…)' : '')),
    mine.length === 0 ? el('p', { class: 'muted' }, 'None.') : el('table', { id: 'recent-issued' },
      el('thead', {}, el('tr', {}, ['Certificate', 'Battery', 'Issued', 'State of health', 'Status', 'Residual value', 'On chain'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, mine.map(c => el('tr', { 'data-certificate': c.certificateId },
        el('td', { class: 'mono nowrap' }, c.certificateId), el('td', {}, battery(c.batteryCode)), el('td', {}, c.issuedAt),
        el('td', { class: 'num' }, (c.stateOfHealth * 100).toFixed(1) + ' %'), el('td', {}, c.status),
        el('td', { class: 'num' }, c.residualValue.amount + ' ' + c.residualValue.currency),
        el('td', {}, c.registration.status + (c.registration.blockHeight ? ' in block ' + c.registration.blockHeight : '')))))),
    el('h3', {}, 'Registered on chain by any agency' + (q ? ' (' + q + '…)' : '')),
    el('p', { class: 'muted small' }, 'Blocks ' + chain.fromHeight + ' to ' + chain.toHeight + '.'),
    chain.registrations.length === 0 ? el('p', { class: 'muted' }, 'None in those blocks.') : el('table', { id: 'recent-registrations' },
      el('thead', {}, el('tr', {}, ['Certificate', 'Battery', 'Agency', 'Block', 'Current'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, chain.registrations.map(r => el('tr', { 'data-certificate': r.certificateId },
        el('td', { class: 'mono nowrap' }, r.certificateId), el('td', {}, battery(r.batteryCode)), el('td', {}, r.agency),
        el('td', { class: 'num' }, r.blockHeight), el('td', {}, r.current ? 'current' : 'superseded by ' + r.supersededBy))))));
}

async function loadList(code, box, shown) {
  if (!code) return;
  const open = c => api('GET', '/valuations/' + c.certificateId).then(doc => show(c.certificateId, doc, c.registration, shown))
    .catch(e => toast(e.message, true));
  const certs = await api('GET', '/valuations?batteryCode=' + encodeURIComponent(code));
  fill(box, certs.length === 0 ? el('p', { class: 'muted' }, 'This node has issued no certificate for ' + code + '.')
    : el('table', { id: 'certificate-list' }, el('thead', {}, el('tr', {}, ['Certificate', 'Issued', 'State of health', 'Status', 'Residual value', 'On chain'].map(h => el('th', {}, h)))),
      el('tbody', {}, certs.map(c => el('tr', { class: 'clickable', 'data-certificate': c.certificateId,
        onclick: () => open(c) },
      el('td', { class: 'mono' }, el('button', { type: 'button', class: 'link', onclick: e => { e.stopPropagation(); open(c); } }, c.certificateId)), el('td', {}, c.issuedAt), el('td', {}, (c.stateOfHealth * 100).toFixed(1) + ' %'),
      el('td', {}, c.status), el('td', {}, c.residualValue.amount + ' ' + c.residualValue.currency),
      el('td', {}, c.current ? 'current' : 'superseded'))))));
}

/** The certificate's fade curve as points: format 2 carries columns, format 1 a list of points. */
function fadeCurve(c) {
  if (Array.isArray(c)) return c;
  return c.fullCycles.map((x, i) => ({ fullCycles: x, stateOfHealth: c.stateOfHealth[i], low: c.low[i], high: c.high[i],
    projected: i >= c.projectedFrom }));
}

/** Format 2 lists the first events of each type and counts them all: say how many more there were. */
function moreEvents(r) {
  const total = Object.values(r.negativeEventCounts || {}).reduce((a, b) => a + b, 0);
  return total > r.negativeEvents.length ? ' and ' + (total - r.negativeEvents.length) + ' more' : '';
}

function show(id, doc, registration, box) {
  const r = doc.results;
  const pct = v => (v * 100).toFixed(1) + ' %';
  const curve = fadeCurve(r.fadeCurve);
  const measured = curve.filter(p => !p.projected);
  const projected = curve.filter(p => p.projected);
  if (measured.length && projected.length) projected.unshift(measured[measured.length - 1]);
  const link = (format, label) => el('a', { id: 'download-' + format, href: apiUrl('/valuations/' + encodeURIComponent(id) + '?format=' + format),
    download: id + '.' + (format === 'cms' ? 'p7m' : format) }, label);
  fill(box, 
    el('p', { class: 'mono', id: 'certificate-id' }, id),
    el('div', { class: 'figures' },
      figure('State of health', pct(r.stateOfHealth), 'soh'),
      figure('Band', pct(r.stateOfHealthLow) + ' – ' + pct(r.stateOfHealthHigh)),
      figure('Status', r.status, 'valuation-status'),
      figure('Remaining cycles', r.remainingFullCycles + ' (' + r.remainingFullCyclesLow + '–' + r.remainingFullCyclesHigh + ')'),
      figure('Remaining years', r.remainingYears),
      figure('Residual value', r.residualValue.amount + ' ' + r.residualValue.currency, 'residual-value'),
      figure('Evidence', doc.evidence.records + ' anchored records')),
    el('p', {}, r.statusReason),
    r.negativeEvents.length ? el('p', { class: 'error' }, 'Negative events: ' + r.negativeEvents.map(e => e.description + ' (' + e.recordId + ')').join(', ')
      + moreEvents(r)) : null,
    lineChart([
      { name: 'measured', points: measured.map(p => [p.fullCycles, p.stateOfHealth]), band: measured.map(p => [p.fullCycles, p.low, p.high]) },
      { name: 'projected', dashed: true, points: projected.map(p => [p.fullCycles, p.stateOfHealth]), band: projected.map(p => [p.fullCycles, p.low, p.high]) },
    ], { id: 'fade-chart', title: 'Capacity fade: state of health over equivalent full cycles', xLabel: 'equivalent full cycles',
      yLabel: 'state of health', yFormat: v => Math.round(v * 100) + ' %',
      thresholds: [{ y: doc.model.parameters.endOfLifeSoh, label: 'end of life' }] }),
    el('p', { class: 'row' }, 'Download: ', link('json', 'JSON'), ' · ', link('pdf', 'PDF'), ' · ', link('cms', 'CMS (signed)')),
    el('p', { class: 'muted small' }, 'On chain: ' + (registration ? registration.status + (registration.blockHeight ? ' in block ' + registration.blockHeight : '') : '–')
      + '. Offline: openssl cms -verify -binary -inform DER -in ' + id + '.p7m -CAfile ca.crt'));
}

async function verifyFile(input, box) {
  const f = input.files[0];
  if (!f) { fill(box, el('p', { class: 'invalid' }, 'Choose a certificate file first.')); return; }
  const bytes = new Uint8Array(await f.arrayBuffer());
  const head = new TextDecoder().decode(bytes.slice(0, 16)).trimStart();
  const type = head.startsWith('{') ? 'application/json' : head.startsWith('-----BEGIN') ? 'text/plain' : 'application/pkcs7-mime';
  const v = await api('POST', '/valuations/verify', bytes, type);
  fill(box, el('p', { class: 'verdict ' + (v.valid ? 'valid' : 'invalid') }, (v.valid ? 'Valid: ' : 'Not valid: ') + v.reason),
    v.certificateId ? el('p', { class: 'small' }, 'certificate ' + v.certificateId + ' of ' + v.batteryCode + (v.signer ? ', signed by ' + v.signer : '')
      + (v.current === false ? ', superseded' + (v.supersededBy ? ' by ' + v.supersededBy : '') : '')) : null);
}
