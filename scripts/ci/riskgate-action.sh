#!/bin/sh
# riskgate CI driver, shared by the GitHub action (action.yml), the GitLab
# template (ci/gitlab/riskgate.gitlab-ci.yml) and the `-debug` container
# image (as `riskgate-ci`). It is plain POSIX sh so it also runs under the
# image's busybox: invoke it as `sh riskgate-action.sh`. Runnable locally:
#
#   RISKGATE_PATHS=examples/manifests RISKGATE_OUT_DIR=/tmp/rg sh scripts/ci/riskgate-action.sh
#
# It evaluates once, saving the decision trace as JSON, then renders every
# requested report from that trace, so all reports describe the same run.
#
# Settings (environment variables, all optional):
#   RISKGATE_BIN          the riskgate binary (default: `riskgate` on PATH)
#   RISKGATE_PATHS        manifests to check: files, directories or globs,
#                         separated by spaces or newlines (default: .)
#   RISKGATE_POLICY       policy directories replacing the embedded standard
#                         library, separated by spaces or newlines
#   RISKGATE_OVERLAY      organisation overlay file
#   RISKGATE_CONTEXT      ci | admission | audit
#   RISKGATE_NOW          evaluation clock (RFC 3339; default: now)
#   RISKGATE_STRICT       true: warnings deny
#   RISKGATE_ARGS         extra arguments for `riskgate check`, split on spaces
#   RISKGATE_OUT_DIR      directory for the reports (default: riskgate-reports)
#   RISKGATE_SARIF        SARIF file (default: $RISKGATE_OUT_DIR/riskgate.sarif;
#                         empty string: none)
#   RISKGATE_JUNIT        JUnit XML file (default: none)
#   RISKGATE_SUMMARY      markdown summary, appended to (default:
#                         $GITHUB_STEP_SUMMARY when set, else
#                         $RISKGATE_OUT_DIR/summary.md)
#   RISKGATE_ANNOTATIONS  true: print GitHub annotations (default: true
#                         inside GitHub Actions)
#   RISKGATE_DEFER_EXIT   true: always exit 0 and leave the real exit code in
#                         $GITHUB_OUTPUT (exit-code=N), for a later step
#
# Outputs: the reports above, the trace ($RISKGATE_OUT_DIR/trace.json), the
# pretty report on stdout, and when $GITHUB_OUTPUT is set: exit-code,
# decision (pass | deny | error), trace, sarif, junit and summary.
#
# Exit code: that of `riskgate check`: 0 every manifest passes (warnings
# allowed unless strict), 1 a manifest is denied, 2 a manifest or policy
# could not be loaded or evaluated (also when this script is misused).
set -eu

bin=${RISKGATE_BIN:-riskgate}
out_dir=${RISKGATE_OUT_DIR:-riskgate-reports}
sarif=${RISKGATE_SARIF-$out_dir/riskgate.sarif}
junit=${RISKGATE_JUNIT:-}
if [ -n "${RISKGATE_SUMMARY:-}" ]; then
	summary=$RISKGATE_SUMMARY
elif [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	summary=$GITHUB_STEP_SUMMARY
else
	summary=$out_dir/summary.md
fi
annotations=${RISKGATE_ANNOTATIONS:-${GITHUB_ACTIONS:-false}}
trace=$out_dir/trace.json

if ! command -v "$bin" >/dev/null 2>&1; then
	echo "riskgate-action: cannot run '$bin'; set RISKGATE_BIN or put riskgate on PATH" >&2
	exit 2
fi
mkdir -p "$out_dir"

# Arguments are split on whitespace without glob expansion: riskgate expands
# glob patterns itself.
set -f
set -- check --format json --output "$trace"
for path in ${RISKGATE_PATHS:-.}; do
	set -- "$@" "$path"
done
for dir in ${RISKGATE_POLICY:-}; do
	set -- "$@" --policy "$dir"
done
if [ -n "${RISKGATE_OVERLAY:-}" ]; then set -- "$@" --overlay "$RISKGATE_OVERLAY"; fi
if [ -n "${RISKGATE_CONTEXT:-}" ]; then set -- "$@" --context "$RISKGATE_CONTEXT"; fi
if [ -n "${RISKGATE_NOW:-}" ]; then set -- "$@" --now "$RISKGATE_NOW"; fi
if [ "${RISKGATE_STRICT:-false}" = true ]; then set -- "$@" --strict; fi
for arg in ${RISKGATE_ARGS:-}; do
	set -- "$@" "$arg"
done
set +f

rm -f "$trace"
status=0
"$bin" "$@" || status=$?

case $status in
0) decision=pass ;;
1) decision=deny ;;
*) decision=error ;;
esac

if [ -s "$trace" ]; then
	"$bin" check --replay-trace "$trace" --format pretty || true
	if [ -n "$sarif" ]; then
		mkdir -p "$(dirname "$sarif")"
		"$bin" check --replay-trace "$trace" --format sarif --output "$sarif" || true
	fi
	if [ -n "$junit" ]; then
		mkdir -p "$(dirname "$junit")"
		"$bin" check --replay-trace "$trace" --format junit --output "$junit" || true
	fi
	if [ "$annotations" = true ]; then
		"$bin" check --replay-trace "$trace" --format github || true
	fi
	mkdir -p "$(dirname "$summary")"
	"$bin" check --replay-trace "$trace" --format markdown >>"$summary" || true
else
	# Nothing was evaluated (no manifests, policies that do not compile...):
	# the error is on stderr above; say so in the summary too.
	mkdir -p "$(dirname "$summary")"
	{
		echo "## riskgate"
		echo
		echo "riskgate could not evaluate the release manifests (exit code $status); see the job log."
	} >>"$summary"
	sarif=
	junit=
fi

for report in "$sarif" "$junit"; do
	if [ -n "$report" ] && [ ! -s "$report" ]; then
		echo "riskgate-action: $report was not written" >&2
		status=2
		decision=error
	fi
done

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$status"
		echo "decision=$decision"
		if [ -s "$trace" ]; then echo "trace=$trace"; fi
		echo "sarif=$sarif"
		echo "junit=$junit"
		echo "summary=$summary"
	} >>"$GITHUB_OUTPUT"
fi

echo "riskgate: $decision (exit code $status)" >&2
if [ "${RISKGATE_DEFER_EXIT:-false}" = true ]; then
	exit 0
fi
exit "$status"
