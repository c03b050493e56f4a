# Helpers shared by kafka.sh (one broker) and kafka-cluster.sh (a KRaft cluster). Sourced, never run.
# A node lives in one folder: server.properties, log4j2.properties, log/ (its data), kafka.pid, *.log.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_HOME="$LOCAL_DIR/kafka"
LIBS="$KAFKA_HOME/libs"

# The broker jars, plus kafka-tools for the cluster's readiness check (see kafka-pom.xml). An older
# cache without kafka-tools is fetched again once.
kafka_fetch() {
  if [ -f "$LIBS/.complete" ] && compgen -G "$LIBS/kafka-tools-[0-9]*.jar" >/dev/null; then return 0; fi
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

# kafka_alive PID: the process runs (a killed one can stay a zombie until pid 1 reaps it).
kafka_alive() { [[ $(ps -o stat= -p "$1" 2>/dev/null) =~ ^[^Z] ]]; }

# kafka_running DIR: the node in DIR has a live process.
kafka_running() { [ -f "$1/kafka.pid" ] && kafka_alive "$(cat "$1/kafka.pid")"; }

# kafka_log4j DIR: the node logs to DIR/server.log.
kafka_log4j() {
  cat >"$1/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$1/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
PROPS
}

# A command-line tool's JVM: small, and quick to start rather than quick in the long run.
KAFKA_TOOL_JVM=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

# A cluster id as StorageTool random-uuid makes it (16 random bytes in URL-safe base64, not starting
# with "-"), without starting a JVM for it.
kafka_random_uuid() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    [[ $id == -* ]] || { echo "$id"; return; }
  done
}

# kafka_format DIR CLUSTER_ID [StorageTool format options...]: formats DIR/log on the first start only
# (an empty CLUSTER_ID: a random one).
kafka_format() {
  local dir=$1 id=$2
  shift 2
  [ -f "$dir/log/meta.properties" ] && return 0
  [ -n "$id" ] || id=$(kafka_random_uuid)
  java "${KAFKA_TOOL_JVM[@]}" -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$LIBS/*" kafka.tools.StorageTool \
    format -t "$id" -c "$dir/server.properties" "$@" >"$dir/format.log" 2>&1 \
    || { cat "$dir/format.log" >&2; die "kafka storage format failed in $dir"; }
}

# kafka_launch DIR HEAP: runs the node in DIR in the background and writes DIR/kafka.pid.
kafka_launch() {
  local dir=$1 heap=$2
  # The JVM options are those Kafka's own bin/kafka-run-class.sh uses (G1 with a 20 ms pause target;
  # without it G1 aims at 200 ms, and its young pauses here averaged 27 ms), overridable the same way.
  local jvm_opts="${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
  # setsid: the broker gets its own process group so Ctrl-C in a terminal reaches it only through us.
  # shellcheck disable=SC2086 # jvm_opts is a list of options
  setsid java -Xms"$heap" -Xmx"$heap" $jvm_opts \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" >"$dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
}

# kafka_wait_port DIR PORT: waits for the node's port, or prints its logs and fails.
kafka_wait_port() {
  if ! wait_port 127.0.0.1 "$2" 60; then
    tail -n 30 "$1/server.log" "$1/stdout.log" >&2 || true
    die "Kafka did not open port $2 within 60 s (logs in $1)"
  fi
}

# kafka_stop DIR: SIGTERM (a controlled shutdown), wait up to 20 s, SIGKILL as a last resort.
kafka_stop() {
  local pid
  [ -f "$1/kafka.pid" ] || return 0
  pid=$(cat "$1/kafka.pid")
  if kafka_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kafka_alive "$pid" || break; sleep 0.2; done
    kafka_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1/kafka.pid"
}
