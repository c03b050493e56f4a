{{/* Names, labels and the shared pieces of every pod. */}}

{{- define "gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "gateway.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The application's fixed ports: each service serves its API, health and metrics here. */}}
{{- define "gateway.ports" -}}
api: 8080
ingress: 8081
router: 8082
dispatcher: 8083
scheduler: 8084
{{- end -}}

{{/* Port of one service: include "gateway.port" "dispatcher" */}}
{{- define "gateway.port" -}}
{{- get (include "gateway.ports" . | fromYaml) . -}}
{{- end -}}

{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: webhook-gateway
{{- end -}}

{{/* Labels of one component: include "gateway.componentLabels" (dict "root" $ "component" "api") */}}
{{- define "gateway.componentLabels" -}}
{{ include "gateway.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gateway.componentSelector" -}}
{{ include "gateway.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "gateway.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gateway.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gateway.configMapName" -}}
{{- include "gateway.fullname" . -}}
{{- end -}}

{{- define "gateway.secretName" -}}
{{- default (include "gateway.fullname" .) .Values.secret.existingSecret -}}
{{- end -}}

{{/* Secret of the hook Jobs: what they need of the chart's Secrets, which pre-install hooks precede. */}}
{{- define "gateway.hookSecretName" -}}
{{- printf "%s-hooks" (include "gateway.fullname" .) -}}
{{- end -}}

{{/* PUBLIC_BASE_URL: the explicit value, else the inbound Ingress host. */}}
{{- define "gateway.publicBaseUrl" -}}
{{- if .Values.config.publicBaseUrl -}}
{{- .Values.config.publicBaseUrl -}}
{{- else if .Values.ingress.inbound.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (ne .Values.ingress.inbound.tlsSecretName "")) .Values.ingress.inbound.host -}}
{{- end -}}
{{- end -}}

{{/* Env of a container from a Secret: include "gateway.secretEnv" (dict "root" $ "name" "DATABASE_URL" "key" .Values.secret.databaseUrlKey "secret" "...") */}}
{{- define "gateway.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: {{ .key }}
{{- end -}}

{{/* Everything each pod shares: image pull secrets, scheduling, pod security context. */}}
{{- define "gateway.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A writable /tmp on a read-only root filesystem. */}}
{{- define "gateway.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end -}}

{{/*
SECRETS_ENCRYPTION_KEYS of the chart's own Secret: the value given, the one an earlier install
generated, or a new key k1. Remembered in the render, so the hook Secret and the Secret agree.
*/}}
{{- define "gateway.secretsEncryptionKeys" -}}
{{- if not (hasKey .Values.secret "generatedSecretsEncryptionKeys") }}
{{- $keys := .Values.secret.secretsEncryptionKeys }}
{{- if not $keys }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "gateway.fullname" .) }}
{{- if and $existing $existing.data (hasKey $existing.data .Values.secret.secretsEncryptionKeysKey) }}
{{- $keys = index $existing.data .Values.secret.secretsEncryptionKeysKey | b64dec }}
{{- else }}
{{- $keys = printf "k1:%s" (randBytes 32) }}
{{- end }}
{{- end }}
{{- $_ := set .Values.secret "generatedSecretsEncryptionKeys" $keys }}
{{- end }}
{{- .Values.secret.generatedSecretsEncryptionKeys -}}
{{- end }}

{{/* HEALTH_SERVICE_URLS: each component's Service, for the api's health overview (ADR 0030). */}}
{{- define "gateway.healthServiceUrls" -}}
{{- $root := . -}}
{{- $urls := list -}}
{{- range $component := list "api" "ingress" "router" "dispatcher" "scheduler" -}}
{{- $urls = append $urls (printf "%s=http://%s-%s:%s" $component (include "gateway.fullname" $root) $component (include "gateway.port" $component)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}
