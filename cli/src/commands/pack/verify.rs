//! `riskgate pack --verify`: is this pack what it says it is?
//!
//! Four checks, each printed on its own line: every member against its
//! size and sha256 in `pack.json` (an archive with unsafe, extra or
//! missing members is refused before anything else), the policy digest
//! recomputed from the packed files, the evidence list against the packed
//! manifest's references and files, and the decision made again from the
//! packed manifest and policy set at the packed clock, rendered and
//! compared byte for byte with the packed trace, Markdown and HTML.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;
use riskgate_workspace::clock::Now;
use riskgate_workspace::pack::{self, Limits, OpenedPack};

use super::{Decision, decide};
use crate::Outcome;
use crate::commands::check::seam::ManifestInput;

/// Verifies the pack at `path`, printing the verdict on stdout.
pub(super) fn run(path: &Path, timeout: std::time::Duration) -> anyhow::Result<Outcome> {
    let limits = Limits::default();
    let archive = read_limited(path, limits.max_archive_bytes)?;
    let name = path.display();
    println!("verifying {name}");
    let opened = match pack::open(&archive, &limits) {
        Ok(opened) => opened,
        Err(error) => {
            println!("  FAIL  {error}");
            println!("verification FAILED: {name} is not a valid evidence pack");
            return Ok(Outcome::Findings);
        }
    };
    let index = &opened.index;
    println!(
        "  ok    pack.json: format {}, riskgate {}, clock {}, decision {}",
        index.format_version,
        index.riskgate_version,
        index.now,
        index.decision.decision.as_str()
    );
    let mut failed: Vec<String> = Vec::new();
    if opened.mismatches.is_empty() {
        println!(
            "  ok    {} members match their size and sha256 in pack.json",
            index.members.len()
        );
    }
    for mismatch in &opened.mismatches {
        println!("  FAIL  {}: {}", mismatch.member, mismatch.why);
        failed.push(mismatch.member.clone());
    }
    match check_policy_digest(&opened) {
        Ok(line) => println!("  ok    {line}"),
        Err(line) => {
            println!("  FAIL  {line}");
            failed.push("policy digest".to_owned());
        }
    }
    let manifest = ManifestInput {
        name: index.manifest.name.clone(),
        bytes: opened.manifest().to_vec(),
    };
    let references = super::evidence_references(&manifest);
    let evidence_problems = opened.evidence_problems(&references);
    if evidence_problems.is_empty() {
        println!(
            "  ok    the evidence list is the manifest's {} references ({} of them packed)",
            references.len(),
            index.evidence.iter().filter(|e| e.member.is_some()).count()
        );
    }
    for problem in evidence_problems {
        println!("  FAIL  pack.json: {problem}");
        failed.push("evidence list".to_owned());
    }
    match redecide(&opened, &manifest, timeout) {
        Ok(differing) if differing.is_empty() => println!(
            "  ok    decided again at {}: {}, {} and {} are byte-identical",
            index.now,
            pack::TRACE_MEMBER,
            pack::MARKDOWN_MEMBER,
            pack::HTML_MEMBER
        ),
        Ok(differing) => {
            for member in differing {
                println!(
                    "  FAIL  {member}: deciding again at {} gives different bytes",
                    index.now
                );
                failed.push(member.to_owned());
            }
            let running = env!("CARGO_PKG_VERSION");
            if index.riskgate_version != running {
                println!(
                    "        (packed by riskgate {}, verified with {running}: a different version may decide differently)",
                    index.riskgate_version
                );
            }
        }
        Err(error) => {
            println!("  FAIL  deciding again: {error:#}");
            failed.push("decision".to_owned());
        }
    }
    for finding in &index.findings {
        println!(
            "  note  recorded when packing: {} ({})",
            finding.message, finding.pointer
        );
    }
    if failed.is_empty() {
        println!("verified: {name}");
        Ok(Outcome::Success)
    } else {
        println!("verification FAILED: {name}: {}", failed.join(", "));
        Ok(Outcome::Findings)
    }
}

/// Reads at most `limit` bytes: a pack is untrusted input, its size too.
fn read_limited(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        anyhow::bail!(
            "{}: over the pack size limit of {limit} bytes",
            path.display()
        );
    }
    Ok(bytes)
}

fn check_policy_digest(opened: &OpenedPack) -> Result<String, String> {
    let recorded = &opened.index.policy.digest;
    match opened.policy_digest() {
        Ok(digest) if &digest == recorded => Ok(format!(
            "policy digest {recorded} ({} files{})",
            opened.index.policy.files.len(),
            if opened.index.policy.overlay.is_some() {
                " and an overlay"
            } else {
                ""
            }
        )),
        Ok(digest) => Err(format!(
            "policy digest: the packed files give {digest}, pack.json records {recorded}"
        )),
        Err(error) => Err(format!("policy digest: {error}")),
    }
}

/// The decision members whose bytes differ when deciding again.
fn redecide(
    opened: &OpenedPack,
    manifest: &ManifestInput,
    timeout: std::time::Duration,
) -> anyhow::Result<Vec<&'static str>> {
    let index = &opened.index;
    let now = Now::parse(&index.now).with_context(|| format!("pack.json: now `{}`", index.now))?;
    let policies = opened.policy_sources()?;
    let overlay = opened.overlay()?;
    let decided = decide(&Decision {
        manifest,
        policies: &policies,
        policy_source: &index.policy.source,
        overlay: overlay.as_ref(),
        context: index.context,
        now,
        max_steps: index.max_steps,
        timeout,
    })?;
    let rendered = decided.rendered;
    Ok([
        (pack::TRACE_MEMBER, rendered.trace_json),
        (pack::MARKDOWN_MEMBER, rendered.markdown),
        (pack::HTML_MEMBER, rendered.html),
    ]
    .into_iter()
    .filter(|(member, text)| opened.member(member) != Some(text.as_bytes()))
    .map(|(member, _)| member)
    .collect())
}
