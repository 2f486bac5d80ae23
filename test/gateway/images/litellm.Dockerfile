# Stand-in for ghcr.io/berriai/litellm-database at the pinned release, which no registry here serves. What the
# proxy needs of the official image, as its docker/Dockerfile.database and docker/prod_entrypoint.sh define it:
# litellm[proxy] at the image's release with LiteLLM's Prisma client generated, Node for the Prisma CLI, the
# working directory /app, the entry point docker/prod_entrypoint.sh (exec litellm "$@") and its default arguments,
# running as root. It differs: Debian bookworm's Python 3.11 (the interpreter the suite's lock file is compiled
# for) instead of Wolfi's; the Python packages are those of test/gateway/requirements/litellm-proxy.txt; the Prisma
# engines are missing (only Prisma's CDN serves them), their variables naming where they would be so that Prisma
# fails at once, naming the engine, instead of fetching it; and it trusts the certificate authorities of the
# machine that built it.
ARG BASE
FROM ${BASE}
COPY ca-certificates.crt /tmp/machine-ca.crt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mv /tmp/machine-ca.crt /etc/ssl/certs/ca-certificates.crt \
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \
 && ln -s /usr/bin/python3 /usr/local/bin/python
ADD node.tgz /tmp/node
ADD npm.tgz /tmp/npm
RUN install -m 0755 /tmp/node/package/bin/node /usr/local/bin/node \
 && mkdir -p /usr/local/lib/node_modules \
 && mv /tmp/npm/package /usr/local/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && rm -rf /tmp/node /tmp/npm
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PRISMA_BINARY_CACHE_DIR=/opt/prisma-cli \
    PRISMA_CLI_PATH=/opt/prisma-cli/node_modules/.bin/prisma \
    PRISMA_QUERY_ENGINE_LIBRARY=/opt/prisma-engines/libquery_engine.so.node \
    PRISMA_QUERY_ENGINE_BINARY=/opt/prisma-engines/query-engine \
    PRISMA_SCHEMA_ENGINE_BINARY=/opt/prisma-engines/schema-engine \
    PRISMA_HIDE_UPDATE_MESSAGE=true
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-cache-dir --disable-pip-version-check --require-hashes --no-deps -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt
# prisma generate reads no engine, but the CLI wants the files its variables name: empty ones stand there meanwhile.
RUN python3 -c "from prisma.cli.prisma import ensure_cached; ensure_cached()" \
 && mkdir -p /opt/prisma-engines \
 && touch "$PRISMA_QUERY_ENGINE_LIBRARY" "$PRISMA_QUERY_ENGINE_BINARY" "$PRISMA_SCHEMA_ENGINE_BINARY" \
 && prisma generate --schema="$(LITELLM_LOCAL_MODEL_COST_MAP=True python3 -c 'import litellm.proxy, os; print(os.path.join(os.path.dirname(litellm.proxy.__file__), "schema.prisma"))')" \
 && rm -f "$PRISMA_QUERY_ENGINE_LIBRARY" "$PRISMA_QUERY_ENGINE_BINARY" "$PRISMA_SCHEMA_ENGINE_BINARY"
WORKDIR /app
COPY litellm-entrypoint.sh docker/prod_entrypoint.sh
EXPOSE 4000/tcp
ENTRYPOINT ["docker/prod_entrypoint.sh"]
CMD ["--port", "4000"]
