// Checks a record's anchoring proof in the browser, independently of the node's own verdict: the record's hash from
// its RFC 8785 (JCS) form, then the RFC 6962 audit path (RFC 9162 §2.1.3.2) up to the batch root. SHA-256 only.
const enc = new TextEncoder();

/** RFC 8785 for the records' JSON: members sorted by UTF-16 code units, numbers and strings as ECMAScript prints them. */
export function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
}

async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }
const hex = b => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
const unhex = h => new Uint8Array(h.match(/../g).map(x => parseInt(x, 16)));
const join = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let i = 0; for (const p of parts) { out.set(p, i); i += p.length; } return out; };

export async function recordHash(record) { return hex(await sha256(enc.encode(canonical(record)))); }

/** The root the audit path leads to from the record hash, or null if the path does not fit the tree size. */
export async function rootFromPath(recordHashHex, leafIndex, treeSize, path) {
  if (leafIndex >= treeSize) return null;
  let fn = leafIndex, sn = treeSize - 1;
  let r = await sha256(join(new Uint8Array([0]), unhex(recordHashHex)));
  for (const p of path.map(unhex)) {
    if (sn === 0) return null;
    if ((fn & 1) === 1 || fn === sn) {
      r = await sha256(join(new Uint8Array([1]), p, r));
      while ((fn & 1) === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = await sha256(join(new Uint8Array([1]), r, p));
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 ? hex(r) : null;
}
