#!/bin/sh
# The MLflow evidence pipeline of docs/evidence.md, end to end:
#
#   1. CI imports the registered model version into the release (--into
#      keeps the author's comments; --artifact-digest binds the runs to the
#      released model) and signs a report of every metric it read
#      (--sign-key, with the CI key: reports/*.dsse.json);
#   2. the validator signs her approval with her own key;
#   3. `riskgate check --verify-evidence` passes: each metric is the one
#      the CI key signed, and the approval is the validator's;
#   4. two tampered releases are denied: one improves an imported metric
#      after the import (E5004), one drops the signed reports and keeps the
#      numbers (W5003: trust.yaml counts only signed metrics).
#
# Needs a tracking server with the model version log_run.py registers (see
# README.md). Run it from this directory:
#   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 sh run.sh
# (MODEL_VERSION defaults to 1; RISKGATE names the binary, default
# `riskgate`). cli/tests/import_mlflow.rs runs it against a real MLflow
# server and compares what it prints with transcript.txt (the run id
# replaced by <run_id>).
set -eu
riskgate=${RISKGATE:-riskgate}
: "${MLFLOW_TRACKING_URI:?set MLFLOW_TRACKING_URI to the tracking server}"
version=${MODEL_VERSION:-1}
now=2026-12-02T00:00:00Z
digest=sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4
keys=../pipeline/keys

# `step CODE ARGS...`: print the command, run riskgate, check its exit code.
step() {
    expected=$1
    shift
    echo "\$ riskgate $*"
    code=0
    "$riskgate" "$@" 2>&1 || code=$?
    echo "[exit $code]"
    echo
    if [ "$code" != "$expected" ]; then
        echo "run.sh: expected exit $expected from riskgate $1" >&2
        exit 1
    fi
}

rm -rf release.yaml reports approvals tampered
mkdir -p approvals tampered
cp release.base.yaml release.yaml

step 0 import mlflow --model credit-scorer --version "$version" \
    --slice-pattern '{metric}/{attr}/{value}' --suite performance \
    --artifact-digest "$digest" --now 2026-12-01T08:00:00Z --into release.yaml \
    --sign-key "$keys/ci.pem" --keyid ci --report-dir reports
step 0 sign approval release.yaml --key "$keys/validator.pem" --keyid ines \
    --role model_validator --approver ines.duarte@example.com \
    --now 2026-12-01T09:30:00Z -o approvals/validator.dsse.json
step 0 check release.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"

# Tampered: the author improves the adverse impact ratio for women.
echo '$ sed "s/value: 0.86/value: 0.96/" release.yaml > tampered/better-fairness.yaml'
sed "s/value: 0.86/value: 0.96/" release.yaml > tampered/better-fairness.yaml
echo
step 1 check tampered/better-fairness.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"

# Tampered: the numbers stay, the signed reports go.
echo '$ sed "/report_ref:/d; /report_digest:/d" release.yaml > tampered/unsigned.yaml'
sed "/report_ref:/d; /report_digest:/d" release.yaml > tampered/unsigned.yaml
echo
step 1 check tampered/unsigned.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"
