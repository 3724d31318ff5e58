#!/usr/bin/env bash
# Run one command with the real test services up and their variables exported:
#
#   bash test/services/with-services.sh <command...>      (npm run bench uses it)
#
# Installs missing packages, starts MariaDB, Dovecot, Postfix and s3rver (see
# real-services.sh; RS_DIR defaults to /tmp/inbound-services), exports the
# variables of `real-services.sh env`, runs the command and exits with its
# exit code. Services that were already running before are left running;
# only services this script started are stopped afterwards.
set -euo pipefail

S="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/real-services.sh"
(( $# )) || { echo "usage: $0 <command...>" >&2; exit 2; }

bash "$S" install

# Which services are down now: those are the ones we start and stop again.
started=()
for s in mariadb dovecot postfix mailu s3; do
  bash "$S" status "$s" >/dev/null 2>&1 || started+=("$s")
done

cleanup() {
  if (( ${#started[@]} == 5 )); then
    bash "$S" down
  elif (( ${#started[@]} )); then
    bash "$S" stop "${started[@]}"
  fi
}
if (( ${#started[@]} )); then trap cleanup EXIT; fi
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$S" up
eval "$(bash "$S" env)"

set +e
"$@"
rc=$?
set -e
exit $rc
