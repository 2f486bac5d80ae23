#!/usr/bin/env bash
# Runs the Pulumi CLI on the dev stack with a local file backend, so that a newcomer needs no Pulumi account:
# state lives in .pulumi-state/ and its secrets are encrypted with a passphrase generated there on first use.
# Set PULUMI_BACKEND_URL or PULUMI_CONFIG_PASSPHRASE(_FILE) to use your own instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pulumi >/dev/null 2>&1; then
  echo "pulumi-dev: the Pulumi CLI is not installed; see https://www.pulumi.com/docs/install/" >&2
  exit 1
fi

state_dir="$PWD/.pulumi-state"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$state_dir}"
if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  mkdir -p "$state_dir"
  if [[ ! -s "$state_dir/passphrase" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$state_dir/passphrase")
  fi
  export PULUMI_CONFIG_PASSPHRASE_FILE="$state_dir/passphrase"
fi

pulumi stack select dev --create --non-interactive >/dev/null
exec pulumi "$@" --stack dev
