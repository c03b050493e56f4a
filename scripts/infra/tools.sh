#!/usr/bin/env bash
# Installs what the deployment tests (test/deploy) need, idempotently; a second run takes about a
# second. Everything lands in git-ignored places or comes from Debian's packages:
#   helm              go install helm.sh/helm/v3 (pinned) into .local/bin   (first time about 4 minutes)
#   promtool          Debian's prometheus package (/usr/bin/promtool)
#   docker-compose    Debian's docker-compose package (Compose 1.29, for `docker-compose config`;
#                     used when the Docker CLI here has no `compose` plugin)
#   kubernetes-validate  PyPI, in a virtualenv under .local/py (strict Kubernetes schema checks)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HELM_VERSION=v3.22.0
# Kubernetes version Helm assumes when no cluster is asked (`helm template`, `helm lint`): the
# client-go minor of that Helm release, as its release build sets it.
HELM_KUBE_MINOR=37
KUBERNETES_VALIDATE_VERSION=1.37.0
BIN="$LOCAL_DIR/bin"
mkdir -p "$BIN"

ensure_helm() {
  if [ -x "$BIN/helm" ] && [ "$("$BIN/helm" version --template '{{.Version}}' 2>/dev/null)" = "$HELM_VERSION" ]; then return 0; fi
  command -v go >/dev/null 2>&1 || die "Go is missing: helm is built with go install (Go 1.24 or later)"
  log "building helm $HELM_VERSION with go install (first run only, a few minutes)"
  local pkg=helm.sh/helm/v3
  local ldflags="-s -w -X $pkg/internal/version.version=$HELM_VERSION"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=1 -X $pkg/pkg/chartutil.k8sVersionMinor=$HELM_KUBE_MINOR"
  ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=1 -X $pkg/pkg/lint/rules.k8sVersionMinor=$HELM_KUBE_MINOR"
  if ! GOBIN="$BIN" GOFLAGS=-buildvcs=false go install -ldflags "$ldflags" "$pkg/cmd/helm@$HELM_VERSION" >"$LOCAL_DIR/helm-install.log" 2>&1; then
    tail -n 20 "$LOCAL_DIR/helm-install.log" >&2
    die "go install helm failed (log: $LOCAL_DIR/helm-install.log)"
  fi
}

ensure_apt_tool() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  # --no-install-recommends: no Prometheus server is started or needed, only promtool.
  command -v apt-get >/dev/null 2>&1 || die "apt-get is not available: install $2 with your package manager"
  log "installing $2 from Debian's packages"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2"; } >"$LOCAL_DIR/apt.log" 2>&1; then
    tail -n 5 "$LOCAL_DIR/apt.log" >&2
    die "apt-get install $2 failed (log: $LOCAL_DIR/apt.log)"
  fi
  command -v "$1" >/dev/null 2>&1 || die "$2 is installed but $1 is not on PATH"
}

ensure_kubernetes_validate() {
  local venv="$LOCAL_DIR/py"
  if [ -x "$venv/bin/kubernetes-validate" ] && [ "$("$venv/bin/kubernetes-validate" --version 2>/dev/null | awk '{print $NF}')" = "$KUBERNETES_VALIDATE_VERSION" ]; then return 0; fi
  command -v python3 >/dev/null 2>&1 || ensure_apt_tool python3 python3
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    apt_install python3-venv
    python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  fi
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI into $venv"
  if ! "$venv/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >"$LOCAL_DIR/pip.log" 2>&1; then
    tail -n 20 "$LOCAL_DIR/pip.log" >&2
    die "pip install kubernetes-validate failed (log: $LOCAL_DIR/pip.log)"
  fi
}

ensure_helm
ensure_apt_tool promtool prometheus
if ! docker compose version >/dev/null 2>&1; then ensure_apt_tool docker-compose docker-compose; fi
ensure_kubernetes_validate
log "deploy tools ready: $("$BIN/helm" version --short), $(promtool --version 2>&1 | head -n 1), $(docker compose version 2>/dev/null || docker-compose version --short), kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
