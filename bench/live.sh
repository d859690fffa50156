#!/usr/bin/env bash
# Live reads, hasync beside OpenSSH (issue 9), in one run:
#  1. `hasync status` over PAIRS emulated Vyatta pairs (`hasync lab --pairs`)
#     with bounded concurrency (--jobs JOBS), beside a sequential loop of
#     OpenSSH `ssh` sessions doing the same reads on every device (running
#     configuration, VRRP state, running versus saved). Goal: at most 0.1x
#     the loop's wall time.
#  2. `hasync diff --pair` on one pair of LINES lines each, beside
#     `ssh A show configuration commands > a; ssh B ... > b; diff a b`.
#     Goal: no more wall time than that.
# Environment: PAIRS (100), JOBS (32), LINES (100000), REPEAT (5: the
# diff runs alternate hasync and the OpenSSH pipeline that many times and
# compare medians, as the machine's load may change between runs). Run
# from anywhere; needs ssh (OpenSSH) and diff.
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-100}
JOBS=${JOBS:-32}
LINES=${LINES:-100000}
REPEAT=${REPEAT:-5}
tmp=$(mktemp -d)
labs=()
cleanup() {
	for pid in "${labs[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/hasync" .
H="$tmp/hasync"

# start_lab DIR ARGS...: runs `hasync lab` in the background until "ready".
# Its ports are taken below the kernel's ephemeral range, which the
# thousands of connections of a run leave full of TIME-WAIT sockets; a
# range that is taken is skipped.
next_port=${BASE_PORT:-20000}
start_lab() {
	local dir=$1
	shift
	for _ in $(seq 10); do
		rm -rf "$dir"
		"$H" lab --family vyatta --dir "$dir" --base-port "$next_port" "$@" >"$dir.log" 2>&1 &
		labs+=("$!")
		next_port=$((next_port + 1000))
		for _ in $(seq 600); do
			grep -q '^ready$' "$dir.log" 2>/dev/null && return 0
			kill -0 "${labs[-1]}" 2>/dev/null || break
			sleep 0.2
		done
	done
	echo "bench/live.sh: the lab in $dir did not start:" >&2
	cat "$dir.log" >&2
	exit 2
}

# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# secs START END: END - START with 3 decimals.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ssh_opts DIR: OpenSSH with the lab's key and known_hosts, strict.
ssh_opts() {
	echo -i "$1/id_ed25519" -o "UserKnownHostsFile=$1/known_hosts" -o StrictHostKeyChecking=yes \
		-o BatchMode=yes -o LogLevel=ERROR -o ControlMaster=no -o ControlPath=none
}

# ports INVENTORY: the SSH port of every device, in file order.
ports() { awk '$1 == "port:" { print $2 }' "$1"; }

echo "== hasync status over $PAIRS pairs ($((2 * PAIRS)) devices), --jobs $JOBS"
start_lab "$tmp/many" --pairs "$PAIRS"
export HASYNC_LAB_PASSWORD
HASYNC_LAB_PASSWORD=$(cat "$tmp/many/password")
inv="$tmp/many/inventory.yaml"
t0=$(now)
set +e
"$H" status --inventory "$inv" --audit "$tmp/audit" --jobs "$JOBS" --json >"$tmp/status.json"
code=$?
set -e
t1=$(now)
status_s=$(secs "$t0" "$t1")
reachable=$(grep -o '"reachable":true' "$tmp/status.json" | wc -l)
echo "hasync status: ${status_s}s, exit $code, $reachable of $((2 * PAIRS)) devices read"

# The same reads with OpenSSH, one device after the other: one
# interactive session per device (as hasync opens one), running the
# commands the Vyatta driver runs.
read -r -a opts <<<"$(ssh_opts "$tmp/many")"
t0=$(now)
n=0
for port in $(ports "$inv"); do
	printf 'show configuration commands\nshow vrrp\nconfigure\ncompare saved\nexit\nexit\n' |
		ssh -tt "${opts[@]}" -p "$port" vyatta@127.0.0.1 >"$tmp/ssh.out" 2>&1 || true
	grep -q 'set system host-name' "$tmp/ssh.out" && n=$((n + 1))
done
t1=$(now)
loop_s=$(secs "$t0" "$t1")
echo "OpenSSH loop:  ${loop_s}s, $n of $((2 * PAIRS)) devices read"
awk -v a="$status_s" -v b="$loop_s" 'BEGIN { printf "ratio: %.3fx the loop'"'"'s wall time (goal: at most 0.1x)\n", a / b }'
kill "${labs[0]}" 2>/dev/null || true

echo
echo "== hasync diff --pair on a pair of $LINES lines each"
start_lab "$tmp/big" --lines "$LINES"
HASYNC_LAB_PASSWORD=$(cat "$tmp/big/password")
inv="$tmp/big/inventory.yaml"
pair=$(awk '$1 == "-" && $2 == "name:" { print $3; exit }' "$inv")
read -r -a opts <<<"$(ssh_opts "$tmp/big")"
mapfile -t p < <(ports "$inv")
# median: the middle of the numbers on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$tmp/h.times"
: >"$tmp/g.times"
for i in $(seq "$REPEAT"); do
	t0=$(now)
	set +e
	"$H" diff --pair "$pair" --inventory "$inv" --width 160 >"$tmp/diff.out"
	code=$?
	set -e
	t1=$(now)
	ssh -n "${opts[@]}" -p "${p[0]}" vyatta@127.0.0.1 show configuration commands >"$tmp/a"
	ssh -n "${opts[@]}" -p "${p[1]}" vyatta@127.0.0.1 show configuration commands >"$tmp/b"
	set +e
	diff "$tmp/a" "$tmp/b" >"$tmp/gnu.out"
	set -e
	t2=$(now)
	echo "run $i: hasync diff --pair $(secs "$t0" "$t1")s (exit $code, $(wc -l <"$tmp/diff.out") lines out); ssh A > a; ssh B > b; diff a b $(secs "$t1" "$t2")s ($(wc -l <"$tmp/a") and $(wc -l <"$tmp/b") lines fetched)"
	secs "$t0" "$t1" >>"$tmp/h.times"
	echo >>"$tmp/h.times"
	secs "$t1" "$t2" >>"$tmp/g.times"
	echo >>"$tmp/g.times"
done
diff_s=$(median <"$tmp/h.times")
gnu_s=$(median <"$tmp/g.times")
echo "median of $REPEAT: hasync diff --pair ${diff_s}s, ssh A > a; ssh B > b; diff a b ${gnu_s}s"
awk -v a="$diff_s" -v b="$gnu_s" 'BEGIN { printf "ratio: %.3fx (goal: at most 1x)\n", a / b }'
