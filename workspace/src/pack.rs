//! Audit evidence packs: one self-contained, verifiable archive per
//! release (`riskgate pack`).
//!
//! A pack holds the manifest as read, the decision (JSON trace, Markdown
//! and HTML renderings), every policy file and the overlay that decided,
//! the riskgate.toml that chose them, and the local evidence files the
//! manifest references, with an index, `pack.json` ([`PackIndex`]), that
//! records the clock, the policy digest and the size and sha256 of every
//! member. This module writes and opens packs; deciding and rendering are
//! the caller's (the CLI), so the same renderers as `riskgate check` and
//! `riskgate report` produce what is packed and what verification
//! compares.
//!
//! Layout (`pack.json` first, then members by name):
//!
//! ```text
//! pack.json
//! config/riskgate.toml            when a configuration file was used
//! decision/decision.html
//! decision/decision.md
//! decision/trace.json
//! evidence/<path as referenced>   local evidence, relative to the manifest
//! manifest/<file name>
//! policy/<NNN>-<file name>        in compile order
//! policy/overlay/<file name>
//! ```

mod archive;
mod index;

use std::collections::BTreeMap;
use std::sync::Arc;

use riskgate_controls::manifest::EvidenceReference;
use riskgate_controls::trace::{Decision, EnforcementPoint, Trace};

pub use archive::Limits;
pub use index::{
    DecisionSummary, EvidenceRecord, Finding, MemberEntry, PackIndex, PackedFile, PackedPolicy,
    ReleaseDecision,
};

use crate::evidence_files::EvidenceRoot;
use crate::policy_files::PolicySource;
use crate::policy_set::{self, OverlayInput, PolicyInputs};
use riskgate_controls::digest::{same_digest, sha256};

/// The version of the pack format `pack.json` records.
pub const FORMAT_VERSION: u32 = 1;
/// The index member.
pub const INDEX_MEMBER: &str = "pack.json";
/// The JSON trace, as `riskgate check --format json` writes it.
pub const TRACE_MEMBER: &str = "decision/trace.json";
/// The decision as Markdown.
pub const MARKDOWN_MEMBER: &str = "decision/decision.md";
/// The decision as a self-contained HTML page.
pub const HTML_MEMBER: &str = "decision/decision.html";

/// Why a pack could not be written or opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// Not a gzip-compressed tar archive, or a damaged one.
    #[error("{why}")]
    Archive {
        /// What is wrong.
        why: String,
    },
    /// A member a pack must never hold (path, kind, size, duplicate).
    #[error("member `{member}`: {why}")]
    UnsafeMember {
        /// The member's name as stored.
        member: String,
        /// What is wrong with it.
        why: String,
    },
    /// A reading limit was reached.
    #[error("{what}")]
    Limit {
        /// Which limit.
        what: String,
    },
    /// `pack.json` is missing, not valid, or names what the pack lacks.
    #[error("{INDEX_MEMBER}{at}: {message}", at = location(*line, *column))]
    Index {
        /// What is wrong.
        message: String,
        /// 1-based line, 0 when the problem has no position.
        line: usize,
        /// 1-based column, 0 when the problem has no position.
        column: usize,
    },
    /// Writing the archive failed.
    #[error("cannot write the archive: {source}")]
    Write {
        /// The cause.
        source: std::io::Error,
    },
}

fn location(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{column}")
    }
}

impl PackError {
    fn index(message: impl Into<String>) -> Self {
        Self::Index {
            message: message.into(),
            line: 0,
            column: 0,
        }
    }
}

/// The decision as rendered for the pack; the caller renders it with the
/// same renderers `riskgate check` and `riskgate report` use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedDecision {
    /// `riskgate check --format json`.
    pub trace_json: String,
    /// `riskgate check --format markdown --explain full`.
    pub markdown: String,
    /// `riskgate report --format html` over this release.
    pub html: String,
}

/// A file as named on the command line, with its bytes.
#[derive(Debug, Clone, Copy)]
pub struct NamedBytes<'a> {
    /// The name as given (`examples/manifests/credit.yaml`).
    pub name: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// Everything a pack records, read and decided by the caller.
pub struct PackInput<'a> {
    /// The riskgate version that decided.
    pub riskgate_version: &'a str,
    /// The evaluation clock, RFC 3339.
    pub now: &'a str,
    /// The enforcement point decided for.
    pub context: EnforcementPoint,
    /// Evaluation steps allowed per manifest.
    pub max_steps: u64,
    /// The manifest, verbatim.
    pub manifest: NamedBytes<'a>,
    /// The policy files and overlay of the run.
    pub policy: &'a PolicyInputs,
    /// `--with-stdlib`.
    pub with_stdlib: bool,
    /// The riskgate.toml that filled the flags, if one was used.
    pub config: Option<NamedBytes<'a>>,
    /// The decision trace (for the summary).
    pub trace: &'a Trace,
    /// The decision as rendered.
    pub rendered: &'a RenderedDecision,
    /// Where the manifest's local evidence references are resolved.
    pub evidence_root: &'a EvidenceRoot,
    /// The manifest's evidence references.
    pub references: &'a [EvidenceReference],
}

/// A written pack.
pub struct WrittenPack {
    /// The tar.gz.
    pub archive: Vec<u8>,
    /// Its `pack.json`.
    pub index: PackIndex,
}

/// Builds the pack of `input`: reads the local evidence files, hashes
/// every member and writes the archive. References that are not local or
/// cannot be read are recorded in [`PackIndex::evidence`], and a document
/// whose file does not match its claimed digest in
/// [`PackIndex::findings`]; neither stops the pack.
///
/// # Errors
/// When the archive cannot be written.
pub fn write(input: &PackInput<'_>) -> Result<WrittenPack, PackError> {
    let mut members: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let manifest_member = format!("manifest/{}", file_name(input.manifest.name, "manifest"));
    members.insert(manifest_member.clone(), input.manifest.bytes.to_vec());
    members.insert(
        TRACE_MEMBER.to_owned(),
        input.rendered.trace_json.clone().into_bytes(),
    );
    members.insert(
        MARKDOWN_MEMBER.to_owned(),
        input.rendered.markdown.clone().into_bytes(),
    );
    members.insert(
        HTML_MEMBER.to_owned(),
        input.rendered.html.clone().into_bytes(),
    );
    let config = input.config.map(|config| {
        members.insert("config/riskgate.toml".to_owned(), config.bytes.to_vec());
        PackedFile {
            name: config.name.to_owned(),
            member: "config/riskgate.toml".to_owned(),
        }
    });
    let policy = pack_policy(input.policy, input.with_stdlib, &mut members);
    let (evidence, findings) = pack_evidence(input.evidence_root, input.references, &mut members);
    let index = PackIndex {
        format_version: FORMAT_VERSION,
        riskgate_version: input.riskgate_version.to_owned(),
        now: input.now.to_owned(),
        context: input.context,
        max_steps: input.max_steps,
        manifest: PackedFile {
            name: input.manifest.name.to_owned(),
            member: manifest_member,
        },
        policy,
        config,
        decision: decision_summary(input.trace),
        evidence,
        findings,
        members: members
            .iter()
            .map(|(path, bytes)| MemberEntry {
                path: path.clone(),
                size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                sha256: sha256(bytes),
            })
            .collect(),
    };
    let index_json = index.to_json();
    let archive = archive::write(
        std::iter::once((INDEX_MEMBER, index_json.as_bytes())).chain(
            members
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes.as_slice())),
        ),
    )?;
    Ok(WrittenPack { archive, index })
}

fn pack_policy(
    inputs: &PolicyInputs,
    with_stdlib: bool,
    members: &mut BTreeMap<String, Vec<u8>>,
) -> PackedPolicy {
    let files = policy_set::compiled_files(&inputs.policies, with_stdlib);
    let packed = files
        .iter()
        .enumerate()
        .map(|(position, (name, text))| {
            // The position keeps compile order visible and two files
            // with the same name (a.rego in two directories) apart.
            let member = format!("policy/{:03}-{}", position + 1, file_name(name, "policy"));
            members.insert(member.clone(), text.as_bytes().to_vec());
            PackedFile {
                name: (*name).to_owned(),
                member,
            }
        })
        .collect();
    let overlay = inputs.overlay.as_ref().map(|overlay| {
        let member = format!("policy/overlay/{}", file_name(&overlay.name, "overlay"));
        members.insert(member.clone(), overlay.text.as_bytes().to_vec());
        PackedFile {
            name: overlay.name.clone(),
            member,
        }
    });
    PackedPolicy {
        digest: policy_set::policy_digest(&inputs.policies, with_stdlib, inputs.overlay.as_ref()),
        source: policy_set::policy_source(&inputs.dirs, with_stdlib),
        dirs: inputs
            .dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect(),
        files: packed,
        overlay,
    }
}

fn pack_evidence(
    root: &EvidenceRoot,
    references: &[EvidenceReference],
    members: &mut BTreeMap<String, Vec<u8>>,
) -> (Vec<EvidenceRecord>, Vec<Finding>) {
    let mut records = Vec::new();
    let mut findings = Vec::new();
    for reference in references {
        let mut record = EvidenceRecord {
            pointer: reference.pointer.clone(),
            reference: reference.reference.clone(),
            status: "packed".to_owned(),
            member: None,
            sha256: None,
            claimed_digest: reference.claimed_digest.clone(),
            detail: None,
        };
        let read = root
            .relative_path(&reference.reference)
            .and_then(|relative| Ok((relative, root.read(&reference.reference)?)));
        match read {
            Ok((relative, bytes)) => {
                let member = format!("evidence/{}", relative_member_name(&relative));
                let digest = sha256(&bytes);
                findings.extend(digest_finding(
                    &reference.pointer,
                    &reference.reference,
                    reference.claimed_digest.as_deref(),
                    &digest,
                ));
                record.member = Some(member.clone());
                record.sha256 = Some(digest);
                members.insert(member, bytes);
            }
            Err(error) => {
                record.status = error.kind().to_owned();
                record.detail = Some(error.to_string());
            }
        }
        records.push(record);
    }
    (records, findings)
}

/// A `digest_mismatch` when the reference at `pointer` claims a digest
/// its file's `digest` is not.
fn digest_finding(
    pointer: &str,
    reference: &str,
    claimed: Option<&str>,
    digest: &str,
) -> Option<Finding> {
    let claimed = claimed?;
    (!same_digest(claimed, digest)).then(|| Finding {
        kind: "digest_mismatch".to_owned(),
        pointer: pointer.to_owned(),
        reference: reference.to_owned(),
        message: format!("{reference} claims digest {claimed}, the file's sha256 is {digest}"),
    })
}

/// A relative path with `/` separators (the tar convention on every
/// platform).
fn relative_member_name(relative: &std::path::Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The last component of a name, or `fallback` when it has none.
fn file_name<'a>(name: &'a str, fallback: &'a str) -> &'a str {
    std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback)
}

fn decision_summary(trace: &Trace) -> DecisionSummary {
    DecisionSummary {
        decision: trace
            .manifests
            .iter()
            .map(|m| m.decision)
            .max()
            .unwrap_or(Decision::Pass),
        summary: trace.summary.clone(),
        releases: trace
            .manifests
            .iter()
            .map(|m| ReleaseDecision {
                document: m.document,
                name: m.name.clone(),
                namespace: m.namespace.clone(),
                decision: m.decision,
            })
            .collect(),
    }
}

/// A pack read back: its index and members, every member's size and
/// sha256 compared with the index.
#[derive(Debug)]
pub struct OpenedPack {
    /// `pack.json`.
    pub index: PackIndex,
    /// The members by name, `pack.json` excluded.
    members: BTreeMap<String, Vec<u8>>,
    /// Members whose size or sha256 differs from `pack.json`.
    pub mismatches: Vec<MemberMismatch>,
}

/// A member whose content is not what `pack.json` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberMismatch {
    /// The member.
    pub member: String,
    /// What differs.
    pub why: String,
}

/// Opens a pack: reads the archive within `limits`, parses `pack.json`
/// and compares every member with it.
///
/// # Errors
/// When the archive is not a pack: damaged, an unsafe or unexpected
/// member, a missing member, a limit reached, or a `pack.json` that is
/// missing, invalid (with its line:col) or of another format version.
pub fn open(archive: &[u8], limits: &Limits) -> Result<OpenedPack, PackError> {
    let mut members = archive::read(archive, limits)?;
    let index_bytes = members
        .remove(INDEX_MEMBER)
        .ok_or_else(|| PackError::index("not in the archive (is this an evidence pack?)"))?;
    let index = PackIndex::parse(&index_bytes)?;
    if index.format_version != FORMAT_VERSION {
        return Err(PackError::index(format!(
            "format version {} is not supported (this riskgate reads version {FORMAT_VERSION})",
            index.format_version
        )));
    }
    let listed: BTreeMap<&str, &MemberEntry> =
        index.members.iter().map(|m| (m.path.as_str(), m)).collect();
    if let Some(extra) = members
        .keys()
        .find(|path| !listed.contains_key(path.as_str()))
    {
        return Err(PackError::UnsafeMember {
            member: extra.clone(),
            why: format!("not listed in {INDEX_MEMBER}"),
        });
    }
    if let Some(missing) = listed.keys().find(|path| !members.contains_key(**path)) {
        return Err(PackError::UnsafeMember {
            member: (*missing).to_owned(),
            why: format!("listed in {INDEX_MEMBER} but not in the archive"),
        });
    }
    for named in index.named_members() {
        if !listed.contains_key(named) {
            return Err(PackError::index(format!(
                "names member `{named}`, which is not in its member list"
            )));
        }
    }
    let mismatches = index
        .members
        .iter()
        .filter_map(|entry| {
            let bytes = members.get(&entry.path)?;
            let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            let digest = sha256(bytes);
            let why = if size != entry.size {
                format!("{size} bytes, {INDEX_MEMBER} records {}", entry.size)
            } else if digest != entry.sha256 {
                format!(
                    "sha256 is {digest}, {INDEX_MEMBER} records {}",
                    entry.sha256
                )
            } else {
                return None;
            };
            Some(MemberMismatch {
                member: entry.path.clone(),
                why,
            })
        })
        .collect();
    Ok(OpenedPack {
        index,
        members,
        mismatches,
    })
}

impl OpenedPack {
    /// A member's bytes.
    #[must_use]
    pub fn member(&self, path: &str) -> Option<&[u8]> {
        self.members.get(path).map(Vec::as_slice)
    }

    /// The member names (`pack.json` excluded), sorted.
    pub fn member_names(&self) -> impl Iterator<Item = &str> {
        self.members.keys().map(String::as_str)
    }

    /// The manifest's bytes.
    #[must_use]
    pub fn manifest(&self) -> &[u8] {
        self.member(&self.index.manifest.member).unwrap_or_default()
    }

    /// The packed policy files as sources, in compile order, under the
    /// names they were compiled with (so positions in the trace match).
    ///
    /// # Errors
    /// When a policy member is not UTF-8.
    pub fn policy_sources(&self) -> Result<Vec<PolicySource>, PackError> {
        self.index
            .policy
            .files
            .iter()
            .map(|file| {
                Ok(PolicySource {
                    name: file.name.clone(),
                    path: None,
                    text: Arc::from(self.text(&file.member)?),
                })
            })
            .collect()
    }

    /// The packed overlay.
    ///
    /// # Errors
    /// When the overlay member is not UTF-8.
    pub fn overlay(&self) -> Result<Option<OverlayInput>, PackError> {
        self.index
            .policy
            .overlay
            .as_ref()
            .map(|file| {
                Ok(OverlayInput {
                    name: file.name.clone(),
                    text: self.text(&file.member)?.to_owned(),
                })
            })
            .transpose()
    }

    /// The policy digest recomputed from the packed files.
    ///
    /// # Errors
    /// When a policy member is not UTF-8.
    pub fn policy_digest(&self) -> Result<String, PackError> {
        // The packed files are the whole set (the standard library's
        // included when it was used), so nothing is added to them.
        Ok(policy_set::policy_digest(
            &self.policy_sources()?,
            false,
            self.overlay()?.as_ref(),
        ))
    }

    /// What is wrong with `pack.json`'s evidence list, given the
    /// references of the packed manifest: the list must be the manifest's
    /// references (pointer, reference, claimed digest, in order), each
    /// packed file's recorded sha256 its member's, and the recorded
    /// findings the digest mismatches of the packed files. Empty when all
    /// agree.
    #[must_use]
    pub fn evidence_problems(&self, references: &[EvidenceReference]) -> Vec<String> {
        let mut problems = Vec::new();
        let recorded = &self.index.evidence;
        let listed = |r: &EvidenceReference| {
            (
                r.pointer.clone(),
                r.reference.clone(),
                r.claimed_digest.clone(),
            )
        };
        let in_index = |r: &EvidenceRecord| {
            (
                r.pointer.clone(),
                r.reference.clone(),
                r.claimed_digest.clone(),
            )
        };
        if !references
            .iter()
            .map(listed)
            .eq(recorded.iter().map(in_index))
        {
            let differs = references
                .iter()
                .map(|r| r.pointer.as_str())
                .zip(recorded.iter().map(|r| r.pointer.as_str()))
                .find(|(manifest, index)| manifest != index)
                .map_or_else(String::new, |(manifest, _)| {
                    format!(" (first at {manifest})")
                });
            problems.push(format!(
                "the evidence list is not the manifest's {} references{differs}",
                references.len()
            ));
        }
        let mut findings = Vec::new();
        // The records were just compared with the manifest's references,
        // so their claimed digests are the manifest's.
        for record in recorded {
            let Some(member) = &record.member else {
                continue;
            };
            let digest = sha256(self.member(member).unwrap_or_default());
            if record.sha256.as_deref() != Some(digest.as_str()) {
                problems.push(format!(
                    "{member}: the evidence entry at {} records another sha256",
                    record.pointer
                ));
            }
            findings.extend(digest_finding(
                &record.pointer,
                &record.reference,
                record.claimed_digest.as_deref(),
                &digest,
            ));
        }
        if findings != self.index.findings {
            problems.push(format!(
                "the findings are not what the packed evidence shows ({} recorded, {} found)",
                self.index.findings.len(),
                findings.len()
            ));
        }
        problems
    }

    fn text(&self, member: &str) -> Result<&str, PackError> {
        std::str::from_utf8(self.member(member).unwrap_or_default()).map_err(|_| {
            PackError::UnsafeMember {
                member: member.to_owned(),
                why: "a policy file that is not UTF-8".to_owned(),
            }
        })
    }
}

#[cfg(test)]
mod tests;
