// Storage of this node: database, logs against their cap, the disk, growth and when it fills; log archive and cleanup.
import { api, hasRole } from './api.js';
import { el, fill, page, figure, bytes, toast } from './dom.js';
import { lineChart } from './charts.js';

export async function storagePage() {
  const all = el('table', { id: 'storage-nodes' });
  const box = el('div', {});
  const actions = el('div', { class: 'row' });
  const result = el('div', { class: 'log', id: 'storage-log', role: 'log', tabindex: 0, 'aria-label': 'Archive and cleanup outcomes' });
  page(el('section', { class: 'card' }, el('h2', {}, 'Storage of every node'), all,
      el('p', { class: 'muted small' }, 'Each node reports its own figures to its peers every 30 s over the peer links; "reported" is how long ago.')),
    el('section', { class: 'card' }, el('h2', {}, 'Storage of this node'), box),
    hasRole('admin') ? el('section', { class: 'card' }, el('h2', {}, 'Logs'), el('p', { class: 'muted small' },
      'Archiving moves the rotated log files (never the live one) into a zip in log-archive/, outside the capped log directory; cleanup deletes rotated files and archives.'),
      actions, result) : null);
  const act = (path, label) => async () => {
    try {
      const r = await api('POST', path);
      result.prepend(el('div', { class: 'ok' }, label + ': ' + r.files.length + ' files, ' + bytes(r.bytes) + (r.archive ? ' into ' + r.archive : '')));
      await load();
    } catch (e) {
      result.prepend(el('div', { class: 'fail' }, label + ': ' + e.message));
      toast(e.message, true);
    }
  };
  fill(actions, el('button', { id: 'archive-logs', type: 'button', onclick: act('/storage/logs/archive', 'Archive') }, 'Archive rotated logs'),
    el('button', { id: 'cleanup-logs', class: 'danger', type: 'button', onclick: act('/storage/logs/cleanup', 'Cleanup') }, 'Delete rotated logs and archives'));

  async function load() {
    const [s, nodes] = await Promise.all([api('GET', '/storage'), api('GET', '/storage/nodes')]);
    fill(all, el('thead', {}, el('tr', {}, ['Node', 'Reported', 'Data', 'Logs of cap', el('span', { class: 'visually-hidden' }, 'Share of cap'),
      'Disk free', 'Growth per day', 'Disk full in'].map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, nodes.map(n => {
        const bar = el('div', { class: 'bar-fill' + (n.logBytes > 0.9 * n.logCapBytes ? ' high' : '') });
        bar.style.width = Math.min(100, n.logCapBytes > 0 ? n.logBytes / n.logCapBytes * 100 : 0).toFixed(1) + '%';
        return el('tr', { 'data-node': n.name },
          el('td', {}, n.name, n.self ? el('span', { class: 'muted small' }, ' (this node)') : null),
          el('td', {}, n.self ? 'now' : n.ageSeconds + ' s ago'),
          el('td', {}, bytes(n.dataBytes)),
          el('td', {}, bytes(n.logBytes) + ' of ' + bytes(n.logCapBytes)),
          el('td', { class: 'bar-cell' }, el('div', { class: 'bar-track' }, bar)),
          el('td', {}, bytes(n.freeBytes) + ' of ' + bytes(n.totalBytes)),
          el('td', {}, n.growthBytesPerDay === null ? 'measuring…' : bytes(n.growthBytesPerDay)),
          el('td', {}, n.daysUntilFull === null ? '–' : n.daysUntilFull + ' days'));
      })));
    const logShare = s.logCapBytes > 0 ? s.logBytes / s.logCapBytes : 0;
    fill(box, 
      el('div', { class: 'figures' },
        figure('Data (database)', bytes(s.dataBytes), 'storage-data'),
        figure('Logs', bytes(s.logBytes) + ' of ' + bytes(s.logCapBytes), 'storage-logs'),
        figure('Log archive', bytes(s.archiveBytes), 'storage-archive'),
        figure('Disk free', bytes(s.freeBytes) + ' of ' + bytes(s.totalBytes), 'storage-free'),
        figure('Growth per day', s.growthBytesPerDay === null ? 'measuring…' : bytes(s.growthBytesPerDay), 'storage-growth'),
        figure('Disk full', s.fullAt ? s.fullAt.substring(0, 10) + ' (' + s.daysUntilFull + ' days)' : s.growthBytesPerDay === null ? 'after 30 min of samples' : 'not at this rate', 'storage-full')),
      el('p', {}, 'Log directory against its cap (' + s.logBackups + ' rotated files + the live one, ' + bytes(s.logRotateBytes) + ' each):'),
      el('div', { class: 'bar-track' }, el('div', { class: 'bar-fill' + (logShare > 0.9 ? ' high' : ''), id: 'log-cap-bar', style: null })),
      el('p', { class: 'muted small' }, 'Rotated files: ' + (s.rotatedLogs.length ? s.rotatedLogs.join(', ') : 'none')
        + '. The node refuses new work below ' + bytes(s.minFreeBytes) + ' free; the projection counts down to that.'),
      lineChart([{ name: 'used', points: s.samples.map(p => [Date.parse(p[0]) / 86400000, p[1] / 1048576]) }],
        { id: 'storage-chart', title: 'Data, logs and archive over time (MB)', xLabel: 'date', yLabel: 'MB', yMin: 0,
          xFormat: v => new Date(v * 86400000).toISOString().substring(5, 16).replace('T', ' ') }));
    // Widths through the CSSOM: the policy allows no inline style attributes.
    box.querySelector('#log-cap-bar').style.width = Math.min(100, logShare * 100).toFixed(1) + '%';
  }
  await load();
  return load;
}
