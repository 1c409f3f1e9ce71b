//! `pack.json`: what a pack holds and how it was decided.
//!
//! Plain, versioned data ([`super::FORMAT_VERSION`]): fields may be added
//! within a version, never renamed or removed. Lists are in a fixed order
//! (policy files in compile order, evidence in manifest order, members by
//! name), so the same inputs give the same bytes.

use riskgate_controls::trace::{Decision, EnforcementPoint, Summary};
use serde::{Deserialize, Serialize};

use super::{HTML_MEMBER, MARKDOWN_MEMBER, PackError, TRACE_MEMBER};

/// The contents manifest of an evidence pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackIndex {
    /// The pack format.
    pub format_version: u32,
    /// The riskgate version that decided and packed.
    pub riskgate_version: String,
    /// The evaluation clock used (RFC 3339, UTC); verification decides
    /// again at this instant.
    pub now: String,
    /// The enforcement point decided for.
    pub context: EnforcementPoint,
    /// Evaluation steps allowed per manifest.
    pub max_steps: u64,
    /// The manifest: its name as given and its member.
    pub manifest: PackedFile,
    /// The policy set that decided.
    pub policy: PackedPolicy,
    /// The riskgate.toml that filled the command's flags, if any.
    pub config: Option<PackedFile>,
    /// The decision, summarised.
    pub decision: DecisionSummary,
    /// Every evidence reference of the manifest and what became of it.
    pub evidence: Vec<EvidenceRecord>,
    /// What packing found wrong with the evidence (a document whose file
    /// does not match its claimed digest).
    pub findings: Vec<Finding>,
    /// Every member but `pack.json`, by name.
    pub members: Vec<MemberEntry>,
}

/// A packed file: the name it had and the member that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedFile {
    /// The name as given when packing (also the name in diagnostics and
    /// trace locations).
    pub name: String,
    /// The member.
    pub member: String,
}

/// The policy set of the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedPolicy {
    /// `policy_set::policy_digest` over the files and overlay.
    pub digest: String,
    /// Where the policies came from (`embedded stdlib`, directories), as
    /// the trace says.
    pub source: String,
    /// The `--policy` directories as given.
    pub dirs: Vec<String>,
    /// Every file compiled, in compile order (the standard library's
    /// files too when it was used).
    pub files: Vec<PackedFile>,
    /// The overlay.
    pub overlay: Option<PackedFile>,
}

/// The decision at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionSummary {
    /// The worst decision of the manifest's documents.
    pub decision: Decision,
    /// The trace's counts.
    pub summary: Summary,
    /// One entry per manifest document.
    pub releases: Vec<ReleaseDecision>,
}

/// The decision for one manifest document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseDecision {
    /// 0-based document index in the manifest file.
    pub document: usize,
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The decision.
    pub decision: Decision,
}

/// One evidence reference of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// Where in the manifest (JSON Pointer).
    pub pointer: String,
    /// The reference as written.
    pub reference: String,
    /// `packed`, or why not: `not_local` (a URL), `not_found`,
    /// `escapes_root`, `too_large`, `unreadable`.
    pub status: String,
    /// The member holding the file, when packed.
    pub member: Option<String>,
    /// The file's sha256, when packed.
    pub sha256: Option<String>,
    /// The digest the manifest claims for it, if any.
    pub claimed_digest: Option<String>,
    /// Why it was not packed, for a reader.
    pub detail: Option<String>,
}

/// Something packing found wrong with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `digest_mismatch`.
    pub kind: String,
    /// Where in the manifest.
    pub pointer: String,
    /// The reference as written.
    pub reference: String,
    /// For a reader.
    pub message: String,
}

/// A member's size and digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// The member's name in the archive.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// `sha256:<hex>`.
    pub sha256: String,
}

impl PackIndex {
    /// As written into the pack: pretty JSON with a final newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// Parses `pack.json`.
    ///
    /// # Errors
    /// When it is not JSON or not a pack index, with the line:col.
    pub fn parse(bytes: &[u8]) -> Result<Self, PackError> {
        serde_json::from_slice(bytes).map_err(|error| {
            // serde_json appends the position; the error renders it as
            // `pack.json:line:col` instead.
            let message = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            PackError::Index {
                message: message.strip_suffix(&suffix).unwrap_or(&message).to_owned(),
                line: error.line(),
                column: error.column(),
            }
        })
    }

    /// Every member the index refers to outside its member list.
    pub(super) fn named_members(&self) -> impl Iterator<Item = &str> {
        let files = self
            .policy
            .files
            .iter()
            .chain(&self.policy.overlay)
            .chain(&self.config)
            .chain(std::iter::once(&self.manifest))
            .map(|file| file.member.as_str());
        let evidence = self.evidence.iter().filter_map(|e| e.member.as_deref());
        [TRACE_MEMBER, MARKDOWN_MEMBER, HTML_MEMBER]
            .into_iter()
            .chain(files)
            .chain(evidence)
    }
}
