# Stand-in for python:3.13-slim, which no registry here serves: Debian trixie's Python 3.13 with pip, as the
# official image has it (python, python3, pip on PATH; no EXTERNALLY-MANAGED marker, so pip installs system-wide).
# It differs: glibc and Debian's packaging instead of a Python built from source under /usr/local, and it trusts
# the certificate authorities of the machine that built it.
ARG BASE
FROM ${BASE}
COPY ca-certificates.crt /tmp/machine-ca.crt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mv /tmp/machine-ca.crt /etc/ssl/certs/ca-certificates.crt \
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \
 && ln -s /usr/bin/python3 /usr/local/bin/python \
 && ln -sf /usr/bin/pip3 /usr/local/bin/pip
CMD ["python3"]
