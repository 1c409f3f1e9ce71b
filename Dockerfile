# syntax=docker/dockerfile:1
#
# The riskgate container image: a static (musl) binary on distroless, run as
# a non-root user. Build from the repository root:
#
#   docker build -t ghcr.io/riskgate/riskgate:0.1.0 \
#     --build-arg RISKGATE_GIT_HASH=$(git rev-parse --short=12 HEAD) .
#   docker build --target debug -t ghcr.io/riskgate/riskgate:0.1.0-debug .
#
# Run: docker run --rm -v "$PWD:/work" -w /work ghcr.io/riskgate/riskgate:0.1.0 check releases/
# See docs/install.md. scripts/build-release.sh builds the same binary
# without Docker.

ARG RUST_VERSION=1
FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG RISKGATE_GIT_HASH=unknown
ENV RISKGATE_GIT_HASH=${RISKGATE_GIT_HASH}
RUN bash scripts/build-release.sh \
    && install -D -m 0755 target/x86_64-unknown-linux-musl/release/riskgate /out/riskgate

# `-debug`: the same binary plus a busybox shell and the CI driver
# (`sh riskgate-ci`), for CI systems that run jobs in a shell (GitLab).
FROM gcr.io/distroless/static-debian12:debug-nonroot AS debug
COPY --from=build /out/riskgate /usr/local/bin/riskgate
COPY scripts/ci/riskgate-action.sh /usr/local/bin/riskgate-ci
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/riskgate"]

# The default image: nothing but the binary (and CA certificates, time
# zones and /etc/passwd from distroless/static).
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="riskgate" \
      org.opencontainers.image.description="Policy-as-code for model risk management" \
      org.opencontainers.image.source="https://github.com/riskgate/riskgate" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/riskgate /usr/local/bin/riskgate
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/riskgate"]
CMD ["--help"]
