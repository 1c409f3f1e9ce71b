//! JSON pointers map to the right line:col and byte span.

use riskgate_controls::manifest::{load_documents, load_manifests};
use riskgate_dsl::LineCol;

const NESTED: &str = "\
apiVersion: riskgate.dev/v1alpha1
kind: ModelRelease
metadata:
  name: credit-scorer
  labels: {team/owner: risk~analytics}
spec:
  evaluations:
    - id: fairness-2026q3
      metrics:
        - name: auc
          value: 0.78
        - name: adverse_impact_ratio
          value: 0.91
          slices:
            - {name: sex=female, value: 0.86, n: 5200}
        - name: equal_opportunity_difference
          value: 0.021
";

#[test]
fn pointer_to_nested_metric_value() {
    let loaded = load_manifests("m.yaml", NESTED);
    assert_eq!(loaded.len(), 1);
    assert!(
        loaded[0].diagnostics.is_empty(),
        "{:?}",
        loaded[0].diagnostics
    );
    let positions = &loaded[0].positions;

    let value = positions
        .get("/spec/evaluations/0/metrics/2/value")
        .unwrap();
    assert_eq!(value.start, LineCol { line: 17, col: 18 });
    assert_eq!(value.span.text(NESTED), "0.021");
    assert_eq!(value.key_span.unwrap().text(NESTED), "value");

    let slice = positions
        .get("/spec/evaluations/0/metrics/1/slices/0/value")
        .unwrap();
    assert_eq!(slice.start, LineCol { line: 15, col: 41 });
    assert_eq!(slice.span.text(NESTED), "0.86");

    let n = positions
        .get("/spec/evaluations/0/metrics/1/slices/0/n")
        .unwrap();
    assert_eq!(n.span.text(NESTED), "5200");

    // Keys containing `/` and `~` are escaped as RFC 6901 says.
    let label = positions.get("/metadata/labels/team~1owner").unwrap();
    assert_eq!(label.span.text(NESTED), "risk~analytics");

    // The raw value policies see has the same content.
    let raw = loaded[0].raw.as_ref().unwrap();
    assert_eq!(
        raw.to_json()["spec"]["evaluations"][0]["metrics"][2]["value"],
        0.021
    );
}

#[test]
fn nearest_falls_back_to_the_closest_ancestor() {
    let loaded = load_manifests("m.yaml", NESTED);
    let (pointer, position) = loaded[0]
        .positions
        .nearest("/spec/evaluations/0/metrics/0/slices/3/n")
        .unwrap();
    assert_eq!(pointer, "/spec/evaluations/0/metrics/0");
    assert_eq!(position.start, LineCol { line: 10, col: 11 });
    assert!(loaded[0].positions.get("/spec/validation").is_none());
}

#[test]
fn positions_in_later_documents_are_file_positions() {
    let text = format!("{NESTED}---\n{NESTED}");
    let loaded = load_manifests("multi.yaml", &text);
    assert_eq!(loaded.len(), 2);
    let first = loaded[0]
        .positions
        .line_col("/spec/evaluations/0/metrics/2/value")
        .unwrap();
    let second = loaded[1]
        .positions
        .line_col("/spec/evaluations/0/metrics/2/value")
        .unwrap();
    assert_eq!(first, LineCol { line: 17, col: 18 });
    assert_eq!(second, LineCol { line: 35, col: 18 });
    assert_eq!(
        loaded[1].span.start as usize,
        NESTED.len(),
        "the document starts at its `---`"
    );
}

#[test]
fn json_positions_and_columns_count_characters() {
    let text = "{\"apiVersion\": \"riskgate.dev/v1alpha1\", \"kind\": \"ModelRelease\",\n \"metadata\": {\"name\": \"crédit\"}, \"spec\": {\"classification\": {\"risk_tier\": \"high\"}}}\n";
    let loaded = load_manifests("m.json", text);
    assert!(loaded[0].manifest.is_some(), "{:?}", loaded[0].diagnostics);
    let tier = loaded[0]
        .positions
        .get("/spec/classification/risk_tier")
        .unwrap();
    assert_eq!(tier.span.text(text), "\"high\"");
    // `é` is two bytes but one column.
    assert_eq!(tier.start, LineCol { line: 2, col: 75 });
}

#[test]
fn load_documents_reads_plain_yaml_with_positions() {
    let documents = load_documents("a:\n  - b: 1\n");
    assert_eq!(documents.len(), 1);
    assert_eq!(
        documents[0].positions.line_col("/a/0/b"),
        Some(LineCol { line: 2, col: 8 })
    );
}
