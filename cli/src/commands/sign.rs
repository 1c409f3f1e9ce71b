//! `riskgate sign`: signed approval and waiver sign-offs, and signed
//! evaluation reports, as DSSE envelopes over the release's artifact
//! digest. The approver runs this with their own key; the policy's
//! `trust.keys` registers which key speaks for whom.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use riskgate_controls::manifest::load_manifests_from_bytes;
use riskgate_controls::trust::dsse::Envelope;
use riskgate_controls::trust::keys::SigningKey;
use riskgate_controls::trust::statements::{self, ReleaseRef};
use riskgate_engine::value::Value;
use riskgate_workspace::clock::Now;

use crate::Outcome;

/// Arguments of `riskgate sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    #[command(subcommand)]
    what: SignWhat,
}

#[derive(Debug, clap::Subcommand)]
enum SignWhat {
    /// Sign a release approval (reference the output from the approval's
    /// `signature_ref`).
    Approval {
        #[command(flatten)]
        common: Common,
        /// The role approved in, e.g. `model_validator`.
        #[arg(long)]
        role: String,
        /// The approver's e-mail, as in the approval's `by.email` and the
        /// key's `approver`.
        #[arg(long, value_name = "EMAIL")]
        approver: String,
        /// The decision.
        #[arg(long, value_enum, default_value_t = DecisionArg::Approve)]
        decision: DecisionArg,
    },
    /// Sign a waiver sign-off (reference the output from the approver's
    /// `signature_ref` under `approved_by`).
    ///
    /// The sign-off binds the waiver as the manifest states it, without
    /// `approved_by`: write the waiver first; editing it afterwards voids
    /// the sign-off, while other approvers can sign in any order.
    Waiver {
        #[command(flatten)]
        common: Common,
        /// The waiver's id.
        #[arg(long, value_name = "ID")]
        waiver: String,
        /// The role signed in, e.g. `risk_officer`.
        #[arg(long)]
        role: String,
        /// The approver's e-mail.
        #[arg(long, value_name = "EMAIL")]
        approver: String,
    },
    /// Sign a JSON evaluation report for the release's artifact (reference
    /// the output from the evaluation's `report_ref`).
    Evaluation {
        #[command(flatten)]
        common: Common,
        /// The JSON report (e.g. `{"metrics": {"auc": 0.78}}`).
        #[arg(long, value_name = "FILE")]
        report: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct Common {
    /// The release manifest (its artifact digest is what is signed for).
    manifest: PathBuf,
    /// The private key, PEM PKCS#8, Ed25519 or ECDSA P-256
    /// (`riskgate keygen NAME`, or `openssl genpkey -algorithm ed25519`).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The key's id in the policy's `trust.keys` (recorded as the
    /// signature's `keyid`).
    #[arg(long, value_name = "ID")]
    keyid: Option<String>,
    /// Where to write the envelope [default: stdout].
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The signing time (RFC 3339) [default: now].
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    now: Option<Now>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DecisionArg {
    Approve,
    Reject,
}

/// Runs `riskgate sign`.
pub fn run(args: &SignArgs) -> Outcome {
    match sign(args) {
        Ok(()) => Outcome::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn sign(args: &SignArgs) -> anyhow::Result<()> {
    let common = match &args.what {
        SignWhat::Approval { common, .. }
        | SignWhat::Waiver { common, .. }
        | SignWhat::Evaluation { common, .. } => common,
    };
    let manifest = read_manifest(&common.manifest)?;
    let in_file = |why: String| anyhow::anyhow!("{}: {why}", common.manifest.display());
    let release = ReleaseRef::of(&manifest).map_err(in_file)?;
    let key = read_signing_key(&common.key)?;
    let at = common
        .now
        .unwrap_or_else(Now::wall_clock)
        .whole_seconds()
        .rfc3339();
    let statement = match &args.what {
        SignWhat::Approval {
            role,
            approver,
            decision,
            ..
        } => {
            let decision = match decision {
                DecisionArg::Approve => "approve",
                DecisionArg::Reject => "reject",
            };
            statements::approval(&release, role, decision, approver, &at)
        }
        SignWhat::Waiver {
            waiver,
            role,
            approver,
            ..
        } => {
            let terms = statements::waiver_of(&manifest, waiver).map_err(in_file)?;
            statements::waiver(&release, terms, role, approver, &at)
        }
        SignWhat::Evaluation { report, .. } => {
            let text = std::fs::read(report).with_context(|| format!("{}", report.display()))?;
            let predicate: serde_json::Value = serde_json::from_slice(&text)
                .with_context(|| format!("{}: not a JSON report", report.display()))?;
            statements::evaluation(&release, predicate)
        }
    };
    let envelope = Envelope::sign(&statement, &key, common.keyid.as_deref().unwrap_or(""));
    let text = serde_json::to_string_pretty(&envelope)? + "\n";
    match &common.output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("{}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(())
}

/// The release of the first document of a manifest file.
pub(crate) fn read_release(path: &Path) -> anyhow::Result<ReleaseRef> {
    let raw = read_manifest(path)?;
    ReleaseRef::of(&raw).map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))
}

/// The manifest of a file that holds exactly one.
fn read_manifest(path: &Path) -> anyhow::Result<Value> {
    let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    let name = path.display().to_string();
    let loaded = load_manifests_from_bytes(&name, &bytes);
    if loaded.len() > 1 {
        anyhow::bail!(
            "{name} holds {} documents; a signature is for one release (put it in a file of its own)",
            loaded.len()
        );
    }
    loaded
        .into_iter()
        .next()
        .and_then(|m| m.raw)
        .with_context(|| {
            format!("{name}: not a readable manifest (`riskgate check {name}` says why)")
        })
}

/// A PEM private key from a file.
pub(crate) fn read_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    SigningKey::from_pem(&pem).map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))
}
