# An MCP server installed from an npm package at an exact version. With BRIDGE_PACKAGE set, the
# stdio-to-Streamable-HTTP bridge (mcp-proxy, from PyPI) is installed beside it.
ARG BASE_IMAGE=node:22-alpine
FROM ${BASE_IMAGE}
ARG PACKAGE
ARG BRIDGE_PACKAGE=""
RUN test -n "${PACKAGE}" \
 && npm install --global --omit=dev --no-audit --no-fund "${PACKAGE}" \
 && npm cache clean --force
RUN if [ -n "${BRIDGE_PACKAGE}" ]; then \
      if command -v apk >/dev/null; then apk add --no-cache python3 py3-pip; \
      else apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*; fi \
      && pip3 install --no-cache-dir --break-system-packages "${BRIDGE_PACKAGE}"; \
    fi
USER node
