//! Signed reports of what an import read (`riskgate import --sign-key`).
//!
//! The process that read the metrics from their source (MLflow, a model
//! card, a harness output) is the one that can vouch for them, before they
//! pass through a file anyone may edit. For every imported evaluation it
//! signs a report, an in-toto Statement about the release's artifact whose
//! predicate is the evaluation as imported (metrics, slices, dataset,
//! source), and points the evaluation's `report_ref` and `report_digest`
//! at the envelope. `riskgate check --verify-evidence` then compares the
//! manifest's claims with the signed ones, so an edited metric is a
//! finding (E5004), not a pass.
//!
//! Pure: the caller writes the returned files.

use std::collections::BTreeSet;

use riskgate_controls::trust::dsse::Envelope;
use riskgate_controls::trust::keys::SigningKey;
use riskgate_controls::trust::statements::{self, ReleaseRef};

use crate::Fragment;
use crate::fragment::to_pruned;

/// One envelope to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedReport {
    /// The path it is cited by: `report_dir/<evaluation id>.dsse.json`.
    pub path: String,
    /// The envelope, pretty JSON ending in a newline.
    pub text: String,
}

/// Signs a report of every evaluation of `fragment` for `release` and
/// points the evaluation at it; returns the envelopes to write under
/// `report_dir` (a path as the manifest will cite it, relative to the
/// evidence root).
pub fn sign_reports(
    fragment: &mut Fragment,
    release: &ReleaseRef,
    key: &SigningKey,
    keyid: &str,
    report_dir: &str,
) -> Vec<SignedReport> {
    let dir = report_dir.trim_end_matches('/');
    let mut taken = BTreeSet::new();
    let mut out = Vec::new();
    for evaluation in &mut fragment.evaluations {
        evaluation.report_ref = None;
        evaluation.report_digest = None;
        let predicate = serde_json::to_value(to_pruned(&*evaluation)).unwrap_or_default();
        let envelope = Envelope::sign(&statements::evaluation(release, predicate), key, keyid);
        let text = serde_json::to_string_pretty(&envelope).unwrap_or_default() + "\n";
        let path = format!("{dir}/{}.dsse.json", file_stem(&evaluation.id, &mut taken));
        evaluation.report_digest = Some(riskgate_controls::digest::sha256(text.as_bytes()));
        evaluation.report_ref = Some(path.clone());
        out.push(SignedReport { path, text });
    }
    out
}

/// A file name for evaluation `id` (ids hold `:` and `/`), unique among
/// `taken`.
fn file_stem(id: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let base = base.trim_start_matches('.').to_owned();
    let mut stem = base.clone();
    let mut n = 2;
    while !taken.insert(stem.clone()) {
        stem = format!("{base}-{n}");
        n += 1;
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ImportContext, SourceFile, lm_eval};
    use riskgate_controls::trust::keys::{Purpose, TrustedKey};

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAYbmlJs0zGTe+C8VTCNlQiMEy0UMHbbFGCc9q6rOQFu\n-----END PRIVATE KEY-----\n";

    fn fragment() -> Fragment {
        let text = r#"{"results": {"arc_easy": {"alias": "arc_easy", "acc,none": 0.75}},
                      "n-samples": {"arc_easy": {"original": 2376, "effective": 2376}}}"#;
        let source = SourceFile::new("results.json", text);
        lm_eval::parse(&source, &ImportContext::new("2026-10-01T00:00:00Z")).unwrap()
    }

    #[test]
    fn each_evaluation_cites_an_envelope_that_verifies_and_states_its_metrics() {
        let key = SigningKey::from_pem(KEY).unwrap();
        let release = ReleaseRef {
            name: "m".to_owned(),
            digest: "sha256:abcd".to_owned(),
        };
        let mut fragment = fragment();
        let files = sign_reports(&mut fragment, &release, &key, "ci", "evidence/");
        assert_eq!(files.len(), 1);
        let evaluation = &fragment.evaluations[0];
        assert_eq!(
            evaluation.report_ref.as_deref(),
            Some(files[0].path.as_str())
        );
        assert!(files[0].path.starts_with("evidence/") && files[0].path.ends_with(".dsse.json"));
        assert_eq!(
            evaluation.report_digest.as_deref(),
            Some(riskgate_controls::digest::sha256(files[0].text.as_bytes()).as_str())
        );
        let trusted = TrustedKey {
            id: "ci".to_owned(),
            key: key.public_key(),
            signs: [Purpose::Evaluation].into(),
            approver: None,
            roles: Vec::new(),
        };
        let (statement, _) = Envelope::parse(files[0].text.as_bytes())
            .unwrap()
            .open(&[&trusted], "evaluations")
            .unwrap();
        assert!(statement.names_digest("sha256:abcd"));
        assert_eq!(statement.predicate["metrics"][0]["name"], "acc");
        assert_eq!(statement.predicate["metrics"][0]["value"], 0.75);
        assert!(statement.predicate.get("report_ref").is_none());
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(file_stem("a:b/c", &mut taken), "a_b_c");
        assert_eq!(file_stem("a/b:c", &mut taken), "a_b_c-2");
        assert_eq!(file_stem("../x", &mut taken), "_x");
    }
}
