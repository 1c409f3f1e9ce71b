"""Logs what a training job would to an MLflow tracking server, for the
MLflow evidence example (run.sh) and `riskgate import mlflow`'s end-to-end
test (cli/tests/import_mlflow.rs): one run with overall and per-slice
metrics, parameters and an evaluation dataset input; an MLflow 3 logged
model of that run with a metric bound to the evaluation dataset; with
--with-validation, a second (validation) run that logs a metric to the
same logged model on a dataset of its own; the logged model registered as
a model version with an approval-claim tag.
Prints {"run_id", "model", "version", "model_id"} (and
"validation_run_id", "validation_digest") as JSON.

usage: python log_run.py TRACKING_URI MODEL_NAME [--with-validation]
"""
import json
import sys

import mlflow
import pandas as pd
from mlflow import MlflowClient

uri, model_name = sys.argv[1], sys.argv[2]
with_validation = sys.argv[3:] == ["--with-validation"]
mlflow.set_tracking_uri(uri)
mlflow.set_experiment("riskgate-import-e2e")
with mlflow.start_run(run_name="nightly-eval") as run:
    mlflow.log_params({"max_depth": 6, "learning_rate": 0.1})
    mlflow.log_metrics(
        {
            "auc": 0.812,
            "adverse_impact_ratio": 0.88,
            "adverse_impact_ratio/sex/female": 0.86,
            "adverse_impact_ratio/sex/male": 0.9,
        }
    )
    holdout = pd.DataFrame({"score": [0.1, 0.7, 0.4], "label": [0, 1, 0]})
    oot = mlflow.data.from_pandas(holdout, name="credit-oot")
    mlflow.log_input(oot, context="eval")
    # MLflow 3: a logged model whose metric names the dataset snapshot it
    # was computed on (MLflow also logs it to the run).
    model = mlflow.create_external_model(name=model_name)
    mlflow.log_metric("ks", 0.41, model_id=model.model_id, dataset=oot)

logged = {"run_id": run.info.run_id, "model": model_name, "model_id": model.model_id}
if with_validation:
    # An independent validation of the same logged model, on its own data.
    with mlflow.start_run(run_name="independent-validation") as validation:
        sample = pd.DataFrame({"score": [0.2, 0.9, 0.3, 0.6], "label": [0, 1, 0, 1]})
        validation_data = mlflow.data.from_pandas(sample, name="credit-validation")
        mlflow.log_input(validation_data, context="eval")
        mlflow.log_metric("auc", 0.805, model_id=model.model_id, dataset=validation_data)
    logged["validation_run_id"] = validation.info.run_id
    logged["validation_digest"] = validation_data.digest

client = MlflowClient(uri)
client.create_registered_model(model_name)
version = client.create_model_version(
    model_name, source=f"models:/{model.model_id}", run_id=run.info.run_id
)
client.set_model_version_tag(model_name, version.version, "riskgate.approval.model_owner", "approve")
client.set_model_version_tag(model_name, version.version, "riskgate.approval.model_owner.by", "ana.ruiz@example.com")
logged["version"] = version.version
print(json.dumps(logged))
