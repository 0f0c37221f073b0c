// The console's shell: who is logged in, the navigation, and one page at a time by the URL's hash.
import { loadSession, logout } from './api.js';
import { page, el, toast } from './dom.js';
import { nodesPage } from './nodes.js';
import { chainPage } from './chain.js';
import { storagePage } from './storage.js';
import { batteriesPage } from './batteries.js';
import { valuationsPage } from './valuations.js';

const PAGES = { nodes: nodesPage, chain: chainPage, storage: storagePage, batteries: batteriesPage, valuations: valuationsPage };
let refresh = null;

async function route() {
  if (refresh) { clearInterval(refresh); refresh = null; }
  const [name, ...rest] = (location.hash.replace(/^#\/?/, '') || 'nodes').split('/');
  const show = PAGES[name] || nodesPage;
  document.querySelectorAll('header nav a').forEach(a => {
    a.classList.toggle('active', a.dataset.page === name);
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  try {
    const again = await show(rest.map(decodeURIComponent));
    // Pages that show live figures return a refresher; it runs every 5 s while the page is shown.
    if (typeof again === 'function') refresh = setInterval(() => again().catch(e => toast(e.message, true)), 5000);
  } catch (e) {
    page(el('section', { class: 'card' }, el('p', { class: 'error', id: 'page-error' }, e.message)));
  }
}

async function start() {
  const s = await loadSession();
  document.getElementById('node-name').textContent = '· ' + s.node;
  document.getElementById('user-name').textContent = s.user;
  document.getElementById('user-roles').textContent = s.roles.join(', ');
  document.getElementById('logout').addEventListener('click', () => logout().catch(e => toast(e.message, true)));
  window.addEventListener('hashchange', route);
  await route();
}

start().catch(e => toast(e.message, true));
