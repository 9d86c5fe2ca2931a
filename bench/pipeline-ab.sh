#!/usr/bin/env bash
# A/B of the per-packet pipeline between two benchmark jars, interleaved round by round so that a
# change of load on the machine hits both alike (bench/README.md, "Pipeline A/B").
#
#   bench/pipeline-ab.sh [--rounds N] [--iterations "-wi 3 -w 1s -i 5 -r 1s"] A.jar B.jar
#
# Each round runs, for each jar in turn (A then B, then B then A in the next round), one JMH fork of
# the three pipeline cases (established flow, new flow, 1M established flows) in IPIP mode
# (`-p mode=IPIP`; jars from before the NAT modes, whose class was IpipPipelineBenchmark, have no
# such parameter and run as they did) and the floor of the first two (IpipFloorBenchmark). It prints each round's figures and, per case and jar, the median
# over the rounds in ns per packet, and the pipeline-to-floor ratio of each jar (the median of the
# per-round ratios, each taken within one fork's run, which cancels most of the machine's drift).
# Build a jar with `mvn -B -ntp -q -pl bench -am package -DskipTests` and copy
# bench/target/benchmarks.jar away before building the other.
set -euo pipefail

ROUNDS=3
ITERATIONS="-wi 3 -w 1s -i 5 -r 1s"
while [ $# -gt 2 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --iterations) ITERATIONS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--iterations JMH-OPTIONS] A.jar B.jar" >&2; exit 2 ;;
  esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--rounds N] [--iterations JMH-OPTIONS] A.jar B.jar" >&2; exit 2; }
A=$1
B=$2
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CASES='(Ipip)?PipelineBenchmark.(establishedFlow|newFlow|establishedFlows1M)$|IpipFloorBenchmark.(establishedFlow|newFlow)$'
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

run() # jar label round
{
  # shellcheck disable=SC2086
  "$JAVA" --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -jar "$1" "$CASES" \
    -f 1 $ITERATIONS -p mode=IPIP -tu ns -bm avgt 2>/dev/null | awk -v label="$2" -v round="$3" '
      /^(Ipip)?(Pipeline|Floor)Benchmark\./ {
        split($1, name, "."); c = name[1] "." name[2]; sub(/^IpipPipeline/, "Pipeline", c)
        for (i = 2; i < NF; i++) if ($i == "avgt") { print label, round, c, $(i + 2); break } }' \
    | tee -a "$OUT/results"
}

for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) -eq 1 ]; then run "$A" A "$round"; run "$B" B "$round"; else run "$B" B "$round"; run "$A" A "$round"; fi
done

echo
echo "medians over $ROUNDS rounds, ns/packet (A = $A, B = $B)"
awk '
  { v[$1, $3, $2] = $4; cases[$3] = 1; labels[$1] = 1; rounds[$2] = 1 }
  function median(arr, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
  }
  function caseMedian(label, c,   r, n, s) {
    n = 0
    for (r in rounds) if ((label, c, r) in v) s[++n] = v[label, c, r]
    return n ? median(s, n) : 0
  }
  function ratioMedian(label, kind,   r, n, s, p, f) {
    n = 0; p = "PipelineBenchmark." kind; f = "IpipFloorBenchmark." kind
    for (r in rounds) if (((label, p, r) in v) && ((label, f, r) in v)) s[++n] = v[label, p, r] / v[label, f, r]
    return n ? median(s, n) : 0
  }
  END {
    printf "%-40s %10s %10s %8s\n", "case", "A", "B", "B/A"
    for (c in cases) {
      ma = caseMedian("A", c); mb = caseMedian("B", c)
      printf "%-40s %10.1f %10.1f %8.2f\n", c, ma, mb, ma ? mb / ma : 0
    }
    printf "pipeline/floor, median of per-round ratios: established A %.2f B %.2f; new flow A %.2f B %.2f\n",
      ratioMedian("A", "establishedFlow"), ratioMedian("B", "establishedFlow"), ratioMedian("A", "newFlow"), ratioMedian("B", "newFlow")
  }' "$OUT/results"
