#!/usr/bin/env bash
# The programs the gateway suite runs beside Python and Node, from Debian's packages: Postgres 15 (initdb, pg_ctl,
# psql), Redis 7 (built with TLS), haproxy, docker-registry, openssl and iproute2 (the AWS-way run's VPC); and, where
# no Docker engine answers (DOCKER_HOST, or the default socket), docker.io for the suite's own dockerd and
# debootstrap for the bases of its stand-in images.
# Installs whichever is missing; needs root and Debian's package archive. Run by .ci/run and the checks workflow before the suite.
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/lib/postgresql/15/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }
engine_answers() {
  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$host" in
    unix://*) [ -S "${host#unix://}" ] && curl -fsS --max-time 5 --unix-socket "${host#unix://}" http://docker/_ping >/dev/null 2>&1 ;;
    tcp://*) curl -fsS --max-time 5 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}
have psql || missing+=(postgresql-client-15)
have initdb || missing+=(postgresql-15)
have redis-server || missing+=(redis-server)
have haproxy || missing+=(haproxy)
have docker-registry || missing+=(docker-registry)
have openssl || missing+=(openssl)
have ip || missing+=(iproute2)
if ! engine_answers; then
  have dockerd || missing+=(docker.io)
  have debootstrap || missing+=(debootstrap)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing ${missing[*]} from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
