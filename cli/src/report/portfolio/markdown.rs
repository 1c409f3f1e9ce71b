//! `riskgate report --format markdown`: the report as GitHub-flavoured
//! Markdown tables, in the order a reader triages: summary and KPIs,
//! what will fail soon, waivers, where controls fail, coverage gaps,
//! every release.

use std::fmt::Write as _;

use riskgate_controls::portfolio::Portfolio;

use super::{kpi_value, number, rate, target, waiver_detail, waiver_state as state};
use crate::report::markdown::{cell, code, text};

/// Rows shown in the "most failing controls" table.
const MOST_FAILING: usize = 10;

/// Renders the report.
pub fn render(report: &Portfolio) -> String {
    let mut out = String::new();
    let summary = &report.summary;
    let _ = writeln!(out, "# riskgate portfolio report\n");
    let _ = writeln!(
        out,
        "{} releases evaluated at {} for {} with {}; forecast {} days.\n",
        summary.releases,
        code(&report.evaluated_at),
        code(&report.enforcement_point),
        text(&report.policy_source),
        report.horizon_days
    );

    out.push_str("## Decisions by tier\n\n| Tier | Pass | Warn | Deny | Error | Total |\n|---|---:|---:|---:|---:|---:|\n");
    for row in &summary.by_tier {
        let d = &row.decisions;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            row.tier,
            d.pass,
            d.warn,
            d.deny,
            d.error,
            d.total()
        );
    }
    let d = &summary.decisions;
    let _ = writeln!(
        out,
        "| **all** | {} | {} | {} | {} | {} |\n",
        d.pass,
        d.warn,
        d.deny,
        d.error,
        d.total()
    );
    if !summary.worsening_within.is_empty() {
        let parts: Vec<String> = summary
            .worsening_within
            .iter()
            .map(|(days, count)| format!("{count} within {days} days"))
            .collect();
        let _ = writeln!(
            out,
            "Releases whose decision gets worse: {}.\n",
            parts.join(", ")
        );
    }

    out.push_str("## KPIs\n\n| KPI | Value | Measured | Definition |\n|---|---:|---:|---|\n");
    for kpi in &report.kpis {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&text(&kpi.title)),
            kpi_value(kpi),
            if kpi.unit == "%" {
                format!("{}/{}", kpi.numerator, kpi.denominator)
            } else {
                kpi.denominator.to_string()
            },
            cell(&text(&kpi.definition))
        );
    }
    out.push('\n');

    let _ = writeln!(out, "## Forecast: the next {} days\n", report.horizon_days);
    if report.horizon_days == 0 {
        out.push_str("No forecast (`--horizon 0`).\n\n");
    } else if report.forecast.is_empty() {
        out.push_str("Nothing changes within the horizon.\n\n");
    } else {
        out.push_str("| Day | Date | Release | Requirement | Change | Decision | To pass |\n|---:|---|---|---|---|---|---|\n");
        for entry in &report.forecast {
            let change = &entry.change;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} → {} | {} | {} |",
                change.day,
                &change.at[..change.at.len().min(10)],
                cell(&text(&entry.release.label())),
                cell(&code(&target(
                    &change.control,
                    change.requirement.as_deref()
                ))),
                change.from.as_str(),
                change.to.as_str(),
                entry.decision.map_or("", |d| d.as_str()),
                cell(&text(change.to_pass.as_deref().unwrap_or(&change.message)))
            );
        }
        out.push('\n');
    }

    out.push_str("## Waivers\n\n");
    if report.waivers.is_empty() {
        out.push_str("No release has a waiver.\n\n");
    } else {
        out.push_str("| Release | Waiver | State | Controls | Residual risk | Approvers | Expires | Days left | Covers / reason |\n|---|---|---|---|---|---|---|---:|---|\n");
        for waiver in &report.waivers {
            let detail = waiver_detail(waiver);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&text(&waiver.release.label())),
                cell(&code(&waiver.id)),
                state(waiver.state),
                cell(&text(&waiver.controls.join(", "))),
                cell(&text(waiver.residual_risk.as_deref().unwrap_or("—"))),
                cell(&text(&waiver.approvers.join(", "))),
                cell(&text(waiver.expires_at.as_deref().unwrap_or("—"))),
                waiver
                    .days_to_expiry
                    .map_or_else(String::new, |d| d.to_string()),
                cell(&text(&detail))
            );
        }
        out.push('\n');
    }

    out.push_str("## Control families\n\n| Family | Controls | Applied | Pass | Waived | Fail | Error | Pass rate |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for family in &report.families {
        let r = &family.results;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&text(&family.family)),
            family.controls.len(),
            r.applied(),
            r.pass,
            r.waived,
            r.fail + r.insufficient_data,
            r.error,
            rate(family.pass_rate)
        );
    }
    out.push('\n');

    let failing = report.most_failing();
    if !failing.is_empty() {
        out.push_str("### Controls that fail most\n\n| Control | Title | Family | Not passing | Applied | Pass rate |\n|---|---|---|---:|---:|---:|\n");
        for control in failing.iter().take(MOST_FAILING) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code(&control.id),
                cell(&text(&control.title)),
                cell(&text(&control.family)),
                control.results.not_passing(),
                control.results.applied(),
                rate(control.pass_rate)
            );
        }
        out.push('\n');
    }
    let never = report.never_applied();
    if !never.is_empty() {
        let ids: Vec<String> = never.iter().map(|c| code(&c.id)).collect();
        let _ = writeln!(
            out,
            "### Controls that applied to no release\n\n{}\n",
            ids.join(", ")
        );
    }

    let failures: Vec<_> = report.families.iter().flat_map(|f| &f.failures).collect();
    if !failures.is_empty() {
        out.push_str("### Requirements not passing\n\n| Release | Requirement | Status | Found | To pass | Evidence |\n|---|---|---|---|---|---|\n");
        for failure in failures {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                cell(&text(&failure.release.label())),
                cell(&code(&target(&failure.control, Some(&failure.requirement)))),
                failure.status.as_str(),
                cell(&text(&failure.message)),
                cell(&text(failure.to_pass.as_deref().unwrap_or(""))),
                failure
                    .location
                    .as_ref()
                    .map_or_else(String::new, |l| cell(&code(&l.to_string())))
            );
        }
        out.push('\n');
    }

    out.push_str("## Coverage gaps\n\n");
    if report.coverage.is_empty() {
        out.push_str("Every risk of the taxonomy has an applying control for every release.\n\n");
    } else {
        out.push_str("Risks of the taxonomy that no applying control covers, and for which releases.\n\n| Risk | Title | Releases | Which |\n|---|---|---:|---|\n");
        for gap in &report.coverage {
            let names: Vec<String> = gap.releases.iter().map(|r| r.label()).collect();
            let title = if gap.has_controls {
                gap.title.clone()
            } else {
                format!("{} (no control in the policy)", gap.title)
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&gap.risk),
                cell(&text(&title)),
                gap.releases.len(),
                cell(&text(&names.join(", ")))
            );
        }
        out.push('\n');
    }

    out.push_str("## Releases\n\n| Release | System | Tier | Decision | Failing controls | Waived | Median evidence age | Decision changes |\n|---|---|---|---|---|---|---:|---:|\n");
    for row in &report.releases {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&text(&row.release.label())),
            cell(&text(row.system.as_deref().unwrap_or(""))),
            row.tier,
            row.decision.as_str(),
            cell(&text(&row.failing_controls.join(", "))),
            cell(&text(&row.waived_controls.join(", "))),
            row.median_evidence_age_days
                .map_or_else(String::new, |d| format!("{} days", number(d))),
            row.next_change_day.zip(row.next_decision).map_or_else(
                String::new,
                |(day, to)| format!("day {day} → {}", to.as_str())
            )
        );
    }

    if report.trend.len() > 1 {
        out.push_str("\n## Trend\n\n| Evaluated at | Releases | Pass | Warn | Deny | Error | Control pass rate |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for point in &report.trend {
            let d = &point.decisions;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&point.evaluated_at),
                point.releases,
                d.pass,
                d.warn,
                d.deny,
                d.error,
                rate(point.control_pass_rate)
            );
        }
    }
    out
}
