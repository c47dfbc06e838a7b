# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
ARG BASE=debian
ARG SUITE

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY cmd/ ./cmd/
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM ${BASE}:${SUITE:-bookworm}-slim
COPY --from=build /out/app /usr/local/bin/app
COPY --from=busybox:1.36 /bin/busybox /bin/busybox
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
