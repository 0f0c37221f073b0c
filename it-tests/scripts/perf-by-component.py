#!/usr/bin/env python3
"""Where the nodes' CPU goes, JVM and kernel included: perf's samples counted by component and by thread.

JFR's execution samples cover threads running Java code; the JVM's own work (G1, barriers, allocation, stack walks),
the kernel and compiled stubs are not among them, and on a node under load that was half of its CPU (BENCHMARKS.md,
"What JFR did not see"). perf samples all of it; the JIT's symbols come from each JVM's map file.

    perf record -F 499 -p <pid>,<pid>,... -- sleep 20          # while the load runs
    for p in <pids>; do jcmd $p Compiler.perfmap; done          # writes /tmp/perf-<pid>.map
    perf script -F comm,ip,sym,dso | it-tests/scripts/perf-by-component.py [--unmatched]

Self time only (no call graphs: C1's frames have no frame pointers), so a component is where the CPU was spent, not
who asked for it.
"""
import collections
import re
import sys

# First match wins: the libraries before the JDK, whose types appear in their signatures.
COMPONENTS = [
    ('Bouncy Castle (ECDSA, SHA-256)', r'org\.bouncycastle'),
    ('JDK crypto (peer TLS)', r'com\.sun\.crypto|sun\.security'),
    ('H2', r'org\.h2\.'),
    ('Hibernate, bean validation', r'org\.hibernate'),
    ('Netty', r'io\.netty'),
    ('Undertow, XNIO', r'io\.undertow|org\.xnio'),
    ('JTA, JCA pool', r'com\.arjuna|org\.jboss\.jca|org\.wildfly\.transaction|org\.jboss\.tm'),
    ('EJB, Weld, RESTEasy, Elytron, interceptors', r'org\.jboss|org\.wildfly|jakarta\.'),
    ('JSON (Parsson, Yasson)', r'org\.eclipse\.(parsson|yasson)'),
    ('the node (org.batteryledger)', r'org\.batteryledger'),
    ('megamorphic call stubs', r'vtable chunks|itable'),
    ('interpreter', r'^Interpreter'),
    ('JDK classes', r'(^|\s)(java|jdk|sun)\.\S+\('),
]
THREADS = [(r'^replica', 'replica'), (r'default task', 'request'), (r'peer-net', 'peer links'), (r'EE-Managed', 'managed pool'),
           (r'I/O', 'HTTP I/O'), (r'G1|GC Thr', 'GC'), (r'C1 Comp|C2 Comp', 'JIT compiler')]
LINE = re.compile(r'\s*(.{15,16}?)\s+[0-9a-f]+\s+(.*)\s+\((\S+)\)\s*$')


def component(sym, dso, unmatched):
    if 'kernel' in dso:
        return 'kernel'
    if 'libjvm' in dso:
        return 'JVM: G1' if re.search(r'G1|Oop|oop_|Card|RemSet|Evac|Mark|Region|SpinPause|TaskQueue|Klass', sym) else 'JVM: runtime'
    if not dso.startswith('/tmp/perf-'):
        return 'libc and native'
    for name, pattern in COMPONENTS:
        if re.search(pattern, sym):
            return name
    unmatched[sym] += 1
    return 'other compiled code'


def thread(comm):
    return next((name for pattern, name in THREADS if re.search(pattern, comm)), 'other')


def main():
    by, threads, cross, unmatched = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    for line in sys.stdin:
        m = LINE.match(line)
        if m:
            c, t = component(m.group(2), m.group(3), unmatched), thread(m.group(1).strip())
            by[c] += 1
            threads[t] += 1
            cross[(t, c)] += 1
    n = sum(by.values())
    if n == 0:
        sys.exit('no samples read: pipe `perf script -F comm,ip,sym,dso` in')
    print(n, 'samples')
    for c, v in by.most_common():
        print(f'{100 * v / n:6.1f}%  {c}')
    print('by thread:')
    for t, v in threads.most_common():
        parts = ', '.join(f'{c} {100 * w / v:.0f}%' for (tt, c), w in cross.most_common() if tt == t and w / v >= 0.03)
        print(f'{100 * v / n:6.1f}%  {t}: {parts}')
    if '--unmatched' in sys.argv:
        for s, v in unmatched.most_common(15):
            print(f'   {v} {s}')


if __name__ == '__main__':
    main()
