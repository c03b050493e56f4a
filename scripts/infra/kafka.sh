#!/usr/bin/env bash
# Single-node KRaft Kafka from Maven Central, run with the machine's Java. No Docker.
#   kafka.sh fetch                      download the broker jars into .local/kafka/libs (cached)
#   kafka.sh start DATA_DIR PORT        format (first time) and start; prints the PID; waits for the port
#   kafka.sh stop DATA_DIR              SIGTERM, wait, SIGKILL as a last resort
# A 3-node cluster with SASL_SSL: kafka-cluster.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-common.sh"

start() {
  local data port=$2 ctrl=$(( $2 + 1 ))
  data=$(realpath -m "$1")
  kafka_fetch
  mkdir -p "$data"
  if kafka_running "$data"; then
    log "Kafka already running (pid $(cat "$data/kafka.pid"))"; cat "$data/kafka.pid"; return 0
  fi
  port_open 127.0.0.1 "$port" && die "port $port is taken by another process; set KAFKA_BROKERS to use an existing Kafka"
  cat >"$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ctrl
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctrl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/log
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  kafka_log4j "$data"
  kafka_format "$data" ""
  kafka_launch "$data" "${KAFKA_HEAP:-512m}"
  kafka_wait_port "$data" "$port"
  log "Kafka up on 127.0.0.1:$port (pid $(cat "$data/kafka.pid"), logs $data/server.log)"
  cat "$data/kafka.pid"
}

case "${1:-}" in
  fetch) kafka_fetch ;;
  start) start "$2" "$3" ;;
  stop) kafka_stop "$(realpath -m "$2")" ;;
  *) echo "usage: $0 fetch | start DATA_DIR PORT | stop DATA_DIR" >&2; exit 2 ;;
esac
