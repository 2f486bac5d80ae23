#!/bin/sh
# The stand-in LiteLLM image's entry point: what docker/prod_entrypoint.sh of the official image does when none of
# its optional supervisors is asked for. The stand-in carries none of them, and refuses to start when one is.
if [ "${SEPARATE_HEALTH_APP:-}" = "1" ] || [ "${USE_DDTRACE:-}" = "true" ] || [ "${USE_NEWRELIC:-}" = "true" ]; then
  echo "the stand-in LiteLLM image carries neither supervisord, ddtrace nor New Relic (SEPARATE_HEALTH_APP, USE_DDTRACE, USE_NEWRELIC)" >&2
  exit 1
fi
exec litellm "$@"
