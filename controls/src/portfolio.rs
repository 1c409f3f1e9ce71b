//! The portfolio view: what a model-risk function reads every week across
//! all its releases, aggregated from decisions already made.
//!
//! [`Portfolio::build`] takes each release's trace (evaluated at the
//! report clock), its manifest as written and its [`Forecast`], and
//! counts; it never re-decides anything. Waiver states come from the
//! trace (the `W3xxx` findings and the waivers cited by requirements),
//! KPIs from the statuses of named controls, coverage from the controls
//! that applied. Definitions of every number: docs/report.md.
//!
//! Invariants: pure (the clock is the trace's), deterministic ordering
//! (releases in input order, everything else by id), and a release that
//! could not be loaded is counted in the summary and listed, but adds
//! nothing to pass rates, coverage or KPIs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codes;
use crate::forecast::{Change, Forecast};
use crate::trace::{Decision, Location, ManifestTrace, Status, Trace};
use crate::view::{self, items, parse_time, parse_time_text, str_at};
use crate::{ControlSet, ControlSpec};
use riskgate_engine::value::Value;

/// Version of the JSON report format; bumped on incompatible changes.
pub const REPORT_VERSION: u32 = 1;

/// Nanoseconds in a day.
const DAY_NS: i64 = 86_400 * 1_000_000_000;

/// Tiers in report order, most material first; `unknown` for releases
/// without a readable tier.
pub const TIERS: [&str; 5] = ["critical", "high", "medium", "low", "unknown"];

/// A KPI: the share of high- and critical-tier releases where a control
/// the standard library defines passes.
struct KpiDefinition {
    id: &'static str,
    title: &'static str,
    control: &'static str,
}

const KPIS: [KpiDefinition; 3] = [
    KpiDefinition {
        id: "drift_monitoring",
        title: "High-tier releases with drift monitoring",
        control: "C-REL-01",
    },
    KpiDefinition {
        id: "current_validation",
        title: "High-tier releases with a current independent validation",
        control: "C-GOV-04",
    },
    KpiDefinition {
        id: "independent_approval",
        title: "High-tier releases with a valid independent approval",
        control: "C-GOV-03",
    },
];

/// What the portfolio needs from one release besides its trace, taken
/// from the manifest as written while it is in memory (so a large corpus
/// does not keep every manifest).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseFacts {
    /// `spec.classification.risk_tier` when it is one of [`TIERS`], else
    /// `unknown`.
    pub tier: &'static str,
    /// `spec.identity.model_id`.
    pub system: Option<String>,
    /// Ages in days of its dated evidence.
    pub evidence_ages: Vec<f64>,
    /// Its waivers and their state.
    pub waivers: Vec<WaiverEntry>,
    /// What changes within the horizon.
    pub forecast: Forecast,
}

impl ReleaseFacts {
    /// Reads the facts of a release evaluated at `now_ns` into `trace`.
    #[must_use]
    pub fn new(
        trace: &ManifestTrace,
        raw: Option<&Value>,
        forecast: Forecast,
        now_ns: i64,
    ) -> Self {
        let Some(raw) = raw else {
            return Self {
                tier: "unknown",
                forecast,
                ..Self::default()
            };
        };
        Self {
            tier: tier_of(raw).unwrap_or("unknown"),
            system: str_at(raw, &["spec", "identity", "model_id"]).map(str::to_owned),
            evidence_ages: evidence_ages(raw, now_ns),
            waivers: waivers(trace, raw, &ReleaseRef::of(trace), now_ns),
            forecast,
        }
    }
}

/// One release to report on.
#[derive(Debug, Clone, Copy)]
pub struct ReleaseInput<'a> {
    /// Its decision trace at the report clock.
    pub trace: &'a ManifestTrace,
    /// What else is known about it.
    pub facts: &'a ReleaseFacts,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    /// [`REPORT_VERSION`].
    pub report_version: u32,
    /// The riskgate that built it.
    pub riskgate_version: String,
    /// The report clock, RFC 3339.
    pub evaluated_at: String,
    /// The enforcement point decided for.
    pub enforcement_point: String,
    /// Which policies decided.
    pub policy_source: String,
    /// Days forecast.
    pub horizon_days: u32,
    /// Decisions by tier.
    pub summary: Summary,
    /// Model-risk KPIs.
    pub kpis: Vec<Kpi>,
    /// Every release.
    pub releases: Vec<ReleaseRow>,
    /// Results by control family.
    pub families: Vec<FamilyStats>,
    /// Results by control.
    pub controls: Vec<ControlStats>,
    /// Risks some release has no applying control for.
    pub coverage: Vec<CoverageGap>,
    /// Every waiver of every release.
    pub waivers: Vec<WaiverEntry>,
    /// What changes within the horizon, by day.
    pub forecast: Vec<ForecastEntry>,
    /// Earlier reports' headline numbers, oldest first, then this one's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trend: Vec<TrendPoint>,
}

/// Counts of decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionCounts {
    /// Passing.
    pub pass: usize,
    /// Passing with warnings.
    pub warn: usize,
    /// Denied.
    pub deny: usize,
    /// Not decided.
    pub error: usize,
}

impl DecisionCounts {
    fn add(&mut self, decision: Decision) {
        *match decision {
            Decision::Pass => &mut self.pass,
            Decision::Warn => &mut self.warn,
            Decision::Deny => &mut self.deny,
            Decision::Error => &mut self.error,
        } += 1;
    }

    /// All decisions.
    #[must_use]
    pub fn total(&self) -> usize {
        self.pass + self.warn + self.deny + self.error
    }
}

/// Releases by decision, overall and by tier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Release documents.
    pub releases: usize,
    /// All of them by decision.
    pub decisions: DecisionCounts,
    /// By tier, in [`TIERS`] order; tiers without releases are left out.
    pub by_tier: Vec<TierRow>,
    /// Releases whose decision gets worse within 30, 60 and 90 days (of
    /// the horizon).
    pub worsening_within: BTreeMap<u32, usize>,
}

/// One tier's decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierRow {
    /// The tier.
    pub tier: String,
    /// Its decisions.
    pub decisions: DecisionCounts,
}

/// A KPI value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// Stable id.
    pub id: String,
    /// What it measures.
    pub title: String,
    /// How: the control (or evidence) it is computed from.
    pub definition: String,
    /// Releases (or evidence items) meeting it.
    pub numerator: usize,
    /// Releases (or evidence items) measured.
    pub denominator: usize,
    /// The value: a percentage, or days for `median_evidence_age_days`;
    /// `None` when nothing was measured.
    pub value: Option<f64>,
    /// `%` or `days`.
    pub unit: String,
}

/// Status counts of control results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Did not apply (or disabled).
    pub not_applicable: usize,
    /// Passed.
    pub pass: usize,
    /// Failed but waived.
    pub waived: usize,
    /// Too few observations.
    pub insufficient_data: usize,
    /// Failed.
    pub fail: usize,
    /// Could not be evaluated.
    pub error: usize,
}

impl StatusCounts {
    fn add(&mut self, status: Status) {
        *match status {
            Status::NotApplicable => &mut self.not_applicable,
            Status::Pass => &mut self.pass,
            Status::Waived => &mut self.waived,
            Status::InsufficientData => &mut self.insufficient_data,
            Status::Fail => &mut self.fail,
            Status::Error => &mut self.error,
        } += 1;
    }

    /// Results where the control applied.
    #[must_use]
    pub fn applied(&self) -> usize {
        self.pass + self.waived + self.insufficient_data + self.fail + self.error
    }

    /// Results that did not pass (waived ones included: a waiver is an
    /// exception, not a pass).
    #[must_use]
    pub fn not_passing(&self) -> usize {
        self.applied() - self.pass
    }

    /// `pass / applied` in percent, `None` when it never applied.
    #[must_use]
    pub fn pass_rate(&self) -> Option<f64> {
        percent(self.pass, self.applied())
    }
}

/// A release, for tables and links.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReleaseRef {
    /// The file as named.
    pub file: String,
    /// 0-based document index.
    pub document: usize,
    /// `metadata.name`, when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ReleaseRef {
    fn of(trace: &ManifestTrace) -> Self {
        Self {
            file: trace.file.clone(),
            document: trace.document,
            name: trace.name.clone(),
        }
    }

    /// The name, else `file#document`.
    #[must_use]
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("{}#{}", self.file, self.document))
    }
}

/// One release's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseRow {
    /// Which release.
    pub release: ReleaseRef,
    /// `metadata.namespace`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The AI system: `spec.identity.model_id`, else the release name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// `spec.classification.risk_tier`, or `unknown`.
    pub tier: String,
    /// Its decision.
    pub decision: Decision,
    /// Controls failing (not waived), by id.
    pub failing_controls: Vec<String>,
    /// Controls passing only by waiver.
    pub waived_controls: Vec<String>,
    /// Median age of its dated evidence, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_evidence_age_days: Option<f64>,
    /// The first day within the horizon on which its decision changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_change_day: Option<u32>,
    /// The decision from that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_decision: Option<Decision>,
}

/// One failing (or waived) requirement, for drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureEntry {
    /// Which release.
    pub release: ReleaseRef,
    /// Control id.
    pub control: String,
    /// Requirement id.
    pub requirement: String,
    /// `fail`, `error`, `insufficient_data` or `waived`.
    pub status: Status,
    /// What was found.
    pub message: String,
    /// How to pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_pass: Option<String>,
    /// The manifest evidence it rests on, when located.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A control family's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyStats {
    /// The family (`fairness`, `governance`...).
    pub family: String,
    /// Its controls.
    pub controls: Vec<String>,
    /// Control results over all releases.
    pub results: StatusCounts,
    /// `pass / applied`, percent.
    pub pass_rate: Option<f64>,
    /// Its requirements that did not pass, by release then control.
    pub failures: Vec<FailureEntry>,
}

/// A control's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlStats {
    /// Control id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Family.
    pub family: String,
    /// Severity.
    pub severity: String,
    /// Results over all releases.
    pub results: StatusCounts,
    /// `pass / applied`, percent.
    pub pass_rate: Option<f64>,
}

/// A risk of the taxonomy that some releases have no applying control
/// for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoverageGap {
    /// Risk id.
    pub risk: String,
    /// Title.
    pub title: String,
    /// Family.
    pub family: String,
    /// Whether the policy has any control for it at all.
    pub has_controls: bool,
    /// Releases no applying control covers it for.
    pub releases: Vec<ReleaseRef>,
}

/// What became of a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// Valid: covers the requirements in `covers` (maybe none today).
    InForce,
    /// Past its `expires_at`.
    Expired,
    /// Ignored for another reason (unauthorised, out of scope...).
    Rejected,
}

/// A waiver of a release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaiverEntry {
    /// Which release.
    pub release: ReleaseRef,
    /// Waiver id.
    pub id: String,
    /// Its state.
    pub state: WaiverState,
    /// Controls it names.
    pub controls: Vec<String>,
    /// `residual_risk`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residual_risk: Option<String>,
    /// Approvers, `name (role)`.
    pub approvers: Vec<String>,
    /// `expires_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Whole days from the report clock to expiry (negative: expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_to_expiry: Option<i64>,
    /// `CONTROL/requirement` it waives today.
    pub covers: Vec<String>,
    /// Why it is expired or rejected.
    pub reasons: Vec<String>,
    /// Where it is in the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// One forecast change of one release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastEntry {
    /// Which release.
    pub release: ReleaseRef,
    /// The change.
    #[serde(flatten)]
    pub change: Change,
    /// The release's decision from that day, when it changes that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

/// Headline numbers of one report, for the trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// The report clock.
    pub evaluated_at: String,
    /// Release documents.
    pub releases: usize,
    /// By decision.
    pub decisions: DecisionCounts,
    /// Control results passing, percent.
    pub control_pass_rate: Option<f64>,
}

impl Portfolio {
    /// Aggregates the releases. `trace` is the run's trace header (clock,
    /// enforcement point, policy source); its manifests are not read.
    #[must_use]
    pub fn build(
        trace: &Trace,
        set: &ControlSet,
        releases: &[ReleaseInput<'_>],
        horizon_days: u32,
    ) -> Self {
        let family_of = families_of(set);
        let mut portfolio = Self {
            report_version: REPORT_VERSION,
            riskgate_version: trace.riskgate_version.clone(),
            evaluated_at: trace.evaluated_at.clone(),
            enforcement_point: trace.enforcement_point.as_str().to_owned(),
            policy_source: trace.policy_source.clone(),
            horizon_days,
            summary: Summary::default(),
            kpis: Vec::new(),
            releases: Vec::new(),
            families: Vec::new(),
            controls: Vec::new(),
            coverage: Vec::new(),
            waivers: Vec::new(),
            forecast: Vec::new(),
            trend: Vec::new(),
        };
        let mut by_tier: BTreeMap<&str, DecisionCounts> = BTreeMap::new();
        let mut controls: BTreeMap<&str, StatusCounts> = BTreeMap::new();
        let mut failures: BTreeMap<&str, Vec<FailureEntry>> = BTreeMap::new();
        let mut uncovered: BTreeMap<&str, Vec<ReleaseRef>> = BTreeMap::new();
        let mut kpis = [(0, 0); KPIS.len()];
        let mut ages = Vec::new();
        for release in releases {
            let trace = release.trace;
            let reference = ReleaseRef::of(trace);
            let facts = release.facts;
            let tier = facts.tier;
            portfolio.summary.decisions.add(trace.decision);
            by_tier.entry(tier).or_default().add(trace.decision);
            ages.extend_from_slice(&facts.evidence_ages);
            portfolio.releases.push(ReleaseRow {
                release: reference.clone(),
                namespace: trace.namespace.clone(),
                system: facts.system.clone().or_else(|| trace.name.clone()),
                tier: tier.to_owned(),
                decision: trace.decision,
                failing_controls: ids_where(trace, Status::is_failing),
                waived_controls: ids_where(trace, |s| s == Status::Waived),
                median_evidence_age_days: median(facts.evidence_ages.clone()),
                next_change_day: facts.forecast.decisions.first().map(|d| d.day),
                next_decision: facts.forecast.decisions.first().map(|d| d.to),
            });
            for (days, count) in [30, 60, 90]
                .into_iter()
                .filter(|d| *d <= horizon_days)
                .map(|d| (d, usize::from(worsens_within(&facts.forecast, d))))
            {
                *portfolio.summary.worsening_within.entry(days).or_default() += count;
            }
            portfolio.waivers.extend(facts.waivers.iter().cloned());
            portfolio
                .forecast
                .extend(forecast_entries(&facts.forecast, &reference));
            if trace.controls.is_empty() {
                // Not evaluated: nothing to count below.
                continue;
            }
            for control in &trace.controls {
                let status = if control.disabled.is_some() {
                    Status::NotApplicable
                } else {
                    control.status
                };
                controls.entry(&control.id).or_default().add(status);
                let family = family_of
                    .get(control.id.as_str())
                    .map_or("other", String::as_str);
                let entries = failures.entry(family).or_default();
                for requirement in &control.requirements {
                    if requirement.status.is_failing() || requirement.status == Status::Waived {
                        entries.push(FailureEntry {
                            release: reference.clone(),
                            control: control.id.clone(),
                            requirement: requirement.id.clone(),
                            status: requirement.status,
                            message: requirement.message.clone(),
                            to_pass: requirement.to_pass.clone(),
                            location: requirement.evidence.iter().find_map(|e| e.location.clone()),
                        });
                    }
                }
            }
            for risk in set.risks.keys() {
                let covered = trace.controls.iter().any(|c| {
                    c.disabled.is_none()
                        && c.status != Status::NotApplicable
                        && c.risks.iter().any(|r| r == risk)
                });
                if !covered {
                    uncovered.entry(risk).or_default().push(reference.clone());
                }
            }
            if matches!(tier, "high" | "critical") {
                for (definition, (met, measured)) in KPIS.iter().zip(kpis.iter_mut()) {
                    let Some(control) = trace.controls.iter().find(|c| c.id == definition.control)
                    else {
                        continue;
                    };
                    if control.disabled.is_none() && control.status != Status::NotApplicable {
                        *measured += 1;
                        *met += usize::from(control.status == Status::Pass);
                    }
                }
            }
        }
        portfolio.summary.releases = releases.len();
        portfolio.summary.by_tier = TIERS
            .iter()
            .filter_map(|tier| {
                by_tier.get(tier).map(|decisions| TierRow {
                    tier: (*tier).to_owned(),
                    decisions: *decisions,
                })
            })
            .collect();
        portfolio.kpis = kpi_values(set, &kpis, &ages);
        portfolio.controls = set
            .controls
            .iter()
            .map(|control| {
                let results = controls
                    .get(control.id.as_str())
                    .copied()
                    .unwrap_or_default();
                ControlStats {
                    id: control.id.clone(),
                    title: control.title.clone(),
                    family: family_of
                        .get(control.id.as_str())
                        .cloned()
                        .unwrap_or_else(|| "other".to_owned()),
                    severity: control.severity.as_str().to_owned(),
                    pass_rate: results.pass_rate(),
                    results,
                }
            })
            .collect();
        portfolio.controls.sort_by(|a, b| a.id.cmp(&b.id));
        portfolio.families = family_stats(&portfolio.controls, failures);
        portfolio.coverage = set
            .risks
            .values()
            .filter_map(|risk| {
                let releases = uncovered.remove(risk.id.as_str())?;
                Some(CoverageGap {
                    risk: risk.id.clone(),
                    title: risk.title.clone(),
                    family: risk.family.clone(),
                    has_controls: set.controls.iter().any(|c| c.mitigates.contains(&risk.id)),
                    releases,
                })
            })
            .collect();
        portfolio.forecast.sort_by(|a, b| {
            (
                a.change.day,
                &a.release,
                &a.change.control,
                &a.change.requirement,
            )
                .cmp(&(
                    b.change.day,
                    &b.release,
                    &b.change.control,
                    &b.change.requirement,
                ))
        });
        portfolio
    }

    /// Sets the trend from earlier reports (any order), ending with this
    /// one.
    pub fn with_history(mut self, earlier: &[Portfolio]) -> Self {
        let mut points: Vec<TrendPoint> = earlier.iter().map(Portfolio::headline).collect();
        points.push(self.headline());
        points.sort_by(|a, b| {
            let clock = |p: &TrendPoint| parse_time_text(&p.evaluated_at);
            clock(a).cmp(&clock(b))
        });
        points.dedup_by(|a, b| a.evaluated_at == b.evaluated_at);
        self.trend = points;
        self
    }

    fn headline(&self) -> TrendPoint {
        let (pass, applied) = self.controls.iter().fold((0, 0), |(p, a), c| {
            (p + c.results.pass, a + c.results.applied())
        });
        TrendPoint {
            evaluated_at: self.evaluated_at.clone(),
            releases: self.summary.releases,
            decisions: self.summary.decisions,
            control_pass_rate: percent(pass, applied),
        }
    }

    /// Controls by how often they did not pass, worst first (then by id);
    /// only those that did not pass at least once.
    #[must_use]
    pub fn most_failing(&self) -> Vec<&ControlStats> {
        let mut out: Vec<&ControlStats> = self
            .controls
            .iter()
            .filter(|c| c.results.not_passing() > 0)
            .collect();
        out.sort_by(|a, b| {
            b.results
                .not_passing()
                .cmp(&a.results.not_passing())
                .then_with(|| a.id.cmp(&b.id))
        });
        out
    }

    /// Controls that applied to no release.
    #[must_use]
    pub fn never_applied(&self) -> Vec<&ControlStats> {
        self.controls
            .iter()
            .filter(|c| c.results.applied() == 0)
            .collect()
    }
}

/// Clocks (ns) within a manifest at which its evaluation is known to
/// change: waiver expiries and finding due dates. The forecast
/// evaluates on both sides of each.
#[must_use]
pub fn known_instants(raw: &Value) -> Vec<i64> {
    let waivers = items(raw, &["spec", "waivers"])
        .iter()
        .filter_map(|w| view::get(w, "expires_at"));
    let findings = items(raw, &["spec", "validation", "findings"])
        .iter()
        .filter_map(|f| view::get(f, "due_at"));
    let mut out: Vec<i64> = waivers.chain(findings).filter_map(parse_time).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn tier_of(raw: &Value) -> Option<&'static str> {
    let tier = str_at(raw, &["spec", "classification", "risk_tier"])?;
    TIERS[..4].iter().find(|t| **t == tier).copied()
}

/// Family of every control: its `family`, else the family of the first
/// risk it mitigates, else `other`.
fn families_of(set: &ControlSet) -> BTreeMap<&str, String> {
    set.controls
        .iter()
        .map(|control: &ControlSpec| {
            let family = control.docs.get("family").cloned().or_else(|| {
                control
                    .mitigates
                    .iter()
                    .find_map(|r| set.risks.get(r).map(|risk| risk.family.clone()))
            });
            (
                control.id.as_str(),
                family.unwrap_or_else(|| "other".to_owned()),
            )
        })
        .collect()
}

fn ids_where(trace: &ManifestTrace, wanted: impl Fn(Status) -> bool) -> Vec<String> {
    trace
        .controls
        .iter()
        .filter(|c| c.disabled.is_none() && wanted(c.status))
        .map(|c| c.id.clone())
        .collect()
}

/// Whether the decision is worse on some day up to `days` than today.
fn worsens_within(forecast: &Forecast, days: u32) -> bool {
    let Some(first) = forecast.decisions.first() else {
        return false;
    };
    forecast
        .decisions
        .iter()
        .take_while(|d| d.day <= days)
        .any(|d| d.to > first.from)
}

/// Ages in days of the dated evidence: evaluation runs, the validation,
/// approvals, documents and monitor heartbeats.
fn evidence_ages(raw: &Value, now: i64) -> Vec<f64> {
    let dated = [
        (&["spec", "evaluations"][..], "run_at"),
        (&["spec", "approvals"][..], "at"),
        (&["spec", "documents"][..], "approved_at"),
        (&["spec", "monitors"][..], "last_run_at"),
    ];
    let mut stamps: Vec<i64> = dated
        .iter()
        .flat_map(|(path, key)| items(raw, path).iter().filter_map(|v| view::get(v, key)))
        .filter_map(parse_time)
        .collect();
    stamps.extend(view::at(raw, &["spec", "validation", "completed_at"]).and_then(parse_time));
    stamps
        .into_iter()
        .map(|at| (now.saturating_sub(at)) as f64 / DAY_NS as f64)
        .collect()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let value = if values.len().is_multiple_of(2) {
        f64::midpoint(*values.get(mid.checked_sub(1)?)?, *values.get(mid)?)
    } else {
        *values.get(mid)?
    };
    Some((value * 10.0).round() / 10.0)
}

fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 1000.0).round() / 10.0)
}

fn kpi_values(set: &ControlSet, counts: &[(usize, usize)], ages: &[f64]) -> Vec<Kpi> {
    let mut out: Vec<Kpi> = KPIS
        .iter()
        .zip(counts)
        .filter(|(definition, _)| set.control(definition.control).is_some())
        .map(|(definition, &(met, measured))| Kpi {
            id: definition.id.to_owned(),
            title: definition.title.to_owned(),
            definition: format!(
                "high- and critical-tier releases where {} applies and passes (waived does not count)",
                definition.control
            ),
            numerator: met,
            denominator: measured,
            value: percent(met, measured),
            unit: "%".to_owned(),
        })
        .collect();
    out.push(Kpi {
        id: "median_evidence_age_days".to_owned(),
        title: "Median evidence age".to_owned(),
        definition: "age of every dated piece of evidence (evaluation runs, validation, approvals, documents, monitor heartbeats) of every release".to_owned(),
        numerator: ages.len(),
        denominator: ages.len(),
        value: median(ages.to_vec()),
        unit: "days".to_owned(),
    });
    out
}

fn family_stats(
    controls: &[ControlStats],
    mut failures: BTreeMap<&str, Vec<FailureEntry>>,
) -> Vec<FamilyStats> {
    let mut families: BTreeMap<&str, (Vec<String>, StatusCounts)> = BTreeMap::new();
    for control in controls {
        let (ids, counts) = families.entry(&control.family).or_default();
        ids.push(control.id.clone());
        counts.not_applicable += control.results.not_applicable;
        counts.pass += control.results.pass;
        counts.waived += control.results.waived;
        counts.insufficient_data += control.results.insufficient_data;
        counts.fail += control.results.fail;
        counts.error += control.results.error;
    }
    families
        .into_iter()
        .map(|(family, (controls, results))| FamilyStats {
            family: family.to_owned(),
            controls,
            pass_rate: results.pass_rate(),
            results,
            failures: failures.remove(family).unwrap_or_default(),
        })
        .collect()
}

/// The waivers of one release with their state, read from the trace:
/// `W3001` findings at the waiver's pointer mean expired, other `W3xxx`
/// findings rejected; requirements citing it are what it covers.
fn waivers(trace: &ManifestTrace, raw: &Value, release: &ReleaseRef, now: i64) -> Vec<WaiverEntry> {
    items(raw, &["spec", "waivers"])
        .iter()
        .enumerate()
        .map(|(index, waiver)| {
            let pointer = format!("/spec/waivers/{index}");
            let id = str_at(waiver, &["id"]).map_or_else(|| format!("#{index}"), str::to_owned);
            let findings: Vec<_> = trace
                .findings
                .iter()
                .filter(|f| f.pointer.as_deref() == Some(pointer.as_str()))
                .collect();
            let state = if findings.iter().any(|f| f.code == codes::WAIVER_EXPIRED.id) {
                WaiverState::Expired
            } else if findings.is_empty() {
                WaiverState::InForce
            } else {
                WaiverState::Rejected
            };
            let covers = trace
                .controls
                .iter()
                .flat_map(|c| {
                    c.requirements
                        .iter()
                        .filter(|r| r.waiver.as_ref().is_some_and(|w| w.id == id))
                        .map(move |r| format!("{}/{}", c.id, r.id))
                })
                .collect();
            let expires = view::get(waiver, "expires_at");
            WaiverEntry {
                release: release.clone(),
                id,
                state,
                controls: items(waiver, &["controls"])
                    .iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect(),
                residual_risk: str_at(waiver, &["residual_risk"]).map(str::to_owned),
                approvers: items(waiver, &["approved_by"])
                    .iter()
                    .map(|a| {
                        let name = str_at(a, &["name"]).or_else(|| str_at(a, &["email"]));
                        let role = str_at(a, &["role"]).unwrap_or("no role");
                        format!("{} ({role})", name.unwrap_or("unnamed"))
                    })
                    .collect(),
                expires_at: expires.and_then(Value::as_str).map(str::to_owned),
                days_to_expiry: expires
                    .and_then(parse_time)
                    .map(|at| (at.saturating_sub(now)).div_euclid(DAY_NS)),
                covers,
                reasons: findings.iter().map(|f| f.message.clone()).collect(),
                location: findings.first().and_then(|f| f.location.clone()),
            }
        })
        .collect()
}

fn forecast_entries(forecast: &Forecast, release: &ReleaseRef) -> Vec<ForecastEntry> {
    forecast
        .changes
        .iter()
        .map(|change| ForecastEntry {
            release: release.clone(),
            change: change.clone(),
            decision: forecast
                .decisions
                .iter()
                .find(|d| d.day == change.day)
                .map(|d| d.to),
        })
        .collect()
}
