#!/usr/bin/env bash
# Real MariaDB, Dovecot (IMAP + LMTP) and Postfix on 127.0.0.1 for Inbound's
# tests, all state under one directory (RS_DIR). No systemd, no Docker; run as root.
#
#   real-services.sh install                  apt packages that are missing (incl. chromium)
#   real-services.sh up [SERVICE ...]         start (default: all); idempotent
#   real-services.sh start SERVICE ...        same as "up SERVICE ..."
#   real-services.sh stop SERVICE ...         stop those services, keep their data
#   real-services.sh restart SERVICE ...      stop, then start again on the same data
#   real-services.sh down                     stop everything, delete RS_DIR
#   real-services.sh status [SERVICE ...]     what runs; exit 0 only if all asked for answer
#   real-services.sh env                      export lines for the test process
# SERVICE: mariadb | dovecot | postfix | mailu (the mailu/ overrides, see its section) | s3
#
# Settings (environment):
#   RS_DIR      default: $TEST_RS_DIR if set (so a test process can call this
#               script with its own environment), else /tmp/inbound-services.
#               Keep it short: unix socket paths are limited to 107 bytes.
#   MARIADB_PORT=3306 IMAP_PORT=1143 IMAPS_PORT=1993 SMTP_IN_PORT=2525
#               A port that is not set explicitly and is taken by another
#               process when RS_DIR is first brought up is replaced by the
#               next free one. The ports in use are kept in RS_DIR/ports.env,
#               so later calls (env, status, restart, down) use the same ones.
#   MAILGATE_CMD  command Postfix's pipe transport runs for *@gate.mail.test
#   S3_PORT=4569  the S3-compatible server (s3rver, from node_modules); the
#               port it runs on is kept in RS_DIR/s3/port
#
# Adapted from the project's real-services recipe (MariaDB 10.11, Dovecot 2.3,
# Postfix 3.7 on Debian 12).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RS_DIR="${RS_DIR:-${TEST_RS_DIR:-/tmp/inbound-services}}"
RS_DIR="${RS_DIR%/}"
MARKER="$RS_DIR/.inbound-real-services"
PORTS_FILE="$RS_DIR/ports.env"

DB_NAME=helpdesk DB_USER=helpdesk DB_PASSWORD=helpdesk
MY="$RS_DIR/mariadb"
DV="$RS_DIR/dovecot"
PF="$RS_DIR/postfix"
S3D="$RS_DIR/s3"
ALL_SERVICES=(mariadb dovecot postfix mailu s3)

log() { printf '[real-services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

[[ "$RS_DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "RS_DIR must be an absolute path of letters, digits and ._-/ (got '$RS_DIR')"
(( ${#RS_DIR} <= 70 )) || die "RS_DIR is too long (${#RS_DIR} chars; unix socket paths max 107 bytes): $RS_DIR"

# ------------------------------------------------------------------ ports ---
# Explicit settings win; then the ports RS_DIR was brought up with; then defaults.
declare -A PORT_DEFAULT=([MARIADB_PORT]=3306 [IMAP_PORT]=1143 [IMAPS_PORT]=1993 [SMTP_IN_PORT]=2525)
declare -A PORT_AUTO=()
if [[ -f "$PORTS_FILE" ]]; then
  while IFS='=' read -r k v; do
    [[ -n "${PORT_DEFAULT[$k]+x}" && "$v" =~ ^[0-9]+$ && -z "${!k:-}" ]] && printf -v "$k" '%s' "$v"
  done <"$PORTS_FILE"
fi
for k in "${!PORT_DEFAULT[@]}"; do
  if [[ -z "${!k:-}" ]]; then printf -v "$k" '%s' "${PORT_DEFAULT[$k]}"; PORT_AUTO[$k]=1; fi
done

# true if something accepts TCP connections on 127.0.0.1:$1
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# On a fresh RS_DIR: replace taken default ports (e.g. another checkout's
# services) by free ones, and remember the choice in RS_DIR/ports.env.
choose_ports() {
  [[ -f "$PORTS_FILE" ]] && return 0
  local k p used=" "
  for k in MARIADB_PORT IMAP_PORT IMAPS_PORT SMTP_IN_PORT; do
    p=${!k}
    if [[ -n "${PORT_AUTO[$k]:-}" ]]; then
      while port_open "$p" || [[ "$used" == *" $p "* ]]; do
        p=$((p + 1)); (( p < ${!k} + 200 )) || die "no free port near ${!k} for $k"
      done
      [[ "$p" != "${!k}" ]] && log "port ${!k} is taken; $k=$p"
      printf -v "$k" '%s' "$p"
    fi
    used+="$p "
  done
  printf 'MARIADB_PORT=%s\nIMAP_PORT=%s\nIMAPS_PORT=%s\nSMTP_IN_PORT=%s\n' \
    "$MARIADB_PORT" "$IMAP_PORT" "$IMAPS_PORT" "$SMTP_IN_PORT" >"$PORTS_FILE"
}

# ---------------------------------------------------------------- helpers ---
# true if process $1 exists and is not a zombie (a daemon whose parent has
# exited is reaped by PID 1, which can take a second or two here)
running() { local st; st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [[ -n "$st" && "$st" != Z ]]; }
# true if the process in pid file $1 is alive
pid_alive() { [[ -s "$1" ]] && running "$(tr -d ' \n' <"$1")"; }
# first line a server sends on 127.0.0.1:$1 (empty if none within 2 s)
banner() {
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 0
  IFS= read -r -t 2 line <&3 || true
  exec 3>&- 3<&-
  printf '%s' "${line%$'\r'}"
}
wait_until() { # wait_until SECONDS command...
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.05
  done
}
stop_pid() { # stop_pid PID NAME [group]: TERM, wait up to 20 s, then KILL
  # With "group", signal the whole process group the daemon leads (its
  # children quit at once instead of being waited for one by one).
  local pid=$1 name=$2 target=$1 i t0
  [[ "${3:-}" == group ]] && target="-$1"
  running "$pid" || return 0
  t0=$(now)
  kill -TERM -- "$target" 2>/dev/null || true
  for i in $(seq 1 400); do running "$pid" || { log "$name (pid $pid) stopped in $(since "$t0") s"; return 0; }; sleep 0.05; done
  log "$name (pid $pid) did not stop on TERM; sending KILL"
  kill -KILL -- "$target" 2>/dev/null || true
}
render() { # render TEMPLATE OUT: replace @VARS@
  sed -e "s#@DIR@#$RS_DIR#g" -e "s#@PORT@#$MARIADB_PORT#g" \
      -e "s#@IMAP_PORT@#$IMAP_PORT#g" -e "s#@IMAPS_PORT@#$IMAPS_PORT#g" \
      -e "s#@SMTP_PORT@#$SMTP_IN_PORT#g" \
      -e "s#@MAIL_UID@#$(id -u mail)#g" -e "s#@MAIL_GID@#$(id -g mail)#g" \
      "$1" >"$2"
}
need_root() { (( $(id -u) == 0 )) || die "run as root (apt-get; Dovecot and Postfix drop to their own users)"; }

# ---------------------------------------------------------------- install ---
cmd_install() {
  local need=()
  command -v mariadbd >/dev/null || need+=(mariadb-server)
  command -v mariadb >/dev/null || need+=(mariadb-client)
  [[ -x /usr/sbin/dovecot ]] || need+=(dovecot-imapd)
  [[ -x /usr/lib/dovecot/lmtp ]] || need+=(dovecot-lmtpd)
  [[ -x /usr/sbin/postfix ]] || need+=(postfix)
  command -v swaks >/dev/null || need+=(swaks)
  command -v openssl >/dev/null || need+=(openssl)
  command -v curl >/dev/null || need+=(curl)
  # Browser tests drive Debian's Chromium through playwright-core
  # (executablePath /usr/bin/chromium); no browser is ever downloaded.
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
  # The rendering goldens (test/e2e/mail-rendering) are drawn with DejaVu: the
  # same fonts on every machine, whatever else happens to be installed.
  [[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || need+=(fonts-dejavu-core)
  [[ -e /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf ]] || need+=(fonts-dejavu-extra)
  if (( ${#need[@]} == 0 )); then log "packages already installed"; return 0; fi
  need_root
  local t0; t0=$(now)
  log "installing ${need[*]} (apt-get)"
  # Keep the packages' own services from starting (no systemd; their init
  # scripts would take ports 3306, 143, 25).
  local made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  local aptlog="${TMPDIR:-/tmp}/inbound-real-services-apt.log"
  printf '%s\n' 'postfix postfix/main_mailer_type select No configuration' \
                'postfix postfix/mailname string mail.test' | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -q >"$aptlog" 2>&1; then
    tail -30 "$aptlog" >&2; (( made_policy )) && rm -f /usr/sbin/policy-rc.d; die "apt-get update failed"
  fi
  log "apt-get update done in $(since "$t0") s"
  if ! apt-get install -y -q --no-install-recommends "${need[@]}" >>"$aptlog" 2>&1; then
    tail -30 "$aptlog" >&2; (( made_policy )) && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed (log: $aptlog)"
  fi
  (( made_policy )) && rm -f /usr/sbin/policy-rc.d
  log "installed ${need[*]} in $(since "$t0") s"
}

prepare_dir() {
  if [[ -d "$RS_DIR" && ! -e "$MARKER" ]] && [[ -n "$(ls -A "$RS_DIR")" ]]; then
    die "$RS_DIR exists, is not empty and was not made by this script; choose another RS_DIR"
  fi
  mkdir -p "$RS_DIR"
  touch "$MARKER"
  # Dovecot's mail user and Postfix's lmtp client (user postfix) must be able
  # to walk into RS_DIR; mktemp -d makes it 0700.
  chmod 755 "$RS_DIR"
}

# ---------------------------------------------------------------- MariaDB ---
mariadb_ready() { [[ -f "$MY/my.cnf" ]] && mariadb-admin --defaults-file="$MY/my.cnf" -uroot ping >/dev/null 2>&1; }
mariadb_running() { pid_alive "$MY/mysqld.pid" && mariadb_ready; }

mariadb_up() {
  command -v mariadbd >/dev/null || die "mariadb-server is not installed (run: $0 install)"
  if mariadb_running; then log "mariadb already running on 127.0.0.1:$MARIADB_PORT"; return 0; fi
  port_open "$MARIADB_PORT" && die "port $MARIADB_PORT is taken by another process"
  local t0; t0=$(now)
  mkdir -p "$MY/data" "$MY/tmp"
  render "$HERE/my.cnf" "$MY/my.cnf"
  if [[ ! -d "$MY/data/mysql" ]]; then
    mariadb-install-db --defaults-file="$MY/my.cnf" --user="$(id -un)" \
      --auth-root-authentication-method=normal --skip-test-db >"$MY/install-db.log" 2>&1 \
      || { cat "$MY/install-db.log" >&2; die "mariadb-install-db failed"; }
    log "mariadb datadir initialised in $(since "$t0") s"
  fi
  local t1; t1=$(now)
  # --user: mariadbd refuses to run as root unless told to. setsid + stdio on
  # files: the daemon must not keep the caller's terminal or pipes.
  setsid mariadbd --defaults-file="$MY/my.cnf" --user="$(id -un)" \
    </dev/null >>"$MY/mariadbd.out" 2>&1 &
  wait_until 30 mariadb_ready || { tail -30 "$MY/mysqld.err" >&2; die "mariadb not ready after 30 s"; }
  mariadb --defaults-file="$MY/my.cnf" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'%', '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`${DB_NAME}\\_test%\`.* TO '$DB_USER'@'%', '$DB_USER'@'localhost';
SQL
  # Ready means: the application user can log in over TCP.
  mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$MARIADB_PORT" -u"$DB_USER" -p"$DB_PASSWORD" "$DB_NAME" -e 'SELECT 1' >/dev/null \
    || die "$DB_USER user cannot log in over TCP"
  log "mariadb ready on 127.0.0.1:$MARIADB_PORT (pid $(cat "$MY/mysqld.pid")) in $(since "$t1") s after start"
}

mariadb_down() {
  [[ -s "$MY/mysqld.pid" ]] && stop_pid "$(cat "$MY/mysqld.pid")" mariadb
  return 0
}

# ---------------------------------------------------------------- Dovecot ---
dovecot_ready() {
  [[ "$(banner "$IMAP_PORT")" == "* OK"* ]] && [[ -S "$DV/run/lmtp" ]]
}
dovecot_running() { pid_alive "$DV/run/master.pid" && dovecot_ready; }

# TENANT_MAILBOX_USERS=N adds tenant-mbx-1..N@mail.test (password "secret") to the users of
# the Dovecot being started: one login per tenant mailbox in the spread test (issue 18), as
# Dovecot allows only 10 connections per user and address. Their Maildirs are made at first login.
tenant_mailbox_users() {
  local n="${TENANT_MAILBOX_USERS:-0}" i
  [[ "$n" =~ ^[0-9]+$ ]] || die "TENANT_MAILBOX_USERS must be a number (got '$n')"
  for ((i = 1; i <= n; i++)); do echo "tenant-mbx-$i@mail.test:{PLAIN}secret::::::"; done >>"$DV/users.passwd"
}

# DOVECOT_OAUTH2_INTROSPECTION_URL=http://client:secret@127.0.0.1:PORT/introspect (issue 18) also
# lets users log in with XOAUTH2/OAUTHBEARER: an oauth2 passdb (dovecot.conf includes it before the
# password passdb) that POSTs the bearer token to that RFC 7662 endpoint and wants active=true and
# `sub` = the login name. Only those mechanisms reach it, and a refused token does not fall through
# to the password passdb; PLAIN/LOGIN with the password keep working as before.
dovecot_oauth2_conf() {
  local url="${DOVECOT_OAUTH2_INTROSPECTION_URL:-}"
  rm -f "$DV/oauth2.conf" "$DV/oauth2.conf.ext"
  [[ -z "$url" ]] && return 0
  [[ "$url" =~ ^https?://[^[:space:]]+$ ]] || die "DOVECOT_OAUTH2_INTROSPECTION_URL must be an http(s) URL (got '$url')"
  cat >"$DV/oauth2.conf" <<EOF
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $DV/oauth2.conf.ext
  result_failure = return-fail
  result_internalfail = return-fail
}
EOF
  cat >"$DV/oauth2.conf.ext" <<EOF
introspection_mode = post
introspection_url = $url
force_introspection = yes
username_attribute = sub
active_attribute = active
active_value = true
EOF
}

dovecot_up() {
  [[ -x /usr/sbin/dovecot ]] || die "dovecot is not installed (run: $0 install)"
  if pid_alive "$DV/run/master.pid"; then log "dovecot already running on 127.0.0.1:$IMAP_PORT"; return 0; fi
  port_open "$IMAP_PORT" && die "port $IMAP_PORT is taken by another process"
  port_open "$IMAPS_PORT" && die "port $IMAPS_PORT is taken by another process"
  local t0; t0=$(now)
  mkdir -p "$DV" "$RS_DIR/tls" "$RS_DIR/mail"
  if [[ ! -s "$RS_DIR/tls/cert.pem" ]]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
      -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
      -keyout "$RS_DIR/tls/key.pem" -out "$RS_DIR/tls/cert.pem" 2>/dev/null
  fi
  chown mail:mail "$RS_DIR/mail"
  # Every test IMAP process runs as "mail" and takes an inotify instance (see dovecot.conf).
  local inotify=/proc/sys/fs/inotify/max_user_instances
  if [[ -w "$inotify" ]] && (( $(cat "$inotify") < 1024 )); then echo 1024 >"$inotify" 2>/dev/null || true; fi
  render "$HERE/dovecot.conf" "$DV/dovecot.conf"
  dovecot_oauth2_conf
  install -m 0644 "$HERE/users.passwd" "$DV/users.passwd"
  tenant_mailbox_users
  doveconf -c "$DV/dovecot.conf" -n >/dev/null || die "dovecot config invalid"
  # The daemon keeps the stdio it was started with: never leave it a pipe
  # (a caller reading our output, e.g. "| tee" or execSync, would wait forever).
  dovecot -c "$DV/dovecot.conf" </dev/null >/dev/null 2>>"$DV/dovecot.stderr" \
    || { cat "$DV/dovecot.stderr" >&2; tail -20 "$DV/dovecot.log" >&2; die "dovecot failed to start"; }
  wait_until 15 dovecot_ready || { tail -20 "$DV/dovecot.log" >&2; die "dovecot not ready after 15 s"; }
  # Create each user's Maildir now, so that a Maildir watcher finds it.
  local u
  for u in $(awk -F: '/^[^#]/ && !/^tenant-mbx-/ && NF { print $1 }' "$DV/users.passwd"); do
    doveadm -c "$DV/dovecot.conf" mailbox status -u "$u" messages INBOX >/dev/null
  done
  log "dovecot ready: IMAP 127.0.0.1:$IMAP_PORT, IMAPS 127.0.0.1:$IMAPS_PORT, LMTP $DV/run/lmtp (pid $(cat "$DV/run/master.pid")) in $(since "$t0") s"
}

dovecot_down() {
  # dovecot daemonizes with setsid, so its master leads a group of its own
  [[ -s "$DV/run/master.pid" ]] && stop_pid "$(cat "$DV/run/master.pid")" dovecot group
  return 0
}

# ---------------------------------------------------------------- Postfix ---
postfix_ready() { [[ "$(banner "$SMTP_IN_PORT")" == 220* ]]; }
postfix_running() { [[ -s "$PF/spool/pid/master.pid" ]] && pid_alive "$PF/spool/pid/master.pid" && postfix_ready; }

postfix_up() {
  [[ -x /usr/sbin/postfix ]] || die "postfix is not installed (run: $0 install)"
  if [[ -d "$PF/conf" ]] && postfix -c "$PF/conf" status >/dev/null 2>&1; then
    log "postfix already running on 127.0.0.1:$SMTP_IN_PORT"; return 0
  fi
  port_open "$SMTP_IN_PORT" && die "port $SMTP_IN_PORT is taken by another process"
  local t0; t0=$(now)
  # Queue and data directories must not lie inside config_directory.
  mkdir -p "$PF/conf" "$PF/spool"
  render "$HERE/postfix/main.cf" "$PF/conf/main.cf"
  render "$HERE/postfix/master.cf" "$PF/conf/master.cf"
  # Mailboxes = the Dovecot users, then a catch-all (Dovecot files other
  # addresses in inbound@mail.test).
  { awk -F: '/^[^#]/ && NF { print $1 " OK" }' "$HERE/users.passwd"; echo '@mail.test OK'; } >"$PF/conf/vmailbox"
  echo 'gate.mail.test mailgate:' >"$PF/conf/transport"
  write_mailgate
  # Postfix waits (up to ~2 s) before reading a file modified within the last
  # second; backdate the freshly written files.
  touch -d '1 minute ago' "$PF/conf/main.cf" "$PF/conf/master.cf" "$PF/conf/vmailbox" "$PF/conf/transport"
  # postfix prints its errors only to a terminal or to the log file.
  postfix -c "$PF/conf" start </dev/null >/dev/null 2>&1 || { tail -20 "$PF/postfix.log" >&2; die "postfix failed to start"; }
  wait_until 15 postfix_ready || { tail -20 "$PF/postfix.log" >&2; die "postfix not ready after 15 s"; }
  log "postfix ready on 127.0.0.1:$SMTP_IN_PORT (pid $(tr -d ' ' <"$PF/spool/pid/master.pid")) in $(since "$t0") s"
}

# The program Postfix's pipe transport runs (as nobody, with a bare
# environment) for each gate.mail.test recipient: $1 sender, $2 recipient,
# message on stdin. MAILGATE_CMD (absolute paths) replaces the default, which
# saves the message under RS_DIR/mailgate/. Exit 75 makes Postfix retry.
write_mailgate() {
  mkdir -p "$RS_DIR/mailgate"; chown nobody "$RS_DIR/mailgate"
  if [[ -n "${MAILGATE_CMD:-}" ]]; then
    printf '#!/bin/sh\nPATH=/usr/local/bin:/usr/bin:/bin; export PATH\nexec %s "$@"\n' "$MAILGATE_CMD" >"$PF/mailgate"
  else
    printf '#!/bin/sh\nf="%s/mailgate/$(date +%%s%%N).$$.eml"\ncat >"$f.tmp" && mv "$f.tmp" "$f"\n' "$RS_DIR" >"$PF/mailgate"
  fi
  chmod 755 "$PF/mailgate"
}

postfix_down() {
  # TERM to the master's process group: the master and its children exit together
  [[ -s "$PF/spool/pid/master.pid" ]] && stop_pid "$(tr -d ' ' <"$PF/spool/pid/master.pid")" postfix group
  return 0
}

# ------------------------------------------------------------------ Mailu ---
# The files users deploy from mailu/ applied to a Postfix and a Dovecot of their own, the way
# Mailu's containers apply them at start (its smtp start.py runs os.system, i.e. through a shell):
#   overrides/postfix/postfix.cf        each line: postconf -e "<line>"
#   overrides/postfix/postfix.master    each line: postconf -Me "<line>" (\${...} reaches Postfix as ${...})
#   overrides/postfix/*.map             copied and postmapped (transport.map from transport.map.example)
#   overrides/dovecot/dovecot.conf      !include_try from Dovecot's own config
# Only what names a deployment is rendered for the test, each a value the files mark CHANGE or
# an image path: the transport key mail.example.com -> gate.mailu.test; in the pipe's argv
# /usr/bin/node -> this machine's node, /opt/inbound -> MU/opt-inbound (a test builds the CLI
# there), the --url -> http://127.0.0.1:MAILU_WEBHOOK_PORT/api/inbound/webhook (a test listens
# there), /overrides/ -> the copied overrides/postfix/ (mailgate.secret written there).
# mailu.test is delivered to Dovecot (IMAP/Maildir methods), gate.mailu.test piped (webhook).
MU="$RS_DIR/mailu"
MAILU_WEBHOOK_SECRET=mailu-test-webhook-secret-0123456789

mailu_ports() {
  if [[ -s "$MU/ports.env" ]]; then source "$MU/ports.env"; return 0; fi
  local p=${MAILU_SMTP_PORT:-2526} w=${MAILU_WEBHOOK_PORT:-2580}
  while port_open "$p" || [[ "$p" == "$SMTP_IN_PORT" ]]; do p=$((p + 1)); (( p < 2726 )) || die "no free port for mailu smtp"; done
  while port_open "$w" || [[ "$w" == "$p" ]]; do w=$((w + 1)); (( w < 2780 )) || die "no free port for the mailu webhook"; done
  MAILU_SMTP_PORT=$p MAILU_WEBHOOK_PORT=$w
  mkdir -p "$MU"; printf 'MAILU_SMTP_PORT=%s\nMAILU_WEBHOOK_PORT=%s\n' "$p" "$w" >"$MU/ports.env"
}
mailu_render() { # mailu_render TEMPLATE OUT
  sed -e "s#@MAILU@#$MU#g" -e "s#@DIR@/postfix#$MU/postfix#g" -e "s#@SMTP_PORT@#$MAILU_SMTP_PORT#g" \
      -e "s#@MAIL_UID@#$(id -u mail)#g" -e "s#@MAIL_GID@#$(id -g mail)#g" "$1" >"$2"
}
# The deployment's own values in a postfix.master line, replaced by the test's.
mailu_deployment_values() {
  sed -e "s#/usr/bin/node #$(command -v node) #" -e "s#/opt/inbound/#$MU/opt-inbound/#g" \
      -e "s#--url [^ ]*#--url http://127.0.0.1:$MAILU_WEBHOOK_PORT/api/inbound/webhook#" \
      -e "s# /overrides/# $MU/overrides/postfix/#g" <<<"$1"
}
mailu_apply() { # mailu_apply FILE POSTCONF-FLAG: each non-comment line through a shell, as Mailu does
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ -z "${line//[[:space:]]/}" || "$line" == \#* ]] && continue
    [[ "$2" == -Me ]] && line=$(mailu_deployment_values "$line")
    sh -c "postconf -c '$MU/postfix/conf' $2 \"$line\"" || die "postconf $2 failed for: $line"
  done <"$1"
}
mailu_ready() { [[ "$(banner "$MAILU_SMTP_PORT")" == 220* && -S "$MU/dovecot/run/lmtp" ]]; }
mailu_running() { [[ -s "$MU/ports.env" ]] && mailu_ports && pid_alive "$MU/postfix/spool/pid/master.pid" && pid_alive "$MU/dovecot/run/master.pid" && mailu_ready; }

mailu_up() {
  [[ -x /usr/sbin/postfix && -x /usr/sbin/dovecot && -x /usr/lib/dovecot/lmtp ]] || die "postfix and dovecot-lmtpd are needed (run: $0 install)"
  if mailu_running; then log "mailu already running on 127.0.0.1:$MAILU_SMTP_PORT"; return 0; fi
  mailu_down
  mailu_ports
  port_open "$MAILU_SMTP_PORT" && die "port $MAILU_SMTP_PORT is taken by another process"
  local t0 conf="$MU/postfix/conf"; t0=$(now)
  mkdir -p "$conf" "$MU/postfix/spool" "$MU/dovecot" "$MU/mail" "$MU/opt-inbound/dist"
  chmod 755 "$MU" "$MU/opt-inbound" "$MU/opt-inbound/dist"
  rm -rf "$MU/overrides"; cp -r "$HERE/../../mailu/overrides" "$MU/overrides"
  printf '%s\n' "$MAILU_WEBHOOK_SECRET" >"$MU/overrides/postfix/mailgate.secret"
  chmod -R a+rX "$MU/overrides"
  chown mail:mail "$MU/mail"
  mailu_render "$HERE/mailu/dovecot.conf" "$MU/dovecot/dovecot.conf"
  doveconf -c "$MU/dovecot/dovecot.conf" -n >/dev/null || die "mailu dovecot config invalid"
  dovecot -c "$MU/dovecot/dovecot.conf" </dev/null >/dev/null 2>>"$MU/dovecot/dovecot.stderr" \
    || { cat "$MU/dovecot/dovecot.stderr" >&2; die "mailu dovecot failed to start"; }
  mailu_render "$HERE/mailu/main.cf" "$conf/main.cf"
  mailu_render "$HERE/postfix/master.cf" "$conf/master.cf"
  printf 'inbound@mailu.test OK\ninbound@gate.mailu.test OK\n' >"$conf/vmailbox"
  printf '@mailu.test inbound@mailu.test\n@gate.mailu.test inbound@gate.mailu.test\n' >"$conf/catchall"
  sed -e 's/^mail\.example\.com\([[:space:]]\)/gate.mailu.test\1/' "$MU/overrides/postfix/transport.map.example" >"$conf/transport.map"
  mailu_apply "$MU/overrides/postfix/postfix.cf" -e
  mailu_apply "$MU/overrides/postfix/postfix.master" -Me
  postmap -c "$conf" "hash:$conf/transport.map" || die "postmap transport.map failed"
  touch -d '1 minute ago' "$conf"/*
  postfix -c "$conf" start </dev/null >/dev/null 2>&1 || { tail -20 "$MU/postfix/postfix.log" >&2; die "mailu postfix failed to start"; }
  wait_until 15 mailu_ready || { tail -20 "$MU/postfix/postfix.log" "$MU/dovecot/dovecot.log" >&2; die "mailu not ready after 15 s"; }
  log "mailu (the mailu/ overrides) ready: SMTP 127.0.0.1:$MAILU_SMTP_PORT, webhook expected on 127.0.0.1:$MAILU_WEBHOOK_PORT, in $(since "$t0") s"
}

mailu_down() {
  [[ -s "$MU/postfix/spool/pid/master.pid" ]] && stop_pid "$(tr -d ' ' <"$MU/postfix/spool/pid/master.pid")" "mailu postfix" group
  [[ -s "$MU/dovecot/run/master.pid" ]] && stop_pid "$(cat "$MU/dovecot/run/master.pid")" "mailu dovecot" group
  return 0
}

mailu_status() {
  if mailu_running; then echo "mailu    up   127.0.0.1:$MAILU_SMTP_PORT (webhook on $MAILU_WEBHOOK_PORT)"; else echo "mailu    down"; return 1; fi
}

mailu_env() {
  [[ -s "$MU/ports.env" ]] || return 0
  mailu_ports
  echo "export TEST_MAILU_DIR=$MU TEST_MAILU_SMTP_PORT=$MAILU_SMTP_PORT TEST_MAILU_WEBHOOK_PORT=$MAILU_WEBHOOK_PORT TEST_MAILU_WEBHOOK_SECRET=$MAILU_WEBHOOK_SECRET"
}

# --------------------------------------------------------------------- S3 ---
# s3rver (an S3-compatible server in Node, a devDependency) with path-style
# addressing, its objects as files under RS_DIR/s3/data, bucket "inbound".
S3_BUCKET_NAME=inbound
s3_port() { if [[ -s "$S3D/port" ]]; then cat "$S3D/port"; else printf '%s' "${S3_PORT:-4569}"; fi; }
# Ready means: it answers HTTP on the port (an S3 error document is an answer).
s3_ready() {
  [[ -s "$S3D/port" ]] || return 1
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(s3_port)/$S3_BUCKET_NAME") || return 1
  [[ "$code" =~ ^[2-4][0-9][0-9]$ ]]
}
s3_running() { pid_alive "$S3D/s3rver.pid" && s3_ready; }

s3_up() {
  local root; root="$(cd "$HERE/../.." && pwd)"
  [[ -d "$root/node_modules/s3rver" ]] || die "s3rver is not installed (npm ci)"
  if s3_running; then log "s3 already running on 127.0.0.1:$(s3_port)"; return 0; fi
  local t0 p; t0=$(now)
  mkdir -p "$S3D/data"
  p=$(s3_port)
  if [[ ! -s "$S3D/port" && -z "${S3_PORT:-}" ]]; then
    while port_open "$p"; do p=$((p + 1)); (( p < 4769 )) || die "no free port near 4569 for s3"; done
  fi
  port_open "$p" && die "port $p is taken by another process"
  printf '%s\n' "$p" >"$S3D/port"
  # --openssl-legacy-provider: s3rver's ListObjectsV2 continuation tokens use DES, which
  # OpenSSL 3 keeps in its legacy provider (without it every listing past one page fails).
  setsid node --openssl-legacy-provider "$HERE/s3-server.mjs" "$S3D/data" "$p" "$S3_BUCKET_NAME" </dev/null >>"$S3D/s3rver.log" 2>&1 &
  echo $! >"$S3D/s3rver.pid"
  wait_until 30 s3_ready || { tail -20 "$S3D/s3rver.log" >&2; die "s3 not ready after 30 s"; }
  log "s3 (s3rver) ready on 127.0.0.1:$p (pid $(cat "$S3D/s3rver.pid")) in $(since "$t0") s"
}

s3_down() {
  [[ -s "$S3D/s3rver.pid" ]] && stop_pid "$(cat "$S3D/s3rver.pid")" s3
  return 0
}

s3_status() {
  if s3_running; then echo "s3       up   127.0.0.1:$(s3_port) pid $(cat "$S3D/s3rver.pid")"; else echo "s3       down"; return 1; fi
}

s3_env() {
  echo "export S3_ENDPOINT=http://127.0.0.1:$(s3_port) S3_BUCKET=$S3_BUCKET_NAME S3_REGION=us-east-1 S3_ACCESS_KEY_ID=S3RVER S3_SECRET_ACCESS_KEY=S3RVER S3_FORCE_PATH_STYLE=true"
}

# ---------------------------------------------------------------- commands --
services_or_all() { # validate the names; none = all
  local s
  for s in "$@"; do
    case "$s" in mariadb|dovecot|postfix|mailu|s3) ;; *) die "unknown service '$s' (mariadb|dovecot|postfix|mailu|s3)" ;; esac
  done
}

cmd_up() {
  need_root
  local services=("$@"); (( ${#services[@]} )) || services=("${ALL_SERVICES[@]}")
  services_or_all "${services[@]}"
  prepare_dir
  choose_ports
  local s t0; t0=$(now)
  for s in "${services[@]}"; do "${s}_up"; done
  log "up (${services[*]}) in $(since "$t0") s; RS_DIR=$RS_DIR"
}

cmd_stop() {
  (( $# )) || die "usage: $0 stop mariadb|dovecot|postfix|s3 ..."
  services_or_all "$@"
  local s
  for s in "$@"; do "${s}_down"; done
}

cmd_restart() {
  (( $# )) || die "usage: $0 restart mariadb|dovecot|postfix|s3 ..."
  cmd_stop "$@"
  cmd_up "$@"
}

cmd_down() {
  # stop the three in parallel
  postfix_down & dovecot_down & mariadb_down & mailu_down & s3_down & wait
  if [[ -e "$MARKER" ]]; then
    rm -rf "$RS_DIR"
    log "removed $RS_DIR"
  elif [[ -d "$RS_DIR" ]]; then
    log "not removing $RS_DIR: it was not made by this script"
  fi
}

cmd_status() {
  local services=("$@"); (( ${#services[@]} )) || services=("${ALL_SERVICES[@]}")
  services_or_all "${services[@]}"
  local rc=0 s
  for s in "${services[@]}"; do
    case "$s" in
      mariadb) if mariadb_running; then echo "mariadb  up   127.0.0.1:$MARIADB_PORT pid $(cat "$MY/mysqld.pid")"; else echo "mariadb  down"; rc=1; fi ;;
      dovecot) if dovecot_running; then echo "dovecot  up   127.0.0.1:$IMAP_PORT,$IMAPS_PORT pid $(cat "$DV/run/master.pid")"; else echo "dovecot  down"; rc=1; fi ;;
      mailu) mailu_status || rc=1 ;;
      postfix) if postfix_running; then echo "postfix  up   127.0.0.1:$SMTP_IN_PORT pid $(tr -d ' ' <"$PF/spool/pid/master.pid")"; else echo "postfix  down"; rc=1; fi ;;
      s3) s3_status || rc=1 ;;
    esac
  done
  return $rc
}

cmd_env() {
  # Names as the service's config module reads them, plus the TEST_* ones
  # the tests use. Values never contain spaces (RS_DIR is checked above).
  cat <<EOF
export DB_TYPE=mysql DB_HOST=127.0.0.1 DB_PORT=$MARIADB_PORT DB_DATABASE=$DB_NAME DB_USERNAME=$DB_USER DB_PASSWORD=$DB_PASSWORD
export DOCKER_MAIL_DOMAIN=mail.test
export DOCKER_MAIL_IMAP_HOST=127.0.0.1 DOCKER_MAIL_IMAP_PORT=$IMAP_PORT DOCKER_MAIL_IMAP_USERNAME=inbound@mail.test DOCKER_MAIL_IMAP_PASSWORD=secret DOCKER_MAIL_IMAP_SECURITY=none
export MAILDIR_PATH=$RS_DIR/mail/mail.test/inbound/Maildir
export TEST_SMTP_IN_HOST=127.0.0.1 TEST_SMTP_IN_PORT=$SMTP_IN_PORT
export TEST_RS_DIR=$RS_DIR TEST_DB_ROOT_SOCKET=$MY/mysqld.sock
EOF
  mailu_env
  s3_env
}

case "${1:-}" in
  install) cmd_install ;;
  up|start) shift; cmd_up "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart) shift; cmd_restart "$@" ;;
  down) cmd_down ;;
  status) shift; cmd_status "$@" ;;
  env) cmd_env ;;
  *) echo "usage: $0 install | up [SERVICE...] | start|stop|restart SERVICE... | down | status [SERVICE...] | env" >&2
     echo "       SERVICE: mariadb dovecot postfix mailu s3" >&2; exit 2 ;;
esac
