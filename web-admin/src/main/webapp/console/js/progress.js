// Governance actions and their progress: submitted, committed on-chain with its outcome.
import { api } from './api.js';
import { el } from './dom.js';

/** Submits a proposal or approval and follows its transaction until a block commits it; lines go into logBox. */
export async function track(logBox, label, submit) {
  const line = el('div', {}, label + ': submitting…');
  logBox.prepend(line);
  let tx;
  try {
    tx = await submit();
  } catch (e) {
    line.className = 'fail';
    line.textContent = label + ': refused: ' + e.message;
    return null;
  }
  line.textContent = label + ': accepted as transaction ' + tx.txHash.substring(0, 12) + '…, waiting for its block';
  for (let i = 0; i < 240; i++) {
    try {
      const r = await api('GET', '/admin/transactions/' + tx.txHash);
      line.className = r.ok ? 'ok' : 'fail';
      line.textContent = label + ': committed in block ' + r.height + (r.ok ? ', ok' : ', failed: ' + r.error);
      line.dataset.tx = tx.txHash;
      line.dataset.outcome = r.ok ? 'ok' : 'failed';
      return r;
    } catch (e) {
      if (e.status !== 404) { line.className = 'fail'; line.textContent = label + ': ' + e.message; return null; }
    }
    await new Promise(res => setTimeout(res, 500));
  }
  line.className = 'fail';
  line.textContent = label + ': not committed within 2 minutes (transaction ' + tx.txHash + ')';
  return null;
}
