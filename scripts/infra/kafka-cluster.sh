#!/usr/bin/env bash
# A local KRaft Kafka cluster: NODES combined broker+controller nodes with a SASL_SSL listener for
# clients, from the same jars as kafka.sh (one broker). No Docker.
#   kafka-cluster.sh start DIR BASE_PORT [NODES]  NODES defaults to 3. The first start makes the TLS
#       material and formats every node; then each node not running is started, and it waits until all
#       NODES brokers have registered. Prints the SASL_SSL bootstrap list.
#   kafka-cluster.sh kill DIR NODE       SIGKILL node NODE (1..NODES): a broker failure
#   kafka-cluster.sh restart DIR NODE    start that node again on its data; waits until it has registered
#   kafka-cluster.sh stop DIR            every node: SIGTERM, wait, SIGKILL as a last resort
#
# Ports: node i (1..NODES) uses three, from P = BASE_PORT + 3*(i-1):
#   P    CLIENT      SASL_SSL (SCRAM-SHA-512, SCRAM-SHA-256, PLAIN), advertised as 127.0.0.1:P
#   P+1  INTERNAL    PLAINTEXT: replication between the brokers, and admin use by tests
#   P+2  CONTROLLER  PLAINTEXT: the KRaft quorum (every node is a voter)
# The inter-broker listener is PLAINTEXT because every node is on loopback: TLS there would only spend
# the 2 cores on encrypting replication, and what needs proving (certificates, SCRAM) is the clients'.
#
# DIR holds: ca.crt (the CA every certificate is signed by), client.crt + client.key (a client
# certificate for mutual TLS), client.properties (a Java client's settings for CLIENT), cluster.env
# (layout, bootstrap lists, user, file names: read by test/support/stack.ts), nodeN/ (a node's config,
# data, logs, and broker.pem: its key and certificate with SAN IP:127.0.0.1 and DNS:localhost).
# User: gateway / gateway-secret for every mechanism, made at format time (no running cluster needed).
# Heap per node: KAFKA_HEAP (default 384m); JVM options as kafka.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-common.sh"

USERNAME=gateway
PASSWORD=gateway-secret

client_port() { echo $(( BASE_PORT + 3 * ($1 - 1) )); }
bootstrap() { # bootstrap OFFSET: the comma list of every node's port BASE_PORT + 3*(i-1) + OFFSET
  local i list=()
  for i in $(seq 1 "$NODES"); do list+=("127.0.0.1:$(( $(client_port "$i") + $1 ))"); done
  (IFS=,; echo "${list[*]}")
}

# signed PATH CN EXTENSIONS: an EC P-256 key PATH.key and a certificate PATH.crt signed by the CA.
signed() {
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$1.key" -out "$1.csr" \
    -subj "/CN=$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 825 -out "$1.crt" -extfile <(printf '%b' "$3") 2>/dev/null
  rm -f "$1.csr"
  chmod 600 "$1.key"
}

tls_material() {
  local i
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  if [ ! -f "$DIR/ca.crt" ]; then
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$DIR/ca.key" \
      -out "$DIR/ca.crt" -days 3650 -subj "/CN=webhook-gateway local Kafka CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    chmod 600 "$DIR/ca.key"
  fi
  for i in $(seq 1 "$NODES"); do
    [ -f "$DIR/node$i/broker.pem" ] && continue
    mkdir -p "$DIR/node$i"
    signed "$DIR/node$i/broker" "kafka-node-$i" \
      'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth'
    # Kafka's PEM key store: the (unencrypted PKCS#8) key, then the certificate chain.
    cat "$DIR/node$i/broker.key" "$DIR/node$i/broker.crt" "$DIR/ca.crt" >"$DIR/node$i/broker.pem"
    chmod 600 "$DIR/node$i/broker.pem"
  done
  [ -f "$DIR/client.crt" ] || signed "$DIR/client" "$USERNAME" 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth'
}

write_files() {
  cat >"$DIR/cluster.env" <<ENV
NODES=$NODES
BASE_PORT=$BASE_PORT
CLUSTER_ID=$CLUSTER_ID
BOOTSTRAP=$(bootstrap 0)
INTERNAL_BOOTSTRAP=$(bootstrap 1)
SASL_USERNAME=$USERNAME
SASL_PASSWORD=$PASSWORD
CA_FILE=$DIR/ca.crt
CLIENT_CERT_FILE=$DIR/client.crt
CLIENT_KEY_FILE=$DIR/client.key
ENV
  cat >"$DIR/client.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$USERNAME" password="$PASSWORD";
ssl.truststore.type=PEM
ssl.truststore.location=$DIR/ca.crt
PROPS
}

# load DIR: the layout written by the first start.
load() {
  DIR=$(realpath -m "$1")
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (start it first)"
  # shellcheck disable=SC1091
  source "$DIR/cluster.env"
}

node_properties() {
  local i=$1 node="$DIR/node$1" port rf voters="" v
  port=$(client_port "$i")
  for v in $(seq 1 "$NODES"); do voters+="${voters:+,}$v@127.0.0.1:$(( $(client_port "$v") + 2 ))"; done
  rf=$(( NODES < 3 ? NODES : 3 ))
  cat >"$node/server.properties" <<PROPS
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=CLIENT://127.0.0.1:$port,INTERNAL://127.0.0.1:$(( port + 1 )),CONTROLLER://127.0.0.1:$(( port + 2 ))
advertised.listeners=CLIENT://127.0.0.1:$port,INTERNAL://127.0.0.1:$(( port + 1 ))
controller.listener.names=CONTROLLER
listener.security.protocol.map=CLIENT:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.client.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.client.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$USERNAME="$PASSWORD";
listener.name.client.ssl.keystore.type=PEM
listener.name.client.ssl.keystore.location=$node/broker.pem
listener.name.client.ssl.truststore.type=PEM
listener.name.client.ssl.truststore.location=$DIR/ca.crt
# requested: a client certificate is checked against the CA when one is sent (mutual TLS), and a
# client without one still authenticates with SASL alone.
listener.name.client.ssl.client.auth=requested
log.dirs=$node/log
num.partitions=4
default.replication.factor=$rf
min.insync.replicas=$(( rf > 1 ? rf - 1 : 1 ))
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$(( rf > 1 ? rf - 1 : 1 ))
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$(( rf > 1 ? rf - 1 : 1 ))
unclean.leader.election.enable=false
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
# A killed broker is fenced (its replicas leave the ISRs, its leaderships move) when the controller
# has missed its heartbeats for broker.session.timeout.ms: 4 s instead of 9 s, heartbeats every 1 s
# instead of 2 s. Lower risks fencing a live broker during a GC pause or a CPU-starved moment.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
PROPS
}

# prepare NODE: the config of a node that is not running, and its storage formatted the first time.
prepare() {
  local i=$1 node="$DIR/node$1" port p
  port=$(client_port "$i")
  for p in "$port" $(( port + 1 )) $(( port + 2 )); do
    port_open 127.0.0.1 "$p" && die "port $p (node $i) is taken by another process"
  done
  node_properties "$i"
  kafka_log4j "$node"
  kafka_format "$node" "$CLUSTER_ID" \
    --add-scram "SCRAM-SHA-512=[name=$USERNAME,password=$PASSWORD]" \
    --add-scram "SCRAM-SHA-256=[name=$USERNAME,password=$PASSWORD]"
}

# launch NODE...: prepares the nodes that are not running side by side (a format is a JVM of its own),
# then starts them.
launch() {
  local i pids=() down=()
  for i in "$@"; do kafka_running "$DIR/node$i" || down+=("$i"); done
  for i in "${down[@]}"; do prepare "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i"; done
  for i in "${down[@]}"; do kafka_launch "$DIR/node$i" "${KAFKA_HEAP:-384m}"; done
}

# registered: how many brokers the cluster's metadata lists, asked through the SASL_SSL listener (so
# the certificates and the SCRAM user are proven too). Fenced brokers are not listed.
registered() {
  java "${KAFKA_TOOL_JVM[@]}" -cp "$LIBS/*" \
    org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "$(bootstrap 0)" \
    --command-config "$DIR/client.properties" 2>/dev/null | grep -c ' (id: ' || true
}

wait_registered() {
  local deadline=$(( SECONDS + 120 )) i
  for i in $(seq 1 "$NODES"); do kafka_wait_port "$DIR/node$i" "$(client_port "$i")"; done
  until [ "$(registered)" = "$NODES" ]; do
    if (( SECONDS > deadline )); then
      for i in $(seq 1 "$NODES"); do tail -n 5 "$DIR/node$i/server.log" >&2 || true; done
      die "the cluster in $DIR did not list $NODES brokers within 120 s (logs in $DIR/node*/server.log)"
    fi
    sleep 0.5
  done
}

start() {
  local i
  DIR=$(realpath -m "$1"); BASE_PORT=$2; NODES=${3:-3}
  kafka_fetch
  mkdir -p "$DIR"
  if [ -f "$DIR/cluster.env" ]; then
    local want="$BASE_PORT/$NODES"
    load "$DIR"
    [ "$BASE_PORT/$NODES" = "$want" ] || die "$DIR holds a cluster of $NODES nodes from port $BASE_PORT (asked: $want nodes/port); remove $DIR to start over"
  else
    CLUSTER_ID=$(kafka_random_uuid)
  fi
  tls_material
  write_files
  # shellcheck disable=SC2046 # the node numbers
  launch $(seq 1 "$NODES")
  wait_registered
  log "Kafka cluster of $NODES nodes up (SASL_SSL $(bootstrap 0); logs $DIR/node*/server.log)"
  bootstrap 0
}

node_arg() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= NODES )) || die "no node $1 (nodes 1..$NODES)"; }

# sigkill NODE_DIR: kills the node at once and waits until it is gone.
sigkill() {
  local pid
  kafka_running "$1" || { rm -f "$1/kafka.pid"; return 0; }
  pid=$(cat "$1/kafka.pid")
  kill -KILL "$pid"
  for _ in $(seq 1 100); do kafka_alive "$pid" || break; sleep 0.05; done
  rm -f "$1/kafka.pid"
}

kill_node() { load "$1"; node_arg "$2"; sigkill "$DIR/node$2"; }

restart_node() {
  load "$1"; node_arg "$2"
  launch "$2"
  wait_registered
  log "node $2 is back (127.0.0.1:$(client_port "$2"))"
}

# All nodes at once (SIGTERM: a controlled shutdown each). A node's controlled shutdown needs the
# controller quorum, so once a majority of the nodes has exited the rest would wait for it (up to
# 5 minutes): they are SIGKILLed then, as is anything still running after 20 s.
stop() {
  local i alive=() deadline=$(( SECONDS + 20 ))
  [ -f "$(realpath -m "$1")/cluster.env" ] || return 0
  load "$1"
  for i in $(seq 1 "$NODES"); do
    kafka_running "$DIR/node$i" && kill -TERM "$(cat "$DIR/node$i/kafka.pid")" 2>/dev/null || true
  done
  while :; do
    alive=()
    for i in $(seq 1 "$NODES"); do kafka_running "$DIR/node$i" && alive+=("$i"); done
    (( ${#alive[@]} == 0 )) && break
    if (( ${#alive[@]} <= NODES / 2 || SECONDS >= deadline )); then
      for i in "${alive[@]}"; do sigkill "$DIR/node$i"; done
      break
    fi
    sleep 0.2
  done
  for i in $(seq 1 "$NODES"); do rm -f "$DIR/node$i/kafka.pid"; done
}

case "${1:-}" in
  start) start "$2" "$3" "${4:-3}" ;;
  kill) kill_node "$2" "$3" ;;
  restart) restart_node "$2" "$3" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR BASE_PORT [NODES] | kill DIR NODE | restart DIR NODE | stop DIR" >&2; exit 2 ;;
esac
