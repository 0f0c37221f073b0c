#!/usr/bin/env python3
"""Where a thread's CPU goes, by who asked for it: perf's call graphs counted inclusively, frame by frame.

perf-by-component.py counts self time only, because C1's frames carry no frame pointers. Started with
-XX:+PreserveFramePointer, a node's compiled frames chain, and `perf record -g` sees whole stacks: then a sample counts
for every method on its stack, and a method's share is the CPU spent in it and in what it called.

    BATTERYLEDGER_EXTRA_JAVA_OPTS=-XX:+PreserveFramePointer ./consortium start ...
    perf record -g -F 499 -p <pid>,<pid>,... -- sleep 25          # while the load runs
    for p in <pids>; do jcmd $p Compiler.perfmap; done             # the JIT's symbols, /tmp/perf-<pid>.map
    perf script -F comm,tid,ip,sym,dso > stacks.txt
    perf-inclusive.py stacks.txt '^replica' 'org\\.batteryledger'             # the node's methods on the replica thread
    perf-inclusive.py stacks.txt 'default task' 'io\\.undertow|org\\.wildfly' --top 20
    perf-inclusive.py stacks.txt '^replica' 'LedgerStore\\.persist' --callees 2  # what a method's share is made of

A thread matches by its name (a regular expression); frames by their method (one too). Percentages are of the
matching threads' samples. perf keeps at most kernel.perf_event_max_stack frames a sample (127 by default); a request
thread's stack through WildFly's layers is often deeper, and then loses its outermost frames, so raise it first
(`sysctl -w kernel.perf_event_max_stack=1024`). The script prints how many samples reached the limit.
"""
import argparse
import collections
import re

FRAME = re.compile(r'\s*[0-9a-f]+\s+(.*)\s+\((\S+)\)\s*$')


def method(line):
    """A frame's method without its return and parameter types, lambdas' numbers dropped; None if not a frame."""
    m = FRAME.match(line)
    if not m:
        return None
    sym = m.group(1)
    if '(' in sym:
        sym = re.sub(r'^\S+ ', '', sym)
    sym = re.sub(r'\(.*\)', '()', sym)
    return re.sub(r'\$\$Lambda\$\d+/0x[0-9a-f]+', '$$Lambda', sym)


def samples(path):
    """(thread name, frames innermost first) for each sample of `perf script -F comm,tid,ip,sym,dso`."""
    thread, frames = None, []
    with open(path, errors='replace') as f:
        for line in f:
            if not line.strip():
                if thread is not None:
                    yield thread, frames
                thread, frames = None, []
            elif not line[0].isspace():
                thread, frames = line.rsplit(None, 1)[0].strip(), []
            else:
                m = method(line)
                if m:
                    frames.append(m)
    if thread is not None:
        yield thread, frames


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('stacks')
    ap.add_argument('threads')
    ap.add_argument('frames')
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('--callees', type=int, default=0, help='break the outermost matching frame down by its callees, this deep')
    a = ap.parse_args()
    threads, frames = re.compile(a.threads), re.compile(a.frames)
    counts, n, deepest, at_deepest = collections.Counter(), 0, 0, 0
    for thread, stack in samples(a.stacks):
        if not threads.search(thread):
            continue
        n += 1
        if len(stack) > deepest:
            deepest, at_deepest = len(stack), 0
        at_deepest += len(stack) == deepest
        if a.callees:
            hits = [i for i, s in enumerate(stack) if frames.search(s)]
            if hits:
                i = hits[-1]
                counts[' > '.join(reversed(stack[max(0, i - a.callees):i])) or '(itself)'] += 1
        else:
            for s in set(stack):
                if frames.search(s):
                    counts[s] += 1
    print(f'{n} samples of the threads; the deepest stack {deepest} frames ({at_deepest} samples that deep: if that is'
          ' the limit, their outermost frames are missing)')
    for s, c in counts.most_common(a.top):
        print(f'{c:7d} {100 * c / max(n, 1):5.1f}%  {s}')


if __name__ == '__main__':
    main()
