//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! One run. `tool.driver.rules` has one rule per control id (and per
//! diagnostic code) that appears in a result, in first-seen order. Each
//! failing requirement is a result whose level follows the control's action
//! (`deny` → `error`, `warn` → `warning`, `record` → `note`); each waived
//! requirement is a result with an external suppression citing the waiver.
//! Manifest load problems and findings are results too, with the
//! diagnostic code as rule. Locations are the manifest evidence; the policy
//! declaration is a related location. Files of the embedded standard
//! library are relative to the `RISKGATE_STDLIB` base id.

use serde_json::{Map, Value, json};

use riskgate_controls::trace::{
    Action, ControlTrace, Location, ManifestTrace, RequirementTrace, Status, Trace,
};

use super::{DOCS_BASE, HOMEPAGE, ReportOptions, comparison_text, expected_text, primary_location};

/// The `$schema` written into every log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base id of files in riskgate's embedded standard library.
pub const STDLIB_BASE_ID: &str = "RISKGATE_STDLIB";
const STDLIB_PREFIX: &str = "<stdlib>/";

/// Renders a SARIF 2.1.0 log.
pub fn render(trace: &Trace, options: &ReportOptions<'_>) -> String {
    let trace = options.prepare(trace);
    let mut log = Log {
        rules: Vec::new(),
        results: Vec::new(),
        full: options.full(),
    };
    for manifest in &trace.manifests {
        log.manifest(manifest);
    }
    let decisions: Vec<Value> = trace
        .manifests
        .iter()
        .map(|m| {
            let mut entry = Map::new();
            entry.insert("file".into(), json!(m.file));
            entry.insert("document".into(), json!(m.document));
            if let Some(name) = &m.name {
                entry.insert("name".into(), json!(name));
            }
            entry.insert("decision".into(), json!(m.decision.as_str()));
            Value::Object(entry)
        })
        .collect();
    let sarif = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "riskgate",
                    "version": trace.riskgate_version,
                    "informationUri": HOMEPAGE,
                    "rules": log.rules.iter().map(|r| r.json.clone()).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": {
                STDLIB_BASE_ID: {
                    "description": { "text": "riskgate's embedded standard library of controls" }
                }
            },
            "invocations": [{
                "executionSuccessful": trace.summary.error == 0,
                "endTimeUtc": trace.evaluated_at,
            }],
            "results": log.results,
            "properties": {
                "traceVersion": trace.trace_version,
                "enforcementPoint": trace.enforcement_point.as_str(),
                "evaluatedAt": trace.evaluated_at,
                "policySource": trace.policy_source,
                "decision": super::overall_decision(&trace).as_str(),
                "manifests": decisions,
            }
        }]
    });
    super::json::to_pretty_json(&sarif)
}

struct Rule {
    id: String,
    json: Value,
}

struct Log {
    rules: Vec<Rule>,
    results: Vec<Value>,
    full: bool,
}

impl Log {
    /// The index of the rule `id`, adding it on first use.
    fn rule(&mut self, id: &str, make: impl FnOnce() -> Value) -> usize {
        if let Some(index) = self.rules.iter().position(|r| r.id == id) {
            return index;
        }
        self.rules.push(Rule {
            id: id.to_owned(),
            json: make(),
        });
        self.rules.len() - 1
    }

    fn diagnostic_rule(&mut self, code: &str) -> usize {
        self.rule(code, || {
            json!({
                "id": code,
                "shortDescription": { "text": format!("riskgate diagnostic {code}") },
                "helpUri": format!("{DOCS_BASE}/diagnostics/{code}.md"),
            })
        })
    }

    fn manifest(&mut self, manifest: &ManifestTrace) {
        for problem in &manifest.problems {
            let index = self.diagnostic_rule(&problem.code);
            let level = if problem.severity == "error" {
                "error"
            } else {
                "warning"
            };
            let mut text = problem.message.clone();
            if let Some(help) = &problem.help {
                text.push_str(&format!(" Help: {help}"));
            }
            let location = manifest_location(manifest, problem.location.as_ref());
            self.results.push(json!({
                "ruleId": problem.code,
                "ruleIndex": index,
                "level": level,
                "message": { "text": text },
                "locations": [location],
            }));
        }
        for control in &manifest.controls {
            for requirement in &control.requirements {
                if requirement.status.is_failing() || requirement.status == Status::Waived {
                    self.requirement(manifest, control, requirement);
                }
            }
        }
        for finding in &manifest.findings {
            let index = self.diagnostic_rule(&finding.code);
            let level = if finding.code.starts_with('E') {
                "error"
            } else {
                "warning"
            };
            let location = manifest_location(manifest, finding.location.as_ref());
            self.results.push(json!({
                "ruleId": finding.code,
                "ruleIndex": index,
                "level": level,
                "message": { "text": finding.message },
                "locations": [location],
            }));
        }
    }

    fn requirement(
        &mut self,
        manifest: &ManifestTrace,
        control: &ControlTrace,
        requirement: &RequirementTrace,
    ) {
        let index = self.rule(&control.id, || control_rule(control));
        let mut sentences = vec![format!(
            "{} ({}): {}",
            control.title, requirement.id, requirement.message
        )];
        if let Some(comparison) = comparison_text(requirement) {
            sentences.push(capitalise(&comparison));
        }
        if let Some(hint) = &requirement.to_pass {
            sentences.push(format!("To pass: {hint}"));
        }
        let text = sentences
            .iter()
            .map(|s| sentence(s))
            .collect::<Vec<_>>()
            .join(" ");
        let mut related = vec![json!({
            "id": 0,
            "physicalLocation": physical_location(&requirement.policy),
            "message": { "text": format!("requirement {} of {} is declared here", requirement.id, control.id) },
        })];
        if self.full {
            for evidence in &requirement.evidence {
                if let Some(location) = &evidence.location {
                    related.push(json!({
                        "id": related.len(),
                        "physicalLocation": physical_location(location),
                        "message": { "text": format!("evidence {}", evidence.pointer) },
                    }));
                }
            }
        }
        let mut properties = Map::new();
        properties.insert("manifest".into(), json!(manifest.file));
        properties.insert("document".into(), json!(manifest.document));
        properties.insert("requirement".into(), json!(requirement.id));
        properties.insert("requirementKind".into(), json!(requirement.kind));
        properties.insert("status".into(), json!(requirement.status.as_str()));
        properties.insert("action".into(), json!(control.action.as_str()));
        properties.insert("severity".into(), json!(control.severity));
        if let Some(actual) = &requirement.actual {
            properties.insert("actual".into(), actual.clone());
        }
        if let Some(expected) = expected_text(requirement) {
            properties.insert("expected".into(), json!(expected));
        }
        if let Some(hint) = &requirement.to_pass {
            properties.insert("toPass".into(), json!(hint));
        }
        let mut result = json!({
            "ruleId": control.id,
            "ruleIndex": index,
            "level": level(control.action),
            "message": { "text": text },
            "locations": [manifest_location(manifest, primary_location(requirement))],
            "relatedLocations": related,
            "properties": properties,
        });
        if let (Some(waiver), Some(object)) = (&requirement.waiver, result.as_object_mut()) {
            object.insert(
                "suppressions".into(),
                json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": waiver.id,
                    "properties": {
                        "expiresAt": waiver.expires_at,
                        "compensatingControls": waiver.compensating_controls,
                    }
                }]),
            );
        }
        self.results.push(result);
    }
}

/// `text` ending in a full stop (unless it already ends in punctuation).
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn control_rule(control: &ControlTrace) -> Value {
    json!({
        "id": control.id,
        "shortDescription": { "text": control.title },
        "helpUri": format!("{DOCS_BASE}/catalogue.md#{}", control.id.to_ascii_lowercase()),
        "properties": {
            "tags": control.risks,
            "severity": control.severity,
        }
    })
}

fn level(action: Action) -> &'static str {
    match action {
        Action::Deny => "error",
        Action::Warn => "warning",
        Action::Record => "note",
    }
}

/// The location of a result: the exact place when known, else the
/// manifest file as a whole, named after the release.
fn manifest_location(manifest: &ManifestTrace, location: Option<&Location>) -> Value {
    let physical = match location {
        Some(location) => physical_location(location),
        None => json!({ "artifactLocation": artifact_location(&manifest.file) }),
    };
    let mut object = Map::new();
    object.insert("physicalLocation".into(), physical);
    if let Some(name) = &manifest.name {
        object.insert(
            "logicalLocations".into(),
            json!([{ "name": name, "kind": "object" }]),
        );
    }
    Value::Object(object)
}

fn physical_location(location: &Location) -> Value {
    json!({
        "artifactLocation": artifact_location(&location.file),
        "region": {
            "startLine": location.line.max(1),
            "startColumn": location.col.max(1),
        }
    })
}

/// A relative URI for a file as named on the command line.
pub(crate) fn artifact_location(file: &str) -> Value {
    if let Some(rest) = file.strip_prefix(STDLIB_PREFIX) {
        return json!({ "uri": encode_uri(rest), "uriBaseId": STDLIB_BASE_ID });
    }
    let mut path = file.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_owned();
    }
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_uri(&path)) })
    } else {
        json!({ "uri": encode_uri(&path) })
    }
}

/// Percent-encodes everything but unreserved characters, sub-delimiters,
/// `:`, `@` and `/`.
fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let c = char::from(byte);
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{artifact_location, encode_uri};

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(encode_uri("a b/ü.yaml"), "a%20b/%C3%BC.yaml");
        assert_eq!(
            artifact_location("./models/x.yaml").to_string(),
            r#"{"uri":"models/x.yaml"}"#
        );
        assert_eq!(
            artifact_location("<stdlib>/fairness.gate").to_string(),
            r#"{"uri":"fairness.gate","uriBaseId":"RISKGATE_STDLIB"}"#
        );
        assert_eq!(
            artifact_location("/abs/x.yaml").to_string(),
            r#"{"uri":"file:///abs/x.yaml"}"#
        );
    }
}
