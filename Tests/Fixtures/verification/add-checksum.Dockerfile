# syntax=docker/dockerfile:1.6
FROM debian:bookworm-slim
ARG TINI_VERSION=v0.19.0
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    https://github.com/krallin/tini/releases/download/${TINI_VERSION}/tini-amd64 /tini
ADD --chmod=755 --link https://example.com/install.sh /usr/local/bin/
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14.1 /buildkit
COPY --chown=1000:1000 --chmod=644 config/app.conf /etc/app/
RUN echo "9f1a6ebbd0a1c1a8cd5d3a2ba9a6b5df5f2bd3ac5e4fbb6c2f3f6a0a2c9bd7e1 *rootfs.tar.xz" | sha512sum -c - || true; \
    wget -O /tmp/helm.tgz "https://get.helm.sh/helm-v3.15.2-linux-amd64.tar.gz" \
    && echo "2694b91c3e501cff57caf650e639604a274645f61af2ea4d601677b746b44fe2  /tmp/helm.tgz" | sha256sum -c -
ENTRYPOINT ["/tini", "--"]
