#!/bin/sh
# Entry point of the gateway image: one image, the process chosen by its first argument or by
# SERVICE. Services: api, ingress, router, dispatcher, scheduler. One-shot tasks: migrate,
# provision-topics. `node ...` or `sh ...` run as given (debugging).
set -eu
cd "${APP_HOME:-/app}"
target="${1:-${SERVICE:-}}"
case "$target" in
  api | ingress | router | dispatcher | scheduler) script="dist/apps/$target/src/main.js" ;;
  migrate) script="dist/tools/migrate.js" ;;
  provision-topics) script="dist/tools/provision-topics.js" ;;
  node | sh) exec "$@" ;;
  *)
    echo "gateway: unknown service '$target'; expected one of api, ingress, router, dispatcher, scheduler, migrate, provision-topics (argument or SERVICE)" >&2
    exit 64
    ;;
esac
[ "$#" -gt 0 ] && shift
exec node -r ./tools/register.js "$script" "$@"
