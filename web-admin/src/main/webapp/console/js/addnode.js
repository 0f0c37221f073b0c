// Adding a node: the new node's CSR (its key stays on its host), the certificate from the agency CA, the registration
// proposal, and then each step as the chain and the links show it, until the node signs a commit certificate.
import { api } from './api.js';
import { el, fill, short, toast } from './dom.js';

export function addNodeCard() {
  const csr = el('textarea', { id: 'csr-pem', rows: 6, 'aria-label': 'The new node\'s certificate signing request (PEM)', placeholder: '-----BEGIN CERTIFICATE REQUEST-----  (from ./consortium prepare-node on the new node\'s host)' });
  const role = el('select', { id: 'new-node-role' }, el('option', { value: 'consensus' }, 'consensus'), el('option', { value: 'observer' }, 'observer'));
  const request = el('div', { id: 'node-request' });
  const cert = el('textarea', { id: 'certificate-pem', rows: 6, 'aria-label': 'The new node\'s certificate from the agency CA (PEM)', placeholder: '-----BEGIN CERTIFICATE-----  (from ./consortium sign-csr, issued by the agency CA)' });
  const steps = el('ul', { class: 'steps', id: 'node-request-steps' });
  const certStep = el('div', { class: 'hidden', id: 'certificate-step' }, el('h3', {}, '2. The certificate from your agency\'s CA'), cert,
    el('div', { class: 'row' }, el('button', { type: 'button', id: 'propose-node', class: 'primary', onclick: propose }, 'Check and propose the registration')));
  let read = null;

  async function readCsr() {
    try {
      read = await api('POST', '/admin/node-requests/csr', { csrPem: csr.value });
      fill(request, el('p', { id: 'csr-summary' }, 'Node ', el('b', {}, read.name), ' (id ', el('span', { class: 'mono' }, read.nodeId), ') of ', read.agency, '.'),
        el('p', {}, 'Have your agency\'s CA sign it, where the CA key is kept: ', el('code', { id: 'sign-command' }, read.signCommand)));
      certStep.classList.remove('hidden');
    } catch (e) {
      fill(request, el('p', { class: 'error', id: 'csr-error' }, e.message));
    }
  }

  async function propose() {
    try {
      const r = await api('POST', '/admin/node-requests', { csrPem: csr.value, certificatePem: cert.value, role: role.value });
      follow(r, steps);
    } catch (e) {
      fill(steps, el('li', { class: 'failed', id: 'propose-error' }, e.message));
    }
  }

  return el('section', { class: 'card', id: 'add-node' }, el('h2', {}, 'Add a node'),
    el('p', { class: 'muted small' }, 'A node\'s private key never passes through this page: its operator makes the key and a CSR on the node\'s host '
      + '(./consortium prepare-node --agency A --name N). Text holding a private key is refused.'),
    el('h3', {}, '1. The new node\'s certificate signing request'), csr,
    el('div', { class: 'row' }, el('label', {}, 'Role ', role), el('button', { type: 'button', id: 'read-csr', onclick: readCsr }, 'Read the CSR')),
    request, certStep, el('h3', {}, 'Progress'), steps);
}

function follow(r, steps) {
  const line = (step, done, text) => el('li', { class: done ? 'done' : 'pending', 'data-step': step }, text);
  const draw = p => {
    const prop = p.proposal;
    const executed = prop && prop.status === 'executed';
    fill(steps,
      line('certificate', true, 'Certificate checked against the CA of ' + r.agency + '; CA hash ' + short(r.caHash, 12)),
      line('proposal', !!prop, 'Registration proposed (transaction ' + short(r.txHash, 12) + ')' + (prop ? ', proposal ' + short(prop.id, 12) : ': waiting for its block')),
      line('approvals', executed, prop ? 'Approved by ' + prop.approvals.join(', ') + ' — '
        + (prop.outcome && prop.outcome.startsWith(prop.status) ? prop.outcome : prop.status + (prop.outcome ? ': ' + prop.outcome : ''))
        + (executed ? '' : ' (the other agencies approve on their consoles: Nodes → Governance proposals)') : 'Approvals'),
      line('registered', !!p.registered, p.registered ? 'Registered at block ' + p.registered.blockNumber + ' as ' + p.registered.role : 'Registered in the node registry'),
      line('linked', p.linked, p.linked ? 'Linked from this node' : 'Linked from this node (start it on its host: ./consortium start ' + r.name + ')'),
      line('sealed', p.sealed, p.sealed ? r.name + ' signed a recent commit certificate: it takes part in consensus' : 'Signs a commit certificate'));
    return p.sealed || (prop && prop.status !== 'open' && !executed);
  };
  draw({ linked: false, sealed: false });
  const timer = setInterval(async () => {
    if (!document.body.contains(steps)) { clearInterval(timer); return; }
    try {
      if (draw(await api('GET', '/admin/node-requests/' + r.nodeId))) clearInterval(timer);
    } catch (e) {
      toast(e.message, true);
    }
  }, 2000);
}
