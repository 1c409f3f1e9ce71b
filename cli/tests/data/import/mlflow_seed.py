"""Seeds an MLflow tracking server for the `riskgate import mlflow` test:
one run with overall and per-slice metrics, parameters and an evaluation
dataset input, registered as a model version with an approval-claim tag.
Prints {"run_id", "model", "version"} as JSON.

usage: python mlflow_seed.py TRACKING_URI MODEL_NAME
"""
import json
import sys

import mlflow
import pandas as pd
from mlflow import MlflowClient

uri, model_name = sys.argv[1], sys.argv[2]
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
    mlflow.log_input(mlflow.data.from_pandas(holdout, name="credit-oot"), context="eval")

client = MlflowClient(uri)
client.create_registered_model(model_name)
version = client.create_model_version(
    model_name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id
)
client.set_model_version_tag(model_name, version.version, "riskgate.approval.model_owner", "approve")
client.set_model_version_tag(model_name, version.version, "riskgate.approval.model_owner.by", "ana.ruiz@example.com")
print(json.dumps({"run_id": run.info.run_id, "model": model_name, "version": version.version}))
