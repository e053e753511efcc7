#!/usr/bin/env bash
# End-to-end test of ofdi sweep on a real Slurm: bring up a one-node
# cluster on localhost (cluster.sh), run a sweep as a 3-task job array
# (sbatch --array=0-2 --wait), merge it, run the same sweep unsharded, and
# check that sweep.csv, sweep.json, the charts and every cell file (its
# timings aside) are byte-for-byte the same. Run as root from anywhere:
#
#   bench/slurm/run-test.sh            # small: tiny.json, 15 cells (about 30 s)
#   bench/slurm/run-test.sh jiangsu    # jiangsu-electronics, 60 cells (a few minutes)
#
# WORK (default: a fresh temporary directory) keeps the cluster's files,
# both sweeps and the logs; the daemons are stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
size=${1:-small}
work=${WORK:-$(mktemp -d /tmp/ofdi-slurm.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)

case $size in
small)
	args=(instances/tiny.json --set policy.credit_line=0:80:20 --set policy.subsidy.joint_rnd=0,0.1,0.2)
	cells=15 ;;
jiangsu)
	args=(instances/jiangsu-electronics.json --set policy.credit_line=0:2250:250 --set policy.subsidy.joint_rnd=0:0.25:0.05)
	cells=60 ;;
*)
	echo "usage: $0 [small|jiangsu]" >&2
	exit 2 ;;
esac

echo "== build ofdi into $work"
PATH=$PATH:/usr/local/go/bin go build -o "$work/ofdi" ./cmd/ofdi

echo "== one-node Slurm cluster"
trap '"$repo/bench/slurm/cluster.sh" down "$work/cluster"' EXIT
eval "export $("$repo/bench/slurm/cluster.sh" up "$work/cluster")"
sinfo

echo "== sweep as a 3-task array ($cells cells)"
t0=$(date +%s)
OFDI=$work/ofdi sbatch --array=0-2 --wait --cpus-per-task=1 --chdir="$repo" \
	--output="$work/slurm-%A_%a.out" bench/slurm/sweep.sbatch "${args[@]}" --out "$work/sharded" -q
t1=$(date +%s)
"$work/ofdi" sweep merge "$work/sharded"
echo "array: $((t1 - t0)) s"

echo "== the same sweep, unsharded"
"$work/ofdi" sweep "${args[@]}" --out "$work/unsharded" -q
t2=$(date +%s)
echo "unsharded: $((t2 - t1)) s"

echo "== compare"
status=0
for f in sweep.csv sweep.json; do
	cmp "$work/unsharded/$f" "$work/sharded/$f" || status=1
done
diff -r "$work/unsharded/charts" "$work/sharded/charts" >/dev/null || { echo "charts differ"; status=1; }
# Cell files: everything before the "timings" field (the last one).
n=0
for f in "$work/unsharded/cells/"*.json; do
	b=$work/sharded/cells/$(basename "$f")
	if [[ ! -f $b ]] || ! cmp -s <(sed '/^  "timings": {/,$d' "$f") <(sed '/^  "timings": {/,$d' "$b"); then
		echo "cell $(basename "$f") differs"
		status=1
	fi
	n=$((n + 1))
done
[[ $n == "$cells" ]] || { echo "$n cell files, want $cells"; status=1; }
rows=$(($(wc -l <"$work/sharded/sweep.csv") - 1))
if [[ $status == 0 ]]; then
	echo "PASS: $cells cells ($rows rows): the 3-task Slurm array merges to the same sweep.csv, sweep.json, charts and cells as the unsharded run"
else
	echo "FAIL: see $work"
fi
exit $status
