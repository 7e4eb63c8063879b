#!/usr/bin/env bash
# Sourced by scripts/test.sh: the system services the tests need, from Debian's packages.
# - Chromium (browser tests of the H5 chat and the staff console)
# - a throw-away PostgreSQL cluster on a local port (the records suite also runs on PostgreSQL)
# - a throw-away Redis on a local port, nothing saved to disk (the shared rate limiter's tests)
# - a throw-away Chroma server on a local port, from the chromadb package in the venv (Chroma
#   server mode and the two-process topology tests)
# - LibreOffice Writer (headless) and poppler-utils: generated documents converted to PDF and read back
# All servers listen on 127.0.0.1 only. Idempotent and quiet; exports FAYUAN_TEST_POSTGRES_URL,
# FAYUAN_TEST_REDIS_URL, FAYUAN_TEST_CHROMA_URL and FAYUAN_CHROMIUM.

_apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "system-deps: installing ${missing[*]}"
    if [ -z "${_FAYUAN_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; _FAYUAN_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

_apt_install chromium fonts-noto-cjk postgresql redis-server libreoffice-writer-nogui poppler-utils
export FAYUAN_CHROMIUM=/usr/bin/chromium

_pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
_pg_port=${FAYUAN_TEST_PG_PORT:-54329}
_pg_dir=${FAYUAN_TEST_PG_DIR:-/var/tmp/fayuan-test-pg}
if ! "$_pg_bin/pg_isready" -q -h 127.0.0.1 -p "$_pg_port"; then
  if [ ! -f "$_pg_dir/PG_VERSION" ]; then
    mkdir -p "$_pg_dir" && chown postgres:postgres "$_pg_dir"
    su postgres -c "$_pg_bin/initdb -D $_pg_dir -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  su postgres -c "$_pg_bin/pg_ctl -D $_pg_dir -o '-p $_pg_port -k /tmp -c listen_addresses=127.0.0.1' -l $_pg_dir/server.log -w start" >/dev/null
fi
"$_pg_bin/psql" -q -h 127.0.0.1 -p "$_pg_port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='fayuan_test'" | grep -q 1 \
  || "$_pg_bin/createdb" -h 127.0.0.1 -p "$_pg_port" -U postgres fayuan_test
export FAYUAN_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${_pg_port}/fayuan_test"

_redis_port=${FAYUAN_TEST_REDIS_PORT:-63790}
_redis_dir=${FAYUAN_TEST_REDIS_DIR:-/var/tmp/fayuan-test-redis}
if ! redis-cli -h 127.0.0.1 -p "$_redis_port" ping >/dev/null 2>&1; then
  mkdir -p "$_redis_dir"
  redis-server --bind 127.0.0.1 --port "$_redis_port" --save '' --appendonly no --daemonize yes \
    --dir "$_redis_dir" --pidfile "$_redis_dir/redis.pid" --logfile "$_redis_dir/redis.log"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$_redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
export FAYUAN_TEST_REDIS_URL="redis://127.0.0.1:${_redis_port}/0"

# `chroma run` is the server shipped in the chromadb wheel: the venv's, or the one on PATH
_chroma_bin=${FAYUAN_CHROMA_BIN:-$(dirname "${BASH_SOURCE[0]}")/../.venv/bin/chroma}
[ -x "$_chroma_bin" ] || _chroma_bin=$(command -v chroma || true)
_chroma_port=${FAYUAN_TEST_CHROMA_PORT:-18765}
_chroma_dir=${FAYUAN_TEST_CHROMA_DIR:-/var/tmp/fayuan-test-chroma}
_chroma_up() { python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$_chroma_port/api/v2/heartbeat', timeout=2)" 2>/dev/null; }
if [ -n "$_chroma_bin" ]; then
  if ! _chroma_up; then
    mkdir -p "$_chroma_dir"
    nohup "$_chroma_bin" run --host 127.0.0.1 --port "$_chroma_port" --path "$_chroma_dir/db" \
      >"$_chroma_dir/server.log" 2>&1 </dev/null &
    echo $! >"$_chroma_dir/chroma.pid"
    for _ in $(seq 300); do _chroma_up && break; sleep 0.2; done   # up to a minute on a busy machine
  fi
  export FAYUAN_TEST_CHROMA_URL="http://127.0.0.1:${_chroma_port}"
else
  echo "system-deps: no chroma command (install the project first: scripts/setup.sh); Chroma server tests will skip"
fi
