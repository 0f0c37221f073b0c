#!/bin/bash
# The fencing drill of a clustered member (docs/member-cluster.md), on a local consortium made with
#   ./consortium up --dir DIR --port-shift SHIFT --fleet none --db postgres --ha node0
# While node3 takes records in, node0's active server is stopped (SIGSTOP) until the standby has taken over and
# ten seconds more, then resumed (SIGCONT). The script prints what the old server logged after it resumed (it must
# halt, and persist and commit nothing), its health, and every node's height and head hash (one chain, no fork).
# usage: docs/drills/member-fencing.sh DIR SHIFT
set -u
D=$1; S=$2; cd "$(dirname "$0")/../.."
PW=$(grep ^admin= "$D/users.properties" | cut -d= -f2)
P0=$((8080 + S)); P1=$((8130 + S))
role() { curl -s -m 3 -u "admin:$PW" "http://127.0.0.1:$1/ledger/api/health" | python3 -c 'import sys,json; print(json.load(sys.stdin).get("replica",""))' 2>/dev/null; }
if [ "$(role $P0)" = active ]; then ACTIVE=$P0; STANDBY=$P1; PIDF=$D/nodes/node0/server/server.pid; OLDLOG=$D/nodes/node0/log/server.log
else ACTIVE=$P1; STANDBY=$P0; PIDF=$D/nodes/node0/server-1/server.pid; OLDLOG=$D/nodes/node0/log/server-1/server.log; fi
(mvn -B -q -o -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RecordLoadGenerator \
   -Dexec.args="$D 3000 9 100 $((S + 300))" > /tmp/member-fencing-load.log 2>&1 &)
sleep 15
t0=$(date +%s.%N); kill -STOP "$(cat "$PIDF")"; echo "SIGSTOP to the server at HTTP $ACTIVE"
until [ "$(role $STANDBY)" = active ]; do sleep 0.5; done
echo "the standby at HTTP $STANDBY says active $(echo "$(date +%s.%N) - $t0" | bc) s later"
sleep 10
lines=$(wc -l < "$OLDLOG")
kill -CONT "$(cat "$PIDF")"; echo "SIGCONT"
sleep 15
pkill -f RecordLoadGenerator
echo "what the old server logged after it resumed (replica, lease, persist, commits):"
tail -n +$((lines + 1)) "$OLDLOG" | grep -E "REPLICA|lease|committed block|persist" | cut -c1-240
echo "its health: $(curl -s -u "admin:$PW" "http://127.0.0.1:$ACTIVE/ledger/api/health" | python3 -c 'import sys,json; h=json.load(sys.stdin); print(h["status"], h.get("replica"), h.get("server"))')"
echo "height and head of node1..node3 and of node0's new active server:"
for p in $((8180 + S)) $((8280 + S)) $((8380 + S)) $STANDBY; do
  curl -s -u "admin:$PW" "http://127.0.0.1:$p/ledger/api/chain" | python3 -c 'import sys,json; c=json.load(sys.stdin); print(" ", c["height"], c["headHash"])'
done
