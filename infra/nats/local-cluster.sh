#!/usr/bin/env bash
# Run GHX's local NATS from the nats-server binary: the 3-node JetStream cluster (default) or the
# single node. Stores, pid files and logs live under $GHX_NATS_DATA (default <repo>/data/nats).
#   infra/nats/local-cluster.sh up [cluster|single]
#   infra/nats/local-cluster.sh down [cluster|single]
#   infra/nats/local-cluster.sh status [cluster|single]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="${GHX_NATS_DATA:-$here/../../data/nats}"
mode="${2:-cluster}"
ready_wait_s=20

case "$mode" in
  cluster) nodes=(n1 n2 n3) ;;
  single) nodes=(single) ;;
  *) echo "unknown mode '$mode' (cluster or single)" >&2; exit 2 ;;
esac

config_of() { [ "$1" = single ] && echo "$here/single.conf" || echo "$here/cluster-$1.conf"; }
monitor_of() { grep -E '^http:' "$(config_of "$1")" | sed -E 's/^http: *//'; }
client_of() { grep -E '^listen:' "$(config_of "$1")" | sed -E 's/^listen: *//'; }
pid_of() { cat "$data/$1.pid" 2>/dev/null || true; }
running() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# Ready = JetStream answers on the monitor port and, in a cluster, a meta leader is elected.
ready() {
  local jsz
  jsz="$(curl -fsS "http://$(monitor_of "$1")/jsz" 2>/dev/null)" || return 1
  [ "$mode" = single ] || grep -q '"leader"' <<<"$jsz"
}

up() {
  command -v nats-server >/dev/null || { echo "nats-server not on PATH (apt-get install -y nats-server)" >&2; exit 1; }
  mkdir -p "$data"
  for node in "${nodes[@]}"; do
    if running "$node"; then echo "$node already running (pid $(pid_of "$node"))"; continue; fi
    mkdir -p "$data/$node"
    nats-server -c "$(config_of "$node")" -sd "$data/$node" -P "$data/$node.pid" -l "$data/$node.log" &
    disown
  done
  for node in "${nodes[@]}"; do
    local deadline=$((SECONDS + ready_wait_s))
    until ready "$node"; do
      if ((SECONDS >= deadline)); then echo "$node not ready after ${ready_wait_s}s, see $data/$node.log" >&2; exit 1; fi
      sleep 0.2
    done
    echo "$node ready: nats://$(client_of "$node")"
  done
}

down() {
  for node in "${nodes[@]}"; do
    if running "$node"; then
      local pid; pid="$(pid_of "$node")"
      kill "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      echo "$node stopped"
    else
      echo "$node not running"
    fi
    rm -f "$data/$node.pid"
  done
}

status() {
  local code=0
  for node in "${nodes[@]}"; do
    if running "$node" && ready "$node"; then echo "$node up (pid $(pid_of "$node")) nats://$(client_of "$node")"
    elif running "$node"; then echo "$node running, not ready"; code=1
    else echo "$node down"; code=1
    fi
  done
  return "$code"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status [cluster|single]" >&2; exit 2 ;;
esac
