#!/usr/bin/env bash
# Runs PostgreSQL for the AppHost's executables mode (no container runtime):
#  - as root, hands the data directory to an unprivileged user and runs again as that user (PostgreSQL refuses root);
#  - initialises the data directory on first run (password authentication, loopback only);
#  - sets the superuser password from the AppHost's parameter on every start (it may be generated per run);
#  - turns the stop signal into a fast shutdown, so idle client connections never hold the AppHost's stop.
#
# Environment: PGDATA, PGPORT and POSTGRES_PASSWORD (required); PG_BIN, the directory of postgres/initdb/pg_ctl
# (default: found on PATH); POSTGRES_OS_USER, the user to run as when started as root (default: postgres).
set -euo pipefail

: "${PGDATA:?PGDATA is not set}" "${PGPORT:?PGPORT is not set}" "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
bin="${PG_BIN:+$PG_BIN/}"
os_user="${POSTGRES_OS_USER:-postgres}"

if [ "$(id -u)" -eq 0 ]; then
    if ! id "$os_user" >/dev/null 2>&1; then
        echo "PostgreSQL refuses to run as root and there is no '$os_user' user to run it as. Create one" \
             "('useradd --system --user-group --create-home $os_user'), set POSTGRES_OS_USER to another unprivileged user," \
             "or run the AppHost as a non-root user." >&2
        exit 1
    fi
    mkdir -p "$PGDATA"
    if [ "$(stat -c %U "$PGDATA")" != "$os_user" ]; then
        chown -R "$os_user:" "$PGDATA"
    fi
    chmod 700 "$PGDATA"
    as_user=(setpriv --reuid="$os_user" --regid="$os_user" --init-groups --)
    if ! "${as_user[@]}" test -w "$PGDATA"; then
        echo "The '$os_user' user cannot reach $PGDATA: every parent directory must be searchable by it (chmod o+x)," \
             "or set Infrastructure:DataDirectory to a directory it can reach." >&2
        exit 1
    fi
    exec "${as_user[@]}" "$BASH" "$(realpath "$0")" "$@"
fi

mkdir -p "$PGDATA"
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "Initialising a new PostgreSQL data directory in $PGDATA"
    pwfile="$(mktemp)"
    trap 'rm -f "$pwfile"' EXIT
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    "${bin}initdb" --pgdata="$PGDATA" --username=postgres --pwfile="$pwfile" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C >/dev/null
    rm -f "$pwfile"
    trap - EXIT
else
    # An AppHost that was killed outright may have left its server running on this data directory.
    if "${bin}pg_ctl" status --pgdata="$PGDATA" >/dev/null 2>&1; then
        echo "Stopping a PostgreSQL server left running on $PGDATA"
        "${bin}pg_ctl" stop --pgdata="$PGDATA" --mode=fast >/dev/null
    fi
    # Single-user mode sets the password before the server accepts any connection.
    printf "ALTER ROLE postgres WITH PASSWORD '%s';\n" "${POSTGRES_PASSWORD//\'/\'\'}" \
        | "${bin}postgres" --single -D "$PGDATA" postgres >/dev/null
fi

# PostgreSQL logs to stderr, which the dashboard shows as errors; its lines carry their own level (LOG, ERROR, FATAL).
"${bin}postgres" -D "$PGDATA" -p "$PGPORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= 2>&1 &
server=$!

# SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for them (SIGTERM would).
trap 'kill -INT "$server" 2>/dev/null || true' TERM INT HUP QUIT
while true; do
    status=0
    wait "$server" || status=$?
    # wait returns early when a trapped signal arrives; keep waiting until the server has shut down.
    kill -0 "$server" 2>/dev/null || break
done
exit "$status"
