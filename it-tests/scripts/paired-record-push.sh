#!/bin/bash
# Two builds (or two sets of JVM options) side by side: two one-node consortia, each with its own EAR, pushed the same
# records (RecordLoadGenerator, 1,000 batteries x 100 sessions) at the same time, push after push. Each push prints
# the node CPU a record of both, their ratio y/x and both nodes' H2 files right after the push; the last line is the
# mean ratio without the first push (which warms C1). Both meet the same machine at the same moment, which one after
# the other they do not: on this 2-core machine one build's CPU a record moved by 25% between runs in a row, a pair of
# the same EAR by 3-6% (BENCHMARKS.md, "Where a pushed record's CPU goes").
#   XO / YO: extra JVM options for x / y (BATTERYLEDGER_EXTRA_JAVA_OPTS), e.g. YO=-XX:G1HeapRegionSize=4m
# usage: it-tests/scripts/paired-record-push.sh EAR_X EAR_Y [PUSHES]     (from a built tree; ports 13080 and 14080)
set -u
X=$1; Y=$2; N=${3:-4}
cd "$(dirname "$0")/../.."
DX=$(mktemp -d); DY=$(mktemp -d)
stop() { ./consortium down --dir "$DX/c" > /dev/null 2>&1; ./consortium down --dir "$DY/c" > /dev/null 2>&1; rm -rf "$DX" "$DY"; }
trap stop EXIT
BATTERYLEDGER_EXTRA_JAVA_OPTS="${XO:-}" ./consortium up --dir "$DX/c" --port-shift 5000 --fleet none --nodes 1 --ear "$X" > "$DX/up.log" 2>&1 &
BATTERYLEDGER_EXTRA_JAVA_OPTS="${YO:-}" ./consortium up --dir "$DY/c" --port-shift 6000 --fleet none --nodes 1 --ear "$Y" > "$DY/up.log" 2>&1 &
wait
push() { # push DIR SHIFT: node0's CPU a record, in ms
    mvn -B -q -o -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RecordLoadGenerator \
        -Dexec.args="$1 1000 100 1000 $2 1" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -o '[0-9.]* ms on node0' | cut -d' ' -f1
}
RATIOS=""
for i in $(seq 1 "$N"); do
    push "$DX/c" 5000 > "$DX/out" & push "$DY/c" 6000 > "$DY/out" & wait
    x=$(cat "$DX/out"); y=$(cat "$DY/out")
    [ -n "$x" ] || { echo "push $i failed on x (no CPU figure from RecordLoadGenerator)"; exit 1; }
    [ -n "$y" ] || { echo "push $i failed on y (no CPU figure from RecordLoadGenerator)"; exit 1; }
    r=$(echo "scale=3; $y / $x" | bc)
    fx=$(stat -c %s "$DX/c/nodes/node0/data/ledger.mv.db"); fy=$(stat -c %s "$DY/c/nodes/node0/data/ledger.mv.db")
    echo "push $i: x $x ms, y $y ms a record; y/x $r; H2 files x $((fx >> 20)) MiB, y $((fy >> 20)) MiB"
    [ "$i" -gt 1 ] && RATIOS="$RATIOS $r"
done
echo "mean y/x without the first push:$(echo "$RATIOS" | awk '{s = 0; for (i = 1; i <= NF; i++) s += $i; printf " %.3f (%d pushes)", NF ? s / NF : 0, NF}')"
