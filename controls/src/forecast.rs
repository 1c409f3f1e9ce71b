//! What will change about a release if nothing is done: its requirement
//! statuses and decision over the next `horizon` days, as a list of
//! changes with the day each one happens.
//!
//! A release's evaluation depends on the clock only through ages
//! (evidence older than a maximum age, a monitor heartbeat older than
//! twice its cadence, an approval older than its validity) and fixed
//! instants (a waiver's `expires_at`, a finding's `due_at`). Both only
//! ever move a status one way as time passes, so between two instants
//! with identical results nothing changed — the property the search
//! relies on:
//!
//! 1. Evaluate at the day-0 clock, at the horizon, at every 30 days in
//!    between, and on both sides of every known instant (waiver expiries
//!    and other dates the caller passes).
//! 2. Wherever two neighbouring evaluations differ and are more than a
//!    day apart, evaluate at the midpoint and repeat on both halves.
//! 3. Every remaining pair of neighbours one day apart that differs is a
//!    change on the later day.
//!
//! Cost: a release with no change takes as many evaluations as there
//! are checkpoints after day 0 (three for 90 days); each change day adds at most
//! ⌈log₂ 30⌉ = 5. A change that reverts between two checkpoints is not
//! seen, which the one-way property above excludes except where an
//! instant is involved — and every instant is a checkpoint.
//!
//! Days are whole: a change reported on day `d` happened after the clock
//! `now + (d-1) days` and at or before `now + d days`.
//!
//! Pure: the caller's `check` closure does the evaluating; no clock is
//! read here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::trace::Change;
use crate::trace::{Decision, ManifestTrace, Status};
use crate::view::format_time;

/// Nanoseconds in a day.
const DAY_NS: i64 = 86_400 * 1_000_000_000;

/// Days between the regular checkpoints.
const CHECKPOINT_EVERY_DAYS: u32 = 30;

/// A change of the release's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionChange {
    /// Days from the report clock.
    pub day: u32,
    /// The decision the day before.
    pub from: Decision,
    /// The decision from that day.
    pub to: Decision,
}

/// Everything that changes about one release within the horizon.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Requirement status changes, by day, then control and requirement.
    pub changes: Vec<Change>,
    /// Decision changes, by day.
    pub decisions: Vec<DecisionChange>,
    /// How many evaluations the search took, besides today's (for the docs' cost claim
    /// and the benchmarks; not rendered).
    #[serde(skip)]
    pub evaluations: usize,
}

/// Forecasts one release over `horizon_days` from `now_ns`.
///
/// `today` is the release's trace at `now_ns` (already computed by the
/// caller); `instants` are clocks (ns) at which something is known to
/// happen (waiver expiries, due dates), those outside the horizon
/// ignored; `check` evaluates the release at a clock.
pub fn forecast(
    now_ns: i64,
    horizon_days: u32,
    instants: &[i64],
    today: &ManifestTrace,
    mut check: impl FnMut(i64) -> ManifestTrace,
) -> Forecast {
    let clock = |day: u32| now_ns.saturating_add(i64::from(day).saturating_mul(DAY_NS));
    let mut evaluated: BTreeMap<u32, ManifestTrace> = BTreeMap::new();
    evaluated.insert(0, today.clone());
    for day in checkpoints(now_ns, horizon_days, instants) {
        if day > 0 {
            evaluated.insert(day, check(clock(day)));
        }
    }
    // Bisect every differing gap until all differing neighbours are one
    // day apart. A worklist keeps it iterative.
    let mut gaps: Vec<(u32, u32)> = neighbours(&evaluated).map(|(a, b)| (a.0, b.0)).collect();
    while let Some((a, b)) = gaps.pop() {
        let differs = match (evaluated.get(&a), evaluated.get(&b)) {
            (Some(before), Some(after)) => !same(before, after),
            _ => false,
        };
        if b - a <= 1 || !differs {
            continue;
        }
        let mid = a + (b - a) / 2;
        evaluated.insert(mid, check(clock(mid)));
        gaps.push((a, mid));
        gaps.push((mid, b));
    }
    let mut out = Forecast {
        evaluations: evaluated.len() - 1,
        ..Forecast::default()
    };
    for ((a, before), (b, after)) in neighbours(&evaluated) {
        if same(before, after) {
            continue;
        }
        debug_assert_eq!(b, a + 1, "differing neighbours were bisected");
        if before.decision != after.decision {
            out.decisions.push(DecisionChange {
                day: b,
                from: before.decision,
                to: after.decision,
            });
        }
        let was = statuses(before);
        for (key, (status, message, to_pass)) in statuses(after) {
            let from = was.get(&key).map_or(Status::NotApplicable, |w| w.0);
            if from == status {
                continue;
            }
            out.changes.push(Change {
                day: b,
                at: format_time(clock(b)),
                control: key.0.to_owned(),
                requirement: key.1.map(str::to_owned),
                from,
                to: status,
                message: message.to_owned(),
                to_pass: to_pass.map(str::to_owned),
            });
        }
    }
    out
}

/// Nanoseconds in a second: the resolution of [`next_change`].
const SECOND_NS: i64 = 1_000_000_000;

/// The first instant after `now_ns`, within `horizon_days`, at which the
/// release's evaluation differs from `today` (a requirement's status or
/// the decision), to the second: the clock at which a controller should
/// look at the release again. `None` when nothing changes within the
/// horizon.
///
/// Same search as [`forecast`] (the checkpoints, then bisection), with
/// the same one-way premise, but it stops at the first change and
/// bisects it to one second: at most ⌈log₂ 86 400⌉ = 17 evaluations
/// beyond [`forecast`]'s to find the day. The instant returned is the
/// first second at which the new state holds.
pub fn next_change(
    now_ns: i64,
    horizon_days: u32,
    instants: &[i64],
    today: &ManifestTrace,
    mut check: impl FnMut(i64) -> ManifestTrace,
) -> Option<i64> {
    let clock = |day: u32| now_ns.saturating_add(i64::from(day).saturating_mul(DAY_NS));
    let mut unchanged = now_ns;
    let mut changed = None;
    for day in checkpoints(now_ns, horizon_days, instants) {
        if day == 0 {
            continue;
        }
        let at = clock(day);
        if same(today, &check(at)) {
            unchanged = at;
        } else {
            changed = Some(at);
            break;
        }
    }
    let mut changed = changed?;
    // Invariant: the state at `unchanged` is today's, at `changed` it is not.
    while changed - unchanged > SECOND_NS {
        let mid = unchanged + (changed - unchanged) / 2;
        // Whole seconds (relative to `now`), so the answer is a clean clock.
        let mid = mid - (mid - now_ns).rem_euclid(SECOND_NS);
        if mid <= unchanged {
            break;
        }
        if same(today, &check(mid)) {
            unchanged = mid;
        } else {
            changed = mid;
        }
    }
    Some(changed)
}

/// Day 0, every 30 days, the horizon, and the days on both sides of each
/// instant within the horizon; sorted, without duplicates.
fn checkpoints(now_ns: i64, horizon_days: u32, instants: &[i64]) -> Vec<u32> {
    let mut days: Vec<u32> = (0..=horizon_days)
        .step_by(CHECKPOINT_EVERY_DAYS as usize)
        .chain([horizon_days])
        .collect();
    for &instant in instants {
        let offset = instant.saturating_sub(now_ns);
        if offset <= 0 {
            continue;
        }
        // The first whole day at or after the instant, and the one before.
        let after = offset.div_euclid(DAY_NS) + i64::from(offset.rem_euclid(DAY_NS) != 0);
        if let Ok(after) = u32::try_from(after)
            && after <= horizon_days
        {
            days.extend([after - 1, after]);
        }
    }
    days.sort_unstable();
    days.dedup();
    days
}

/// Consecutive evaluations: `((day, trace), (next day, trace))`.
fn neighbours(
    evaluated: &BTreeMap<u32, ManifestTrace>,
) -> impl Iterator<Item = ((u32, &ManifestTrace), (u32, &ManifestTrace))> + '_ {
    let days = evaluated.iter().map(|(day, trace)| (*day, trace));
    days.clone().zip(days.skip(1))
}

/// A requirement (or requirement-less control) key with its status,
/// message and hint.
type StatusRow<'a> = (Status, &'a str, Option<&'a str>);

fn statuses(trace: &ManifestTrace) -> BTreeMap<(&str, Option<&str>), StatusRow<'_>> {
    let mut out = BTreeMap::new();
    for control in &trace.controls {
        if control.requirements.is_empty() {
            out.insert(
                (control.id.as_str(), None),
                (control.status, control.title.as_str(), None),
            );
        }
        for requirement in &control.requirements {
            out.insert(
                (control.id.as_str(), Some(requirement.id.as_str())),
                (
                    requirement.status,
                    requirement.message.as_str(),
                    requirement.to_pass.as_deref(),
                ),
            );
        }
    }
    out
}

fn same(a: &ManifestTrace, b: &ManifestTrace) -> bool {
    a.decision == b.decision
        && a.controls.len() == b.controls.len()
        && a.controls.iter().zip(&b.controls).all(|(x, y)| {
            x.status == y.status
                && x.requirements.len() == y.requirements.len()
                && x.requirements
                    .iter()
                    .zip(&y.requirements)
                    .all(|(p, q)| p.status == q.status)
        })
}

#[cfg(test)]
mod tests {
    use super::{DAY_NS, forecast, next_change};
    use crate::trace::fixtures::{one_control, requirement};
    use crate::trace::{Decision, ManifestTrace, RequirementTrace, Status};

    /// A release with one requirement per `(id, fails_from_ns)`: passing
    /// before that clock, failing from it.
    fn release(now: i64, deadlines: &[(&str, i64)]) -> ManifestTrace {
        let requirements: Vec<RequirementTrace> = deadlines
            .iter()
            .map(|(id, from)| {
                let failing = now >= *from;
                requirement(
                    id,
                    "monitor",
                    if failing { Status::Fail } else { Status::Pass },
                    format!("{id} at {now}"),
                    failing.then(|| format!("refresh {id}")),
                )
            })
            .collect();
        let failing = requirements.iter().any(|r| r.status == Status::Fail);
        let (status, decision) = if failing {
            (Status::Fail, Decision::Deny)
        } else {
            (Status::Pass, Decision::Pass)
        };
        one_control("C-X-01", "x", status, decision, requirements)
    }

    const NOW: i64 = 1_790_000_000 * 1_000_000_000;

    #[test]
    fn finds_each_change_on_the_day_it_happens() {
        let deadlines = [
            ("a", NOW + 11 * DAY_NS + DAY_NS / 2),
            ("b", NOW + 47 * DAY_NS),
            ("c", NOW + 400 * DAY_NS),
        ];
        let result = forecast(NOW, 90, &[], &release(NOW, &deadlines), |clock| {
            release(clock, &deadlines)
        });
        let days: Vec<(u32, &str)> = result
            .changes
            .iter()
            .map(|c| (c.day, c.requirement.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(days, [(12, "a"), (47, "b")]);
        assert_eq!(result.changes[0].to_pass.as_deref(), Some("refresh a"));
        assert_eq!(result.changes[0].from, Status::Pass);
        assert_eq!(result.changes[0].to, Status::Fail);
        assert_eq!(result.decisions.len(), 1);
        assert_eq!(result.decisions[0].day, 12);
        // Far fewer evaluations than one per day.
        assert!(result.evaluations < 25, "{}", result.evaluations);
    }

    #[test]
    fn the_next_change_is_found_to_the_second() {
        let stale_at = NOW + 11 * DAY_NS + 3_600 * 1_000_000_000 + 17 * 1_000_000_000;
        let deadlines = [("a", stale_at), ("b", NOW + 47 * DAY_NS)];
        let mut evaluations = 0;
        let next = next_change(NOW, 90, &[], &release(NOW, &deadlines), |clock| {
            evaluations += 1;
            release(clock, &deadlines)
        });
        assert_eq!(next, Some(stale_at));
        assert!(evaluations < 40, "{evaluations}");
        let stable = |clock| release(clock, &[("a", NOW + 400 * DAY_NS)]);
        assert_eq!(next_change(NOW, 90, &[], &stable(NOW), stable), None);
    }

    #[test]
    fn a_known_instant_inside_the_first_interval_is_the_next_change() {
        // Passing again after day 20: only the instant makes it visible.
        let window = |clock: i64| {
            let mut trace = release(clock, &[]);
            if (NOW + 10 * DAY_NS..NOW + 20 * DAY_NS).contains(&clock) {
                trace.decision = Decision::Deny;
            }
            trace
        };
        let instants = [NOW + 10 * DAY_NS];
        assert_eq!(
            next_change(NOW, 90, &instants, &window(NOW), window),
            Some(NOW + 10 * DAY_NS)
        );
    }

    #[test]
    fn nothing_changes_in_a_stable_release() {
        let stable = |clock| release(clock, &[("a", NOW - DAY_NS)]);
        let result = forecast(NOW, 90, &[], &stable(NOW), stable);
        assert!(result.changes.is_empty() && result.decisions.is_empty());
        assert_eq!(result.evaluations, 3);
    }

    #[test]
    fn a_change_that_reverts_is_caught_when_its_instant_is_known() {
        // Failing only between day 10 and day 20 (a waiver window seen
        // the other way round): invisible to the 30-day checkpoints.
        let window = |clock: i64| {
            let mut trace = release(clock, &[]);
            let inside = (NOW + 10 * DAY_NS..NOW + 20 * DAY_NS).contains(&clock);
            trace.decision = if inside {
                Decision::Deny
            } else {
                Decision::Pass
            };
            trace
        };
        assert!(
            forecast(NOW, 90, &[], &window(NOW), window)
                .decisions
                .is_empty()
        );
        let instants = [NOW + 10 * DAY_NS, NOW + 20 * DAY_NS];
        let known = forecast(NOW, 90, &instants, &window(NOW), window);
        let days: Vec<u32> = known.decisions.iter().map(|d| d.day).collect();
        assert_eq!(days, [10, 20]);
    }
}
