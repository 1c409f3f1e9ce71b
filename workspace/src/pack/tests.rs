use std::path::Path;

use riskgate_controls::manifest::EvidenceReference;
use riskgate_controls::trace::{EnforcementPoint, Summary, TRACE_VERSION, Trace};

use super::*;

fn trace() -> Trace {
    Trace {
        trace_version: TRACE_VERSION,
        riskgate_version: "0.0.0-test".into(),
        evaluated_at: "2026-10-01T00:00:00Z".into(),
        enforcement_point: EnforcementPoint::Ci,
        policy_source: "embedded stdlib".into(),
        summary: Summary::default(),
        manifests: Vec::new(),
    }
}

fn reference(pointer: &str, reference: &str, claimed: Option<&str>) -> EvidenceReference {
    EvidenceReference {
        pointer: pointer.into(),
        reference: reference.into(),
        claimed_digest: claimed.map(str::to_owned),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    root: EvidenceRoot,
    policy: PolicyInputs,
    rendered: RenderedDecision,
    trace: Trace,
    references: Vec<EvidenceReference>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/card.md"), "# model card\n").unwrap();
    let card_digest = riskgate_controls::digest::sha256(b"# model card\n");
    let policy_dir = dir.path().join("policies");
    std::fs::create_dir_all(&policy_dir).unwrap();
    std::fs::write(policy_dir.join("p.rego"), "package p\n\nallow := true\n").unwrap();
    let policy = PolicyInputs::read(&[policy_dir], None).unwrap();
    Fixture {
        root: EvidenceRoot::new(dir.path()).unwrap(),
        _dir: dir,
        policy,
        rendered: RenderedDecision {
            trace_json: "{}\n".into(),
            markdown: "# decision\n".into(),
            html: "<html></html>\n".into(),
        },
        trace: trace(),
        references: vec![
            reference("/spec/documents/0/uri", "docs/card.md", Some(&card_digest)),
            reference(
                "/spec/documents/1/uri",
                "file:docs/card.md",
                Some("sha256:00"),
            ),
            reference("/spec/documents/2/uri", "https://example.com/x", None),
            reference("/spec/validation/report_ref", "docs/missing.pdf", None),
            reference("/spec/waivers/0/risk_acceptance", "../outside.pdf", None),
        ],
    }
}

fn pack(fixture: &Fixture) -> WrittenPack {
    write(&PackInput {
        riskgate_version: "0.0.0-test",
        now: "2026-10-01T00:00:00Z",
        context: EnforcementPoint::Ci,
        max_steps: 1000,
        manifest: NamedBytes {
            name: "releases/credit.yaml",
            bytes: b"kind: ModelRelease\n",
        },
        policy: &fixture.policy,
        with_stdlib: false,
        config: None,
        trace: &fixture.trace,
        rendered: &fixture.rendered,
        evidence_root: &fixture.root,
        references: &fixture.references,
    })
    .unwrap()
}

/// The archive again with `change` applied to its members (pack.json
/// included), written like a pack.
fn repack(archive: &[u8], change: impl FnOnce(&mut BTreeMap<String, Vec<u8>>)) -> Vec<u8> {
    let mut members = archive::read(archive, &Limits::default()).unwrap();
    change(&mut members);
    archive::write(members.iter().map(|(p, b)| (p.as_str(), b.as_slice()))).unwrap()
}

#[test]
fn a_pack_opens_with_every_member_matching() {
    let fixture = fixture();
    let written = pack(&fixture);
    let opened = open(&written.archive, &Limits::default()).unwrap();
    assert_eq!(opened.index, written.index);
    assert_eq!(opened.mismatches, []);
    assert_eq!(opened.manifest(), b"kind: ModelRelease\n");
    assert_eq!(opened.policy_digest().unwrap(), written.index.policy.digest);
    assert_eq!(
        opened.member_names().collect::<Vec<_>>(),
        [
            "decision/decision.html",
            "decision/decision.md",
            "decision/trace.json",
            "evidence/docs/card.md",
            "manifest/credit.yaml",
            "policy/001-p.rego",
        ]
    );
    let sources = opened.policy_sources().unwrap();
    assert_eq!(sources.len(), 1);
    assert!(sources[0].name.ends_with("p.rego"));
}

#[test]
fn evidence_is_packed_or_says_why_not() {
    let written = pack(&fixture());
    let statuses: Vec<(&str, &str)> = written
        .index
        .evidence
        .iter()
        .map(|e| (e.reference.as_str(), e.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("docs/card.md", "packed"),
            ("file:docs/card.md", "packed"),
            ("https://example.com/x", "not_local"),
            ("docs/missing.pdf", "not_found"),
            ("../outside.pdf", "escapes_root"),
        ]
    );
    let findings: Vec<&str> = written
        .index
        .findings
        .iter()
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        findings,
        ["/spec/documents/1/uri"],
        "only the wrong claimed digest"
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let fixture = fixture();
    assert_eq!(pack(&fixture).archive, pack(&fixture).archive);
}

#[test]
fn a_changed_member_is_named() {
    let written = pack(&fixture());
    let tampered = repack(&written.archive, |members| {
        if let Some(card) = members.get_mut("evidence/docs/card.md") {
            card[2] ^= 1;
        }
    });
    let opened = open(&tampered, &Limits::default()).unwrap();
    let named: Vec<&str> = opened
        .mismatches
        .iter()
        .map(|m| m.member.as_str())
        .collect();
    assert_eq!(named, ["evidence/docs/card.md"]);
}

#[test]
fn extra_and_missing_members_are_refused() {
    let written = pack(&fixture());
    let extra = repack(&written.archive, |members| {
        members.insert("evidence/planted.sh".into(), b"echo".to_vec());
    });
    assert_eq!(
        open(&extra, &Limits::default()).unwrap_err().to_string(),
        "member `evidence/planted.sh`: not listed in pack.json"
    );
    let missing = repack(&written.archive, |members| {
        members.remove("policy/001-p.rego");
    });
    assert_eq!(
        open(&missing, &Limits::default()).unwrap_err().to_string(),
        "member `policy/001-p.rego`: listed in pack.json but not in the archive"
    );
}

#[test]
fn a_bad_index_is_reported_with_its_position() {
    let written = pack(&fixture());
    let broken = repack(&written.archive, |members| {
        members.insert(
            INDEX_MEMBER.into(),
            b"{\n  \"format_version\": 1,\n  oops\n}".to_vec(),
        );
    });
    assert_eq!(
        open(&broken, &Limits::default()).unwrap_err().to_string(),
        "pack.json:3:3: key must be a string"
    );
    let future = repack(&written.archive, |members| {
        let mut index = written.index.clone();
        index.format_version = 99;
        members.insert(INDEX_MEMBER.into(), index.to_json().into_bytes());
    });
    assert!(
        open(&future, &Limits::default())
            .unwrap_err()
            .to_string()
            .contains("format version 99 is not supported")
    );
}

#[test]
fn member_names_use_the_file_name_only() {
    assert_eq!(file_name("/abs/dir/p.rego", "x"), "p.rego");
    assert_eq!(file_name("..", "x"), "x");
    assert_eq!(relative_member_name(Path::new("a/b.md")), "a/b.md");
}

#[test]
fn the_evidence_list_must_agree_with_the_manifest_and_the_files() {
    let fixture = fixture();
    let written = pack(&fixture);
    let opened = open(&written.archive, &Limits::default()).unwrap();
    assert_eq!(
        opened.evidence_problems(&fixture.references),
        Vec::<String>::new()
    );
    let fewer = &fixture.references[1..];
    assert_eq!(
        opened.evidence_problems(fewer),
        ["the evidence list is not the manifest's 4 references (first at /spec/documents/1/uri)"]
    );
    let mut forged = written.index.clone();
    forged.findings.clear();
    let forged_pack = repack(&written.archive, |members| {
        members.insert(INDEX_MEMBER.into(), forged.to_json().into_bytes());
    });
    let opened = open(&forged_pack, &Limits::default()).unwrap();
    assert_eq!(
        opened.evidence_problems(&fixture.references),
        ["the findings are not what the packed evidence shows (0 recorded, 1 found)"]
    );
}
