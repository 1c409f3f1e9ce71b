//! Checking a manifest that loaded with value errors (a wrong type, an
//! invalid timestamp, a number out of range): every control is evaluated
//! on the document as written, and a control whose result depends on a
//! value that did not load becomes `error`, citing the load error.
//!
//! "Depends on" is decided by evaluation, not by guessing which fields the
//! rules and requirements read: the manifest is checked again with every
//! broken value taken out (an object member removed; an array element
//! replaced by `null`, so that the other elements keep their pointers), and
//! with every broken value replaced by each of two probes of the type the
//! schema expects (`0` and `1e9` for a number, the two ends of an enum,
//! `false` and `true`, the epoch and the year 9999 for a timestamp …). A
//! control whose trace differs between any of these runs depends on the
//! broken values; a control that gives the same result in all of them does
//! not depend on them in any way a valid value could change, and its result
//! stands. Changing all values together matters: where several broken
//! values feed one control (every slice of a metric), changing one alone
//! would leave the others deciding. Which value a dependent requirement is
//! blamed on is then found by changing one value at a time against the
//! probed document (up to [`MAX_SEPARATE`]; any further ones together); a
//! requirement that no single value explains is blamed on all of them.
//!
//! Invariants: the decision stays `error`, so CI fails closed; a control
//! only ever moves to `error`, never towards `pass`; the extra cost is one
//! check per broken value, paid only by manifests that have one. Documents
//! that are not recognisably a `ModelRelease` (syntax errors, duplicate
//! keys, a wrong `apiVersion` or `kind`) are not evaluated at all
//! ([`broken_values`] returns `None`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use riskgate_engine::json_pointer;
use riskgate_engine::value::Value;

use crate::manifest::{ManifestDiagnostic, schema_nav};
use crate::trace::{ControlTrace, Decision, Evidence, Location, ManifestTrace, Status};
use crate::{CheckOptions, ManifestInput, PolicySet};
use serde_json::Value as Json;

/// Broken values beyond this many are taken out together in one more run.
pub(crate) const MAX_SEPARATE: usize = 8;

/// A value that did not load, with the error that says why.
#[derive(Debug, Clone)]
pub(crate) struct Broken<'d> {
    tokens: Vec<String>,
    diagnostic: &'d ManifestDiagnostic,
}

impl Broken<'_> {
    fn pointer(&self) -> &str {
        self.diagnostic.pointer.as_deref().unwrap_or_default()
    }
}

/// The values `raw` holds that did not load, outermost only; `None` when
/// some error is about the document as a whole, so nothing can be
/// evaluated. Errors about absent values (a missing field) need no second
/// run: the document already lacks them, and the controls that need them
/// report missing evidence.
pub(crate) fn broken_values<'d>(
    raw: &Value,
    diagnostics: &'d [ManifestDiagnostic],
) -> Option<Vec<Broken<'d>>> {
    let mut broken: Vec<Broken<'d>> = Vec::new();
    for diagnostic in diagnostics {
        if diagnostic.severity() != riskgate_dsl::Severity::Error {
            continue;
        }
        let pointer = diagnostic.pointer.as_deref()?;
        if matches!(pointer, "" | "/apiVersion" | "/kind") {
            return None;
        }
        let tokens: Vec<String> = json_pointer::tokens(pointer)
            .map(std::borrow::Cow::into_owned)
            .collect();
        if lookup(raw, &tokens).is_none() {
            continue;
        }
        broken.push(Broken { tokens, diagnostic });
    }
    // A value inside another broken value goes with it.
    let outer: Vec<bool> = broken
        .iter()
        .map(|b| {
            !broken.iter().any(|other| {
                other.tokens.len() < b.tokens.len() && b.tokens.starts_with(&other.tokens)
            })
        })
        .collect();
    let mut outer = outer.into_iter();
    broken.retain(|_| outer.next().unwrap_or(true));
    broken.dedup_by(|a, b| a.tokens == b.tokens);
    Some(broken)
}

/// Checks `manifest` (the document as written) and turns every control
/// that depends on a broken value into an `error`.
pub(crate) fn check(
    set: &PolicySet,
    manifest: &ManifestInput<'_>,
    broken: &[Broken<'_>],
    options: &CheckOptions,
) -> ManifestTrace {
    let run = |value: &Value| set.check(&ManifestInput { value, ..*manifest }, options);
    let mut trace = run(manifest.value);
    let all: Vec<&Broken<'_>> = broken.iter().collect();
    let probes: Vec<[Value; 2]> = broken.iter().map(|b| probes(&b.tokens)).collect();
    let replace_all = |pick: &dyn Fn(usize) -> Option<Value>| {
        broken
            .iter()
            .enumerate()
            .try_fold(manifest.value.clone(), |value, (i, b)| {
                replaced(&value, &b.tokens, pick(i))
            })
    };
    let absent = replace_all(&|_| None);
    let low = replace_all(&|i| probes.get(i).map(|[a, _]| a.clone()));
    let high = replace_all(&|i| probes.get(i).map(|[_, b]| b.clone()));
    let low_trace = low.as_ref().map(run);
    // (control, requirement) that depend on some broken value.
    let mut dependent: BTreeSet<(usize, usize)> = BTreeSet::new();
    let alternatives = [
        absent.as_ref().map(run),
        low_trace.clone(),
        high.as_ref().map(run),
    ];
    for other in alternatives.iter().flatten() {
        dependent.extend(differences(&trace, other));
    }
    // Blame: one value at a time moved from the low to the high probe.
    let mut blamed: BTreeMap<(usize, usize), Vec<&Broken<'_>>> = BTreeMap::new();
    if let (Some(low), Some(low_trace), true) = (&low, &low_trace, broken.len() > 1) {
        let groups: Vec<Vec<usize>> = if broken.len() > MAX_SEPARATE {
            let mut groups: Vec<Vec<usize>> = (0..MAX_SEPARATE - 1).map(|i| vec![i]).collect();
            groups.push((MAX_SEPARATE - 1..broken.len()).collect());
            groups
        } else {
            (0..broken.len()).map(|i| vec![i]).collect()
        };
        for group in groups {
            let moved = group.iter().try_fold(low.clone(), |value, &i| {
                let high = probes.get(i).map(|[_, b]| b.clone());
                replaced(&value, &broken.get(i)?.tokens, high)
            });
            let Some(moved) = moved else { continue };
            for at in differences(low_trace, &run(&moved)) {
                if dependent.contains(&at) {
                    let entry = blamed.entry(at).or_default();
                    entry.extend(group.iter().filter_map(|&i| broken.get(i)));
                }
            }
        }
    }
    for (c, r) in dependent {
        let group = blamed.get(&(c, r)).unwrap_or(&all);
        let Some(control) = trace.controls.get_mut(c) else {
            continue;
        };
        control.status = Status::Error;
        let Some(requirement) = control.requirements.get_mut(r) else {
            continue;
        };
        requirement.status = Status::Error;
        requirement.message = format!("cannot be evaluated: {}", describe(group));
        requirement.actual = None;
        requirement.expected = None;
        requirement.waiver = None;
        requirement.evidence = evidence(group, manifest);
        requirement.to_pass = Some(to_pass(group, manifest));
    }
    trace.decision = Decision::Error;
    trace
}

/// The (control, requirement) positions where two traces of one manifest
/// differ.
fn differences(trace: &ManifestTrace, other: &ManifestTrace) -> Vec<(usize, usize)> {
    trace
        .controls
        .iter()
        .zip(&other.controls)
        .enumerate()
        .filter(|(_, (control, alternative))| control != alternative)
        .flat_map(|(c, (control, alternative))| {
            changed(control, alternative)
                .into_iter()
                .map(move |r| (c, r))
        })
        .collect()
}

/// Two values of the type the schema expects at `tokens`, as far apart as
/// the type allows, so that a rule reading the value sees a difference.
fn probes(tokens: &[String]) -> [Value; 2] {
    let root = crate::manifest::schema();
    let path: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let Some(field) = schema_nav::field_at(root, &path) else {
        return [Value::Null, Value::Bool(true)];
    };
    let options = schema_nav::alternatives(root, schema_nav::value_schema(root, field));
    let types: Vec<&str> = options
        .iter()
        .flat_map(|o| match o.get("type") {
            Some(Json::String(ty)) => vec![ty.as_str()],
            Some(Json::Array(types)) => types.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        })
        .filter(|ty| *ty != "null")
        .collect();
    if let Some(values) = options
        .iter()
        .find_map(|o| o.get("enum").and_then(Json::as_array))
        && let (Some(first), Some(last)) = (values.first(), values.last())
        && first != last
    {
        return [Value::from_json(first), Value::from_json(last)];
    }
    let is_timestamp = options
        .iter()
        .any(|o| o.get("format").and_then(Json::as_str) == Some("date-time"));
    let preferred = ["number", "integer", "boolean", "string", "array", "object"];
    let ty = preferred.iter().find(|ty| types.contains(ty));
    let json = match ty {
        Some(&"number" | &"integer") => [serde_json::json!(0), serde_json::json!(1_000_000_000)],
        Some(&"boolean") => [Json::Bool(false), Json::Bool(true)],
        Some(&"string") if is_timestamp => [
            serde_json::json!("1970-01-01T00:00:00Z"),
            serde_json::json!("9999-12-31T23:59:59Z"),
        ],
        Some(&"string") => [serde_json::json!(""), serde_json::json!("riskgate-probe")],
        Some(&"array") => [serde_json::json!([]), serde_json::json!([null])],
        Some(&"object") => [
            serde_json::json!({}),
            serde_json::json!({"riskgate-probe": null}),
        ],
        _ => [Json::Null, Json::Bool(true)],
    };
    json.map(|j| Value::from_json(&j))
}

/// The requirements of `control` whose result differs in `alternative`;
/// all of them when the control's shape changed (it applies in one run and
/// not in the other, or fires a different number of violations). A control
/// without requirements differs as a whole: it is blamed through index 0,
/// which [`check`] marks on the control alone.
fn changed(control: &ControlTrace, alternative: &ControlTrace) -> Vec<usize> {
    let same_shape = control.requirements.len() == alternative.requirements.len()
        && control
            .requirements
            .iter()
            .zip(&alternative.requirements)
            .all(|(a, b)| a.id == b.id);
    if control.requirements.is_empty() {
        return vec![0];
    }
    control
        .requirements
        .iter()
        .enumerate()
        .filter(|(i, requirement)| {
            !same_shape || alternative.requirements.get(*i) != Some(*requirement)
        })
        .map(|(i, _)| i)
        .collect()
}

/// "it depends on a value that did not load (E2009: expected …)"; the
/// load error's message names the value.
fn describe(group: &[&Broken<'_>]) -> String {
    let parts: Vec<String> = group
        .iter()
        .map(|b| format!("{}: {}", b.diagnostic.code().id, b.diagnostic.message()))
        .collect();
    match parts.as_slice() {
        [one] => format!("it depends on a value that did not load ({one})"),
        _ => format!(
            "it depends on values that did not load ({})",
            parts.join("; ")
        ),
    }
}

fn evidence(group: &[&Broken<'_>], manifest: &ManifestInput<'_>) -> Vec<Evidence> {
    group
        .iter()
        .map(|b| Evidence {
            pointer: b.pointer().to_owned(),
            location: (manifest.locate)(b.pointer()),
            value: lookup(manifest.value, &b.tokens).map(Value::to_json),
            source: None,
        })
        .collect()
}

fn to_pass(group: &[&Broken<'_>], manifest: &ManifestInput<'_>) -> String {
    let places: Vec<String> = group
        .iter()
        .map(|b| {
            let at = (manifest.locate)(b.pointer()).map_or_else(
                || format!("`{}`", b.pointer()),
                |l: Location| format!("the value at {l} (`{}`)", b.pointer()),
            );
            match b.diagnostic.help() {
                Some(help) => format!("{at} ({help})"),
                None => at,
            }
        })
        .collect();
    format!("fix {} so that the manifest loads", places.join(", "))
}

/// The value at `tokens`.
fn lookup<'v>(value: &'v Value, tokens: &[String]) -> Option<&'v Value> {
    tokens.iter().try_fold(value, |v, token| match v {
        Value::Object(_) => v.get(&Value::string(token)),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// `value` with the node at `tokens` replaced by `by`, or taken out when
/// `by` is `None` (removed from its object, replaced by `null` in its
/// array). `None` when there is no such node.
fn replaced(value: &Value, tokens: &[String], by: Option<Value>) -> Option<Value> {
    let (first, rest) = tokens.split_first()?;
    match value {
        Value::Object(map) => {
            let key = Value::string(first);
            let child = map.get(&key)?;
            let mut map = Arc::clone(map);
            let entries = Arc::make_mut(&mut map);
            match (rest.is_empty(), by) {
                (true, None) => {
                    entries.remove(&key);
                }
                (true, Some(by)) => {
                    entries.insert(key, by);
                }
                (false, by) => {
                    entries.insert(key, replaced(child, rest, by)?);
                }
            }
            Some(Value::Object(map))
        }
        Value::Array(items) => {
            let index = first.parse::<usize>().ok()?;
            let child = items.get(index)?;
            let replacement = if rest.is_empty() {
                by.unwrap_or(Value::Null)
            } else {
                replaced(child, rest, by)?
            };
            let mut items = Arc::clone(items);
            *Arc::make_mut(&mut items).get_mut(index)? = replacement;
            Some(Value::Array(items))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(pointer: &str) -> Vec<String> {
        json_pointer::tokens(pointer)
            .map(std::borrow::Cow::into_owned)
            .collect()
    }

    #[test]
    fn taking_out_removes_members_and_nulls_elements() {
        let value = Value::from_json(&serde_json::json!({
            "spec": {"slices": [{"n": "2750", "name": "a"}, {"n": 3}], "keep": 1}
        }));
        let member = replaced(&value, &tokens("/spec/slices/0/n"), None).unwrap();
        assert_eq!(
            member.to_json(),
            serde_json::json!({"spec": {"slices": [{"name": "a"}, {"n": 3}], "keep": 1}})
        );
        let element = replaced(&value, &tokens("/spec/slices/0"), None).unwrap();
        assert_eq!(
            element.to_json(),
            serde_json::json!({"spec": {"slices": [null, {"n": 3}], "keep": 1}})
        );
        let set = replaced(&value, &tokens("/spec/keep"), Some(Value::Bool(true))).unwrap();
        assert_eq!(
            lookup(&set, &tokens("/spec/keep")),
            Some(&Value::Bool(true))
        );
        assert!(replaced(&value, &tokens("/spec/absent/x"), None).is_none());
        assert!(replaced(&value, &tokens("/spec/slices/9"), None).is_none());
        // The original is untouched (values are shared, not mutated).
        assert_eq!(
            lookup(&value, &tokens("/spec/slices/0/n")),
            Some(&Value::string("2750"))
        );
    }
}
