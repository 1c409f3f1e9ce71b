#!/usr/bin/env bash
# Builds the release binary exactly as the container image does (the
# Dockerfile's build stage runs this script), then smoke-tests it.
#
#   scripts/build-release.sh              # static musl binary (as the image)
#   RISKGATE_TARGET=x86_64-unknown-linux-gnu scripts/build-release.sh
#
# Prints the path of the binary on its last line. Needs the Rust target
# (`rustup target add x86_64-unknown-linux-musl`; the script adds it when
# rustup can) and a C compiler for the few C/assembly sources in
# dependencies (`musl-tools` on Debian gives `musl-gcc`; plain gcc works for
# them too).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${RISKGATE_TARGET:-x86_64-unknown-linux-musl}
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
	rustup target add "$target"
fi

# The commit shown by `riskgate --version`; the image build passes it in
# because the build context has no .git.
if [ -z "${RISKGATE_GIT_HASH:-}" ]; then
	RISKGATE_GIT_HASH=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
fi
export RISKGATE_GIT_HASH

# Static binaries on musl: no libc needed at run time (the image is
# distroless/static).
if [[ $target == *-musl ]]; then
	export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static"
fi

# Keep symbol names (readable panics) but not the line tables: the image
# ships a ~15 MB binary instead of ~60 MB.
export CARGO_PROFILE_RELEASE_STRIP=${CARGO_PROFILE_RELEASE_STRIP:-debuginfo}

cargo build --locked --release --target "$target" -p riskgate-cli --bin riskgate

bin="target/$target/release/riskgate"

# Smoke test: the binary runs, knows its version, and decides an example.
"$bin" --version >&2
"$bin" completions bash >/dev/null
status=0
"$bin" --color never check examples/manifests/support-chatbot-fail.yaml \
	--now 2026-11-26T00:00:00Z --format json --output /dev/null || status=$?
if [ "$status" -ne 1 ]; then
	echo "build-release: smoke test: expected the example release to be denied (exit 1), got $status" >&2
	exit 1
fi
echo "$bin"
