#!/bin/sh
# The evidence pipeline of docs/evidence.md, end to end, on local files:
#
#   1. import the model card's evaluation into the release (--into keeps
#      the author's comments; --artifact-digest binds it to the weights);
#   2. CI signs the evaluation report the card cites (reports/eval.json,
#      signed as reports/eval.dsse.json) with its key;
#   3. the validator signs her approval with her own key;
#   4. `riskgate check --verify-evidence` passes: the report's signature,
#      its metrics and the approval's signature all verify;
#   5. two tampered releases are denied: one claims a better accuracy than
#      the signed report (E5004), one cites a report signed by a key that
#      is not trusted to sign evaluations (E5002).
#
# Run it from this directory: `sh run.sh` (RISKGATE names the binary,
# default `riskgate`). It rewrites the files it produces, so the committed
# ones are its output; transcript.txt is what it prints.
# cli/tests/import.rs runs it and compares both, so it cannot go stale.
set -eu
riskgate=${RISKGATE:-riskgate}
now=2026-10-01T00:00:00Z
digest=sha256:6d1f0c3b8a2e4f5d7c9b1a3e5f7d9c2b4a6e8f0d1c3b5a7e9f2d4c6b8a0e1f3d

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

rm -rf release.yaml reports/eval.dsse.json approvals tampered
mkdir -p approvals tampered
cp release.base.yaml release.yaml

step 0 import model-card model/README.md --artifact-digest "$digest" \
    --now 2026-09-30T08:00:00Z --into release.yaml
step 0 sign evaluation release.yaml --report reports/eval.json \
    --key keys/ci.pem --keyid ci --now 2026-09-30T08:05:00Z -o reports/eval.dsse.json
step 0 sign approval release.yaml --key keys/validator.pem --keyid ines \
    --role model_validator --approver ines.duarte@example.com \
    --now 2026-09-30T09:30:00Z -o approvals/validator.dsse.json
step 0 check release.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"

# Tampered: the manifest claims a better accuracy than the signed report.
echo '$ sed "s/value: 0.9312/value: 0.9512/" release.yaml > tampered/better-claim.yaml'
sed "s/value: 0.9312/value: 0.9512/" release.yaml > tampered/better-claim.yaml
echo
step 1 check tampered/better-claim.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"

# Tampered: the report is signed with a key that may not sign evaluations.
step 0 sign evaluation release.yaml --report reports/eval.json \
    --key keys/validator.pem --keyid ci --now 2026-09-30T08:05:00Z \
    -o tampered/eval.dsse.json
echo '$ sed "s#reports/eval.dsse.json#tampered/eval.dsse.json#" release.yaml > tampered/wrong-signer.yaml'
sed "s#reports/eval.dsse.json#tampered/eval.dsse.json#" release.yaml > tampered/wrong-signer.yaml
echo
step 1 check tampered/wrong-signer.yaml --policy policy --overlay trust.yaml \
    --verify-evidence --evidence-root . --now "$now"
