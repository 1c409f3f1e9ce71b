//! Waivers: time-bound, approved exceptions that turn failing requirements
//! into `waived` when all eight conditions of docs/controls.md hold.
//! Invalid waivers are ignored and reported as `W3xxx` findings.

use std::collections::{BTreeMap, BTreeSet};

use crate::codes;
use crate::compare::{Op, at_least_as_strict, show};

use super::context::Ctx;
use super::schema::cadence_hours;
use super::view::{self, Person, items, short_digest, str_at};
use crate::trace::{ControlTrace, Finding, Status, WaiverCitation};
use riskgate_engine::value::Value;

/// The waiver policy (catalogue `waiver_policy`), overridable through
/// `data.riskgate.config.waiver_policy`.
#[derive(Debug, Clone, PartialEq)]
pub struct WaiverPolicy {
    /// Fields every waiver must have.
    pub required_fields: Vec<String>,
    /// Maximum `expires_at - issued_at` in days, by residual risk.
    pub max_duration_days_by_residual_risk: BTreeMap<String, f64>,
    /// Roles that must all approve, by residual risk.
    pub approver_roles_by_residual_risk: BTreeMap<String, Vec<String>>,
    /// How many distinct people must approve, by residual risk (a waiver's
    /// own `quorum` can only raise it).
    pub min_approvers_by_residual_risk: BTreeMap<String, f64>,
    /// Controls no waiver may cover.
    pub non_waivable: Vec<String>,
    /// How often a waiver may be renewed (`renewal_of` chains); `None`
    /// when the overlay lifts the limit (`null`).
    pub max_renewals: Option<f64>,
    /// The most days a waiver and the ones it renews may run together.
    pub max_cumulative_days: Option<f64>,
}

impl Default for WaiverPolicy {
    fn default() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Self {
            required_fields: strings(&[
                "id",
                "controls",
                "scope",
                "justification",
                "risk_acceptance",
                "residual_risk",
                "compensating_controls",
                "conditions",
                "requested_by",
                "approved_by",
                "issued_at",
                "expires_at",
                "remediation_ref",
            ]),
            max_duration_days_by_residual_risk: [
                ("low", 365.0),
                ("medium", 180.0),
                ("high", 90.0),
                ("critical", 30.0),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            approver_roles_by_residual_risk: [
                ("low", strings(&["risk_officer"])),
                ("medium", strings(&["risk_officer"])),
                ("high", strings(&["risk_officer", "executive_accountable"])),
                ("critical", strings(&["model_risk_committee"])),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            min_approvers_by_residual_risk: [
                ("low", 1.0),
                ("medium", 1.0),
                ("high", 2.0),
                ("critical", 2.0),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            non_waivable: strings(&["C-GOV-14", "C-GOV-03", "C-SEC-05"]),
            max_renewals: Some(2.0),
            max_cumulative_days: Some(365.0),
        }
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        Value::Set(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
        ),
        _ => None,
    }
}

impl WaiverPolicy {
    /// The defaults with the keys present in `overlay` replaced (lists) or
    /// merged entry by entry (the tables keyed by residual risk).
    #[must_use]
    pub fn from_overlay(overlay: &Value) -> Self {
        let mut policy = Self::default();
        if let Some(v) = view::get(overlay, "required_fields").and_then(strings) {
            policy.required_fields = v;
        }
        if let Some(v) = view::get(overlay, "non_waivable").and_then(strings) {
            policy.non_waivable = v;
        }
        for (key, limit) in [
            ("max_renewals", &mut policy.max_renewals),
            ("max_cumulative_days", &mut policy.max_cumulative_days),
        ] {
            match view::get(overlay, key) {
                Some(Value::Null) => *limit = None,
                Some(v) => {
                    if let Some(n) = v.as_number().map(|n| n.as_f64()) {
                        *limit = Some(n);
                    }
                }
                None => {}
            }
        }
        for (key, table) in [
            (
                "max_duration_days_by_residual_risk",
                &mut policy.max_duration_days_by_residual_risk,
            ),
            (
                "min_approvers_by_residual_risk",
                &mut policy.min_approvers_by_residual_risk,
            ),
        ] {
            if let Some(Value::Object(entries)) = view::get(overlay, key) {
                table.extend(
                    entries.iter().filter_map(|(k, v)| {
                        Some((k.as_str()?.to_owned(), v.as_number()?.as_f64()))
                    }),
                );
            }
        }
        if let Some(Value::Object(entries)) = view::get(overlay, "approver_roles_by_residual_risk")
        {
            policy.approver_roles_by_residual_risk.extend(
                entries
                    .iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), strings(v)?))),
            );
        }
        policy
    }
}

/// A reason a waiver is invalid.
struct Problem {
    code: &'static str,
    message: String,
    hint: String,
}

fn problem(code: &'static str, message: String, hint: String) -> Problem {
    Problem {
        code,
        message,
        hint,
    }
}

/// Applies every waiver of the manifest to `controls` (base statuses
/// computed, not yet aggregated); returns the findings.
pub(crate) fn apply(
    ctx: &Ctx<'_>,
    policy: &WaiverPolicy,
    controls: &mut [ControlTrace],
) -> Vec<Finding> {
    let base: BTreeMap<String, Status> = controls
        .iter()
        .map(|c| (c.id.clone(), super::decision::worst(c)))
        .collect();
    let mut findings = Vec::new();
    for (index, waiver) in items(ctx.spec(), &["waivers"]).iter().enumerate() {
        let pointer = format!("/spec/waivers/{index}");
        let id = str_at(waiver, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
        let general = general_problems(ctx, policy, waiver, &id);
        let mut reported: BTreeSet<(String, &'static str)> = BTreeSet::new();
        let mut report = |findings: &mut Vec<Finding>, p: &Problem| {
            if reported.insert((p.message.clone(), p.code)) {
                findings.push(Finding {
                    code: p.code.to_owned(),
                    message: format!("waiver {id} is ignored: {}", p.message),
                    location: (ctx.locate)(&pointer),
                    pointer: Some(pointer.clone()),
                });
            }
        };
        for p in &general {
            report(&mut findings, p);
        }
        let targets = view::get(waiver, "controls")
            .and_then(strings)
            .unwrap_or_default();
        let narrowed = view::get(waiver, "requirements")
            .and_then(strings)
            .unwrap_or_default();
        for target in &targets {
            let Some(control) = controls.iter_mut().find(|c| &c.id == target) else {
                report(
                    &mut findings,
                    &problem(
                        codes::WAIVER_UNKNOWN_TARGET.id,
                        format!("it names control {target}, which the policy does not declare"),
                        String::new(),
                    ),
                );
                continue;
            };
            let Some(spec) = ctx.set.controls.control(target) else {
                continue;
            };
            for requirement in &narrowed {
                let known = spec.requirements.iter().any(|r| &r.id == requirement)
                    || requirement == "violation";
                let elsewhere = targets.iter().any(|t| {
                    ctx.set
                        .controls
                        .control(t)
                        .is_some_and(|c| c.requirements.iter().any(|r| &r.id == requirement))
                });
                if !known && !elsewhere {
                    report(
                        &mut findings,
                        &problem(
                            codes::WAIVER_UNKNOWN_TARGET.id,
                            format!(
                                "it names requirement {requirement}, which control {target} does not declare"
                            ),
                            String::new(),
                        ),
                    );
                }
            }
            let specific = control_problems(ctx, policy, (index, waiver), &id, spec, &base);
            for p in &specific {
                report(&mut findings, p);
            }
            let problems: Vec<&Problem> = general.iter().chain(specific.iter()).collect();
            for requirement in &mut control.requirements {
                let covered = narrowed.is_empty() || narrowed.contains(&requirement.id);
                if !covered
                    || !matches!(requirement.status, Status::Fail | Status::InsufficientData)
                {
                    continue;
                }
                if problems.is_empty() {
                    requirement.status = Status::Waived;
                    requirement.waiver = Some(WaiverCitation {
                        id: id.clone(),
                        expires_at: str_at(waiver, &["expires_at"])
                            .unwrap_or_default()
                            .to_owned(),
                        compensating_controls: items(waiver, &["compensating_controls"])
                            .iter()
                            .map(describe_compensating)
                            .collect(),
                        location: (ctx.locate)(&pointer),
                    });
                } else {
                    let hints: Vec<&str> = problems
                        .iter()
                        .map(|p| p.hint.as_str())
                        .filter(|h| !h.is_empty())
                        .collect();
                    let extra = format!("(waiver {id} does not apply: {})", hints.join("; "));
                    requirement.to_pass = Some(match requirement.to_pass.take() {
                        Some(existing) => format!("{existing} {extra}"),
                        None => extra,
                    });
                }
            }
        }
    }
    findings
}

fn general_problems(
    ctx: &Ctx<'_>,
    policy: &WaiverPolicy,
    waiver: &Value,
    id: &str,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let missing: Vec<&str> = policy
        .required_fields
        .iter()
        .filter(|f| {
            !view::get(waiver, f).is_some_and(|v| {
                !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.trim().is_empty())
            })
        })
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        out.push(problem(
            codes::WAIVER_INCOMPLETE.id,
            format!("it lacks {}", missing.join(", ")),
            format!("complete waiver {id} ({})", missing.join(", ")),
        ));
    }
    let expires = view::get(waiver, "expires_at").and_then(view::parse_time);
    let issued = view::get(waiver, "issued_at").and_then(view::parse_time);
    let expires_text = str_at(waiver, &["expires_at"]).unwrap_or("never");
    match expires {
        None => out.push(problem(
            codes::WAIVER_EXPIRED.id,
            "it has no valid expires_at (waivers must expire)".to_owned(),
            format!("give waiver {id} an expiry"),
        )),
        Some(expires) if expires <= ctx.now_ns => out.push(problem(
            codes::WAIVER_EXPIRED.id,
            format!("it expired at {expires_text}"),
            format!("renew waiver {id} (expired {expires_text})"),
        )),
        Some(_) => {}
    }
    if let Some(issued) = issued
        && issued > ctx.now_ns
    {
        out.push(problem(
            codes::WAIVER_EXPIRED.id,
            format!(
                "it is issued in the future ({})",
                str_at(waiver, &["issued_at"]).unwrap_or_default()
            ),
            format!("correct waiver {id}'s issued_at"),
        ));
    }
    let residual = str_at(waiver, &["residual_risk"]);
    if let (Some(issued), Some(expires), Some(residual)) = (issued, expires, residual) {
        let duration = view::age_days(expires, issued);
        match policy.max_duration_days_by_residual_risk.get(residual) {
            Some(max) if duration > *max => out.push(problem(
                codes::WAIVER_EXPIRED.id,
                format!(
                    "it runs {} days, longer than the {} days allowed for {residual} residual risk",
                    view::days(duration),
                    view::days(*max)
                ),
                format!("shorten waiver {id} to at most {} days", view::days(*max)),
            )),
            Some(_) => {}
            None => out.push(problem(
                codes::WAIVER_EXPIRED.id,
                format!("the waiver policy has no maximum duration for residual risk `{residual}`"),
                format!("set waiver {id}'s residual_risk to low, medium, high or critical"),
            )),
        }
    }
    out.extend(renewal_problems(ctx, policy, waiver, id));
    if let Some(scope) = view::get(waiver, "scope") {
        let digest = str_at(scope, &["artifact_digest"])
            .or_else(|| str_at(scope, &["version_range_or_digest"]).filter(|d| d.contains(':')));
        if let Some(digest) = digest
            && Some(digest) != ctx.release.digest.as_deref()
        {
            out.push(problem(
                codes::WAIVER_OUT_OF_SCOPE.id,
                format!(
                    "it is scoped to artifact {}, not this release",
                    short_digest(digest)
                ),
                format!(
                    "scope waiver {id} to artifact {}",
                    ctx.release
                        .digest
                        .as_deref()
                        .unwrap_or("(the release digest)")
                ),
            ));
        }
        if let Some(model) = str_at(scope, &["model"])
            && Some(model) != ctx.release.model_id.as_deref()
            && Some(model) != ctx.release.name.as_deref()
        {
            out.push(problem(
                codes::WAIVER_OUT_OF_SCOPE.id,
                format!("it is scoped to model {model}, not this release"),
                format!("scope waiver {id} to this model"),
            ));
        }
        if let Some(envs) = view::get(scope, "environments").and_then(strings)
            && !envs.is_empty()
            && !ctx
                .release
                .environment
                .as_ref()
                .is_some_and(|e| envs.contains(e))
        {
            let env = ctx.release.environment.as_deref().unwrap_or("(none)");
            out.push(problem(
                codes::WAIVER_OUT_OF_SCOPE.id,
                format!("it covers environments {}, not {env}", envs.join(", ")),
                format!("extend waiver {id}'s scope to environment {env}"),
            ));
        }
    }
    let requester = view::get(waiver, "requested_by").and_then(Person::from_value);
    for approver in approvers(waiver) {
        let who = approver.0.display();
        if requester.as_ref().is_some_and(|r| r.same(&approver.0)) {
            out.push(problem(
                codes::WAIVER_UNAUTHORISED.id,
                format!("{who} both requested and approved it (SOD-4)"),
                format!("have waiver {id} approved by someone other than its requester"),
            ));
        }
        if ctx
            .release
            .owner
            .as_ref()
            .is_some_and(|o| o.same(&approver.0))
        {
            out.push(problem(
                codes::WAIVER_UNAUTHORISED.id,
                format!("it is approved by the model owner {who} (SOD-4)"),
                format!("have waiver {id} approved by someone other than the model owner"),
            ));
        }
    }
    out
}

/// `max_renewals` and `max_cumulative_days` over the chain of waivers
/// `waiver` renews (`renewal_of`), which must all be in the manifest: a
/// renewal whose history is missing cannot show it is within the limits.
fn renewal_problems(
    ctx: &Ctx<'_>,
    policy: &WaiverPolicy,
    waiver: &Value,
    id: &str,
) -> Vec<Problem> {
    if policy.max_renewals.is_none() && policy.max_cumulative_days.is_none() {
        return Vec::new();
    }
    let all = items(ctx.spec(), &["waivers"]);
    let duration = |w: &Value| {
        let issued = view::get(w, "issued_at").and_then(view::parse_time)?;
        let expires = view::get(w, "expires_at").and_then(view::parse_time)?;
        Some(view::age_days(expires, issued).max(0.0))
    };
    let mut seen = BTreeSet::from([id.to_owned()]);
    let mut renewals = 0usize;
    let mut days = duration(waiver).unwrap_or(0.0);
    let mut current = waiver;
    while let Some(previous) = str_at(current, &["renewal_of"]) {
        renewals += 1;
        if !seen.insert(previous.to_owned()) {
            return vec![problem(
                codes::WAIVER_EXPIRED.id,
                format!("its renewal_of chain comes back to {previous}"),
                format!("correct the renewal_of of waiver {id} and the waivers it renews"),
            )];
        }
        let Some(found) = all.iter().find(|w| str_at(w, &["id"]) == Some(previous)) else {
            return vec![problem(
                codes::WAIVER_EXPIRED.id,
                format!(
                    "it renews {previous}, which the manifest does not hold, so its renewals and cumulative duration cannot be checked"
                ),
                format!(
                    "keep waiver {previous} in spec.waivers (expired waivers are ignored, but count towards max_renewals and max_cumulative_days)"
                ),
            )];
        };
        days += duration(found).unwrap_or(0.0);
        current = found;
    }
    let mut out = Vec::new();
    if let Some(max) = policy.max_renewals
        && renewals as f64 > max
    {
        out.push(problem(
            codes::WAIVER_EXPIRED.id,
            format!(
                "it is renewal number {renewals}, more than the {} the waiver policy allows",
                view::days(max)
            ),
            format!("remediate instead of renewing waiver {id} again"),
        ));
    }
    if let Some(max) = policy.max_cumulative_days
        && renewals > 0
        && days > max
    {
        out.push(problem(
            codes::WAIVER_EXPIRED.id,
            format!(
                "with the waivers it renews it runs {} days, more than the {} days the waiver policy allows in total",
                view::days(days),
                view::days(max)
            ),
            format!("remediate instead of renewing waiver {id} again"),
        ));
    }
    out
}

fn approvers(waiver: &Value) -> Vec<(Person, String)> {
    items(waiver, &["approved_by"])
        .iter()
        .filter_map(|a| Some((Person::from_value(a)?, str_at(a, &["role"])?.to_owned())))
        .collect()
}

/// The sign-offs that count towards a waiver's required roles: all of
/// them, or with evidence verification only those whose signature holds.
fn counted_approvers(ctx: &Ctx<'_>, index: usize, waiver: &Value) -> Vec<(Person, String)> {
    items(waiver, &["approved_by"])
        .iter()
        .enumerate()
        .filter(|(a, _)| ctx.trust.waiver_approval(index, *a).is_ok())
        .filter_map(|(_, a)| Some((Person::from_value(a)?, str_at(a, &["role"])?.to_owned())))
        .collect()
}

/// Whether every role in `roles` can be given its own approver: a
/// matching of roles to distinct people (Kuhn's augmenting paths; both
/// sides are a handful).
fn roles_held_by_distinct_people(roles: &[String], approvers: &[(Person, String)]) -> bool {
    type Holders<'a> = BTreeMap<&'a str, BTreeSet<String>>;
    /// Finds `role` a person, moving others to another of their roles.
    fn assign<'a>(
        role: &'a str,
        holders: &Holders<'a>,
        seen: &mut BTreeSet<String>,
        owner: &mut BTreeMap<String, &'a str>,
    ) -> bool {
        let Some(people) = holders.get(role) else {
            return false;
        };
        for person in people {
            if !seen.insert(person.clone()) {
                continue;
            }
            let free = match owner.get(person).copied() {
                None => true,
                Some(other) => assign(other, holders, seen, owner),
            };
            if free {
                owner.insert(person.clone(), role);
                return true;
            }
        }
        false
    }
    let mut holders: Holders<'_> = roles
        .iter()
        .map(|r| (r.as_str(), BTreeSet::new()))
        .collect();
    for (person, role) in approvers {
        if let Some(people) = holders.get_mut(role.as_str()) {
            people.insert(person.key());
        }
    }
    let mut owner = BTreeMap::new();
    holders
        .keys()
        .all(|role| assign(role, &holders, &mut BTreeSet::new(), &mut owner))
}

/// The approvers who sign in more than one of `roles`, for the message.
fn multi_role_approvers(roles: &[String], approvers: &[(Person, String)]) -> Vec<String> {
    let mut held: BTreeMap<String, (String, BTreeSet<&str>)> = BTreeMap::new();
    for (person, role) in approvers.iter().filter(|(_, r)| roles.contains(r)) {
        held.entry(person.key())
            .or_insert_with(|| (person.display(), BTreeSet::new()))
            .1
            .insert(role);
    }
    held.into_values()
        .filter(|(_, roles)| roles.len() > 1)
        .map(|(who, roles)| {
            format!(
                "{who} signs as {}",
                roles.into_iter().collect::<Vec<_>>().join(" and ")
            )
        })
        .collect()
}

/// The quorum: distinct people approving in one of the `required` roles
/// (any role when none is required), at least the waiver policy's
/// `min_approvers_by_residual_risk` and the waiver's own `quorum`.
fn quorum_problem(
    policy: &WaiverPolicy,
    waiver: &Value,
    id: &str,
    required: &[String],
    approvers: &[(Person, String)],
) -> Option<Problem> {
    let residual = str_at(waiver, &["residual_risk"]);
    let by_policy = residual
        .and_then(|r| policy.min_approvers_by_residual_risk.get(r))
        .copied()
        .unwrap_or(1.0);
    let stated = view::get(waiver, "quorum")
        .and_then(Value::as_number)
        .map_or(0.0, |n| n.as_f64());
    let (needed, source) = if stated > by_policy {
        (stated, "its quorum".to_owned())
    } else {
        (
            by_policy,
            residual.map_or_else(
                || "the waiver policy".to_owned(),
                |r| format!("the waiver policy for {r} residual risk"),
            ),
        )
    };
    let people: BTreeSet<String> = approvers
        .iter()
        .filter(|(_, role)| required.is_empty() || required.contains(role))
        .map(|(person, _)| person.key())
        .collect();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a small, non-negative count"
    )]
    let needed = needed.ceil().max(0.0) as usize;
    if people.len() >= needed {
        return None;
    }
    let roles = if required.is_empty() {
        String::new()
    } else {
        format!(" in role {}", required.join(" or "))
    };
    let people_word = |n: usize| if n == 1 { "person" } else { "people" };
    let short = needed - people.len();
    Some(problem(
        codes::WAIVER_UNAUTHORISED.id,
        format!(
            "it is approved by {} distinct {}{roles}, fewer than the {needed} {source} requires",
            people.len(),
            people_word(people.len()),
        ),
        format!(
            "get waiver {id} approved by {short} more {}{roles}",
            people_word(short)
        ),
    ))
}

fn control_problems(
    ctx: &Ctx<'_>,
    policy: &WaiverPolicy,
    (index, waiver): (usize, &Value),
    id: &str,
    control: &super::spec::ControlSpec,
    base: &BTreeMap<String, Status>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if !control.waivable || policy.non_waivable.contains(&control.id) {
        out.push(problem(
            codes::WAIVER_NOT_WAIVABLE.id,
            format!("control {} cannot be waived", control.id),
            format!("satisfy control {} instead of waiving it", control.id),
        ));
    }
    let approvers = counted_approvers(ctx, index, waiver);
    let required = match (&control.waivable_by, str_at(waiver, &["residual_risk"])) {
        (Some(roles), _) => roles.clone(),
        (None, Some(residual)) => policy
            .approver_roles_by_residual_risk
            .get(residual)
            .cloned()
            .unwrap_or_default(),
        (None, None) => Vec::new(),
    };
    let missing: Vec<&String> = required
        .iter()
        .filter(|role| !approvers.iter().any(|(_, r)| r == *role))
        .collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        out.push(problem(
            codes::WAIVER_UNAUTHORISED.id,
            format!(
                "it lacks an approval by role {} required for control {}",
                names.join(", "),
                control.id
            ),
            format!("get waiver {id} approved by role {}", names.join(", ")),
        ));
    } else if !roles_held_by_distinct_people(&required, &approvers) {
        out.push(problem(
            codes::WAIVER_UNAUTHORISED.id,
            format!(
                "its required roles {} need a different person each, but {} (one person counts once, whatever roles they sign as)",
                required.join(", "),
                multi_role_approvers(&required, &approvers).join("; ")
            ),
            format!(
                "get waiver {id} approved by a different person in each of the roles {}",
                required.join(", ")
            ),
        ));
    } else {
        // Only once every role has its own approver: a missing role says
        // all there is to say.
        out.extend(quorum_problem(policy, waiver, id, &required, &approvers));
    }
    if let Some(owner) = &control.owner {
        for (person, _) in &approvers {
            let matches = [&person.email, &person.name]
                .iter()
                .any(|v| v.as_ref().is_some_and(|v| v.eq_ignore_ascii_case(owner)));
            if matches {
                out.push(problem(
                    codes::WAIVER_UNAUTHORISED.id,
                    format!(
                        "it is approved by {}, the owner of control {} (SOD-4)",
                        person.display(),
                        control.id
                    ),
                    format!("have waiver {id} approved by someone other than the control owner"),
                ));
            }
        }
    }
    for measure in items(waiver, &["compensating_controls"]) {
        out.extend(compensation_problem(ctx, id, measure, base));
    }
    out
}

/// How a waiver's compensating control reads in the trace and reports:
/// the id, or what the measure requires.
fn describe_compensating(measure: &Value) -> String {
    if let Some(id) = measure.as_str() {
        return id.to_owned();
    }
    let shown = |key| view::get(measure, key).map(show).unwrap_or_default();
    let what = if let Some(monitor) = str_at(measure, &["monitor"]) {
        match (
            str_at(measure, &["alert_op"]),
            view::get(measure, "alert_threshold"),
        ) {
            (Some(op), Some(threshold)) => {
                format!(
                    "monitor {monitor} alerting at {op} {} or stricter",
                    show(threshold)
                )
            }
            _ => format!("monitor {monitor}"),
        }
    } else if let Some(limit) = str_at(measure, &["limit"]) {
        format!("{limit} at most {}", shown("at_most"))
    } else if view::get(measure, "human_review_rate").is_some() {
        format!(
            "human review of at least {} of decisions",
            shown("human_review_rate")
        )
    } else {
        show(measure)
    };
    match str_at(measure, &["description"]) {
        Some(description) => format!("{what} ({description})"),
        None => what,
    }
}

/// Why one compensating control does not hold for this release, if it
/// does not: a control that is not passing before waivers apply (a
/// waived control does not compensate), a monitor that is missing, stale
/// or alerts less strictly than approved, a limit set higher than the cap
/// or not at all, a review rate below the one approved.
fn compensation_problem(
    ctx: &Ctx<'_>,
    id: &str,
    measure: &Value,
    base: &BTreeMap<String, Status>,
) -> Option<Problem> {
    if let Some(name) = measure.as_str() {
        if let Some(status) = base.get(name) {
            return (*status != Status::Pass).then(|| {
                problem(
                    codes::WAIVER_COMPENSATION_FAILING.id,
                    format!("compensating control {name} is {}", status.as_str()),
                    format!("make compensating control {name} pass"),
                )
            });
        }
        return match declared_monitor(ctx, name) {
            None => failing(
                format!(
                    "compensating control {name} is neither a declared control nor a monitor in spec.monitors"
                ),
                format!(
                    "list existing controls or monitors as waiver {id}'s compensating controls"
                ),
            ),
            Some(monitor) if !ran_recently(ctx, monitor) => failing(
                format!("compensating monitor {name} is stale or has never run"),
                format!("get monitor {name} running again"),
            ),
            Some(_) => None,
        };
    }
    let kinds: Vec<&str> = ["monitor", "limit", "human_review_rate"]
        .into_iter()
        .filter(|k| view::get(measure, k).is_some())
        .collect();
    if kinds.len() != 1 {
        let named = if kinds.is_empty() {
            "none of them".to_owned()
        } else {
            kinds.join(" and ")
        };
        return failing(
            format!(
                "compensating measure {} must name exactly one of monitor, limit or human_review_rate, not {named}",
                show(measure)
            ),
            format!(
                "give each of waiver {id}'s compensating measures one of monitor, limit or human_review_rate"
            ),
        );
    }
    if let Some(monitor) = str_at(measure, &["monitor"]) {
        return compensating_monitor(ctx, measure, monitor);
    }
    if let Some(limit) = str_at(measure, &["limit"]) {
        let Some((cap, cap_text)) = number(measure, &["at_most"]) else {
            return failing(
                format!("compensating limit {limit} has no at_most"),
                format!("state the cap of waiver {id}'s {limit} in at_most"),
            );
        };
        let path: &[&str] = match limit {
            "requests_per_minute" | "requests_per_day" | "requests_per_session" => {
                &["deployment", "limits", "rate_limit", limit]
            }
            _ => &["deployment", "limits", limit],
        };
        let field = format!("spec.{}", path.join("."));
        return match number(ctx.spec(), path) {
            Some((set, _)) if set <= cap => None,
            Some((_, set)) => failing(
                format!(
                    "compensating limit {limit} is {set}, above the {cap_text} the waiver relies on"
                ),
                format!("lower {field} to {cap_text} or less"),
            ),
            None => failing(
                format!("compensating limit {limit} is not set ({field})"),
                format!("set {field} to {cap_text} or less"),
            ),
        };
    }
    let Some((wanted, wanted_text)) = number(measure, &["human_review_rate"]) else {
        return failing(
            format!(
                "compensating measure {} has no numeric human_review_rate",
                show(measure)
            ),
            format!("state waiver {id}'s human_review_rate as a number from 0 to 1"),
        );
    };
    let field = "spec.oversight.review_sample_rate";
    match number(ctx.spec(), &["oversight", "review_sample_rate"]) {
        Some((rate, _)) if rate >= wanted => None,
        Some((_, rate)) => failing(
            format!(
                "human review samples {rate} of decisions, less than the {wanted_text} the waiver relies on"
            ),
            format!("raise {field} to {wanted_text} or more"),
        ),
        None => failing(
            format!("the human review rate the waiver relies on is not set ({field})"),
            format!("set {field} to {wanted_text} or more"),
        ),
    }
}

/// A monitor the waiver relies on: it must exist, be running, and alert
/// at the approved comparison or stricter.
fn compensating_monitor(ctx: &Ctx<'_>, measure: &Value, monitor: &str) -> Option<Problem> {
    let Some(declared) = declared_monitor(ctx, monitor) else {
        return failing(
            format!("compensating monitor {monitor} is not in spec.monitors"),
            format!("declare monitor {monitor} in spec.monitors"),
        );
    };
    if !ran_recently(ctx, declared) {
        return failing(
            format!("compensating monitor {monitor} is stale or has never run"),
            format!("get monitor {monitor} running again"),
        );
    }
    let approved_op = str_at(measure, &["alert_op"]).and_then(Op::parse);
    let approved = number(measure, &["alert_threshold"]);
    let (Some(op), Some((threshold, threshold_text))) = (approved_op, approved) else {
        return failing(
            format!(
                "compensating monitor {monitor} states no alert_op (>, >=, < or <=) and numeric alert_threshold to hold it to"
            ),
            format!(
                "state the alert approved for monitor {monitor} (alert_op and alert_threshold)"
            ),
        );
    };
    let own_op = str_at(declared, &["alert_op"]).and_then(Op::parse);
    let own = number(declared, &["alert_threshold"]);
    let want = format!("{} {threshold_text}", op.as_str());
    match (own_op, own) {
        (Some(own_op), Some((own, _))) if at_least_as_strict(op, threshold, own_op, own) => None,
        (Some(own_op), Some((_, own))) => failing(
            format!(
                "compensating monitor {monitor} alerts at {} {own}, less strict than the {want} the waiver relies on",
                own_op.as_str(),
            ),
            format!("set monitor {monitor} to alert at {want} or stricter"),
        ),
        _ => failing(
            format!(
                "compensating monitor {monitor} has no numeric alert, so it cannot hold the {want} the waiver relies on"
            ),
            format!("set monitor {monitor} to alert at {want} or stricter"),
        ),
    }
}

/// Monitor `id` of `spec.monitors`.
fn declared_monitor<'a>(ctx: &'a Ctx<'_>, id: &str) -> Option<&'a Value> {
    items(ctx.spec(), &["monitors"])
        .iter()
        .find(|m| str_at(m, &["id"]) == Some(id))
}

/// Whether a monitor ran within twice its cadence (one without a cadence
/// only needs to have run).
fn ran_recently(ctx: &Ctx<'_>, monitor: &Value) -> bool {
    let last = view::get(monitor, "last_run_at").and_then(view::parse_time);
    let period = str_at(monitor, &["cadence"]).and_then(cadence_hours);
    match (last, period) {
        (Some(last), Some(hours)) => view::age_days(ctx.now_ns, last) <= hours * 2.0 / 24.0,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// A compensating control that does not hold (`W3006`).
#[expect(
    clippy::unnecessary_wraps,
    reason = "every caller returns an Option<Problem>"
)]
fn failing(message: String, hint: String) -> Option<Problem> {
    Some(problem(
        codes::WAIVER_COMPENSATION_FAILING.id,
        message,
        hint,
    ))
}

/// The number at `path` in `value`, and how it is written.
fn number(value: &Value, path: &[&str]) -> Option<(f64, String)> {
    let found = view::at(value, path)?;
    Some((found.as_number()?.as_f64(), show(found)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(people: &[(&str, &str)]) -> Vec<(Person, String)> {
        people
            .iter()
            .map(|(email, role)| {
                let person = Person::from_value(&Value::string(email)).unwrap();
                (person, (*role).to_owned())
            })
            .collect()
    }

    #[test]
    fn each_role_gets_its_own_person_when_the_people_allow_it() {
        let roles = ["a".to_owned(), "b".to_owned()];
        // x holds both; y only `a`: x must take `b` for y to take `a`.
        let approvers = signed(&[("x@e", "a"), ("x@e", "b"), ("y@e", "a")]);
        assert!(roles_held_by_distinct_people(&roles, &approvers));
        // x alone cannot fill both, whatever case the address is in.
        let approvers = signed(&[("x@e", "a"), ("X@E", "b")]);
        assert!(!roles_held_by_distinct_people(&roles, &approvers));
        // More people in one role than needed is no trouble.
        let approvers = signed(&[("x@e", "b"), ("y@e", "a"), ("z@e", "a")]);
        assert!(roles_held_by_distinct_people(&roles, &approvers));
        // Nobody in `b`.
        let approvers = signed(&[("x@e", "a"), ("y@e", "a")]);
        assert!(!roles_held_by_distinct_people(&roles, &approvers));
    }
}
