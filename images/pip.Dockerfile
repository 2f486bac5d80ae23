# An MCP server installed from PyPI packages at exact versions. With BRIDGE_PACKAGE set, the
# stdio-to-Streamable-HTTP bridge (mcp-proxy) is installed beside it.
ARG BASE_IMAGE=python:3.13-slim
FROM ${BASE_IMAGE}
ARG PACKAGES
ARG BRIDGE_PACKAGE=""
RUN test -n "${PACKAGES}" && pip install --no-cache-dir ${PACKAGES} ${BRIDGE_PACKAGE}
RUN useradd --system --uid 10001 --create-home --home-dir /home/mcp mcp
USER mcp
