//! End-to-end tests of `riskgate pack`: a pack of an example release
//! verifies; changing any member, adding one, or planting a `..` or
//! symlink member makes verification fail and name it; the same inputs
//! give the same bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::Path;

use serde_json::Value;
use support::{ROOT, riskgate, riskgate_in};

const NOW: &str = "2026-10-01T00:00:00Z";
const EXAMPLE: &str = "examples/manifests/credit-scorer-pass.yaml";
const MODEL_CARD: &str = "# Credit scorer 3.2.0\n\nIntended use: consumer lending.\n";
const VALIDATION: &str = "%PDF-1.7 validation report\n";

/// A release directory with the example manifest rewritten to reference
/// local evidence: a model card whose digest matches, a validation report
/// whose claimed digest does not, and a fairness report that is missing.
fn release_with_local_evidence() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    std::fs::create_dir_all(release.join("docs")).unwrap();
    std::fs::create_dir_all(release.join("reports")).unwrap();
    std::fs::write(release.join("docs/model-card.md"), MODEL_CARD).unwrap();
    std::fs::write(release.join("reports/validation.pdf"), VALIDATION).unwrap();
    let manifest = std::fs::read_to_string(Path::new(ROOT).join(EXAMPLE)).unwrap();
    let card_digest = sha256(MODEL_CARD.as_bytes());
    let replacements = [
        (
            "uri: docs://credit-scorer/3.2.0/model-card.md, digest: \"sha256:0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d\"",
            format!("uri: docs/model-card.md, digest: \"{card_digest}\""),
        ),
        (
            "uri: docs://validation/credit-scorer-3.2.0.pdf",
            "uri: file:reports/validation.pdf".to_owned(),
        ),
        (
            "report_ref: docs://validation/credit-scorer-3.2.0.pdf",
            "report_ref: ./reports/validation.pdf".to_owned(),
        ),
        (
            "report_ref: reports://credit-scorer/3.2.0/fairness.html",
            "report_ref: reports/fairness.html".to_owned(),
        ),
    ];
    let mut rewritten = manifest;
    for (from, to) in replacements {
        assert!(rewritten.contains(from), "the example no longer has {from}");
        rewritten = rewritten.replace(from, &to);
    }
    std::fs::write(release.join("credit.yaml"), rewritten).unwrap();
    dir
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(bytes);
    format!(
        "sha256:{}",
        hash.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Packs `manifest` (relative to `dir`) into `dir/release.tar.gz`.
fn pack(dir: &Path, manifest: &str) -> (String, Vec<u8>) {
    let (code, stdout, stderr) = riskgate_in(
        dir,
        &[
            "--no-config",
            "pack",
            manifest,
            "--now",
            NOW,
            "-o",
            "release.tar.gz",
        ],
    );
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    (stderr, std::fs::read(dir.join("release.tar.gz")).unwrap())
}

fn verify(dir: &Path, archive: &[u8]) -> (i32, String) {
    std::fs::write(dir.join("checked.tar.gz"), archive).unwrap();
    // stderr has the diagnostics of a tampered policy file that no longer
    // compiles; the verdict is on stdout.
    let (code, stdout, _) = riskgate_in(dir, &["pack", "--verify", "checked.tar.gz"]);
    (code, stdout)
}

/// The members of a pack, in archive order.
fn members(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().display().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (path, bytes)
        })
        .collect()
}

/// A tar.gz of `members`, plus raw entries (`path`, type) a careful
/// writer would refuse.
fn tar_gz(members: &[(String, Vec<u8>)], raw: &[(&str, tar::EntryType)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (path, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, path, bytes.as_slice())
            .unwrap();
    }
    for (path, kind) in raw {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_entry_type(*kind);
        header.set_size(0);
        if *kind == tar::EntryType::Symlink {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        tar.append(&header, std::io::empty()).unwrap();
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(&tar.into_inner().unwrap()).unwrap();
    gzip.finish().unwrap()
}

fn flip_a_byte(bytes: &mut [u8]) {
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
}

/// `members` with `member` changed, optionally with `pack.json` updated
/// to the new hash (a forger's pack: only deciding again can tell).
fn tamper(
    members: &[(String, Vec<u8>)],
    member: &str,
    update_index: bool,
) -> Vec<(String, Vec<u8>)> {
    let mut changed: Vec<(String, Vec<u8>)> = members.to_vec();
    let entry = changed.iter_mut().find(|(path, _)| path == member).unwrap();
    flip_a_byte(&mut entry.1);
    let (size, digest) = (entry.1.len(), sha256(&entry.1));
    if update_index {
        let index = changed
            .iter_mut()
            .find(|(path, _)| path == "pack.json")
            .unwrap();
        let mut json: Value = serde_json::from_slice(&index.1).unwrap();
        for listed in json["members"].as_array_mut().unwrap() {
            if listed["path"] == member {
                listed["size"] = size.into();
                listed["sha256"] = digest.clone().into();
            }
        }
        index.1 = serde_json::to_vec_pretty(&json).unwrap();
    }
    changed
}

/// Verifies the pack with one byte of `member` changed (see [`tamper`]);
/// verification must fail.
fn verify_tampered(
    dir: &Path,
    members: &[(String, Vec<u8>)],
    member: &str,
    update_index: bool,
) -> String {
    let (code, stdout) = verify(dir, &tar_gz(&tamper(members, member, update_index), &[]));
    assert_eq!(code, 1, "{member}: {stdout}");
    stdout
}

/// `pack.json` with what changes with the standard library, the
/// renderers or the example manifest replaced, so the snapshot shows the
/// structure and the evidence.
fn stable_index(json: &[u8]) -> String {
    let mut index: Value = serde_json::from_slice(json).unwrap();
    index["policy"]["digest"] = "<policy digest>".into();
    let files = index["policy"]["files"].as_array_mut().unwrap();
    let count = files.len();
    files.truncate(1);
    files.push(format!("... {count} files in all").into());
    for member in index["members"].as_array_mut().unwrap() {
        let path = member["path"].as_str().unwrap().to_owned();
        if !path.starts_with("evidence/") {
            member["size"] = "<size>".into();
            member["sha256"] = "<sha256>".into();
        }
    }
    let members = index["members"].as_array_mut().unwrap();
    members.retain(|m| {
        !m["path"].as_str().unwrap().starts_with("policy/0")
            || m["path"] == "policy/001-config.rego"
    });
    serde_json::to_string_pretty(&index).unwrap()
}

fn stable_output(text: &str) -> String {
    let digest = regex::Regex::new("sha256:[0-9a-f]{64}").unwrap();
    digest.replace_all(text, "sha256:<digest>").into_owned()
}

#[test]
fn a_pack_of_an_example_release_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("release.tar.gz").display().to_string();
    // From the repository root, so the manifest keeps its relative name.
    let (code, _, stderr) =
        riskgate(&["--no-config", "pack", EXAMPLE, "--now", NOW, "-o", &output]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("decision pass"), "{stderr}");
    let archive = std::fs::read(&output).unwrap();
    let names: Vec<String> = members(&archive).into_iter().map(|(p, _)| p).collect();
    assert_eq!(names[0], "pack.json", "the index comes first");
    assert!(names.contains(&"manifest/credit-scorer-pass.yaml".to_owned()));
    assert_eq!(
        members(&archive)
            .iter()
            .find(|(p, _)| p == "manifest/credit-scorer-pass.yaml")
            .unwrap()
            .1,
        std::fs::read(Path::new(ROOT).join(EXAMPLE)).unwrap(),
        "the manifest is packed verbatim"
    );
    let (code, stdout) = verify(dir.path(), &archive);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("verify_passes", stable_output(&stdout));
}

#[test]
fn the_packed_trace_is_what_check_writes() {
    let dir = release_with_local_evidence();
    let (_, archive) = pack(dir.path(), "release/credit.yaml");
    let (code, check, stderr) = riskgate_in(
        dir.path(),
        &[
            "--no-config",
            "check",
            "release/credit.yaml",
            "--now",
            NOW,
            "--format",
            "json",
            "--explain",
            "full",
        ],
    );
    assert!(code <= 1, "{stderr}");
    let packed = members(&archive)
        .into_iter()
        .find(|(p, _)| p == "decision/trace.json")
        .unwrap()
        .1;
    assert_eq!(String::from_utf8(packed).unwrap(), check);
}

#[test]
fn pack_json_lists_members_evidence_and_findings() {
    let dir = release_with_local_evidence();
    let (stderr, archive) = pack(dir.path(), "release/credit.yaml");
    assert!(
        stderr.contains("warning: file:reports/validation.pdf claims digest sha256:1d2e"),
        "a wrong claimed digest is a warning: {stderr}"
    );
    assert!(
        stderr.contains(
            "warning: evidence reports/fairness.html (/spec/evaluations/1/report_ref) is not packed"
        ),
        "{stderr}"
    );
    let members = members(&archive);
    let packed: BTreeMap<&str, &[u8]> = members
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    assert_eq!(packed["evidence/docs/model-card.md"], MODEL_CARD.as_bytes());
    assert_eq!(
        packed["evidence/reports/validation.pdf"],
        VALIDATION.as_bytes()
    );
    insta::assert_snapshot!("pack_json", stable_index(packed["pack.json"]));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let dir = release_with_local_evidence();
    let (_, first) = pack(dir.path(), "release/credit.yaml");
    let (_, second) = pack(dir.path(), "release/credit.yaml");
    assert!(first == second, "two packs of the same release differ");
}

#[test]
fn a_changed_member_fails_verification_by_name() {
    let dir = release_with_local_evidence();
    let (_, archive) = pack(dir.path(), "release/credit.yaml");
    let members = members(&archive);
    for member in [
        "manifest/credit.yaml",
        "evidence/docs/model-card.md",
        "decision/trace.json",
        "policy/005-lib.gate",
    ] {
        let stdout = verify_tampered(dir.path(), &members, member, false);
        assert!(
            stdout.contains(&format!("  FAIL  {member}: sha256 is ")),
            "{member}: {stdout}"
        );
        assert!(
            stdout.contains("verification FAILED: checked.tar.gz: "),
            "{stdout}"
        );
    }
}

#[test]
fn a_forged_index_is_caught_by_deciding_again() {
    let dir = release_with_local_evidence();
    let (_, archive) = pack(dir.path(), "release/credit.yaml");
    let members = members(&archive);
    let stdout = verify_tampered(dir.path(), &members, "decision/trace.json", true);
    assert!(
        stdout.contains("members match their size and sha256"),
        "{stdout}"
    );
    insta::assert_snapshot!("verify_forged_trace", stable_output(&stdout));
    let stdout = verify_tampered(dir.path(), &members, "policy/005-lib.gate", true);
    assert!(
        stdout.contains("  FAIL  policy digest: the packed files give "),
        "{stdout}"
    );
}

#[test]
fn unexpected_members_are_refused_by_name() {
    let dir = release_with_local_evidence();
    let (_, archive) = pack(dir.path(), "release/credit.yaml");
    let mut members = members(&archive);
    let cases: [(&[(&str, tar::EntryType)], &str); 3] = [
        (
            &[("../../etc/cron.d/job", tar::EntryType::Regular)],
            "member `../../etc/cron.d/job`: a `..` component",
        ),
        (
            &[("evidence/docs/link.md", tar::EntryType::Symlink)],
            "member `evidence/docs/link.md`: a symlink",
        ),
        (
            &[("evidence/planted.sh", tar::EntryType::Regular)],
            "member `evidence/planted.sh`: not listed in pack.json",
        ),
    ];
    for (raw, expected) in cases {
        let (code, stdout) = verify(dir.path(), &tar_gz(&members, raw));
        assert_eq!(code, 1, "{stdout}");
        assert!(
            stdout.contains(&format!("  FAIL  {expected}")),
            "{expected}: {stdout}"
        );
        assert!(stdout.contains("is not a valid evidence pack"), "{stdout}");
    }
    members.retain(|(path, _)| path != "evidence/docs/model-card.md");
    let (code, stdout) = verify(dir.path(), &tar_gz(&members, &[]));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(
            "member `evidence/docs/model-card.md`: listed in pack.json but not in the archive"
        ),
        "{stdout}"
    );
}

#[test]
fn what_is_not_a_pack_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout) = verify(dir.path(), b"definitely not gzip");
    assert_eq!(code, 1);
    assert!(
        stdout.contains("FAIL  not a gzip-compressed tar archive"),
        "{stdout}"
    );
    let (code, _, stderr) = riskgate_in(dir.path(), &["pack", "--verify", "missing.tar.gz"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: missing.tar.gz: cannot read"),
        "{stderr}"
    );
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &["--no-config", "pack", "nope.yaml", "-o", "x.tar.gz"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("error: nope.yaml: cannot read"), "{stderr}");
}

#[test]
fn custom_policies_an_overlay_and_the_configuration_are_packed_and_verify() {
    let dir = release_with_local_evidence();
    let root = Path::new(ROOT);
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::copy(
        root.join("examples/policies/rollback.gate"),
        dir.path().join("policies/rollback.gate"),
    )
    .unwrap();
    std::fs::copy(
        root.join("examples/overlays/org.yaml"),
        dir.path().join("overlay.yaml"),
    )
    .unwrap();
    // Found by discovery from the current directory; [check] chooses the
    // policies, the overlay and the enforcement point.
    std::fs::write(
        dir.path().join("riskgate.toml"),
        "[check]\npolicy = [\"policies\"]\nwith-stdlib = true\noverlay = \"overlay.yaml\"\ncontext = \"audit\"\n",
    )
    .unwrap();
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "pack",
            "release/credit.yaml",
            "--now",
            NOW,
            "-o",
            "release.tar.gz",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let archive = std::fs::read(dir.path().join("release.tar.gz")).unwrap();
    let members = members(&archive);
    let packed: BTreeMap<&str, &[u8]> = members
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let index: Value = serde_json::from_slice(packed["pack.json"]).unwrap();
    assert_eq!(index["context"], "audit");
    assert_eq!(index["policy"]["source"], "embedded stdlib + policies");
    assert_eq!(
        index["policy"]["overlay"]["member"],
        "policy/overlay/overlay.yaml"
    );
    assert_eq!(index["config"]["member"], "config/riskgate.toml");
    let files = index["policy"]["files"].as_array().unwrap();
    assert_eq!(files.last().unwrap()["name"], "policies/rollback.gate");
    assert!(
        files.len() > 1,
        "the stdlib's files are packed with the custom ones"
    );
    let trace: Value = serde_json::from_slice(packed["decision/trace.json"]).unwrap();
    assert_eq!(trace["policy_source"], "embedded stdlib + policies");
    assert_eq!(trace["enforcement_point"], "audit");
    // Verification uses what the pack holds, whatever the directory says.
    std::fs::remove_dir_all(dir.path().join("policies")).unwrap();
    std::fs::remove_file(dir.path().join("riskgate.toml")).unwrap();
    let (code, stdout) = verify(dir.path(), &archive);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("files and an overlay)"), "{stdout}");
}

#[test]
fn a_manifest_that_does_not_load_is_packed_with_its_error_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "kind: ModelRelease\nspec: [unclosed\n",
    )
    .unwrap();
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "--no-config",
            "pack",
            "broken.yaml",
            "--now",
            NOW,
            "-o",
            "release.tar.gz",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error: broken.yaml:"),
        "the error names the file and position: {stderr}"
    );
    assert!(stderr.contains("decision error"), "{stderr}");
    let archive = std::fs::read(dir.path().join("release.tar.gz")).unwrap();
    let (code, stdout) = verify(dir.path(), &archive);
    assert_eq!(
        code, 0,
        "an undecided release still packs and verifies: {stdout}"
    );
}
