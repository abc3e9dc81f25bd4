#!/usr/bin/env bash
# Benchmark of `samen analyze anova` against Python (pandas + SciPy), in one
# run on this machine (figures go to docs/performance.md):
#   1. end to end: a 10-million-row CSV (20 groups) through `samen analyze
#      anova` versus pandas.read_csv + scipy.stats.f_oneway;
#   2. compute only: the sums of a one-way ANOVA on in-memory arrays, Samen's
#      engine (the `--timing` compute figure) versus NumPy doing the same sums;
#   3. peak memory (max RSS) of both.
# Rounds are interleaved; the ratios are medians over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-10000000}
ROUNDS=${ROUNDS:-3}
python3 -c 'import pandas, scipy, numpy' 2>/dev/null || python3 -m pip install -q pandas scipy numpy
swift build -c release --product samen >/dev/null
BIN=$(pwd)/.build/release/samen
WORK=$(mktemp -d /tmp/samen-analyze-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CSV="$WORK/scores.csv"
python3 bench/gen_scores.py "$CSV" "$ROWS"
echo "== $(wc -l < "$CSV") lines, $(du -h "$CSV" | cut -f1)"

cat > "$WORK/pandas_anova.py" <<'PY'
import sys, time, resource
import pandas as pd
from scipy import stats
t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1], usecols=["school_type", "score"])
groups = [g.to_numpy() for _, g in df.groupby("school_type", sort=False)["score"]]
res = stats.f_oneway(*groups)
t1 = time.perf_counter()
print(f"{t1 - t0:.3f} F={res.statistic!r} p={res.pvalue!r}")
PY
cat > "$WORK/numpy_sums.py" <<'PY'
# The sums of a one-way ANOVA on in-memory arrays, as NumPy does them:
# per group the mean and the sum of squared deviations, then SSB.
import sys, time
import numpy as np
import pandas as pd
df = pd.read_csv(sys.argv[1], usecols=["school_type", "score"])
groups = [np.ascontiguousarray(g.to_numpy()) for _, g in df.groupby("school_type", sort=False)["score"]]
best = []
for _ in range(5):
    t0 = time.perf_counter()
    n = np.array([len(g) for g in groups], dtype=float)
    means = np.array([g.mean() for g in groups])
    ssw = sum(((g - m) ** 2).sum() for g, m in zip(groups, means))
    grand = (n * means).sum() / n.sum()
    ssb = (n * (means - grand) ** 2).sum()
    f = (ssb / (len(groups) - 1)) / (ssw / (n.sum() - len(groups)))
    best.append(time.perf_counter() - t0)
print(f"{sorted(best)[len(best) // 2]:.4f} F={f!r}")
PY

rss() { awk '/Maximum resident/ {printf "%.0f MB", $6 / 1024}' "$1"; }
ratios=(); computes=()
for round in $(seq 1 "$ROUNDS"); do
  start=$(date +%s.%N)
  /usr/bin/time -v "$BIN" analyze anova "$CSV" --group school_type --value score --format json --timing \
    > "$WORK/samen.json" 2> "$WORK/samen.err"
  end=$(date +%s.%N)
  samen=$(echo "$end - $start" | bc)
  compute=$(sed -n 's/.*compute \([0-9.]*\) s.*/\1/p' "$WORK/samen.err")
  /usr/bin/time -v python3 "$WORK/pandas_anova.py" "$CSV" > "$WORK/pandas.txt" 2> "$WORK/pandas.err"
  pandas=$(cut -d' ' -f1 "$WORK/pandas.txt")
  numpy=$(python3 "$WORK/numpy_sums.py" "$CSV" | cut -d' ' -f1)
  ratio=$(echo "scale=3; $samen / $pandas" | bc)
  cratio=$(echo "scale=3; $compute / $numpy" | bc)
  ratios+=("$ratio"); computes+=("$cratio")
  printf 'round %d: samen %.2f s (%s, compute %.4f s) | pandas+scipy %.2f s (%s) | numpy sums %.4f s | end-to-end ratio %.3f, compute ratio %.3f\n' \
    "$round" "$samen" "$(rss "$WORK/samen.err")" "$compute" "$pandas" "$(rss "$WORK/pandas.err")" "$numpy" "$ratio" "$cratio"
done
echo "samen:  F=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(repr(d["f"]), "p=" + repr(d["p"]))' "$WORK/samen.json")"
echo "pandas: $(cut -d' ' -f2- "$WORK/pandas.txt")"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median end-to-end time ratio samen/pandas+scipy: $(median "${ratios[@]}") (target <= 1)"
echo "median compute ratio samen/numpy: $(median "${computes[@]}") (target <= 1.5)"
