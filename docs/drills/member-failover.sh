#!/bin/bash
# The failover drill of a clustered member (docs/member-cluster.md), on a local consortium made with
#   ./consortium up --dir DIR --port-shift SHIFT --fleet none --db postgres --ha node0
# While node3 takes records in (RecordLoadGenerator, 20,000 batteries x 10 records), node0's active server gets a
# kill -9; the script prints the seconds from the kill until the standby logs REPLICA ACTIVE, until it logs its first
# committed block, until its metrics count its first seal or proposal, until GET /health on it says active, and until a
# REST write there is answered other than 503.
# Afterwards: ./consortium start --dir DIR node0 brings the killed server back as the standby.
# usage: docs/drills/member-failover.sh DIR SHIFT
set -u
D=$1; S=$2; cd "$(dirname "$0")/../.."
PW=$(grep ^admin= "$D/users.properties" | cut -d= -f2)
P0=$((8080 + S)); P1=$((8130 + S)); P3=$((8380 + S))
signed() { curl -s -m 3 -u "admin:$PW" "http://127.0.0.1:$1/ledger/api/metrics" | awk '/^batteryledger_(commits|proposals)_signed_total / {n += $2} END {print n + 0}'; }
role() { curl -s -m 3 -u "admin:$PW" "http://127.0.0.1:$1/ledger/api/health" | python3 -c 'import sys,json; print(json.load(sys.stdin).get("replica",""))' 2>/dev/null; }
since() { echo "$(date +%s.%N) - $t0" | bc; }
(mvn -B -q -o -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RecordLoadGenerator \
   -Dexec.args="$D 20000 9 100 $((S + 300))" > /tmp/member-failover-load.log 2>&1 &)
sleep 20
if [ "$(role $P0)" = active ]; then ACTIVE=$P0; STANDBY=$P1; PIDF=$D/nodes/node0/server/server.pid; LOGF=$D/nodes/node0/log/server-1/server.log
else ACTIVE=$P1; STANDBY=$P0; PIDF=$D/nodes/node0/server-1/server.pid; LOGF=$D/nodes/node0/log/server.log; fi
t0=$(date +%s.%N); kill -9 "$(cat "$PIDF")"
# Each measure polls on its own, every 0.1 s, so a slow answer to one does not delay the others.
R=$(mktemp -d)
poll() { # poll NAME CONDITION...: writes the seconds since the kill to $R/NAME once CONDITION holds
  local name=$1; shift
  while [ "$(echo "$(since) < 120" | bc)" = 1 ]; do "$@" && { since > "$R/$name"; return; }; sleep 0.1; done
}
isActive() { [ "$(role $STANDBY)" = active ]; }
hasSigned() { [ "$(signed $STANDBY)" != 0 ]; }
takesWrite() {
  local c=$(curl -s -m 3 -o /dev/null -w '%{http_code}' -u "admin:$PW" -X POST -H 'Content-Type: application/json' \
    -d "[{\"recordId\":\"fo-$RANDOM$RANDOM\",\"type\":\"battery\",\"batteryCode\":\"FO$RANDOM$RANDOM\",\"manufacturer\":\"Drill\",\"chemistry\":\"NMC\",\"ratedCapacityAh\":150,\"nominalVoltageV\":3.7,\"ratedCycleLife\":2000,\"ratedCycleDod\":1,\"ratedCycleTempC\":25,\"manufacturedAt\":\"2023-01-01T00:00:00Z\"}]" \
    "http://127.0.0.1:$STANDBY/ledger/api/records")
  [ "$c" != 503 ] && [ "$c" != 000 ]
}
poll active isActive & poll seal hasSigned & poll write takesWrite &
wait
active=$(cat "$R/active" 2>/dev/null); seal=$(cat "$R/seal" 2>/dev/null); write=$(cat "$R/write" 2>/dev/null); rm -rf "$R"
pkill -f RecordLoadGenerator
ts=$(grep "REPLICA ACTIVE" "$LOGF" | tail -1 | awk '{print $1" "$2}' | tr ',' '.')
first=$(awk -v a="$ts" '{t=$1" "$2; gsub(",",".",t)} t>a && /committed block/ {print t; exit}' "$LOGF")
echo "kill -9 of the server at HTTP $ACTIVE"
echo "  REPLICA ACTIVE logged by the standby:  $(echo "$(date -d "$ts" +%s.%N) - $t0" | bc) s"
[ -n "$first" ] && echo "  its first committed block logged:      $(echo "$(date -d "$first" +%s.%N) - $t0" | bc) s"
echo "  its first seal or proposal signed:      ${seal:-no} s"
echo "  GET /health there says active:         ${active:-no} s"
echo "  a REST write there answered, not 503:  ${write:-no} s"
