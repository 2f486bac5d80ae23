# Stand-in for redis:7.4-alpine, which no registry here serves: Debian bookworm's Redis 7.0 (redis-server and
# redis-cli), working in /data as the official image does. It differs: Redis 7.0 instead of 7.4, and Debian (glibc)
# instead of Alpine.
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
