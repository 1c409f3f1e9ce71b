//! The diagnostic codes of the evidence importers: `E6xxx`. Pages:
//! `riskgate explain CODE` and `docs/diagnostics/`.

riskgate_dsl::declare_codes! {
    IMPORT_SOURCE_UNREADABLE = "E6001", "unreadable-import-source", Error,
        "an evidence file to import is not in the format its importer reads",
        "## Why\nEach importer reads one format: a model card needs YAML front matter between `---` lines, a CycloneDX BOM, lm-evaluation-harness results and MLflow responses are JSON, a mapped source is JSON or CSV. Text that does not parse as that format cannot be turned into evidence, and guessing would import the wrong values.\n\n## Example\n```text\n$ riskgate import model-card notes.txt\nerror[E6001]: notes.txt has no YAML front matter\n```\n\n## Fix\nPass the file the tool wrote (`README.md` of the model repository, `bom.json`, `results_*.json`); the position in the message shows where parsing stopped.\n";
    IMPORT_SOURCE_INVALID = "E6002", "invalid-import-source", Error,
        "an evidence file parses but a field has the wrong type or is missing",
        "## Why\nThe file is well-formed but does not follow the format's schema: a metric value that is neither a number nor a boolean, a `model-index` that is not a list, a CycloneDX metric with per-slice values but no overall value. riskgate will not invent the missing value.\n\n## Example\n```yaml\nmodel-index:\n  - name: demo\n    results:\n      - metrics:\n          - type: accuracy\n            value: [0.9]\n```\n\n## Fix\nCorrect the field at the position in the message, or regenerate the file with the tool that writes it.\n";
    IMPORT_MAPPING_INVALID = "E6003", "invalid-import-mapping", Error,
        "a mapping file for `riskgate import mapped` is invalid or points at nothing",
        "## Why\nA mapping file says where each metric of the manifest is in a JSON or CSV report. A pointer that finds no value, or a value that is not a number, boolean or string, would silently drop evidence, so the import stops.\n\n## Example\n```yaml\nevaluation: {id: drift-2026-10, suite: drift}\nmetrics:\n  - name: psi_score\n    pointer: /metrics/0/result/drift_scor\n```\n\n## Fix\nCorrect the pointer (JSON Pointer `/a/0/b`, or `$.a[0].b`, `$.rows[metric=auc].value`); the message names the mapping entry and the part of the path that found nothing.\n";
    IMPORT_REQUEST_FAILED = "E6004", "import-request-failed", Error,
        "a request to a tracking server failed or returned something unexpected",
        "## Why\n`riskgate import mlflow` reads the model version, its run and (MLflow 3) the logged model it was registered from over the MLflow REST API. A connection error, an HTTP error status (for example `RESOURCE_DOES_NOT_EXIST` for a wrong model name or version) or a body that is not the documented JSON means there is nothing trustworthy to import.\n\n## Example\n```text\n$ riskgate import mlflow --tracking-uri http://127.0.0.1:5000 --model credit --version 9\nerror[E6004]: GET /api/2.0/mlflow/model-versions/get returned HTTP 404: RESOURCE_DOES_NOT_EXIST\n```\n\n## Fix\nCheck the tracking URI, the registered model name and version (`mlflow models` UI or `GET /api/2.0/mlflow/registered-models/get`), and credentials (`MLFLOW_TRACKING_TOKEN`).\n";
    IMPORT_TARGET_INVALID = "E6005", "invalid-import-target", Error,
        "the manifest named by `--into` cannot be updated in place",
        "## Why\n`--into` edits the manifest's text so comments and key order survive, then reloads the result. It refuses a manifest that already has errors, a file with several documents, a section written in a shape it cannot extend, and an edit whose reloaded result is not what was imported; the file is left untouched.\n\n## Example\n```yaml\nspec:\n  evaluations: !!str none\n```\n\n## Fix\nFix the errors `riskgate check` reports for the manifest first, or write the import to a new file with `-o` and merge it by hand.\n";
    IMPORT_FOUND_NOTHING = "E6006", "nothing-to-import", Error,
        "an evidence source holds no metric, dataset or document to import",
        "## Why\nAn import that finds nothing usually means the wrong file or run: a model card without `model-index`, an lm-evaluation-harness file without `results`, an MLflow run without metrics. Writing an empty manifest would look like a successful import.\n\n## Example\n```yaml\n---\nlicense: mit\n---\n# My model\n```\n\n## Fix\nPass the file or run that holds the evaluation results.\n";
}
