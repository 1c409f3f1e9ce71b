#!/bin/sh
# A real MLflow tracking server for riskgate's `import mlflow` end-to-end test
# (cli/tests/import_mlflow.rs).
#
#   scripts/mlflow-test-server.sh install        # venv + pinned mlflow from PyPI
#   scripts/mlflow-test-server.sh serve PORT DIR  # server on 127.0.0.1:PORT, SQLite store in DIR (foreground)
#
# The venv is $RISKGATE_MLFLOW_VENV (default: target/mlflow-venv). `serve`
# runs the server in the foreground so the caller owns its process.
set -eu

MLFLOW_VERSION=3.4.0
# mlflow 3.4 imports names SQLAlchemy 2.1 removed; pin the 2.0 line with it.
SQLALCHEMY_SPEC="sqlalchemy>=2.0,<2.1"
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${RISKGATE_MLFLOW_VENV:-$root/target/mlflow-venv}

case "${1:-}" in
install)
    if [ -x "$venv/bin/mlflow" ] && "$venv/bin/python" -c "import mlflow, sqlalchemy, sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION' or not sqlalchemy.__version__.startswith('2.0.'))"; then
        echo "mlflow $MLFLOW_VERSION already installed in $venv"
        exit 0
    fi
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mlflow==$MLFLOW_VERSION" "$SQLALCHEMY_SPEC"
    "$venv/bin/mlflow" --version
    ;;
serve)
    port=${2:?usage: $0 serve PORT DIR}
    dir=${3:?usage: $0 serve PORT DIR}
    mkdir -p "$dir/artifacts"
    # One worker keeps the test server small; the SQLite store needs no setup.
    exec "$venv/bin/mlflow" server \
        --host 127.0.0.1 --port "$port" \
        --backend-store-uri "sqlite:///$dir/mlflow.db" \
        --default-artifact-root "$dir/artifacts" \
        --workers 1
    ;;
*)
    echo "usage: $0 install | serve PORT DIR" >&2
    exit 2
    ;;
esac
