#!/usr/bin/env bash
# Bring up (or stop) a one-node Slurm cluster on localhost for testing:
# Debian's slurm-wlm and munge, as root, with every file (configuration,
# munge key and socket, state, logs) in one private directory, so that the
# system's /etc/slurm and /etc/munge are left alone.
#
#   bench/slurm/cluster.sh up DIR     start munged, slurmctld and slurmd; prints the
#                                     SLURM_CONF to export for sbatch, squeue, ...
#   bench/slurm/cluster.sh down DIR   stop them (by their pid files)
#
# Ports: SLURMCTLD_PORT (default 6817) and SLURMD_PORT (default 6818).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z $cmd || -z $dir ]]; then
	echo "usage: $0 up|down DIR" >&2
	exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop() {
	# Stop only the daemons this script started, by their pid files.
	for p in slurmd slurmctld munged; do
		if [[ -f $dir/$p.pid ]]; then
			pid=$(cat "$dir/$p.pid")
			if kill "$pid" 2>/dev/null; then
				for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			fi
			rm -f "$dir/$p.pid"
		fi
	done
}

if [[ $cmd == down ]]; then
	stop
	exit 0
fi
if [[ $cmd != up ]]; then
	echo "usage: $0 up|down DIR" >&2
	exit 2
fi
if [[ $(id -u) != 0 ]]; then
	echo "$0: run as root (slurmd starts jobs as their users)" >&2
	exit 2
fi
for c in munged slurmctld slurmd sbatch scontrol sinfo; do
	command -v "$c" >/dev/null || { echo "$0: $c not found: apt-get install slurm-wlm munge" >&2; exit 2; }
done

stop # a previous run's daemons
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2/1024*0.8)}' /proc/meminfo)
mkdir -p "$dir/state" "$dir/spool" "$dir/log"

# munge: a fresh key, readable by root only, and a private socket.
if [[ ! -f $dir/munge.key ]]; then
	dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
fi
chmod 0400 "$dir/munge.key"
munged --force --key-file="$dir/munge.key" --socket="$dir/munge.socket" \
	--pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munged.seed"

cat >"$dir/slurm.conf" <<CONF
ClusterName=ofdi-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -i -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
	if sinfo -h -o %T 2>/dev/null | grep -qE '^idle'; then
		echo "SLURM_CONF=$SLURM_CONF"
		exit 0
	fi
	sleep 0.2
done
echo "$0: the node did not come up; logs in $dir/log" >&2
sinfo >&2 || true
tail -20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
exit 1
