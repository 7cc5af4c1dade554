#!/usr/bin/env bash
# Starts the Redis and PostgreSQL that `pnpm test` talks to, where none answers on 127.0.0.1:
# from Debian's packages (installed with apt-get when missing and running as root), data in /tmp.
# .ci/run calls it; on a workstation run it once before `pnpm test`.
set -euo pipefail
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { for _ in $(seq 1 100); do answers "$1" && return 0; sleep 0.1; done; echo "services: nothing answers on $1" >&2; return 1; }
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "services: $1 is not installed; install Debian's $1 package (needs root)" >&2; return 1; }
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1") >&2
}

if ! answers 6379; then
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p /tmp/ci-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/ci-redis --logfile /tmp/ci-redis/redis.log
  wait_for 6379 && echo "services: started redis-server on 6379" >&2
fi

if ! answers 5432; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  pgdata=/tmp/ci-postgres
  # initdb refuses to run as root; the Debian package created the postgres user.
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    mkdir -p "$pgdata" && { [ "$(id -u)" != 0 ] || chown postgres "$pgdata"; }
    as_pg "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust >/dev/null
  fi
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -o "-c listen_addresses=127.0.0.1 -c port=5432 -k /tmp" -w start >/dev/null
  as_pg "$pgbin/psql" -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || as_pg "$pgbin/createdb" -h 127.0.0.1 -p 5432 -U postgres test
  echo "services: started PostgreSQL on 5432" >&2
fi
