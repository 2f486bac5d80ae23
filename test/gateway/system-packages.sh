#!/usr/bin/env bash
# The programs the gateway suite runs beside Python and Node, from Debian's packages: Postgres 15 (initdb, pg_ctl,
# psql), Redis 7 (built with TLS), haproxy, docker-registry, openssl and iproute2 (the AWS-way run's VPC).
# Installs whichever is missing; needs root and Debian's package archive. Run by .ci/run and the checks workflow before the suite.
set -euo pipefail
missing=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/lib/postgresql/15/bin/$1" ] || [ -x "/usr/sbin/$1" ]; }
have psql || missing+=(postgresql-client-15)
have initdb || missing+=(postgresql-15)
have redis-server || missing+=(redis-server)
have haproxy || missing+=(haproxy)
have docker-registry || missing+=(docker-registry)
have openssl || missing+=(openssl)
have ip || missing+=(iproute2)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing ${missing[*]} from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
