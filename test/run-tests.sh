#!/usr/bin/env bash
# `npm test`: the whole test suite (jest projects "unit", "medium" and "e2e") against real
# MariaDB, Dovecot, Postfix (also as configured by mailu/) and an S3-compatible server (s3rver) on 127.0.0.1.
#
#   bash test/run-tests.sh [jest args...]     e.g. bash test/run-tests.sh test/e2e
#
# 1. npm ci if node_modules is missing;
# 2. installs the Debian packages the services need (only the missing ones);
# 3. starts the services in RS_DIR (default /tmp/inbound-services; with CI=true a
#    fresh mktemp directory) and exports their variables (real-services.sh env);
# 4. runs ESLint on the whole tree (npm run lint) unless jest args were given;
# 5. runs `npx jest --maxWorkers=2 "$@"` (no --maxWorkers when you give -w/-i);
# 6. stops the services again if it started them, or always with CI=true;
# 7. exits non-zero when ESLint or jest failed, and prints the total wall time.
set -uo pipefail

T0=$(date +%s.%N)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S="$ROOT/test/services/real-services.sh"
cd "$ROOT"

log() { printf '[run-tests] %s\n' "$*" >&2; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

is_ci() { [[ "${CI:-}" == true || "${CI:-}" == 1 ]]; }

STARTED=()
STOP_ALL=0
RESULTS=""
finish() {
  local rc=$?
  trap - EXIT
  if (( STOP_ALL )) || (( ${#STARTED[@]} == 5 )); then
    bash "$S" down || true
  elif (( ${#STARTED[@]} )); then
    bash "$S" stop "${STARTED[@]}" || true
  fi
  [[ -n "$RESULTS" ]] && rm -f "$RESULTS"
  log "total wall time $(elapsed "$T0") s (exit $rc)"
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -d node_modules ]]; then
  log "node_modules is missing: npm ci"
  t=$(date +%s.%N)
  npm ci || exit
  log "npm ci took $(elapsed "$t") s"
fi

t=$(date +%s.%N)
bash "$S" install || exit
log "install step took $(elapsed "$t") s"

if is_ci; then
  # A fresh, short directory (unix socket paths max 107 bytes), removed afterwards.
  RS_DIR="$(mktemp -d /tmp/inb-ci.XXXXXX)" || exit
  STOP_ALL=1
else
  RS_DIR="${RS_DIR:-/tmp/inbound-services}"
fi
export RS_DIR
# The services that are down now are the ones this run starts (and stops).
for s in mariadb dovecot postfix mailu s3; do
  bash "$S" status "$s" >/dev/null 2>&1 || STARTED+=("$s")
done

t=$(date +%s.%N)
bash "$S" up || exit
log "services up in $(elapsed "$t") s (RS_DIR=$RS_DIR)"
eval "$(bash "$S" env)" || exit

# Jest options: 2 workers unless told otherwise; a JSON result file for the
# closing "N passed, N failed" line unless the caller asked for JSON output.
args=("$@")
extra=()
want_workers=1 want_json=1
for a in "${args[@]}"; do
  case "$a" in
    -w|-w=*|-w[0-9]*|--maxWorkers|--maxWorkers=*|-i|--runInBand) want_workers=0 ;;
    --json|--outputFile|--outputFile=*|--watch|--watchAll) want_json=0 ;;
  esac
done
(( want_workers )) && extra+=(--maxWorkers=2)
if (( want_json )); then
  RESULTS="$(mktemp /tmp/inbound-jest.XXXXXX.json)"
  extra+=(--json "--outputFile=$RESULTS")
fi

lint_rc=0
if (( ${#args[@]} == 0 )); then
  t=$(date +%s.%N)
  npx eslint . || lint_rc=$?
  log "eslint took $(elapsed "$t") s, exit $lint_rc"
fi

t=$(date +%s.%N)
npx jest "${extra[@]}" "${args[@]}"
rc=$?
log "jest took $(elapsed "$t") s, exit $rc"

if [[ -n "$RESULTS" && -s "$RESULTS" ]]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const broken = r.numRuntimeErrorTestSuites || 0;
    if (broken) console.log(`${broken} test suite(s) failed to run; each is counted as one failed test below`);
    console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests + broken} failed, ${r.numPendingTests + (r.numTodoTests || 0)} skipped`);
  ' "$RESULTS" || true
fi
if (( rc == 0 && lint_rc != 0 )); then
  log "ESLint found errors (above): the run fails"
  rc=$lint_rc
fi
exit $rc
