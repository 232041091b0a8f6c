# shellcheck shell=bash
# Sourced by run.sh when CLASSPLAN_STORE=postgres: a private PostgreSQL for the suite, in the
# run directory, as tests/support/postgres_server starts one for a test (initdb, loopback
# only; as root, the server's programs run as the `postgres` user, which Debian's postgresql
# package creates, since initdb and postgres refuse root).
#
#   <run dir>/postgres/         the cluster (data/), owned by the server's user, 0700
#   <run dir>/db/               owner-only: the superuser's password, a pgpass file for the
#                               launcher's psql, and per service <name>.url (0600), the
#                               connection string the service reads with --db_url_file
#   <run dir>/postgres.log      the server's log
#
# Every service has its own role (classplan_<name>, a generated password) owning its own
# database (classplan_<name>); PUBLIC may not connect to it, so a service reaches no other's
# data. Passwords are made on the first start and reused; URL files are rewritten on every
# start (the port may change). Password authentication (scram-sha-256), on 127.0.0.1 and on a
# Unix socket in <run dir>/postgres/socket (owner-only, 0700, as the cluster's directory): the
# services' URLs use the socket (no TCP stack on the way: the one-machine launcher only; in
# Kubernetes the services reach PostgreSQL over TCP), unless the run dir's path is too long for
# a socket's (107 bytes) or needs quoting in a URL, when they use 127.0.0.1.
#
# Settings (environment): CLASSPLAN_POSTGRES_PORT (default: the first free port from 55432),
# CLASSPLAN_PG_BINDIR (default: /usr/lib/postgresql/15/bin, else the newest installed),
# CLASSPLAN_PG_USER (when root; default: postgres).

pg_bindir() {
  local dir
  for dir in "${CLASSPLAN_PG_BINDIR:-}" /usr/lib/postgresql/15/bin \
    $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/psql" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# The first port from $1 on that nothing on 127.0.0.1 answers.
free_port_from() {
  local port
  for ((port = $1; port < $1 + 100; port++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

PG_DIR="$RUN_DIR/postgres"
PG_SOCKET_DIR="$PG_DIR/socket"
PG_SOCKET=""  # set by start_postgres when the services connect through the socket
PG_DATA="$PG_DIR/data"
DB_DIR="$RUN_DIR/db"
PG_AS=()  # the prefix that runs a server program as the server's user

# start_postgres: initdb on the first start, then the server under supervision, and waits
# until it accepts connections. Sets PG_PORT.
start_postgres() {
  PG_BIN=$(pg_bindir) || {
    echo "classplan: CLASSPLAN_STORE=postgres needs PostgreSQL's server programs (initdb," \
      "postgres, psql) in /usr/lib/postgresql/*/bin or CLASSPLAN_PG_BINDIR;" \
      "scripts/install-deps.sh installs them" >&2
    exit 1
  }
  PG_PORT=${CLASSPLAN_POSTGRES_PORT:-$(free_port_from 55432)}
  mkdir -p "$PG_DIR" "$DB_DIR"
  chmod 700 "$PG_DIR" "$DB_DIR"
  if [ "$(id -u)" = 0 ]; then
    local user=${CLASSPLAN_PG_USER:-postgres}
    if ! id -u "$user" >/dev/null 2>&1 || [ "$(id -u "$user")" = 0 ]; then
      echo "classplan: running as root, and initdb/postgres refuse root: no unprivileged" \
        "user '$user' to run them as (install Debian's postgresql package, which creates" \
        "'postgres', or set CLASSPLAN_PG_USER)" >&2
      exit 1
    fi
    PG_AS=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups --)
    # The server's user must reach its directory through the run dir: search permission only
    # (nothing in the run dir can be listed or read by it; every file there is 0600).
    chmod 711 "$RUN_DIR"
    chown -R "$user:$(id -g "$user")" "$PG_DIR"
    if ! "${PG_AS[@]}" test -w "$PG_DIR"; then
      echo "classplan: the '$user' user cannot reach $PG_DIR; give every directory above" \
        "it search permission (chmod o+x) or set CLASSPLAN_RUN_DIR elsewhere" >&2
      exit 1
    fi
  fi
  # The socket file is <dir>/.s.PGSQL.<port>; a path libpq takes in a URL unquoted.
  local socket_options=(-c unix_socket_directories=)
  PG_SOCKET=""
  if [ $((${#PG_SOCKET_DIR} + 18)) -le 107 ] && [[ "$PG_SOCKET_DIR" =~ ^[A-Za-z0-9/._-]+$ ]]; then
    mkdir -p "$PG_SOCKET_DIR"
    chmod 700 "$PG_SOCKET_DIR"
    [ ${#PG_AS[@]} -eq 0 ] || chown "${CLASSPLAN_PG_USER:-postgres}:$(id -g "${CLASSPLAN_PG_USER:-postgres}")" "$PG_SOCKET_DIR"
    socket_options=(-c "unix_socket_directories=$PG_SOCKET_DIR" -c unix_socket_permissions=0700)
    PG_SOCKET=$PG_SOCKET_DIR
  fi
  local password_file="$DB_DIR/postgres-password"
  [ -s "$password_file" ] || random_hex >"$password_file"
  chmod 600 "$password_file"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    echo "classplan: creating the PostgreSQL cluster in $PG_DATA"
    rm -rf "$PG_DATA"
    # initdb reads the superuser's password from a file it can open: a copy in its own 0700
    # directory, removed right after.
    local pwfile="$PG_DIR/initdb-password"
    cp "$password_file" "$pwfile"
    [ ${#PG_AS[@]} -eq 0 ] || chown "${CLASSPLAN_PG_USER:-postgres}" "$pwfile"
    if ! (cd "$PG_DIR" && "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U classplan \
      --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C --no-instructions \
      >>"$RUN_DIR/postgres.log" 2>&1); then
      rm -f "$pwfile"
      echo "classplan: initdb failed; see $RUN_DIR/postgres.log" >&2
      tail -5 "$RUN_DIR/postgres.log" >&2
      exit 1
    fi
    rm -f "$pwfile"
  fi
  # SIGINT is PostgreSQL's fast shutdown: open transactions roll back, a checkpoint is written
  # and the server exits cleanly (SIGTERM would wait for every client to leave).
  supervise postgres "$RUN_DIR/postgres.log" INT \
    "${PG_AS[@]}" "$PG_BIN/postgres" -D "$PG_DATA" -p "$PG_PORT" \
    -c listen_addresses=127.0.0.1 "${socket_options[@]}" -c max_connections=100
  # The launcher's own psql reads the superuser's password from a pgpass file, never from its
  # command line.
  echo "127.0.0.1:$PG_PORT:*:classplan:$(cat "$password_file")" >"$DB_DIR/pgpass"
  chmod 600 "$DB_DIR/pgpass"
  for _ in $(seq 300); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && return 0
    sleep 0.1
  done
  echo "classplan: PostgreSQL on port $PG_PORT did not start; see $RUN_DIR/postgres.log" >&2
  tail -5 "$RUN_DIR/postgres.log" >&2
  exit 1
}

# postgres_database NAME: the role and database of service NAME (made if missing, the role's
# password set to the one kept in db/NAME.password), and db/NAME.url for its --db_url_file.
postgres_database() {
  local name=$1 role="classplan_$1" password_file="$DB_DIR/$1.password"
  [ -s "$password_file" ] || random_hex >"$password_file"
  chmod 600 "$password_file"
  local password
  password=$(cat "$password_file")
  # On stdin, so no password shows on a command line.
  PGPASSFILE="$DB_DIR/pgpass" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$PG_PORT" -U classplan -d postgres >>"$RUN_DIR/postgres.log" 2>&1 <<SQL || {
SELECT format('CREATE ROLE %I LOGIN', '$role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') \gexec
ALTER ROLE $role PASSWORD '$password';
SELECT format('CREATE DATABASE %I OWNER %I', '$role', '$role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$role') \gexec
REVOKE ALL ON DATABASE $role FROM PUBLIC;
SQL
    echo "classplan: cannot create the $name database; see $RUN_DIR/postgres.log" >&2
    exit 1
  }
  if [ -n "$PG_SOCKET" ]; then
    echo "postgresql://$role:$password@/$role?host=$PG_SOCKET&port=$PG_PORT" >"$DB_DIR/$name.url"
  else
    echo "postgresql://$role:$password@127.0.0.1:$PG_PORT/$role" >"$DB_DIR/$name.url"
  fi
  chmod 600 "$DB_DIR/$name.url"
}
