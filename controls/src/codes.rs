//! The diagnostic codes of the model-risk domain: manifests (`E2xxx`,
//! `W2xxx`), control declarations (`E3xxx`), waivers (`W3xxx`), evidence
//! verification (`E5xxx`, `W5xxx`) and the
//! domain lints (L0007–L0011). Pages: `riskgate explain CODE` and
//! `docs/diagnostics/`.

riskgate_dsl::declare_codes! {
    MANIFEST_SYNTAX = "E2001", "invalid-manifest-syntax", Error,
        "a manifest is not well-formed YAML or JSON",
        "## Why\nThe loader could not read the text as YAML 1.2 (JSON is read as YAML). Common causes are tabs used for indentation, a key indented differently from its siblings, an unclosed quote or bracket, a complex (non-scalar) mapping key, or `.inf`/`.nan`, which JSON and Rego numbers cannot hold. Other documents in the same file are still loaded.\n\n## Example\n```yaml\nspec:\n  identity:\n     version: 1.2.0\n    model_id: credit-scorer\n```\n\n## Fix\nIndent with spaces only and align sibling keys at the same column; the position in the message points at the first character the parser could not accept.\n";
    MANIFEST_DUPLICATE_KEY = "E2002", "duplicate-manifest-key", Error,
        "a mapping in a manifest has the same key twice",
        "## Why\nYAML requires keys to be unique. Parsers that accept duplicates silently keep one of the values, so the evidence a reviewer reads may not be the evidence that is evaluated.\n\n## Example\n```yaml\nclassification:\n  risk_tier: high\n  risk_tier: low\n```\n\n## Fix\nKeep exactly one of the entries.\n";
    MANIFEST_NOT_TEXT = "E2003", "manifest-not-text", Error,
        "a manifest file is not UTF-8 text",
        "## Why\nManifests are UTF-8 YAML or JSON. Invalid UTF-8 byte sequences, NUL bytes or other control characters mean the file is binary, truncated or in another encoding.\n\n## Example\nA file saved as UTF-16, or a model artifact passed as `riskgate check model.bin`.\n\n## Fix\nSave the file as UTF-8, or point riskgate at the manifest rather than at another file.\n";
    MANIFEST_TOO_LARGE = "E2004", "manifest-too-large", Error,
        "a manifest exceeds the size, nesting or alias-expansion limits",
        "## Why\nManifests describe one release and are small. The loader rejects files over 16 MiB, nesting deeper than 100 levels and alias expansion beyond one million nodes, so a hostile or accidental input cannot exhaust memory or stack (e.g. a YAML \"billion laughs\").\n\n## Example\n```yaml\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n# ... nine levels expand to 10^9 nodes\n```\n\n## Fix\nSplit the input, or reference large evidence (reports, datasets) by URI and digest instead of inlining it.\n";
    MANIFEST_EMPTY = "E2005", "empty-manifest", Error,
        "a manifest file contains no document",
        "## Why\nThe file is empty or holds only comments and document markers, so there is no release to evaluate.\n\n## Example\n```yaml\n# TODO: fill in\n---\n```\n\n## Fix\nWrite the `ModelRelease` document, or stop passing the file to riskgate.\n";
    MANIFEST_NOT_OBJECT = "E2006", "manifest-not-an-object", Error,
        "a manifest document is not a mapping",
        "## Why\nA release manifest is a mapping with `apiVersion`, `kind`, `metadata` and `spec`; a list or a scalar at the top level cannot be one.\n\n## Example\n```yaml\n- apiVersion: riskgate.dev/v1alpha1\n  kind: ModelRelease\n```\n\n## Fix\nRemove the leading `- `; to put several releases in one file, separate them with `---` lines.\n";
    MANIFEST_API_VERSION = "E2007", "unsupported-api-version", Error,
        "a manifest's `apiVersion` is missing or not `riskgate.dev/v1alpha1`",
        "## Why\nThe `apiVersion` says which schema the document follows; riskgate reads `riskgate.dev/v1alpha1` only and will not guess.\n\n## Example\n```yaml\napiVersion: riskgate/v1\nkind: ModelRelease\n```\n\n## Fix\nWrite `apiVersion: riskgate.dev/v1alpha1`.\n";
    MANIFEST_KIND = "E2008", "unsupported-manifest-kind", Error,
        "a manifest's `kind` is missing or not `ModelRelease`",
        "## Why\nriskgate evaluates `ModelRelease` documents only; other kinds (for example Kubernetes objects in the same file) are not releases.\n\n## Example\n```yaml\napiVersion: riskgate.dev/v1alpha1\nkind: Deployment\n```\n\n## Fix\nWrite `kind: ModelRelease`, or keep other documents out of the files passed to `riskgate check`.\n";
    MANIFEST_WRONG_TYPE = "E2009", "manifest-wrong-type", Error,
        "a manifest field has the wrong type",
        "## Why\nEach field has a type in the manifest schema (`riskgate schema`); a policy comparing a number with a string would silently be undefined, so the loader rejects the value instead.\n\n## Example\n```yaml\nslices:\n  - {name: sex=female, value: 0.86, n: many}\n```\n\n## Fix\nWrite a value of the expected type, e.g. `n: 5200`. Quote text that YAML would otherwise read as a number or boolean (`version: \"1.10\"`).\n";
    MANIFEST_INVALID_VALUE = "E2010", "manifest-invalid-value", Error,
        "a manifest field has a value outside its closed set",
        "## Why\nSome fields take one of a fixed set of values that the standard library relies on: `risk_tier` (`low`, `medium`, `high`, `critical`), `model_kind` (`predictive`, `llm`, `agent`), an approval `decision` (`approve`, `reject`), a dataset `role`, a tool's `side_effects`, a finding's `status` and `severity`. A few text fields have a format instead, such as a reporting clock (`4h`, `15d`); the message names the pattern.\n\n## Example\n```yaml\nclassification:\n  risk_tier: severe\n```\n\n## Fix\nUse one of the values listed in the message.\n";
    MANIFEST_MISSING_FIELD = "E2011", "manifest-missing-field", Error,
        "a field the manifest schema requires is absent",
        "## Why\nA few fields identify things and cannot be left out: `metadata.name`, `spec`, and the `name`/`id`/`role`/`kind` of list entries and the `value` of a metric. Missing evidence is reported by controls instead, so most fields are optional.\n\n## Example\n```yaml\nmetrics:\n  - name: auc\n```\n\n## Fix\nAdd the field named in the message.\n";
    MANIFEST_INVALID_TIMESTAMP = "E2012", "invalid-timestamp", Error,
        "a manifest timestamp is not an RFC 3339 date-time",
        "## Why\nFreshness checks compare timestamps with the evaluation clock; a date without a time or a time without a zone is ambiguous.\n\n## Example\n```yaml\nrun_at: 2026-09-30\n```\n\n## Fix\nWrite a full date-time with a zone, e.g. `2026-09-30T12:00:00Z`.\n";
    MANIFEST_OUT_OF_RANGE = "E2013", "manifest-value-out-of-range", Error,
        "a manifest number is outside the range its field allows",
        "## Why\nRates are between 0 and 1, counts are not negative, and tier rationale scores are 1 to 4.\n\n## Example\n```yaml\ntier_rationale: {materiality: 5, complexity: 2}\n```\n\n## Fix\nWrite a value inside the range given in the message.\n";
    MANIFEST_UNKNOWN_FIELD = "W2001", "unknown-manifest-field", Warning,
        "a manifest has a field the schema does not define",
        "## Why\nUnknown fields are kept in `input` for custom policies, but the standard library never reads them, so a misspelt field is evidence that silently does not count.\n\n## Example\n```yaml\nclassification:\n  risk_teir: high\n```\n\n## Fix\nCorrect the spelling (the message suggests the closest known field), or keep the field if a custom policy reads it.\n";
    MANIFEST_UNKNOWN_TERM = "W2002", "unknown-vocabulary-term", Warning,
        "a use-case flag, role or document kind is close to, but not, a catalogue term",
        "## Why\nFlags, roles and document kinds are open vocabularies so organisations can add their own, but a near miss of a catalogue term (`credit_decisions` for `credit_decision`) silently switches controls off.\n\n## Example\n```yaml\nflags: [public_faceing]\n```\n\n## Fix\nUse the catalogue term the message suggests; an intentional custom term that happens to be close can be kept.\n";
    UNKNOWN_CONTROL_FIELD = "E3001", "unknown-declaration-field", Error,
        "a risk, control or requirement has a field riskgate does not know",
        "## Why\nEach declaration accepts a fixed set of fields (see docs/controls.md). An unknown field is usually a typo, and silently ignoring it would drop a check the author meant to make.\n\n## Example\n```rego\nrequire test \"auc\" {\n\tmetric: \"auc\"\n\top: \">=\"\n\tthreshhold: 0.7\n}\n```\n\n## Fix\nUse the field the message suggests, or remove the field.\n";
    INVALID_CONTROL_FIELD_VALUE = "E3002", "invalid-declaration-field-value", Error,
        "a field of a risk, control or requirement has the wrong type or an unknown value",
        "## Why\nFields have types (string, bool, number, array of roles, ...) and some take one of a fixed set of values: operators (`==`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not_in`), severities, aggregates, cadences, enforcement points (`ci`, `admission`, `audit`) and actions (`deny`, `warn`, `record`). A threshold must suit its operator: numbers for ordering operators, arrays for `in`.\n\n## Example\n```rego\ncontrol \"C-X-01\" {\n\ttitle: \"Example\"\n\tseverity: \"urgent\"\n\tenforcement: {\"ci\": \"block\"}\n}\n```\n\n## Fix\nUse a value of the documented type, as the message and help say.\n";
    MISSING_CONTROL_FIELD = "E3003", "missing-declaration-field", Error,
        "a risk, control or requirement lacks a required field",
        "## Why\nSome fields have no sensible default: a control needs a `title`, a test needs `metric`, `op` and `threshold`, an approval needs `roles`, a field requirement needs `path`.\n\n## Example\n```rego\nrequire test \"auc\" {\n\tmetric: \"auc\"\n}\n```\n\n## Fix\nAdd the missing field.\n";
    UNKNOWN_RISK = "E3004", "unknown-risk", Error,
        "a control's `mitigates` names a risk that no `risk` declaration defines",
        "## Why\nReports group controls by the risks they mitigate; a misspelt or undeclared risk id would leave the control unattached.\n\n## Example\n```rego\ncontrol \"C-FAIR-01\" {\n\ttitle: \"Adverse impact\"\n\tmitigates: [\"fairness.disparate_impakt\"]\n}\n```\n\n## Fix\nDeclare the risk with `risk \"id\" { ... }` in any policy file, or fix the id.\n";
    DUPLICATE_DECLARATION = "E3005", "duplicate-declaration", Error,
        "two risks, two controls, or two requirements of one control share an id",
        "## Why\nIds identify risks and controls across the whole policy set (waivers and reports name them), and requirements within a control.\n\n## Example\n```rego\ncontrol \"C-GOV-01\" { title: \"Inventory\" }\ncontrol \"C-GOV-01\" { title: \"Owner\" }\n```\n\n## Fix\nRename one of them; ids are stable once published, so rename the newer one.\n";
    UNKNOWN_ROLE = "E3006", "unknown-role", Error,
        "a role is not in the role vocabulary",
        "## Why\nApprovals and waivers are checked against the manifest by role name; a role outside the vocabulary can never be matched. The built-in vocabulary is the catalogue's (`model_author`, `model_owner`, `peer_reviewer`, `model_validator`, `risk_officer`, `privacy_officer`, `security_reviewer`, `model_risk_committee`, `executive_accountable`); organisations add roles with `data.riskgate.config.roles`.\n\n## Example\n```rego\nrequire approval \"signoff\" { roles: [\"model_validater\"] }\n```\n\n## Fix\nFix the spelling, or add the role to `data.riskgate.config.roles`.\n";
    INVALID_CONTROL_RULE = "E3007", "invalid-rule-in-control", Error,
        "a control contains a rule other than a `violation contains ...` rule",
        "## Why\nRules inside a control become part of that control; only `violation` partial-set rules have a meaning there (each message is a failing finding). Helpers belong at package level, where every control can use them.\n\n## Example\n```rego\ncontrol \"C-REL-01\" {\n\ttitle: \"Rollback\"\n\thas_plan if input.spec.rollback.procedure_ref\n}\n```\n\n## Fix\nMove helper rules out of the control; write findings as `violation contains msg if { ... }`.\n";
    NON_CONSTANT_CONTROL_FIELD = "E3008", "non-constant-declaration-field", Error,
        "a risk or control field that must be constant is an expression",
        "## Why\nRisk and control metadata (title, severity, enforcement, waivability, ...) is read when the policy is compiled, so reports can list controls without evaluating anything. Only requirement fields may depend on the manifest.\n\n## Example\n```rego\ncontrol \"C-X-01\" {\n\ttitle: \"Example\"\n\tseverity: input.spec.classification.risk_tier\n}\n```\n\n## Fix\nWrite a literal value; move manifest-dependent logic into a requirement field such as `threshold` or `when`.\n";
    DERIVED_METRIC_REPORTED = "W2003", "derived-metric-reported", Warning,
        "an evaluation reports a metric that riskgate derives from the manifest itself",
        "## Why\nSome tests compute their value from the manifest (the number of qualified approvers, locale coverage from slice names, unpinned components): a release cannot self-report its own governance. An evaluation metric with the same name is not used, so a value written there changes nothing and may mislead a reader of the manifest.\n\n## Example\n```yaml\nevaluations:\n  - id: gov\n    metrics:\n      - {name: unpinned_components, value: 0}\n```\n\n## Fix\nRemove the metric and edit the fields the message names (`spec.supply_chain.components` here); `riskgate explain` on the control, or docs/catalogue.md, lists what each derived metric is computed from.\n";
    WAIVER_EXPIRED = "W3001", "waiver-expired", Warning,
        "a waiver is expired, not yet issued, or longer or more often renewed than the waiver policy allows",
        "## Why\nWaivers are time-bound exceptions. One that has expired at the evaluation clock, is issued in the future, or whose duration exceeds `max_duration_days_by_residual_risk` for its residual risk is ignored, so the requirement it names keeps failing. So is a renewal (`renewal_of`) beyond `max_renewals`, a chain of renewals that runs longer than `max_cumulative_days` in total, and a renewal of a waiver that is not in `spec.waivers` (its history cannot be checked: keep expired waivers there).\n\n## Example\n```yaml\nwaivers:\n  - id: W-12\n    residual_risk: medium\n    issued_at: 2026-01-01T00:00:00Z\n    expires_at: 2026-03-01T00:00:00Z   # before the evaluation clock\n```\n\n## Fix\nRenew the waiver with a new approval and an expiry within the allowed duration, or fix the underlying finding.\n";
    WAIVER_OUT_OF_SCOPE = "W3002", "waiver-out-of-scope", Warning,
        "a waiver's scope does not match this release",
        "## Why\nA waiver scoped to another artifact digest, model or environment does not cover this release; it is ignored.\n\n## Example\n```yaml\nscope:\n  version_range_or_digest: \"sha256:old...\"   # release is sha256:new...\n  environments: [staging]                     # release deploys to production\n```\n\n## Fix\nIssue a waiver scoped to this release's artifact digest and environment.\n";
    WAIVER_UNAUTHORISED = "W3003", "waiver-unauthorised", Warning,
        "a waiver lacks a required approver role or violates segregation of duties",
        "## Why\nThe waiver policy requires approvals by given roles for each residual risk (a control's `waivable_by` replaces them), each role by a different person, and a minimum number of distinct approvers (`min_approvers_by_residual_risk`, raised by the waiver's own `quorum`). An approver may not be the waiver's requester, the model owner or the control owner (SOD-4).\n\n## Example\n```yaml\nresidual_risk: high          # needs risk_officer and executive_accountable\nrequested_by: {email: a@example.com}\napproved_by:\n  - {email: a@example.com, role: risk_officer}\n```\n\n## Fix\nObtain approvals from independent people holding every required role.\n";
    WAIVER_INCOMPLETE = "W3004", "waiver-incomplete", Warning,
        "a waiver lacks a field the waiver policy requires",
        "## Why\nThe waiver policy's `required_fields` (justification, risk acceptance, residual risk, expiry, remediation, ...) make each exception auditable; an incomplete waiver is ignored.\n\n## Example\n```yaml\nwaivers:\n  - id: W-12\n    controls: [C-FAIR-01]\n    expires_at: 2026-12-01T00:00:00Z\n```\n\n## Fix\nAdd the fields named in the message.\n";
    WAIVER_NOT_WAIVABLE = "W3005", "waiver-for-non-waivable-control", Warning,
        "a waiver names a control that cannot be waived",
        "## Why\nSome controls (`waivable: false`, or listed in the waiver policy's `non_waivable`) guard the waiver process itself or anchor the evidence, so no waiver may cover them.\n\n## Example\n```yaml\nwaivers:\n  - id: W-3\n    controls: [C-GOV-03]\n```\n\n## Fix\nSatisfy the control instead of waiving it.\n";
    WAIVER_COMPENSATION_FAILING = "W3006", "waiver-compensating-control-failing", Warning,
        "a compensating control named by a waiver is not passing",
        "## Why\nA waiver is accepted because other controls, monitors or measures compensate for the risk. Each listed compensating control is re-checked for this release; if one does not hold (a control that does not pass, a listed monitor that is missing or stale or alerts less strictly than approved, a limit above its cap, a human review rate below the one approved), the waiver is void.\n\n## Example\n```yaml\ncompensating_controls:\n  - C-MON-01                      # C-MON-01 fails for this release\n  - limit: requests_per_minute    # spec.deployment.limits.rate_limit.requests_per_minute is 60\n    at_most: 20\n```\n\n## Fix\nMake the compensating control pass or restore the measure, or revise the waiver (and have it approved again).\n";
    WAIVER_UNKNOWN_TARGET = "W3007", "waiver-unknown-target", Warning,
        "a waiver names a control or requirement that the policy does not declare",
        "## Why\nA waiver for an unknown id covers nothing, which usually means a typo or a control that was renamed.\n\n## Example\n```yaml\ncontrols: [C-FAIR-1]   # the control is C-FAIR-01\n```\n\n## Fix\nUse the control and requirement ids shown in the report.\n";
    EVIDENCE_DIGEST_MISMATCH = "E5001", "evidence-digest-mismatch", Error,
        "a cited file does not have the digest the manifest records",
        "## Why\nWith `--verify-evidence` (or `trust.verify` in the policy's data) every document, evaluation report and validation report that records a `digest` / `report_digest` is hashed from the file it references, read under `--evidence-root`. A different digest means the file changed after the manifest was written, or the manifest was edited to cite something else: every requirement that relies on that evidence fails.\n\n## Example\n```yaml\ndocuments:\n  - kind: model_card\n    uri: docs/model-card.md\n    digest: sha256:9f2c…   # the file hashes to sha256:41aa…\n```\n\n## Fix\nRestore the original file, or, if the change is intended, review it and record the new digest (`sha256sum FILE`).\n";
    EVIDENCE_SIGNATURE_INVALID = "E5002", "evidence-signature-invalid", Error,
        "a signature or attestation does not verify, or is for another artifact",
        "## Why\n`signature_ref` points at a DSSE envelope holding an in-toto Statement. It must be signed by a key the policy trusts for that purpose (`data.riskgate.config.trust.keys.<id>.signs`), name the release's artifact digest as its subject and, for approvals and waiver sign-offs, be signed by the key registered for that approver and role, over the same role and decision. A signature that fails any of these is treated as forged: the evidence counts for nothing.\n\n## Example\n```yaml\napprovals:\n  - role: model_validator\n    by: {email: val@example.com}\n    decision: approve\n    signature_ref: approvals/validator.dsse.json   # signed by the author's own key\n```\n\n## Fix\nHave the approver sign with their registered key (`riskgate sign approval`), over this release's artifact digest.\n";
    EVIDENCE_UNVERIFIABLE = "W5003", "evidence-unverifiable", Warning,
        "cited evidence could not be checked",
        "## Why\nVerification needs the file: a digest without a reference, a reference that is missing under `--evidence-root`, a remote URL (riskgate never fetches evidence over the network during a check), or a digest algorithm other than sha256 cannot be checked. With `trust.require_signed_evaluations: true`, an evaluation without a report signed by a key trusted for `evaluation` (`riskgate import --sign-key`, `riskgate sign evaluation`) cannot be checked either. A requirement that relies on such evidence is `insufficient_data`, never `pass`.\n\n## Example\n```yaml\nevaluations:\n  - id: perf\n    report_ref: reports/perf.json    # not under the evidence root\n    report_digest: sha256:…\n```\n\n## Fix\nMake the file available under the evidence root (or point `--evidence-root` at where it is), and record a sha256 digest.\n";
    EVIDENCE_REPORT_MISMATCH = "E5004", "evidence-report-mismatch", Error,
        "an evaluation report states a metric other than the manifest claims",
        "## Why\nA JSON evaluation report (`metrics` as an object of name to value, or a list of `{name, value, slices}`; or the predicate of a signed envelope) is compared with the metrics the manifest claims for that evaluation. A claimed value the report does not state is a finding, and every requirement that reads it fails.\n\n## Example\n```yaml\nmetrics:\n  - {name: auc, value: 0.91}   # reports/perf.json says 0.84\n```\n\n## Fix\nRecord the value the report states, or re-run the evaluation; `riskgate import` writes metrics from the report itself.\n";
    APPROVAL_UNSIGNED = "W5005", "approval-unsigned", Warning,
        "an approval or waiver sign-off has no signature where signatures are required",
        "## Why\nApprovals and waiver sign-offs are written in the release author's own manifest, so anyone could type them. With `--require-signed-approvals` (or `trust.require_signed_approvals: true`) only those with a valid `signature_ref` count; unsigned ones are reported and ignored.\n\n## Example\n```yaml\napprovals:\n  - role: risk_officer\n    by: {email: cro@example.com}\n    decision: approve          # no signature_ref\n```\n\n## Fix\nHave the approver sign the approval with their registered key and reference the envelope in `signature_ref`.\n";
    INVALID_TRUSTED_KEY = "E5006", "invalid-trusted-key", Error,
        "a trusted key in the policy's data cannot be used",
        "## Why\n`data.riskgate.config.trust.keys.<id>` needs a PEM `public_key` (Ed25519 or ECDSA P-256, SubjectPublicKeyInfo), a non-empty `signs` list of `artifact`, `evaluation`, `approval`, `waiver`, and, for approval and waiver keys, the `approver` e-mail and the `roles` they sign in. A key that lacks one is ignored; the others still count.\n\n## Example\n```json\n{\"trust\": {\"keys\": {\"alice\": {\"public_key\": \"-----BEGIN PUBLIC KEY-----…\", \"signs\": [\"approval\"]}}}}\n```\n\n## Fix\nComplete the key entry as the message says.\n";
    UNKNOWN_INPUT_FIELD = "L0007", "unknown-input-field", Warning,
        "an `input` reference names a field that the ModelRelease schema does not define",
        "## Why\nPolicies evaluate `kind: ModelRelease` manifests. A reference to a field the schema does not have is always undefined, so the expression around it never holds (or, under `not`, always does); usually it is a typo.\n\n## Example\n```rego\npackage p\n\nhigh_risk if input.spec.classification.risk_teir == \"high\"\n```\n\n## Fix\nUse the field name from the manifest reference (`riskgate schema` prints the schema): here `risk_tier`. Ignore the lint for policies that evaluate other kinds of input.\n";
    CONTROL_WITHOUT_TESTS = "L0008", "control-without-tests", Warning,
        "a control is not exercised by any test rule",
        "## Why\nControls decide releases; a control no `test_*` rule mentions can break silently when the policy or the manifest format changes. A test mentions a control when its name contains the control id in snake case (`test_c_fair_01_...`) or its body contains the id as a string.\n\n## Example\n```rego\ncontrol \"C-EX-01\" {\n	title: \"Rollback is documented\"\n	mitigates: [\"operational.unrecoverable_release\"]\n	require field \"rollback\" { path: \"spec.rollback.procedure_ref\" }\n}\n```\n\n## Fix\nAdd a test, e.g. `test_c_ex_01_denies_without_rollback if { ... }`, or a golden trace case that covers the control, and run it with `riskgate test`.\n";
    RISK_WITHOUT_CONTROL = "L0009", "risk-without-control", Warning,
        "a declared risk is mitigated by no control",
        "## Why\nA risk that no control lists in `mitigates` is a gap in the taxonomy coverage: releases are never checked against it.\n\n## Example\n```rego\nrisk \"privacy.membership_inference\" {\n	title: \"Training membership can be inferred\"\n	family: \"privacy\"\n}\n```\n\n## Fix\nAdd a control that mitigates the risk, or remove the risk if it does not apply (`riskgate graph --coverage` lists every gap).\n";
    CONTROL_WITHOUT_RISK = "L0010", "control-without-risk", Warning,
        "a control mitigates no risk",
        "## Why\nEvery control should trace back to a risk it reduces; without `mitigates` the control does not appear in the risk graph or in coverage reports, and nobody can tell why it exists.\n\n## Example\n```rego\ncontrol \"C-EX-02\" {\n	title: \"Model card exists\"\n	require document \"model_card\" {}\n}\n```\n\n## Fix\nAdd `mitigates: [\"family.risk\"]` naming the risks the control addresses.\n";
    THRESHOLD_OUT_OF_DOMAIN = "L0011", "threshold-out-of-domain", Warning,
        "a test threshold lies outside the domain of its metric",
        "## Why\nRates, ratios and scores such as accuracy, AUC or a false-positive rate lie between 0 and 1; counts, ages and latencies are never negative. A threshold outside the metric's domain makes the requirement always pass or always fail, which usually means a percentage was written instead of a fraction.\n\n## Example\n```rego\nrequire test \"accuracy\" {\n	metric: \"accuracy\"\n	op: \">=\"\n	threshold: 95\n}\n```\n\n## Fix\nWrite the threshold in the metric's unit (`0.95`).\n";
}
