#!/bin/sh
# Scale cells of issue 16 (multi-period plans): generated 3-period clusters
# solved by `ofdi solve` with a time limit, each plan re-checked by `ofdi
# check`. One solve at a time. Prints one line per cell: shape, size, limit,
# first plan (s), Z, bound, gap, wall time (s), load average before.
#
#   sh bench/horizon/scale.sh                      # the 150x60x10 cells, 120 s
#   SIZE="300 120 15" LIMIT=300s SHAPES=default sh bench/horizon/scale.sh
set -eu
SIZE=${SIZE:-"150 60 10"}
LIMIT=${LIMIT:-120s}
SHAPES=${SHAPES:-"default scarce-pioneers tight-risk mixed"}
SEED=${SEED:-7}
OUT=${OUT:-$(mktemp -d)}
set -- $SIZE
F=$1 P=$2 M=$3
go build -o "$OUT/ofdi" ./cmd/ofdi
printf '%-16s %-12s %6s %8s %12s %12s %8s %8s  %s\n' shape size limit first_s Z bound gap wall_s load
for shape in $SHAPES; do
	inst="$OUT/$shape.json"
	plan="$OUT/$shape.plan.json"
	"$OUT/ofdi" generate --firms "$F" --opportunities "$P" --markets "$M" --periods 3 \
		--seed "$SEED" --shape "$shape" -q -o "$inst"
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	start=$(date +%s.%N)
	"$OUT/ofdi" solve "$inst" -t "$LIMIT" -q -f json -o "$plan" || true
	end=$(date +%s.%N)
	if [ -s "$plan" ]; then
		"$OUT/ofdi" check "$inst" "$plan" >/dev/null
	fi
	python3 - "$plan" "$shape" "${F}x${P}x${M}" "$LIMIT" "$start" "$end" "$load" <<'PY'
import json, sys, os
plan, shape, size, limit, start, end, load = sys.argv[1:]
d = json.load(open(plan)) if os.path.getsize(plan) else {}
st = d.get("statistics", {})
f = lambda v, fmt: (fmt % v) if v is not None else "-"
print("%-16s %-12s %6s %8s %12s %12s %8s %8.1f  %s" % (shape, size, limit,
      f(st.get("first_plan_seconds"), "%.1f"), f(d.get("objective"), "%.2f"),
      f(d.get("bound"), "%.2f"), f(d.get("gap") * 100 if d.get("gap") is not None else None, "%.2f%%"),
      float(end) - float(start), load))
PY
done
