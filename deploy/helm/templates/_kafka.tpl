{{/*
Kafka connection security and topic settings (values `kafka`). Every pod that talks to Kafka (the
five services and the topic provisioning Job) gets the same settings, SASL credentials by
secretKeyRef and the TLS files mounted read-only; the migrations Job does not talk to Kafka.
*/}}

{{/* Where the Kafka TLS files are mounted. */}}
{{- define "gateway.kafkaTlsDir" -}}
/etc/gateway/kafka-tls
{{- end -}}

{{/* Fails on Kafka values the gateway would refuse or the chart would silently ignore. */}}
{{- define "gateway.kafkaValidate" -}}
{{- $ssl := .Values.kafka.ssl }}
{{- $sasl := .Values.kafka.sasl }}
{{- if $ssl.enabled }}
{{- if and $ssl.existingSecret (or $ssl.ca $ssl.cert $ssl.key) }}
{{- fail "kafka.ssl: set either existingSecret or ca/cert/key, not both" }}
{{- end }}
{{- if and $ssl.mutualTls (not $ssl.existingSecret) }}
{{- fail "kafka.ssl.mutualTls applies to kafka.ssl.existingSecret; without it, set kafka.ssl.cert and kafka.ssl.key" }}
{{- end }}
{{- if ne (empty $ssl.cert) (empty $ssl.key) }}
{{- fail "kafka.ssl.cert and kafka.ssl.key go together (mutual TLS)" }}
{{- end }}
{{- range $name := list "ca" "cert" "key" }}
{{- $pem := index $ssl $name }}
{{- if and $pem (not (contains "-----BEGIN " $pem)) }}
{{- fail (printf "kafka.ssl.%s must be PEM text (-----BEGIN ...), not base64 or a path" $name) }}
{{- end }}
{{- end }}
{{- else if or $ssl.existingSecret $ssl.ca $ssl.cert $ssl.key $ssl.mutualTls }}
{{- fail "kafka.ssl is configured but kafka.ssl.enabled is false" }}
{{- end }}
{{- if $sasl.mechanism }}
{{- if not (has $sasl.mechanism (list "plain" "scram-sha-256" "scram-sha-512")) }}
{{- fail (printf "kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512, not %q" $sasl.mechanism) }}
{{- end }}
{{- if $sasl.existingSecret }}
{{- if $sasl.password }}
{{- fail "kafka.sasl: set either existingSecret or password, not both" }}
{{- end }}
{{- else if not (and $sasl.username $sasl.password) }}
{{- fail "kafka.sasl.mechanism needs kafka.sasl.username and kafka.sasl.password, or kafka.sasl.existingSecret" }}
{{- end }}
{{- else if or $sasl.existingSecret $sasl.username $sasl.password }}
{{- fail "kafka.sasl is configured but kafka.sasl.mechanism is empty" }}
{{- end }}
{{- $replication := include "gateway.kafkaNumber" .Values.kafka.replicationFactor }}
{{- $minInsync := include "gateway.kafkaNumber" .Values.kafka.minInsyncReplicas }}
{{- range $name, $value := dict "replicationFactor" $replication "minInsyncReplicas" $minInsync }}
{{- if and $value (not (regexMatch "^[1-9][0-9]*$" $value)) }}
{{- fail (printf "kafka.%s must be a whole number of at least 1, not %q" $name $value) }}
{{- end }}
{{- end }}
{{- if and $replication $minInsync }}
{{- if gt (int $minInsync) (int $replication) }}
{{- fail "kafka.minInsyncReplicas must not exceed kafka.replicationFactor (no write could be acknowledged)" }}
{{- end }}
{{- end }}
{{- with .Values.kafka.topicCheck }}
{{- if not (has . (list "require" "warn")) }}
{{- fail (printf "kafka.topicCheck must be require or warn, not %q" .) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* A count from values as text; empty when unset (empty or null). */}}
{{- define "gateway.kafkaNumber" -}}
{{- if not (kindIs "invalid" .) }}{{ toString . }}{{ end -}}
{{- end -}}

{{/* The TLS files in use, as a map from Secret key to the variable naming its mounted path. */}}
{{- define "gateway.kafkaTlsKeys" -}}
{{- $ssl := .Values.kafka.ssl }}
{{- if $ssl.enabled }}
{{- if or $ssl.existingSecret $ssl.ca }}
ca.crt: KAFKA_SSL_CA_FILE
{{- end }}
{{- if or (and $ssl.existingSecret $ssl.mutualTls) $ssl.cert }}
tls.crt: KAFKA_SSL_CERT_FILE
tls.key: KAFKA_SSL_KEY_FILE
{{- end }}
{{- end }}
{{- end -}}

{{/* Non-secret Kafka settings (name: value), for the ConfigMap and the topic provisioning Job. */}}
{{- define "gateway.kafkaSettings" -}}
{{- $kafka := .Values.kafka }}
{{- if $kafka.ssl.enabled }}
KAFKA_SSL: "true"
{{- $dir := include "gateway.kafkaTlsDir" . }}
{{- range $key, $env := include "gateway.kafkaTlsKeys" . | fromYaml }}
{{ $env }}: {{ printf "%s/%s" $dir $key | quote }}
{{- end }}
{{- end }}
{{- with $kafka.sasl.mechanism }}
KAFKA_SASL_MECHANISM: {{ . | quote }}
{{- if and $kafka.sasl.existingSecret $kafka.sasl.username }}
KAFKA_SASL_USERNAME: {{ $kafka.sasl.username | quote }}
{{- end }}
{{- end }}
{{- with include "gateway.kafkaNumber" $kafka.replicationFactor }}
KAFKA_REPLICATION_FACTOR: {{ . | quote }}
{{- end }}
{{- with include "gateway.kafkaNumber" $kafka.minInsyncReplicas }}
KAFKA_MIN_INSYNC_REPLICAS: {{ . | quote }}
{{- end }}
{{- with $kafka.topicCheck }}
KAFKA_TOPIC_CHECK: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Data of the Secret the chart creates for Kafka (empty when existing Secrets are named). */}}
{{- define "gateway.kafkaSecretData" -}}
{{- $ssl := .Values.kafka.ssl }}
{{- $sasl := .Values.kafka.sasl }}
{{- if and $ssl.enabled (not $ssl.existingSecret) }}
{{- with $ssl.ca }}
ca.crt: {{ . | b64enc | quote }}
{{- end }}
{{- with $ssl.cert }}
tls.crt: {{ . | b64enc | quote }}
{{- end }}
{{- with $ssl.key }}
tls.key: {{ . | b64enc | quote }}
{{- end }}
{{- end }}
{{- if and $sasl.mechanism (not $sasl.existingSecret) }}
{{ $sasl.usernameKey }}: {{ $sasl.username | b64enc | quote }}
{{ $sasl.passwordKey }}: {{ $sasl.password | b64enc | quote }}
{{- end }}
{{- end -}}

{{/*
Name of the Secret holding a Kafka part: the existing one named, else the chart's, or the hook
Secret for hook Jobs (the chart's Secrets do not exist yet when pre-install hooks run).
include "gateway.kafkaSecretName" (dict "root" $ "existing" .Values.kafka.sasl.existingSecret "hook" false)
*/}}
{{- define "gateway.kafkaSecretName" -}}
{{- if .existing -}}
{{- .existing -}}
{{- else if .hook -}}
{{- include "gateway.hookSecretName" .root -}}
{{- else -}}
{{- printf "%s-kafka" (include "gateway.fullname" .root) -}}
{{- end -}}
{{- end -}}

{{/* SASL credentials as env entries from their Secret: include "gateway.kafkaSecretEnv" (dict "root" $ "hook" false) */}}
{{- define "gateway.kafkaSecretEnv" -}}
{{- $sasl := .root.Values.kafka.sasl }}
{{- if $sasl.mechanism }}
{{- $secret := include "gateway.kafkaSecretName" (dict "root" .root "existing" $sasl.existingSecret "hook" .hook) }}
{{- if not (and $sasl.existingSecret $sasl.username) }}
{{ include "gateway.secretEnv" (dict "name" "KAFKA_SASL_USERNAME" "key" $sasl.usernameKey "secret" $secret) }}
{{- end }}
{{ include "gateway.secretEnv" (dict "name" "KAFKA_SASL_PASSWORD" "key" $sasl.passwordKey "secret" $secret) }}
{{- end }}
{{- end -}}

{{/* The TLS files' volume, only the keys in use: include "gateway.kafkaTlsVolume" (dict "root" $ "hook" false) */}}
{{- define "gateway.kafkaTlsVolume" -}}
{{- $keys := include "gateway.kafkaTlsKeys" .root | fromYaml }}
{{- if $keys }}
- name: kafka-tls
  secret:
    secretName: {{ include "gateway.kafkaSecretName" (dict "root" .root "existing" .root.Values.kafka.ssl.existingSecret "hook" .hook) }}
    {{- /* 0440: readable by the pod's fsGroup, not by others. */}}
    defaultMode: 288
    items:
      {{- range $key, $_ := $keys }}
      - key: {{ $key }}
        path: {{ $key }}
      {{- end }}
{{- end }}
{{- end -}}

{{/* Read-only mount of the TLS files, when there are any. */}}
{{- define "gateway.kafkaTlsMount" -}}
{{- if include "gateway.kafkaTlsKeys" . | fromYaml }}
- name: kafka-tls
  mountPath: {{ include "gateway.kafkaTlsDir" . }}
  readOnly: true
{{- end }}
{{- end -}}
