//! `require approval`: role-bound sign-offs with quorum, segregation of
//! duties, artifact binding and freshness.

use std::collections::{BTreeMap, BTreeSet};

use super::staleness;
use crate::context::{Ctx, Fields, Outcome};
use crate::view::{self, Person, items, short_digest, str_at};
use riskgate_engine::value::Value;

struct Record<'a> {
    index: usize,
    role: &'a str,
    person: Person,
    at: Option<i64>,
    raw: &'a Value,
}

fn role_phrase(roles: &[String]) -> String {
    let names: Vec<String> = roles.iter().map(|r| format!("a {r}")).collect();
    names.join(" or ")
}

pub(crate) fn check(ctx: &Ctx<'_>, fields: &Fields<'_>) -> Outcome {
    let roles = fields.strings("roles").unwrap_or_default();
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let quorum = fields.num("quorum").unwrap_or(roles.len() as f64);
    let distinct_from = fields
        .strings("distinct_from")
        .unwrap_or_else(|| vec!["model_author".to_owned()]);
    let bound = fields.bool("bound_to_artifact", true);
    let max_age = fields.num("max_age_days");
    let all = items(ctx.spec(), &["approvals"]);
    let release_digest = ctx.release.digest.as_deref();
    if bound && release_digest.is_none() {
        return Outcome::fail(
            "the release has no spec.identity.artifact.digest to bind approvals to",
            "set spec.identity.artifact.digest to the released artifact's digest",
        );
    }
    // Who signed in which role anywhere in the release (for `distinct_from`).
    let signers: Vec<(Person, &str)> = all
        .iter()
        .filter_map(|a| {
            Some((
                view::get(a, "by").and_then(Person::from_value)?,
                str_at(a, &["role"])?,
            ))
        })
        .collect();
    let mut notes: Vec<(String, String, String)> = Vec::new(); // (role, message, hint)
    let mut evidence = Vec::new();
    let mut latest: BTreeMap<(String, &str), Record<'_>> = BTreeMap::new();
    for (index, raw) in all.iter().enumerate() {
        let Some(role) = str_at(raw, &["role"]).filter(|r| roles.iter().any(|x| x == r)) else {
            continue;
        };
        evidence.push(ctx.evidence(&format!("/spec/approvals/{index}")));
        let Some(person) = view::get(raw, "by").and_then(Person::from_value) else {
            notes.push((
                role.to_owned(),
                format!("approval #{index} ({role}) does not say who decided"),
                format!("record who gave approval #{index} (by.name and by.email)"),
            ));
            continue;
        };
        if bound {
            let digest = str_at(raw, &["artifact_digest"]);
            if digest != release_digest {
                let release = release_digest.unwrap_or_default();
                let on = digest.map_or_else(
                    || "no artifact digest".to_owned(),
                    |d| format!("artifact {}", short_digest(d)),
                );
                notes.push((
                    role.to_owned(),
                    format!(
                        "{}'s {role} approval is for {on}, not the release artifact",
                        person.display()
                    ),
                    format!(
                        "ask {} to re-approve artifact {release} as {role}",
                        person.display()
                    ),
                ));
                continue;
            }
        }
        if let Err(why) = ctx.trust.approval(index) {
            let who = person.display();
            notes.push((
                role.to_owned(),
                format!("{who}'s {role} approval does not count: {why}"),
                format!(
                    "have {who} sign the {role} approval with their registered key and set its signature_ref"
                ),
            ));
            continue;
        }
        let record = Record {
            index,
            role,
            at: view::get(raw, "at").and_then(view::parse_time),
            person,
            raw,
        };
        let key = (record.person.key(), role);
        let newer = latest.get(&key).is_none_or(|old| {
            (record.at.unwrap_or(i64::MIN), record.index) >= (old.at.unwrap_or(i64::MIN), old.index)
        });
        if newer {
            latest.insert(key, record);
        }
    }
    let mut rejects = Vec::new();
    let mut qualified: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut people = BTreeSet::new();
    for record in latest.values() {
        let who = record.person.display();
        let role = record.role;
        match str_at(record.raw, &["decision"]) {
            Some("approve") => {}
            Some("reject") => {
                rejects.push(record);
                continue;
            }
            other => {
                notes.push((
                    role.to_owned(),
                    format!(
                        "{who}'s {role} decision is {}",
                        other.map_or_else(|| "missing".to_owned(), |d| format!("`{d}`"))
                    ),
                    format!("record {who}'s decision as approve or reject"),
                ));
                continue;
            }
        }
        if let Err(why) = staleness(ctx, view::get(record.raw, "at"), max_age) {
            notes.push((
                role.to_owned(),
                format!("{who}'s {role} approval does not count: {why}"),
                format!("renew the {role} approval by {who}"),
            ));
            continue;
        }
        let conflict = distinct_from.iter().find(|held| {
            ctx.release.holds(&record.person, held)
                || signers
                    .iter()
                    .any(|(p, r)| *r == held.as_str() && *r != role && p.same(&record.person))
        });
        if let Some(held) = conflict {
            notes.push((
                role.to_owned(),
                format!(
                    "{who}'s {role} approval does not count: {who} is also a {held} of this release"
                ),
                format!(
                    "add an approval by role {role} from someone who is not {}",
                    role_phrase(&distinct_from)
                ),
            ));
            continue;
        }
        qualified
            .entry(role)
            .or_default()
            .insert(record.person.key());
        people.insert(record.person.key());
    }
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let count = people.len() as f64;
    let actual = Value::int(i64::try_from(people.len()).unwrap_or(i64::MAX));
    let threshold =
        riskgate_engine::number::Number::from_f64(quorum).map_or(Value::Null, Value::Number);
    let finish = |o: Outcome| {
        o.actual(actual.clone())
            .expected(">=", threshold.clone())
            .evidence(evidence.clone())
    };
    if !rejects.is_empty() {
        let said: Vec<String> = rejects
            .iter()
            .map(|r| format!("{} rejected as {}", r.person.display(), r.role))
            .collect();
        let hints: Vec<String> = rejects
            .iter()
            .map(|r| {
                format!(
                    "resolve the rejection by {} ({}) and record a new decision",
                    r.person.display(),
                    r.role
                )
            })
            .collect();
        return finish(Outcome::fail(
            format!("outstanding rejection: {}", said.join(", ")),
            hints.join("; "),
        ));
    }
    let missing: Vec<&String> = roles
        .iter()
        .filter(|r| !qualified.contains_key(r.as_str()))
        .collect();
    if missing.is_empty() && count >= quorum {
        return finish(Outcome::pass(format!(
            "approved by {} distinct qualified {} in roles {}",
            people.len(),
            if people.len() == 1 {
                "person"
            } else {
                "people"
            },
            roles.join(", ")
        )));
    }
    let mut messages = Vec::new();
    let mut hints = Vec::new();
    for role in &missing {
        messages.push(format!("no qualified {role} approval"));
        let role_notes: Vec<&(String, String, String)> =
            notes.iter().filter(|(r, _, _)| r == *role).collect();
        if role_notes.is_empty() {
            hints.push(format!(
                "add an approval by role {role} from someone who is not {}",
                role_phrase(&distinct_from)
            ));
        }
        for (_, message, hint) in role_notes {
            messages.push(message.clone());
            if !hints.contains(hint) {
                hints.push(hint.clone());
            }
        }
    }
    if count < quorum {
        messages.push(format!(
            "{} distinct qualified approver{} of {} required",
            people.len(),
            if people.len() == 1 { "" } else { "s" },
            view::days(quorum)
        ));
        if missing.is_empty() {
            hints.push(format!(
                "add approvals from {} more distinct {} in roles {} (one person counts once, whatever roles they sign as)",
                view::days(quorum - count),
                if quorum - count > 1.0 { "people" } else { "person" },
                roles.join(", ")
            ));
        }
    }
    finish(Outcome::fail(messages.join("; "), hints.join("; ")))
}
