//! `riskgate verify-attestation`: checks decision attestations written by
//! `riskgate check --attest` before a deployment uses them.

use std::path::PathBuf;

use anyhow::Context as _;
use riskgate_controls::trust::dsse::Envelope;
use riskgate_controls::trust::keys::PublicKey;
use riskgate_controls::trust::statements::verify_decision;

use crate::Outcome;

/// Arguments of `riskgate verify-attestation`.
#[derive(Debug, clap::Args)]
pub struct VerifyAttestationArgs {
    /// The attestations: one DSSE envelope per line (`.intoto.jsonl`) or
    /// one JSON envelope.
    file: PathBuf,
    /// riskgate's public key, PEM (SubjectPublicKeyInfo).
    #[arg(long, value_name = "PUBLIC_KEY")]
    key: PathBuf,
    /// Require the attestation to be about this artifact (`sha256:<hex>`).
    #[arg(long, value_name = "DIGEST")]
    digest: Option<String>,
}

/// Runs `riskgate verify-attestation`: exit 0 when every attestation
/// verifies and says PASSED, 1 when one says FAILED, 2 when one does not
/// verify.
pub fn run(args: &VerifyAttestationArgs) -> Outcome {
    match verify(args) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn verify(args: &VerifyAttestationArgs) -> anyhow::Result<Outcome> {
    let pem =
        std::fs::read_to_string(&args.key).with_context(|| format!("{}", args.key.display()))?;
    let key = PublicKey::from_pem(&pem)
        .map_err(|why| anyhow::anyhow!("{}: {why}", args.key.display()))?;
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("{}", args.file.display()))?;
    let name = args.file.display();
    let trimmed = text.trim();
    // A pretty-printed single envelope spans lines; JSON Lines do not.
    let envelopes: Vec<(usize, &str)> =
        if trimmed.starts_with('{') && serde_json::from_str::<serde_json::Value>(trimmed).is_ok() {
            vec![(1, trimmed)]
        } else {
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(i, line)| (i + 1, line))
                .collect()
        };
    if envelopes.is_empty() {
        anyhow::bail!("{name}: no attestations");
    }
    let mut outcome = Outcome::Success;
    for (line, json) in envelopes {
        let verified = Envelope::parse(json.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|envelope| verify_decision(&envelope, &key, args.digest.as_deref()));
        match verified {
            Ok(decision) => {
                println!(
                    "{name}:{line}: verified: {} {} (decision {}) at {} with policy {}",
                    decision.name,
                    decision.result,
                    decision.decision,
                    decision.time,
                    decision.policy_digest
                );
                if decision.result != "PASSED" && outcome == Outcome::Success {
                    outcome = Outcome::Findings;
                }
            }
            Err(why) => {
                println!("{name}:{line}: NOT verified: {why}");
                outcome = Outcome::Error;
            }
        }
    }
    Ok(outcome)
}
