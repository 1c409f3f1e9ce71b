//! `riskgate check --attest`: the decision for each release as a signed
//! SLSA verification summary, written as JSON Lines.

use std::path::Path;

use anyhow::Context as _;
use riskgate_controls::trace::Trace;
use riskgate_controls::trust::dsse::Envelope;
use riskgate_controls::trust::statements::{self, ReleaseRef, RunInfo};

use super::seam::{self, EvaluationRequest};
use crate::commands::sign::read_signing_key;

/// Checks the manifests and writes one attestation per decided release to
/// `output`. Returns the trace and whether every release could be attested
/// (one without an artifact digest, or not decided, cannot be).
pub(super) fn check_and_attest(
    request: &EvaluationRequest<'_>,
    key: &Path,
    policy_digest: &str,
    output: &Path,
) -> anyhow::Result<(Trace, bool)> {
    // Read the key first: a bad key should not cost a whole evaluation.
    let key = read_signing_key(key)?;
    let evaluated = seam::evaluate_each(request, |document, _| document.raw().map(ReleaseRef::of))?;
    let trace = evaluated.trace;
    let run = RunInfo {
        evaluated_at: &trace.evaluated_at,
        point: trace.enforcement_point,
        policy_source: &trace.policy_source,
        policy_digest,
        version: &trace.riskgate_version,
    };
    let mut lines = String::new();
    let mut complete = true;
    for (manifest, release) in trace.manifests.iter().zip(&evaluated.extras) {
        let at = format!("{}#{}", manifest.file, manifest.document);
        let release = match release {
            Some(Ok(release)) => release,
            Some(Err(why)) => {
                eprintln!("error: {at}: not attested: {why}");
                complete = false;
                continue;
            }
            None => {
                eprintln!("error: {at}: not attested: the manifest could not be read");
                complete = false;
                continue;
            }
        };
        let statement = statements::decision(release, manifest, &run);
        let envelope = Envelope::sign(&statement, &key, "");
        lines.push_str(&serde_json::to_string(&envelope)?);
        lines.push('\n');
    }
    std::fs::write(output, lines).with_context(|| format!("{}", output.display()))?;
    Ok((trace, complete))
}
