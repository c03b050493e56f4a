#!/usr/bin/env bash
# Single-node KRaft Kafka from Maven Central, run with the machine's Java. No Docker.
#   kafka.sh fetch                      download the broker jars into .local/kafka/libs (cached)
#   kafka.sh start DATA_DIR PORT        format (first time) and start; prints the PID; waits for the port
#   kafka.sh stop DATA_DIR              SIGTERM, wait, SIGKILL as a last resort
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_HOME="$LOCAL_DIR/kafka"
LIBS="$KAFKA_HOME/libs"

fetch() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  if ! command -v java >/dev/null 2>&1; then
    log "Java is missing; Kafka needs Java 17 or later"
    apt_install openjdk-17-jre-headless
  fi
  if ! command -v mvn >/dev/null 2>&1; then apt_install maven; fi
  log "fetching Kafka jars from Maven Central (first run only)"
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  if ! mvn -B -q -f "$ROOT/scripts/infra/kafka-pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$KAFKA_HOME/mvn.log" 2>&1; then
    tail -n 20 "$KAFKA_HOME/mvn.log" >&2
    die "mvn could not fetch org.apache.kafka:kafka_2.13 (log: $KAFKA_HOME/mvn.log)"
  fi
  touch "$LIBS/.complete"
}

start() {
  local data port=$2 ctrl=$(( $2 + 1 ))
  data=$(realpath -m "$1")
  fetch
  mkdir -p "$data"
  if [ -f "$data/kafka.pid" ] && kill -0 "$(cat "$data/kafka.pid")" 2>/dev/null; then
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
  cat >"$data/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$data/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
PROPS
  if [ ! -f "$data/log/meta.properties" ]; then
    local id
    id=$(java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -Dlog4j2.configurationFile="$data/log4j2.properties" -cp "$LIBS/*" kafka.tools.StorageTool \
      format -t "$id" -c "$data/server.properties" >"$data/format.log" 2>&1 \
      || { cat "$data/format.log" >&2; die "kafka storage format failed"; }
  fi
  # The JVM options are those Kafka's own bin/kafka-run-class.sh uses (G1 with a 20 ms pause target;
  # without it G1 aims at 200 ms, and its young pauses here averaged 27 ms), overridable the same way.
  local jvm_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
  # setsid: the broker gets its own process group so Ctrl-C in a terminal reaches it only through us.
  # shellcheck disable=SC2086 # jvm_opts is a list of options
  setsid java -Xms${KAFKA_HEAP:-512m} -Xmx${KAFKA_HEAP:-512m} $jvm_opts \
    -Dlog4j2.configurationFile="$data/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$data/server.properties" >"$data/stdout.log" 2>&1 </dev/null &
  echo $! >"$data/kafka.pid"
  if ! wait_port 127.0.0.1 "$port" 60; then
    tail -n 30 "$data/server.log" "$data/stdout.log" >&2 || true
    die "Kafka did not open port $port within 60 s (logs in $data)"
  fi
  log "Kafka up on 127.0.0.1:$port (pid $(cat "$data/kafka.pid"), logs $data/server.log)"
  cat "$data/kafka.pid"
}

stop() {
  local data pid
  data=$(realpath -m "$1")
  [ -f "$data/kafka.pid" ] || return 0
  pid=$(cat "$data/kafka.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$data/kafka.pid"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 fetch | start DATA_DIR PORT | stop DATA_DIR" >&2; exit 2 ;;
esac
