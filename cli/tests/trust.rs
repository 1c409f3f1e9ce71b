//! Evidence that can be trusted, end to end: `--verify-evidence` against
//! files and signatures, `riskgate sign`, `check --attest` and
//! `verify-attestation`, and the forgeries a release author might try.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

#[allow(dead_code)] // shared helpers; these tests need only some
mod support;

use std::collections::BTreeMap;
use std::path::Path;

use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use riskgate_controls::digest::sha256 as sha256_digest;
use riskgate_controls::trust::dsse::{Envelope, STATEMENT_V1, Statement, Subject};
use riskgate_controls::trust::keys::SigningKey;
use serde_json::{Value, json};
use support::{ROOT, riskgate_in};

const NOW: &str = "2026-10-01T00:00:00Z";
const PERF: &str = "C-PERF-01";
const DIGEST: &str = "sha256:4f1c9a7e2b8d6035c1e94a7f0b3d52e8a6c9f01d7b2e4a85c3f6d9e0a1b2c3d4";

/// The people of the example release, with a key seed each.
const APPROVERS: [(&str, &str, u8); 4] = [
    ("model_owner", "priya.raman@example.com", 1),
    ("model_validator", "ines.duarte@example.com", 2),
    ("risk_officer", "daniel.okafor@example.com", 3),
    ("privacy_officer", "sofia.marin@example.com", 4),
];
const AUTHOR: (&str, u8) = ("lena.fischer@example.com", 5);
const CI_SEED: u8 = 6;
const RISKGATE_SEED: u8 = 7;

fn key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

fn write_key(dir: &Path, name: &str, seed: u8) -> String {
    let pem = key(seed).to_pkcs8_pem(Default::default()).unwrap();
    std::fs::write(dir.join(format!("{name}.pem")), pem.as_bytes()).unwrap();
    let public = key(seed)
        .verifying_key()
        .to_public_key_pem(Default::default())
        .unwrap();
    std::fs::write(dir.join(format!("{name}.pub")), &public).unwrap();
    public
}

fn write(dir: &Path, path: &str, bytes: &[u8]) -> String {
    let full = dir.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
    sha256_digest(bytes)
}

/// A worked release in `dir`: the credit-scorer example with every
/// document and the performance report as local files with digests, a
/// signed provenance attestation, every approval signed by its approver,
/// and an overlay that trusts those keys.
fn release(dir: &Path) {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let mut trusted = serde_json::Map::new();
    for (role, email, seed) in APPROVERS {
        let public = write_key(&keys, role, seed);
        trusted.insert(
            role.to_owned(),
            json!({"public_key": public, "signs": ["approval", "waiver"], "approver": email, "roles": [role]}),
        );
    }
    // The author has a key too, registered for their own role only.
    let public = write_key(&keys, "author", AUTHOR.1);
    trusted.insert(
        "author".to_owned(),
        json!({"public_key": public, "signs": ["approval"], "approver": AUTHOR.0, "roles": ["model_author"]}),
    );
    let public = write_key(&keys, "ci", CI_SEED);
    trusted.insert(
        "ci".to_owned(),
        json!({"public_key": public, "signs": ["artifact", "evaluation"]}),
    );
    write_key(&keys, "riskgate", RISKGATE_SEED);
    let overlay = json!({"riskgate": {"config": {"trust": {"keys": trusted}}}});
    write(dir, "overlay.json", overlay.to_string().as_bytes());

    let example =
        std::fs::read_to_string(Path::new(ROOT).join("examples/manifests/credit-scorer-pass.yaml"))
            .unwrap();
    let documents = regex::Regex::new(r#"\{kind: (\w+), uri: [^,]+, digest: "[^"]+""#).unwrap();
    let mut text = documents
        .replace_all(&example, |c: &regex::Captures<'_>| {
            let kind = &c[1];
            let path = format!("evidence/{kind}.md");
            let digest = write(dir, &path, format!("# {kind}\n").as_bytes());
            format!("{{kind: {kind}, uri: {path}, digest: \"{digest}\"")
        })
        .into_owned();
    // The performance report states exactly the metrics the manifest claims.
    let loaded = riskgate_controls::manifest::load_manifests("m.yaml", &text);
    let raw = loaded[0].raw.as_ref().unwrap().to_json();
    let metrics = raw.pointer("/spec/evaluations/0/metrics").unwrap().clone();
    let report = serde_json::to_vec_pretty(&json!({"metrics": metrics})).unwrap();
    let report_digest = write(dir, "evidence/performance.json", &report);
    text = text.replace(
        "report_ref: reports://credit-scorer/3.2.0/performance.html",
        &format!("report_ref: evidence/performance.json\n      report_digest: \"{report_digest}\""),
    );
    text = text.replace(
        "signature_ref: \"sigstore://rekor/lending/credit-scorer/3.2.0\"",
        "signature_ref: evidence/provenance.dsse.json",
    );
    let provenance = statement(DIGEST, "https://slsa.dev/provenance/v1");
    write_envelope(dir, "evidence/provenance.dsse.json", &provenance, CI_SEED);
    for (role, _, _) in APPROVERS {
        let anchor = format!("    - role: {role}\n");
        assert!(text.contains(&anchor), "{role}");
        text = text.replacen(
            &anchor,
            &format!("{anchor}      signature_ref: approvals/{role}.dsse.json\n"),
            1,
        );
    }
    write(dir, "release.yaml", text.as_bytes());
    std::fs::create_dir_all(dir.join("approvals")).unwrap();
    for (role, email, _) in APPROVERS {
        sign_approval(
            dir,
            role,
            email,
            &format!("keys/{role}.pem"),
            &format!("approvals/{role}.dsse.json"),
        );
    }
}

fn statement(digest: &str, predicate_type: &str) -> Statement {
    let (algo, hex) = digest.split_once(':').unwrap();
    Statement {
        statement_type: STATEMENT_V1.to_owned(),
        subject: vec![Subject {
            name: "credit-scorer".to_owned(),
            digest: BTreeMap::from([(algo.to_owned(), hex.to_owned())]),
        }],
        predicate_type: predicate_type.to_owned(),
        predicate: json!({}),
    }
}

fn write_envelope(dir: &Path, path: &str, statement: &Statement, seed: u8) {
    let envelope = Envelope::sign(statement, &SigningKey::Ed25519(key(seed)), "");
    write(dir, path, &serde_json::to_vec(&envelope).unwrap());
}

fn sign_approval(dir: &Path, role: &str, email: &str, key: &str, output: &str) {
    let (code, _, stderr) = riskgate_in(
        dir,
        &[
            "sign",
            "approval",
            "release.yaml",
            "--key",
            key,
            "--role",
            role,
            "--approver",
            email,
            "--now",
            "2026-09-20T00:00:00Z",
            "-o",
            output,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

/// `riskgate check` with verification; the exit code and the JSON trace
/// of the one manifest.
fn check(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        "release.yaml",
        "--now",
        NOW,
        "--overlay",
        "overlay.json",
        "--evidence-root",
        ".",
        "--require-signed-approvals",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = riskgate_in(dir, &args);
    let trace: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, trace["manifests"][0].clone())
}

fn finding_codes(manifest: &Value) -> Vec<String> {
    manifest["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Asserts a finding whose `code message` starts with `prefix` and
/// contains `text`.
#[track_caller]
fn assert_finding(codes: &[String], prefix: &str, text: &str) {
    assert!(
        codes
            .iter()
            .any(|c| c.starts_with(prefix) && c.contains(text)),
        "no finding `{prefix}…{text}…` in {codes:#?}"
    );
}

/// Replaces `from` by `to` in the payload of the envelope at `path`,
/// keeping its signature.
fn edit_payload(path: &Path, from: &str, to: &str) {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut envelope: Envelope = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let payload = String::from_utf8(engine.decode(&envelope.payload).unwrap()).unwrap();
    assert!(payload.contains(from), "{payload}");
    envelope.payload = engine.encode(payload.replace(from, to));
    std::fs::write(path, serde_json::to_vec(&envelope).unwrap()).unwrap();
}

fn requirement<'a>(manifest: &'a Value, control: &str, id: &str) -> &'a Value {
    manifest["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == control)
        .and_then(|c| {
            c["requirements"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["id"] == id)
        })
        .unwrap_or_else(|| panic!("no {control}/{id}"))
}

fn signoff(manifest: &Value) -> &Value {
    requirement(manifest, "C-GOV-03", "release_signoff_high")
}

fn edit(dir: &Path, from: &str, to: &str) {
    let path = dir.join("release.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn verified_evidence_and_signed_approvals_pass() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(finding_codes(&manifest), Vec::<String>::new());
    assert_eq!(manifest["decision"], "pass", "{manifest:#}");
    assert_eq!(code, 0);
    assert_eq!(signoff(&manifest)["status"], "pass");
}

#[test]
fn a_changed_byte_in_a_report_fails_what_relied_on_it() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let path = dir.path().join("evidence/performance.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.iter().position(|b| *b == b'7').unwrap();
    bytes[at] = b'8';
    std::fs::write(&path, bytes).unwrap();
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "E5001 the report of evaluation performance-2026q3",
        "",
    );
    let auc = requirement(&manifest, PERF, "auc_overall");
    assert_eq!(auc["status"], "fail", "{auc:#}");
    assert!(
        auc["message"].as_str().unwrap().contains("not the sha256:"),
        "{auc:#}"
    );
}

#[test]
fn a_metric_the_report_does_not_state_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // The author edits the manifest; the report (digest intact) says 0.781.
    edit(dir.path(), "value: 0.781", "value: 0.95");
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert_finding(&codes, "E5004", "auc is 0.781, not the 0.95");
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "fail"
    );
}

#[test]
fn evidence_that_cannot_be_read_is_insufficient_data_not_pass() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    std::fs::remove_file(dir.path().join("evidence/model_card.md")).unwrap();
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "W5003 document model_card evidence/model_card.md could not be read",
        "",
    );
    let statuses: Vec<&Value> = manifest["controls"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["requirements"].as_array().unwrap())
        .filter(|r| {
            r["message"]
                .as_str()
                .unwrap()
                .contains("model_card.md could not be read")
        })
        .map(|r| &r["status"])
        .collect();
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|s| *s == "insufficient_data"),
        "{statuses:?}"
    );
}

#[test]
fn an_author_cannot_sign_someone_elses_approval() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // The author signs the validator's approval with their own key.
    sign_approval(
        dir.path(),
        "model_validator",
        "ines.duarte@example.com",
        "keys/author.pem",
        "approvals/model_validator.dsse.json",
    );
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "E5002 approval #1 (model_validator) does not count",
        "",
    );
    let signoff = signoff(&manifest);
    assert_eq!(signoff["status"], "fail");
    assert!(
        signoff["message"]
            .as_str()
            .unwrap()
            .contains("no qualified model_validator approval"),
        "{signoff:#}"
    );
}

#[test]
fn a_signature_for_another_artifact_or_role_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // Reuse: a genuine risk-officer signature of a different artifact.
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    edit(dir.path(), DIGEST, other);
    sign_approval(
        dir.path(),
        "risk_officer",
        "daniel.okafor@example.com",
        "keys/risk_officer.pem",
        "approvals/risk_officer.dsse.json",
    );
    edit(dir.path(), other, DIGEST);
    // Role swap: the privacy officer's genuine signature cited for risk_officer.
    edit(
        dir.path(),
        "signature_ref: approvals/model_owner.dsse.json",
        "signature_ref: approvals/privacy_officer.dsse.json",
    );
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "E5002 approval #2 (risk_officer)",
        "signed for another artifact",
    );
    assert_finding(
        &codes,
        "E5002 approval #0 (model_owner)",
        "no signature verifies",
    );
    assert_eq!(signoff(&manifest)["status"], "fail");
}

#[test]
fn an_edited_signed_payload_or_an_unsigned_approval_does_not_count() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // Flip the decision inside a genuine envelope, keeping the signature.
    let path = dir.path().join("approvals/model_validator.dsse.json");
    edit_payload(&path, "\"approve\"", "\"reject\"");
    // And drop the risk officer's signature altogether.
    edit(
        dir.path(),
        "      signature_ref: approvals/risk_officer.dsse.json\n",
        "",
    );
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert_finding(&codes, "E5002 approval #1 (model_validator)", "");
    assert_finding(
        &codes,
        "W5005 approval #2 (risk_officer) does not count: it is not signed",
        "",
    );
    assert_eq!(signoff(&manifest)["status"], "fail");
    // Without --require-signed-approvals the unsigned one counts again, the
    // tampered one still does not.
    let (_, manifest) = check_without_required_signatures(dir.path());
    let message = signoff(&manifest)["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("no qualified model_validator approval"),
        "{message}"
    );
    assert!(!message.contains("risk_officer approval"), "{message}");
}

fn check_without_required_signatures(dir: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = riskgate_in(
        dir,
        &[
            "check",
            "release.yaml",
            "--now",
            NOW,
            "--overlay",
            "overlay.json",
            "--verify-evidence",
            "--format",
            "json",
        ],
    );
    let trace: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, trace["manifests"][0].clone())
}

#[test]
fn keys_in_the_manifest_or_a_self_registered_key_grant_nothing() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // A key the author adds to the manifest's own data is not the policy's.
    let text = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let public = std::fs::read_to_string(dir.path().join("keys/author.pub")).unwrap();
    let forged = text.replace(
        "spec:\n",
        &format!("data:\n  riskgate: {{config: {{trust: {{keys: {{mine: {{public_key: {public:?}, signs: [approval], approver: ines.duarte@example.com, roles: [model_validator]}}}}}}}}}}\nspec:\n"),
    );
    std::fs::write(dir.path().join("release.yaml"), forged).unwrap();
    sign_approval(
        dir.path(),
        "model_validator",
        "ines.duarte@example.com",
        "keys/author.pem",
        "approvals/model_validator.dsse.json",
    );
    let (_, manifest) = check(dir.path(), &[]);
    assert_eq!(signoff(&manifest)["status"], "fail");
    // The author's registered key signs only as model_author, whoever they claim to be.
    sign_approval(
        dir.path(),
        "model_author",
        "ines.duarte@example.com",
        "keys/author.pem",
        "approvals/model_validator.dsse.json",
    );
    let (_, manifest) = check(dir.path(), &[]);
    assert_eq!(signoff(&manifest)["status"], "fail");
}

#[test]
fn decisions_are_attested_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let (code, _) = check(
        dir.path(),
        &[
            "--attest",
            "keys/riskgate.pem",
            "--attest-output",
            "decision.intoto.jsonl",
        ],
    );
    assert_eq!(code, 0);
    let lines = std::fs::read_to_string(dir.path().join("decision.intoto.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 1);
    let (code, stdout, _) = riskgate_in(
        dir.path(),
        &[
            "verify-attestation",
            "decision.intoto.jsonl",
            "--key",
            "keys/riskgate.pub",
            "--digest",
            DIGEST,
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("verified: credit-scorer PASSED (decision pass) at 2026-10-01T00:00:00Z with policy sha256:"), "{stdout}");
    // Deterministic: the same inputs sign the same bytes.
    check(
        dir.path(),
        &[
            "--attest",
            "keys/riskgate.pem",
            "--attest-output",
            "again.intoto.jsonl",
        ],
    );
    assert_eq!(
        lines,
        std::fs::read_to_string(dir.path().join("again.intoto.jsonl")).unwrap()
    );
    // Another artifact, another key, or an edited verdict are refused.
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let (code, stdout, _) = riskgate_in(
        dir.path(),
        &[
            "verify-attestation",
            "decision.intoto.jsonl",
            "--key",
            "keys/riskgate.pub",
            "--digest",
            other,
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stdout.contains("NOT verified: the attestation is not about artifact"),
        "{stdout}"
    );
    let (code, stdout, _) = riskgate_in(
        dir.path(),
        &[
            "verify-attestation",
            "decision.intoto.jsonl",
            "--key",
            "keys/ci.pub",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stdout.contains("NOT verified: no signature verifies"),
        "{stdout}"
    );
    let edited = dir.path().join("edited.jsonl");
    std::fs::write(&edited, lines.trim()).unwrap();
    edit_payload(&edited, "PASSED", "FAILED");
    let (code, _, _) = riskgate_in(
        dir.path(),
        &[
            "verify-attestation",
            "edited.jsonl",
            "--key",
            "keys/riskgate.pub",
        ],
    );
    assert_eq!(code, 2);
    // A denied release is attested as FAILED, and verification says so.
    edit(
        dir.path(),
        "      signature_ref: approvals/risk_officer.dsse.json\n",
        "",
    );
    let (code, _) = check(
        dir.path(),
        &[
            "--attest",
            "keys/riskgate.pem",
            "--attest-output",
            "denied.jsonl",
        ],
    );
    assert_eq!(code, 1);
    let (code, stdout, _) = riskgate_in(
        dir.path(),
        &[
            "verify-attestation",
            "denied.jsonl",
            "--key",
            "keys/riskgate.pub",
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAILED (decision deny)"), "{stdout}");
}

#[test]
fn bad_keys_and_unreadable_roots_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    write(
        dir.path(),
        "bad.pem",
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    );
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &["check", "release.yaml", "--now", NOW, "--attest", "bad.pem"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.pem: not a PEM private key (PKCS#8) for Ed25519 or ECDSA P-256"),
        "{stderr}"
    );
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "check",
            "release.yaml",
            "--now",
            NOW,
            "--evidence-root",
            "missing",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--evidence-root missing:"), "{stderr}");
    // A trusted key that cannot be used is reported, the others still count.
    let overlay = std::fs::read_to_string(dir.path().join("overlay.json")).unwrap();
    let mut overlay: Value = serde_json::from_str(&overlay).unwrap();
    overlay["riskgate"]["config"]["trust"]["keys"]["broken"] =
        json!({"public_key": "nope", "signs": ["approval"]});
    std::fs::write(dir.path().join("overlay.json"), overlay.to_string()).unwrap();
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    let codes = finding_codes(&manifest);
    assert_eq!(codes.len(), 1, "{codes:#?}");
    assert!(
        codes[0].starts_with("E5006 trusted key `broken` is ignored: not a PEM public key"),
        "{codes:#?}"
    );
}

/// The agent example, whose waiver covers a failing injection test, with
/// the risk officer's sign-off referencing `waivers/signoff.dsse.json`.
fn waived_release(dir: &Path) {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let officer = write_key(&keys, "officer", 3);
    let requester = write_key(&keys, "requester", 8);
    let overlay = json!({"riskgate": {"config": {"trust": {"keys": {
        "officer": {"public_key": officer, "signs": ["waiver"], "approver": "daniel.okafor@example.com", "roles": ["risk_officer"]},
        "requester": {"public_key": requester, "signs": ["waiver"], "approver": "marta.silva@example.com", "roles": ["model_owner"]},
    }}}}});
    write(dir, "overlay.json", overlay.to_string().as_bytes());
    let example =
        std::fs::read_to_string(Path::new(ROOT).join("examples/manifests/agent-with-waiver.yaml"))
            .unwrap();
    let signed = example.replace(
        "role: risk_officer, at: 2026-09-18T15:00:00Z}",
        "role: risk_officer, at: 2026-09-18T15:00:00Z, signature_ref: waivers/signoff.dsse.json}",
    );
    assert_ne!(signed, example);
    write(dir, "release.yaml", signed.as_bytes());
    std::fs::create_dir_all(dir.join("waivers")).unwrap();
}

fn sign_waiver(dir: &Path, waiver: &str, key: &str) {
    sign_waiver_in(dir, "release.yaml", waiver, key);
}

fn sign_waiver_in(dir: &Path, manifest: &str, waiver: &str, key: &str) {
    sign_waiver_as(
        dir,
        (manifest, waiver),
        "daniel.okafor@example.com",
        key,
        "waivers/signoff.dsse.json",
    );
}

/// Signs waiver `waiver` of `manifest` as `approver` (a risk officer).
fn sign_waiver_as(
    dir: &Path,
    (manifest, waiver): (&str, &str),
    approver: &str,
    key: &str,
    output: &str,
) {
    let (code, _, stderr) = riskgate_in(
        dir,
        &[
            "sign",
            "waiver",
            manifest,
            "--waiver",
            waiver,
            "--role",
            "risk_officer",
            "--approver",
            approver,
            "--key",
            key,
            "--now",
            "2026-09-18T15:00:00Z",
            "-o",
            output,
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

fn injection_test(dir: &Path) -> (String, Vec<String>) {
    let (_, manifest) = check_without_required_signatures(dir);
    let status = requirement(&manifest, "C-SEC-01", "indirect_injection_asr")["status"]
        .as_str()
        .unwrap()
        .to_owned();
    (status, finding_codes(&manifest))
}

#[test]
fn a_requester_cannot_sign_their_own_waiver_for_the_risk_officer() {
    let dir = tempfile::tempdir().unwrap();
    waived_release(dir.path());
    sign_waiver(dir.path(), "WVR-2026-019", "keys/officer.pem");
    let (status, codes) = injection_test(dir.path());
    assert_eq!(status, "waived", "{codes:#?}");
    // The requester signs the officer's sign-off with their own key.
    sign_waiver(dir.path(), "WVR-2026-019", "keys/requester.pem");
    let (status, codes) = injection_test(dir.path());
    assert_eq!(status, "fail");
    assert_finding(
        &codes,
        "E5002 waiver WVR-2026-019's sign-off by risk_officer does not count",
        "",
    );
    assert_finding(
        &codes,
        "W3003 waiver WVR-2026-019 is ignored: it lacks an approval by role risk_officer",
        "",
    );
    // A genuine sign-off for another waiver id does not transfer either.
    let release = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let other = release.replace("WVR-2026-019", "WVR-2026-020");
    write(dir.path(), "other.yaml", other.as_bytes());
    sign_waiver_in(dir.path(), "other.yaml", "WVR-2026-020", "keys/officer.pem");
    let (status, codes) = injection_test(dir.path());
    assert_eq!(status, "fail", "{codes:#?}");
    assert_finding(&codes, "", "signs waiver WVR-2026-020, not WVR-2026-019");
}

/// The officer's genuine sign-off, then the requester edits the waiver.
fn edited_after_sign_off(from: &str, to: &str) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    waived_release(dir.path());
    sign_waiver(dir.path(), "WVR-2026-019", "keys/officer.pem");
    let release = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let edited = release.replace(from, to);
    assert_ne!(edited, release, "`{from}` is not in the example");
    write(dir.path(), "release.yaml", edited.as_bytes());
    injection_test(dir.path())
}

#[test]
fn a_sign_off_stops_counting_when_the_waiver_is_edited_after_it() {
    // Each edit would keep the waiver valid if the sign-off still counted.
    for (from, to) in [
        // A later expiry (still within the 180 days for medium risk).
        (
            "expires_at: 2026-12-15T00:00:00Z",
            "expires_at: 2027-03-15T00:00:00Z",
        ),
        // One compensating monitor fewer.
        (
            "compensating_controls: [C-SEC-04, mon-injection, mon-refund-volume, {limit: requests_per_minute, at_most: 20}]",
            "compensating_controls: [C-SEC-04, mon-injection]",
        ),
        // Every requirement of the control instead of one.
        ("      requirements: [indirect_injection_asr]\n", ""),
        // A lower residual risk.
        ("residual_risk: medium", "residual_risk: low"),
    ] {
        let (status, codes) = edited_after_sign_off(from, to);
        assert_eq!(status, "fail", "after `{to}`: {codes:#?}");
        assert_finding(
            &codes,
            "E5002 waiver WVR-2026-019's sign-off by risk_officer does not count",
            "the waiver has changed since waivers/signoff.dsse.json was signed",
        );
    }
}

#[test]
fn adding_a_second_approver_leaves_the_first_sign_off_standing() {
    // approved_by is not part of the signed terms, so approvers sign
    // independently, in any order.
    let (status, codes) = edited_after_sign_off(
        "      issued_at: 2026-09-18T15:00:00Z\n",
        "        - {name: Ana Lima, email: ana.lima@example.com, role: peer_reviewer}\n      issued_at: 2026-09-18T15:00:00Z\n",
    );
    assert_eq!(status, "waived", "{codes:#?}");
}

#[test]
fn a_forged_sign_off_does_not_count_towards_the_quorum() {
    let dir = tempfile::tempdir().unwrap();
    waived_release(dir.path());
    // The waiver needs two people; the second sign-off, for Ana, is made
    // with the requester's own key.
    let release = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let edited = release.replace(
        "      issued_at: 2026-09-18T15:00:00Z\n",
        "        - {name: Ana Lima, email: ana.lima@example.com, role: risk_officer, signature_ref: waivers/ana.dsse.json}\n      quorum: 2\n      issued_at: 2026-09-18T15:00:00Z\n",
    );
    assert_ne!(edited, release);
    write(dir.path(), "release.yaml", edited.as_bytes());
    sign_waiver(dir.path(), "WVR-2026-019", "keys/officer.pem");
    sign_waiver_as(
        dir.path(),
        ("release.yaml", "WVR-2026-019"),
        "ana.lima@example.com",
        "keys/requester.pem",
        "waivers/ana.dsse.json",
    );
    let (status, codes) = injection_test(dir.path());
    assert_eq!(status, "fail", "{codes:#?}");
    assert_finding(
        &codes,
        "E5002 waiver WVR-2026-019's sign-off by risk_officer does not count",
        "",
    );
    assert_finding(
        &codes,
        "W3003 waiver WVR-2026-019 is ignored: it is approved by 1 distinct person in role risk_officer, fewer than the 2 its quorum requires",
        "",
    );
}

#[test]
fn signing_a_waiver_the_manifest_does_not_hold_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    waived_release(dir.path());
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "sign",
            "waiver",
            "release.yaml",
            "--waiver",
            "WVR-2026-020",
            "--role",
            "risk_officer",
            "--approver",
            "daniel.okafor@example.com",
            "--key",
            "keys/officer.pem",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    insta::assert_snapshot!(stderr, @"error: release.yaml: no waiver `WVR-2026-020` to sign (it has WVR-2026-019); a sign-off covers the waiver as the manifest states it, so write the waiver first");
}

#[test]
fn the_policy_turns_verification_on_at_an_enforcement_point() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let text = std::fs::read_to_string(dir.path().join("overlay.json")).unwrap();
    let mut overlay: Value = serde_json::from_str(&text).unwrap();
    overlay["riskgate"]["config"]["trust"]["verify"] = json!(["admission"]);
    std::fs::write(dir.path().join("overlay.json"), overlay.to_string()).unwrap();
    // Reports in the object form are compared too.
    let report = json!({"metrics": {"auc": {"value": 0.70, "slices": {"channel=branch": 0.772}}}});
    write(
        dir.path(),
        "evidence/performance.json",
        report.to_string().as_bytes(),
    );
    let run = |context: &str| {
        let (_, stdout, _) = riskgate_in(
            dir.path(),
            &[
                "check",
                "release.yaml",
                "--now",
                NOW,
                "--overlay",
                "overlay.json",
                "--context",
                context,
                "--format",
                "json",
            ],
        );
        let trace: Value = serde_json::from_str(&stdout).unwrap();
        finding_codes(&trace["manifests"][0])
    };
    assert_eq!(run("ci"), Vec::<String>::new());
    // At admission there is no evidence root: every digest is unverifiable.
    let codes = run("admission");
    assert_finding(
        &codes,
        "W5003 document model_card evidence/model_card.md could not be read",
        "",
    );
    assert!(
        codes
            .iter()
            .all(|c| c.starts_with("W5003") || c.starts_with("W5005") || c.starts_with("E5002")),
        "{codes:#?}"
    );
    // With the files, the changed report is caught: digest first, then values.
    let (_, manifest) = check(dir.path(), &["--context", "admission"]);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "E5001 the report of evaluation performance-2026q3",
        "",
    );
    let digest = sha256_digest(report.to_string().as_bytes());
    let yaml = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let old = regex::Regex::new(r#"report_digest: "[^"]+""#).unwrap();
    std::fs::write(
        dir.path().join("release.yaml"),
        old.replace(&yaml, format!("report_digest: \"{digest}\"").as_str())
            .as_ref(),
    )
    .unwrap();
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert_finding(&codes, "E5004", "says auc is 0.7, not the 0.781");
    assert!(
        !codes
            .iter()
            .any(|c| c.contains("auc[channel=branch]") && c.starts_with("E5004")),
        "{codes:#?}"
    );
    assert_finding(
        &codes,
        "W5003",
        "does not report metric auc[channel=online]",
    );
}

#[test]
fn signed_reports_are_verified_and_a_failed_test_result_fails() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    // CI signs the performance report: the check reads the signed predicate.
    let (code, _, stderr) = riskgate_in(
        dir.path(),
        &[
            "sign",
            "evaluation",
            "release.yaml",
            "--report",
            "evidence/performance.json",
            "--key",
            "keys/ci.pem",
            "--keyid",
            "ci",
            "-o",
            "evidence/performance.dsse.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(dir.path().join("evidence/performance.dsse.json")).unwrap();
    let yaml = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let old =
        regex::Regex::new(r#"report_ref: evidence/performance.json\n      report_digest: "[^"]+""#)
            .unwrap();
    let signed = format!(
        "report_ref: evidence/performance.dsse.json\n      report_digest: \"{}\"",
        sha256_digest(&bytes)
    );
    std::fs::write(
        dir.path().join("release.yaml"),
        old.replace(&yaml, signed.as_str()).as_ref(),
    )
    .unwrap();
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(finding_codes(&manifest), Vec::<String>::new());
    assert_eq!(code, 0);
    // An in-toto test result that failed, correctly signed, still fails.
    let mut failed = statement(DIGEST, riskgate_controls::trust::TEST_RESULT_PREDICATE);
    failed.predicate =
        json!({"result": "FAILED", "configuration": [], "passedTests": [], "failedTests": ["auc"]});
    write_envelope(
        dir.path(),
        "evidence/performance.dsse.json",
        &failed,
        CI_SEED,
    );
    let bytes = std::fs::read(dir.path().join("evidence/performance.dsse.json")).unwrap();
    let yaml = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    let digest = regex::Regex::new(r#"report_digest: "[^"]+""#).unwrap();
    let replaced = format!("report_digest: \"{}\"", sha256_digest(&bytes));
    std::fs::write(
        dir.path().join("release.yaml"),
        digest.replace(&yaml, replaced.as_str()).as_ref(),
    )
    .unwrap();
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let codes = finding_codes(&manifest);
    assert_finding(
        &codes,
        "E5004 the report of evaluation performance-2026q3 is a signed test result that says FAILED",
        "",
    );
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "fail"
    );
}

#[test]
fn signing_needs_one_release_with_an_artifact_digest() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let text = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    write(
        dir.path(),
        "two.yaml",
        format!("{text}\n---\n{text}").as_bytes(),
    );
    let without = text.replace(&format!("digest: \"{DIGEST}\""), "version_note: none");
    write(dir.path(), "undigested.yaml", without.as_bytes());
    for (file, expected) in [
        (
            "two.yaml",
            "two.yaml holds 2 documents; a signature is for one release",
        ),
        (
            "undigested.yaml",
            "undigested.yaml: the manifest has no spec.identity.artifact.digest to sign for",
        ),
    ] {
        let (code, _, stderr) = riskgate_in(
            dir.path(),
            &[
                "sign",
                "approval",
                file,
                "--key",
                "keys/model_owner.pem",
                "--role",
                "model_owner",
                "--approver",
                "a@example.com",
            ],
        );
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

/// Signs `evidence/performance.json` with `key` and cites the envelope
/// from the performance evaluation, with its digest.
fn cite_signed_performance_report(dir: &Path, key: &str) {
    let (code, _, stderr) = riskgate_in(
        dir,
        &[
            "sign",
            "evaluation",
            "release.yaml",
            "--report",
            "evidence/performance.json",
            "--key",
            key,
            "-o",
            "evidence/performance.dsse.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(dir.join("evidence/performance.dsse.json")).unwrap();
    let yaml = std::fs::read_to_string(dir.join("release.yaml")).unwrap();
    let cited = regex::Regex::new(
        r#"report_ref: evidence/performance[.a-z]*json\n      report_digest: "[^"]+""#,
    )
    .unwrap();
    assert!(cited.is_match(&yaml));
    let signed = format!(
        "report_ref: evidence/performance.dsse.json\n      report_digest: \"{}\"",
        sha256_digest(&bytes)
    );
    std::fs::write(
        dir.join("release.yaml"),
        cited.replace(&yaml, signed.as_str()).as_ref(),
    )
    .unwrap();
}

#[test]
fn when_the_policy_requires_signed_evaluations_an_author_cannot_vouch_for_metrics() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let path = dir.path().join("overlay.json");
    let mut overlay: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    overlay["riskgate"]["config"]["trust"]["require_signed_evaluations"] = json!(true);
    std::fs::write(&path, overlay.to_string()).unwrap();

    // The report matches the claims and its digest is right, but anyone
    // can write an unsigned report: the metrics count for nothing.
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_finding(
        &finding_codes(&manifest),
        "W5003 evaluation performance-2026q3 has no signed report",
        "trust.require_signed_evaluations",
    );
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "insufficient_data"
    );

    // The author signs it with their own key, which may not sign
    // evaluations.
    cite_signed_performance_report(dir.path(), "keys/author.pem");
    let (code, manifest) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_finding(
        &finding_codes(&manifest),
        "E5002 the report of evaluation performance-2026q3 is a signed envelope that does not verify",
        "",
    );
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "fail"
    );

    // Signed by CI, the performance evaluation counts again; the others,
    // unsigned, still do not.
    cite_signed_performance_report(dir.path(), "keys/ci.pem");
    let (_, manifest) = check(dir.path(), &[]);
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "pass"
    );
    let codes = finding_codes(&manifest);
    assert!(
        !codes
            .iter()
            .any(|c| c.contains("evaluation performance-2026q3 has")),
        "{codes:#?}"
    );
    assert_finding(&codes, "W5003 evaluation ", "has no signed report");
}

#[test]
fn import_signs_what_it_read_and_an_edited_metric_is_denied() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    std::fs::write(
        dir.path().join("results.json"),
        r#"{"results": {"arc_easy": {"alias": "arc_easy", "acc,none": 0.75}},
            "n-samples": {"arc_easy": {"original": 2376, "effective": 2376}}}"#,
    )
    .unwrap();
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "lm-eval",
            "results.json",
            "--into",
            "release.yaml",
        ];
        args.extend_from_slice(extra);
        riskgate_in(dir.path(), &args)
    };
    // Signing needs a report directory, and the key must be readable.
    let (code, _, stderr) = import(&["--sign-key", "keys/ci.pem"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--report-dir"), "{stderr}");
    let (code, _, stderr) = import(&["--sign-key", "keys/none.pem", "--report-dir", "signed"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("keys/none.pem"), "{stderr}");

    let (code, _, stderr) = import(&[
        "--sign-key",
        "keys/ci.pem",
        "--keyid",
        "ci",
        "--report-dir",
        "signed",
        "--now",
        NOW,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let yaml = std::fs::read_to_string(dir.path().join("release.yaml")).unwrap();
    assert!(yaml.contains("report_ref: signed/"), "{yaml}");
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert!(
        !codes.iter().any(|c| c.contains("arc_easy")),
        "the signed import should verify: {codes:#?}"
    );

    edit(dir.path(), "value: 0.75", "value: 0.95");
    let (_, manifest) = check(dir.path(), &[]);
    assert_finding(
        &finding_codes(&manifest),
        "E5004 the report of evaluation",
        "says acc is 0.75, not the 0.95 the manifest claims",
    );
}

#[test]
fn keygen_writes_a_pair_whose_printed_entry_a_policy_can_trust() {
    let dir = tempfile::tempdir().unwrap();
    release(dir.path());
    let (code, entry, stderr) = riskgate_in(
        dir.path(),
        &[
            "keygen",
            "keys/nightly",
            "--algorithm",
            "p256",
            "--signs",
            "evaluation",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("keys/nightly.pem"), "{stderr}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("keys/nightly.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An existing pair is never overwritten by accident.
    let (code, _, stderr) = riskgate_in(dir.path(), &["keygen", "keys/nightly"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");

    // The printed entry, added to the policy's keys, makes its signature count.
    let entry: serde_yaml_ng::Value = serde_yaml_ng::from_str(&entry).unwrap();
    let entry: Value = serde_json::to_value(&entry["nightly"]).unwrap();
    assert_eq!(entry["signs"], json!(["evaluation"]));
    let path = dir.path().join("overlay.json");
    let mut overlay: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    overlay["riskgate"]["config"]["trust"]["keys"]["nightly"] = entry;
    // CI keeps signing the artifact only: the report must be the new key's.
    overlay["riskgate"]["config"]["trust"]["keys"]["ci"]["signs"] = json!(["artifact"]);
    std::fs::write(&path, overlay.to_string()).unwrap();
    cite_signed_performance_report(dir.path(), "keys/nightly.pem");
    let (_, manifest) = check(dir.path(), &[]);
    let codes = finding_codes(&manifest);
    assert!(!codes.iter().any(|c| c.starts_with("E5002")), "{codes:#?}");
    assert_eq!(
        requirement(&manifest, PERF, "auc_overall")["status"],
        "pass"
    );
}

#[test]
fn an_edited_or_omitted_slice_discredits_an_aggregate_over_slices() {
    // The minimum over slices is reached at another slice than the one
    // edited or left out, so only a check of every slice catches it.
    for (from, to, message) in [
        (
            "{name: channel=branch, value: 0.772, n: 20115}",
            "{name: channel=branch, value: 0.9, n: 20115}",
            "says auc[channel=branch] is 0.772, not the 0.9 the manifest claims",
        ),
        (
            "            - {name: channel=branch, value: 0.772, n: 20115}\n",
            "",
            "states auc for slice channel=branch, which the manifest leaves out",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        release(dir.path());
        edit(dir.path(), from, to);
        let (code, manifest) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{from}");
        assert_finding(
            &finding_codes(&manifest),
            "E5004 the report of evaluation",
            message,
        );
        assert_eq!(
            requirement(&manifest, PERF, "auc_min_over_slices")["status"],
            "fail",
            "{from}"
        );
    }
}
