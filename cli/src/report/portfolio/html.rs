//! `riskgate report --format html`: one self-contained page.
//!
//! Everything is inline: CSS, charts as SVG drawn here (four small chart
//! shapes do not warrant a plotting crate and its fonts), and a few lines
//! of script that make tables sortable. Without script the page is
//! complete, just not sortable; nothing is fetched. Every text from a
//! manifest or policy is escaped ([`esc`], [`attr`]). Accessibility:
//! landmarks and headings, table captions and header scopes, statuses
//! spelled out next to their colour, charts with a title and a text
//! equivalent (the table after them). Printing opens every drill-down.

use std::fmt::Write as _;

use riskgate_controls::portfolio::{
    DecisionCounts, FailureEntry, FamilyStats, Portfolio, WaiverState,
};
use riskgate_controls::trace::{Decision, Status};

use super::{RenderOptions, kpi_value, number, rate, target, waiver_detail, waiver_state};
use crate::report::junit::{attr, text as esc};

/// Rows in the "most failing controls" table.
const MOST_FAILING: usize = 10;
/// Releases drawn in the forecast chart (the table lists all).
const TIMELINE_ROWS: usize = 25;

/// Renders the page.
pub fn render(report: &Portfolio, options: &RenderOptions<'_>) -> String {
    let mut page = Page::default();
    page.header(report);
    page.summary(report);
    page.kpis(report);
    page.forecast(report);
    page.waivers(report);
    page.families(report, options);
    page.controls(report);
    page.coverage(report);
    page.releases(report);
    page.trend(report);
    page.finish(report)
}

#[derive(Default)]
struct Page {
    body: String,
}

impl Page {
    fn push(&mut self, text: &str) {
        self.body.push_str(text);
    }

    fn header(&mut self, report: &Portfolio) {
        let _ = writeln!(
            self.body,
            "<header><h1>Model risk portfolio</h1><p class=\"meta\">{} releases · evaluated at <time datetime=\"{}\">{}</time> · enforcement point <strong>{}</strong> · {} · forecast {} days</p></header>",
            report.summary.releases,
            attr(&report.evaluated_at),
            esc(&report.evaluated_at),
            esc(&report.enforcement_point),
            esc(&report.policy_source),
            report.horizon_days
        );
        self.push("<nav aria-label=\"Sections\"><ul>");
        for (id, label) in [
            ("summary", "Summary"),
            ("kpis", "KPIs"),
            ("forecast", "Forecast"),
            ("waivers", "Waivers"),
            ("families", "Families"),
            ("controls", "Controls"),
            ("coverage", "Coverage"),
            ("releases", "Releases"),
        ]
        .into_iter()
        .chain((report.trend.len() > 1).then_some(("trend", "Trend")))
        {
            let _ = write!(self.body, "<li><a href=\"#{id}\">{label}</a></li>");
        }
        self.push("</ul></nav>\n<main>\n");
    }

    fn section(&mut self, id: &str, title: &str) {
        let _ = writeln!(
            self.body,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{}</h2>",
            esc(title)
        );
    }

    fn end_section(&mut self) {
        self.push("</section>\n");
    }

    fn summary(&mut self, report: &Portfolio) {
        let summary = &report.summary;
        self.section("summary", "Summary");
        self.push("<div class=\"cards\">");
        card(
            &mut self.body,
            "Releases",
            &summary.releases.to_string(),
            "",
        );
        for decision in [
            Decision::Pass,
            Decision::Warn,
            Decision::Deny,
            Decision::Error,
        ] {
            card(
                &mut self.body,
                decision_label(decision),
                &count(&summary.decisions, decision).to_string(),
                decision.as_str(),
            );
        }
        for (days, worsening) in &summary.worsening_within {
            card(
                &mut self.body,
                &format!("Worse within {days} days"),
                &worsening.to_string(),
                "forecast",
            );
        }
        self.push("</div>\n");
        tier_chart(&mut self.body, report);
        self.push(
            "<table class=\"sortable\"><caption>Releases by tier and decision</caption><thead><tr>",
        );
        header_cells(
            &mut self.body,
            &["Tier", "Pass", "Warn", "Deny", "Error", "Total"],
            &[1, 2, 3, 4, 5],
        );
        self.push("</tr></thead><tbody>");
        for row in &summary.by_tier {
            let d = &row.decisions;
            let _ = write!(
                self.body,
                "<tr><th scope=\"row\">{}</th>{}{}{}{}{}</tr>",
                esc(&row.tier),
                num(d.pass),
                num(d.warn),
                num(d.deny),
                num(d.error),
                num(d.total())
            );
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn kpis(&mut self, report: &Portfolio) {
        self.section("kpis", "Model-risk KPIs");
        self.push("<dl class=\"kpis\">");
        for kpi in &report.kpis {
            let measured = if kpi.unit == "%" {
                format!("{} of {}", kpi.numerator, kpi.denominator)
            } else {
                format!("{} dated items", kpi.denominator)
            };
            let _ = write!(
                self.body,
                "<div class=\"kpi\"><dt>{}</dt><dd class=\"value\">{}</dd><dd class=\"detail\">{} · {}</dd></div>",
                esc(&kpi.title),
                esc(&kpi_value(kpi)),
                esc(&measured),
                esc(&kpi.definition)
            );
        }
        self.push("</dl>\n");
        self.end_section();
    }

    fn forecast(&mut self, report: &Portfolio) {
        self.section(
            "forecast",
            &format!("Forecast: the next {} days", report.horizon_days),
        );
        if report.horizon_days == 0 {
            self.push("<p>No forecast (<code>--horizon 0</code>).</p>\n");
            self.end_section();
            return;
        }
        if report.forecast.is_empty() {
            self.push("<p>Nothing changes within the horizon if nothing is done.</p>\n");
            self.end_section();
            return;
        }
        self.push("<p>What will change if nothing is done: each requirement whose status changes, on the first day it has changed (evidence ages, monitors fall silent, waivers expire).</p>\n");
        timeline_chart(&mut self.body, report);
        self.push("<table class=\"sortable\"><caption>Forecast changes, by day and release</caption><thead><tr>");
        header_cells(
            &mut self.body,
            &[
                "Day",
                "Date",
                "Release",
                "Decision",
                "Requirements that change, and how to pass",
            ],
            &[0],
        );
        self.push("</tr></thead><tbody>");
        let mut start = 0;
        while start < report.forecast.len() {
            let first = &report.forecast[start];
            let end = report.forecast[start..]
                .iter()
                .position(|e| e.change.day != first.change.day || e.release != first.release)
                .map_or(report.forecast.len(), |n| start + n);
            let group = &report.forecast[start..end];
            let decision = group.iter().find_map(|e| e.decision);
            let _ = write!(
                self.body,
                "<tr>{}<td>{}</td><th scope=\"row\">{}</th><td>{}</td><td><ul class=\"changes\">",
                num(first.change.day as usize),
                esc(&first.change.at[..first.change.at.len().min(10)]),
                esc(&first.release.label()),
                decision.map_or_else(String::new, decision_badge),
            );
            for entry in group {
                let change = &entry.change;
                let _ = write!(
                    self.body,
                    "<li><code>{}</code> {} → {} {}</li>",
                    esc(&target(&change.control, change.requirement.as_deref())),
                    badge(change.from),
                    badge(change.to),
                    esc(change.to_pass.as_deref().unwrap_or(&change.message))
                );
            }
            self.push("</ul></td></tr>");
            start = end;
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn waivers(&mut self, report: &Portfolio) {
        self.section("waivers", "Waivers");
        if report.waivers.is_empty() {
            self.push("<p>No release has a waiver.</p>\n");
            self.end_section();
            return;
        }
        self.push("<table class=\"sortable\"><caption>Every waiver, with its state at the report clock</caption><thead><tr>");
        header_cells(
            &mut self.body,
            &[
                "Release",
                "Waiver",
                "State",
                "Controls",
                "Residual risk",
                "Approvers",
                "Expires",
                "Days left",
                "Covers / reason",
            ],
            &[7],
        );
        self.push("</tr></thead><tbody>");
        for waiver in &report.waivers {
            let detail = waiver_detail(waiver);
            let state_class = match waiver.state {
                WaiverState::InForce => "waived",
                WaiverState::Expired => "fail",
                WaiverState::Rejected => "error",
            };
            let _ = write!(
                self.body,
                "<tr><td>{}</td><td><code>{}</code></td><td><span class=\"badge {state_class}\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td></tr>",
                esc(&waiver.release.label()),
                esc(&waiver.id),
                waiver_state(waiver.state),
                esc(&waiver.controls.join(", ")),
                esc(waiver.residual_risk.as_deref().unwrap_or("—")),
                esc(&waiver.approvers.join(", ")),
                esc(waiver.expires_at.as_deref().unwrap_or("—")),
                waiver.days_to_expiry.map_or_else(
                    || "<td></td>".to_owned(),
                    |d| format!("<td class=\"n\" data-sort=\"{d}\">{d}</td>")
                ),
                esc(&detail)
            );
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn families(&mut self, report: &Portfolio, options: &RenderOptions<'_>) {
        self.section("families", "Control families");
        family_chart(&mut self.body, &report.families);
        self.push("<table class=\"sortable\"><caption>Control results by family, over all releases</caption><thead><tr>");
        header_cells(
            &mut self.body,
            &[
                "Family",
                "Controls",
                "Applied",
                "Pass",
                "Waived",
                "Fail",
                "Error",
                "Pass rate",
            ],
            &[1, 2, 3, 4, 5, 6, 7],
        );
        self.push("</tr></thead><tbody>");
        for family in &report.families {
            let r = &family.results;
            let _ = write!(
                self.body,
                "<tr><th scope=\"row\"><a href=\"#family-{}\">{}</a></th>{}{}{}{}{}{}<td class=\"n\" data-sort=\"{}\">{}</td></tr>",
                attr(&family.family),
                esc(&family.family),
                num(family.controls.len()),
                num(r.applied()),
                num(r.pass),
                num(r.waived),
                num(r.fail + r.insufficient_data),
                num(r.error),
                family.pass_rate.unwrap_or(-1.0),
                rate(family.pass_rate)
            );
        }
        self.push("</tbody></table>\n<h3>Requirements not passing, by family</h3>\n");
        for family in &report.families {
            if family.failures.is_empty() {
                continue;
            }
            let _ = write!(
                self.body,
                "<details id=\"family-{}\"><summary><strong>{}</strong> — {} not passing</summary><ul class=\"failures\">",
                attr(&family.family),
                esc(&family.family),
                family.failures.len()
            );
            for failure in &family.failures {
                self.failure(failure, options);
            }
            self.push("</ul></details>\n");
        }
        self.end_section();
    }

    fn failure(&mut self, failure: &FailureEntry, options: &RenderOptions<'_>) {
        let _ = write!(
            self.body,
            "<li>{} <strong>{}</strong> <code>{}</code><p>{}</p>",
            badge(failure.status),
            esc(&failure.release.label()),
            esc(&target(&failure.control, Some(&failure.requirement))),
            esc(&failure.message)
        );
        if let Some(hint) = &failure.to_pass {
            let _ = write!(
                self.body,
                "<p class=\"hint\"><span>To pass:</span> {}</p>",
                esc(hint)
            );
        }
        if let Some(location) = &failure.location {
            let _ = write!(
                self.body,
                "<p class=\"at\">{}</p>",
                esc(&location.to_string())
            );
            let source = options.sources.and_then(|s| s.source(&location.file));
            if let Some(snippet) = source.and_then(|text| snippet(text, location.line)) {
                self.push(&snippet);
            }
        }
        self.push("</li>");
    }

    fn controls(&mut self, report: &Portfolio) {
        self.section("controls", "Controls");
        let failing = report.most_failing();
        if failing.is_empty() {
            self.push("<p>Every control that applied passed.</p>\n");
        } else {
            self.push("<table class=\"sortable\"><caption>Controls that fail most (not passing includes waived)</caption><thead><tr>");
            header_cells(
                &mut self.body,
                &[
                    "Control",
                    "Title",
                    "Family",
                    "Severity",
                    "Not passing",
                    "Applied",
                    "Pass rate",
                ],
                &[4, 5, 6],
            );
            self.push("</tr></thead><tbody>");
            for control in failing.iter().take(MOST_FAILING) {
                let _ = write!(
                    self.body,
                    "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td>{}{}<td class=\"n\" data-sort=\"{}\">{}</td></tr>",
                    esc(&control.id),
                    esc(&control.title),
                    esc(&control.family),
                    esc(&control.severity),
                    num(control.results.not_passing()),
                    num(control.results.applied()),
                    control.pass_rate.unwrap_or(-1.0),
                    rate(control.pass_rate)
                );
            }
            self.push("</tbody></table>\n");
        }
        let never = report.never_applied();
        if !never.is_empty() {
            let _ = write!(
                self.body,
                "<h3>Controls that applied to no release ({})</h3><p class=\"ids\">",
                never.len()
            );
            let ids: Vec<String> = never
                .iter()
                .map(|c| format!("<code title=\"{}\">{}</code>", attr(&c.title), esc(&c.id)))
                .collect();
            self.push(&ids.join(" "));
            self.push("</p>\n");
        }
        self.end_section();
    }

    fn coverage(&mut self, report: &Portfolio) {
        self.section("coverage", "Coverage gaps");
        if report.coverage.is_empty() {
            self.push(
                "<p>Every risk of the taxonomy has an applying control for every release.</p>\n",
            );
            self.end_section();
            return;
        }
        self.push("<table class=\"sortable\"><caption>Risks of the taxonomy that no applying control covers</caption><thead><tr>");
        header_cells(
            &mut self.body,
            &["Risk", "Title", "Family", "Releases", "Which"],
            &[3],
        );
        self.push("</tr></thead><tbody>");
        for gap in &report.coverage {
            let names: Vec<String> = gap.releases.iter().map(|r| r.label()).collect();
            let title = if gap.has_controls {
                esc(&gap.title)
            } else {
                format!("{} <em>(no control in the policy)</em>", esc(&gap.title))
            };
            let _ = write!(
                self.body,
                "<tr><th scope=\"row\"><code>{}</code></th><td>{title}</td><td>{}</td>{}<td>{}</td></tr>",
                esc(&gap.risk),
                esc(&gap.family),
                num(gap.releases.len()),
                esc(&names.join(", "))
            );
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn releases(&mut self, report: &Portfolio) {
        self.section("releases", "Releases");
        self.push("<table class=\"sortable\"><caption>Every release</caption><thead><tr>");
        header_cells(
            &mut self.body,
            &[
                "Release",
                "System",
                "Tier",
                "Decision",
                "Failing controls",
                "Waived",
                "Median evidence age (days)",
                "Decision changes (day)",
            ],
            &[6, 7],
        );
        self.push("</tr></thead><tbody>");
        for row in &report.releases {
            let _ = write!(
                self.body,
                "<tr><th scope=\"row\" title=\"{}\">{}</th><td>{}</td><td data-sort=\"{}\">{}</td><td data-sort=\"{}\">{}</td><td>{}</td><td>{}</td>{}{}</tr>",
                attr(&format!("{}#{}", row.release.file, row.release.document)),
                esc(&row.release.label()),
                esc(row.system.as_deref().unwrap_or("")),
                tier_rank(&row.tier),
                esc(&row.tier),
                row.decision as u8,
                decision_badge(row.decision),
                esc(&row.failing_controls.join(", ")),
                esc(&row.waived_controls.join(", ")),
                optional_num(row.median_evidence_age_days),
                row.next_change_day.zip(row.next_decision).map_or_else(
                    || "<td class=\"n\" data-sort=\"\"></td>".to_owned(),
                    |(day, to)| format!(
                        "<td class=\"n\" data-sort=\"{day}\">{day} → {}</td>",
                        decision_badge(to)
                    )
                ),
            );
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn trend(&mut self, report: &Portfolio) {
        if report.trend.len() < 2 {
            return;
        }
        self.section("trend", "Trend");
        trend_chart(&mut self.body, report);
        self.push(
            "<table><caption>Headline numbers of this and earlier reports</caption><thead><tr>",
        );
        header_cells(
            &mut self.body,
            &[
                "Evaluated at",
                "Releases",
                "Pass",
                "Warn",
                "Deny",
                "Error",
                "Control pass rate",
            ],
            &[1, 2, 3, 4, 5, 6],
        );
        self.push("</tr></thead><tbody>");
        for point in &report.trend {
            let d = &point.decisions;
            let _ = write!(
                self.body,
                "<tr><th scope=\"row\">{}</th>{}{}{}{}{}<td class=\"n\">{}</td></tr>",
                esc(&point.evaluated_at),
                num(point.releases),
                num(d.pass),
                num(d.warn),
                num(d.deny),
                num(d.error),
                rate(point.control_pass_rate)
            );
        }
        self.push("</tbody></table>\n");
        self.end_section();
    }

    fn finish(self, report: &Portfolio) -> String {
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"riskgate {}\">\n<title>Model risk portfolio — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{}</main>\n<footer>Written by riskgate {} from the decisions of {}. The same manifests, policies and clock give the same page.</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
            attr(&report.riskgate_version),
            esc(&report.evaluated_at),
            self.body,
            esc(&report.riskgate_version),
            esc(&report.policy_source)
        )
    }
}

fn card(out: &mut String, label: &str, value: &str, class: &str) {
    let _ = write!(
        out,
        "<div class=\"card {class}\"><span class=\"label\">{}</span><span class=\"value\">{}</span></div>",
        esc(label),
        esc(value)
    );
}

/// Column headers; the columns at `numeric` are right-aligned like
/// their numbers.
fn header_cells(out: &mut String, names: &[&str], numeric: &[usize]) {
    for (index, name) in names.iter().enumerate() {
        let class = if numeric.contains(&index) {
            " class=\"n\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<th scope=\"col\"{class}><button type=\"button\">{}</button></th>",
            esc(name)
        );
    }
}

fn num(value: usize) -> String {
    format!("<td class=\"n\">{value}</td>")
}

fn optional_num(value: Option<f64>) -> String {
    value.map_or_else(
        || "<td class=\"n\" data-sort=\"\"></td>".to_owned(),
        |v| format!("<td class=\"n\" data-sort=\"{v}\">{}</td>", number(v)),
    )
}

fn count(decisions: &DecisionCounts, decision: Decision) -> usize {
    match decision {
        Decision::Pass => decisions.pass,
        Decision::Warn => decisions.warn,
        Decision::Deny => decisions.deny,
        Decision::Error => decisions.error,
    }
}

fn decision_label(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "Pass",
        Decision::Warn => "Warn",
        Decision::Deny => "Deny",
        Decision::Error => "Error",
    }
}

fn decision_badge(decision: Decision) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        decision.as_str(),
        decision.as_str()
    )
}

fn badge(status: Status) -> String {
    let class = match status {
        Status::NotApplicable => "na",
        Status::InsufficientData => "fail",
        other => other.as_str(),
    };
    format!(
        "<span class=\"badge {class}\">{}</span>",
        status.as_str().replace('_', " ")
    )
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn tier_rank(tier: &str) -> usize {
    riskgate_controls::portfolio::TIERS
        .iter()
        .position(|t| *t == tier)
        .unwrap_or(usize::MAX)
}

/// The manifest lines around `line` (1-based), numbered, `line` marked.
fn snippet(text: &str, line: u32) -> Option<String> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let lines: Vec<&str> = text.lines().collect();
    if line >= lines.len() {
        return None;
    }
    let first = line.saturating_sub(1);
    let last = (line + 1).min(lines.len() - 1);
    let mut out = String::from("<pre class=\"snippet\"><code>");
    for (index, content) in lines.iter().enumerate().take(last + 1).skip(first) {
        let mark = if index == line { " class=\"hit\"" } else { "" };
        let _ = writeln!(
            out,
            "<span{mark}><span class=\"ln\">{:>4}</span> {}</span>",
            index + 1,
            esc(content)
        );
    }
    out.push_str("</code></pre>");
    Some(out)
}

/// Decision colours, as CSS classes and SVG fills.
const DECISIONS: [(Decision, &str); 4] = [
    (Decision::Pass, "#1a7f37"),
    (Decision::Warn, "#9a6700"),
    (Decision::Deny, "#cf222e"),
    (Decision::Error, "#6e40c9"),
];

/// Stacked bars: releases by decision, one bar per tier.
fn tier_chart(out: &mut String, report: &Portfolio) {
    let rows = &report.summary.by_tier;
    let Some(widest) = rows
        .iter()
        .map(|r| r.decisions.total())
        .max()
        .filter(|w| *w > 0)
    else {
        return;
    };
    let (label, bar, row_height) = (90.0, 480.0, 30.0);
    let height = row_height * rows.len() as f64 + 30.0;
    let _ = write!(
        out,
        "<figure><svg role=\"img\" aria-labelledby=\"tier-chart-t\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\"><title id=\"tier-chart-t\">Releases by tier, stacked by decision</title>"
    );
    for (index, row) in rows.iter().enumerate() {
        let y = index as f64 * row_height + 4.0;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>",
            label - 8.0,
            y + 16.0,
            esc(&row.tier)
        );
        let mut x = label;
        for (decision, colour) in DECISIONS {
            let n = count(&row.decisions, decision);
            if n == 0 {
                continue;
            }
            let width = bar * n as f64 / widest as f64;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{width:.1}\" height=\"22\" fill=\"{colour}\"><title>{}: {n} {}</title></rect>",
                esc(&row.tier),
                decision.as_str()
            );
            if width >= 18.0 {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"on-bar\">{n}</text>",
                    x + width / 2.0,
                    y + 15.0
                );
            }
            x += width;
        }
    }
    let legend_y = height - 8.0;
    let mut x = label;
    for (decision, colour) in DECISIONS {
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"{legend_y}\" class=\"axis\">{}</text>",
            legend_y - 9.0,
            x + 14.0,
            decision.as_str()
        );
        x += 70.0;
    }
    out.push_str("</svg><figcaption>Each bar is one tier; the table below has the numbers.</figcaption></figure>\n");
}

/// Horizontal bars: pass rate by family.
fn family_chart(out: &mut String, families: &[FamilyStats]) {
    if families.is_empty() {
        return;
    }
    let (label, bar, row_height) = (120.0, 440.0, 26.0);
    let height = row_height * families.len() as f64 + 24.0;
    let _ = write!(
        out,
        "<figure><svg role=\"img\" aria-labelledby=\"family-chart-t\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\"><title id=\"family-chart-t\">Pass rate of applying controls, by family</title>"
    );
    for (index, family) in families.iter().enumerate() {
        let y = index as f64 * row_height + 2.0;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text><rect x=\"{label}\" y=\"{y}\" width=\"{bar}\" height=\"18\" class=\"track\"/>",
            label - 8.0,
            y + 13.0,
            esc(&family.family)
        );
        if let Some(pass_rate) = family.pass_rate {
            let width = bar * pass_rate / 100.0;
            let _ = write!(
                out,
                "<rect x=\"{label}\" y=\"{y}\" width=\"{width:.1}\" height=\"18\" fill=\"#1a7f37\"><title>{}: {}</title></rect><text x=\"{:.1}\" y=\"{}\" class=\"axis\">{}</text>",
                esc(&family.family),
                rate(Some(pass_rate)),
                label + bar + 6.0,
                y + 13.0,
                rate(Some(pass_rate))
            );
        } else {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" class=\"axis\">never applied</text>",
                label + bar + 6.0,
                y + 13.0
            );
        }
    }
    let axis_y = height - 6.0;
    for percent in [0, 50, 100] {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{axis_y}\" text-anchor=\"middle\" class=\"axis\">{percent}%</text>",
            label + bar * f64::from(percent) / 100.0
        );
    }
    out.push_str("</svg><figcaption>Green is the share of control results that passed; waived results do not count as passed.</figcaption></figure>\n");
}

/// One row per release with forecast changes: a mark on each change day.
fn timeline_chart(out: &mut String, report: &Portfolio) {
    let mut rows: Vec<(
        &riskgate_controls::portfolio::ReleaseRef,
        Vec<&riskgate_controls::portfolio::ForecastEntry>,
    )> = Vec::new();
    for entry in &report.forecast {
        match rows.iter_mut().find(|(r, _)| *r == &entry.release) {
            Some((_, entries)) => entries.push(entry),
            None => rows.push((&entry.release, vec![entry])),
        }
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));
    let shown = rows.len().min(TIMELINE_ROWS);
    let (label, width, row_height) = (200.0, 410.0, 26.0);
    let height = row_height * shown as f64 + 34.0;
    let horizon = f64::from(report.horizon_days.max(1));
    let _ = write!(
        out,
        "<figure><svg role=\"img\" aria-labelledby=\"timeline-t\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\"><title id=\"timeline-t\">Forecast: the days on which each release's requirements change</title>"
    );
    let axis_y = row_height * shown as f64 + 8.0;
    let ticks = (0..=report.horizon_days)
        .step_by(30)
        .chain([report.horizon_days]);
    for day in ticks {
        let x = label + width * f64::from(day) / horizon;
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"{axis_y}\" class=\"grid\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">day {day}</text>",
            axis_y + 16.0
        );
    }
    for (index, (release, entries)) in rows.iter().take(shown).enumerate() {
        let y = index as f64 * row_height + 14.0;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text><line x1=\"{label}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"track-line\"/>",
            label - 8.0,
            y + 4.0,
            esc(&shorten(&release.label(), 28)),
            label + width
        );
        for entry in entries {
            let x = label + width * f64::from(entry.change.day) / horizon;
            let colour = if entry.change.to.is_failing() {
                "#cf222e"
            } else if entry.change.to == Status::Waived {
                "#0969da"
            } else {
                "#1a7f37"
            };
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y}\" r=\"6\" fill=\"{colour}\"><title>day {}: {} {} → {}</title></circle>",
                entry.change.day,
                esc(&target(
                    &entry.change.control,
                    entry.change.requirement.as_deref()
                )),
                entry.change.from.as_str(),
                entry.change.to.as_str()
            );
        }
    }
    let hidden = rows.len() - shown;
    let more = if hidden > 0 {
        format!(" {hidden} more releases are in the table.")
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "</svg><figcaption>Red marks a requirement that starts failing, blue one that becomes waived, green one that starts passing.{more}</figcaption></figure>"
    );
}

/// Lines of the control pass rate and the share of denied releases.
fn trend_chart(out: &mut String, report: &Portfolio) {
    let points = &report.trend;
    let (left, width, top, plot) = (50.0, 540.0, 10.0, 160.0);
    let x = |index: usize| left + width * index as f64 / (points.len() - 1) as f64;
    let y = |percent: f64| top + plot * (1.0 - percent / 100.0);
    let line = |values: Vec<Option<f64>>| {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let pass: Vec<Option<f64>> = points.iter().map(|p| p.control_pass_rate).collect();
    let denied: Vec<Option<f64>> = points
        .iter()
        .map(|p| {
            let total = p.decisions.total();
            (total > 0).then(|| 100.0 * p.decisions.deny as f64 / total as f64)
        })
        .collect();
    let _ = write!(
        out,
        "<figure><svg role=\"img\" aria-labelledby=\"trend-t\" viewBox=\"0 0 640 210\" width=\"640\" height=\"210\"><title id=\"trend-t\">Control pass rate and share of denied releases over time</title>"
    );
    for percent in [0.0, 50.0, 100.0] {
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" class=\"grid\"/><text x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\" class=\"axis\">{percent}%</text>",
            y(percent),
            left + width,
            left - 6.0,
            y(percent) + 4.0
        );
    }
    let _ = write!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2.5\"/><polyline points=\"{}\" fill=\"none\" stroke=\"#cf222e\" stroke-width=\"2.5\" stroke-dasharray=\"6 4\"/>",
        line(pass),
        line(denied)
    );
    for (index, point) in points.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"200\" text-anchor=\"middle\" class=\"axis\">{}</text>",
            x(index),
            esc(&point.evaluated_at[..point.evaluated_at.len().min(10)])
        );
    }
    out.push_str("</svg><figcaption>Solid green: share of control results passing. Dashed red: share of releases denied.</figcaption></figure>\n");
}

const STYLE: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--pass:#1a7f37;--warn:#9a6700;--deny:#cf222e;--error:#6e40c9;--waived:#0969da}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer,nav{max-width:1180px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:21px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:24px 0 8px}
.meta,figcaption,footer,.detail,.at{color:var(--muted)}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:8px 0;margin:8px 0 0;border-bottom:1px solid var(--line)}
nav a{color:var(--waived)}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:130px;border-top:4px solid var(--muted)}
.card .label{display:block;color:var(--muted);font-size:13px}
.card .value{display:block;font-size:26px;font-weight:600}
.card.pass{border-top-color:var(--pass)}.card.warn{border-top-color:var(--warn)}.card.deny{border-top-color:var(--deny)}.card.error{border-top-color:var(--error)}.card.forecast{border-top-color:var(--waived)}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:12px;margin:0}
.kpi{border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.kpi dt{font-weight:600}.kpi dd{margin:0}.kpi .value{font-size:26px;font-weight:600}.kpi .detail{font-size:13px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px}
caption{text-align:left;font-weight:600;padding:4px 0}
.changes{list-style:none;margin:0;padding:0}.changes li{margin:2px 0}
th.n{text-align:right}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);white-space:nowrap}
th button{all:inherit;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tbody th{font-weight:600}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--muted);white-space:nowrap}
.badge.pass{background:var(--pass)}.badge.warn{background:var(--warn)}.badge.deny,.badge.fail{background:var(--deny)}.badge.error{background:var(--error)}.badge.waived{background:var(--waived)}
details{border:1px solid var(--line);border-radius:8px;margin:8px 0;padding:6px 12px}
summary{cursor:pointer}
.failures{list-style:none;padding:0}
.failures li{border-top:1px solid var(--line);padding:8px 0}
.failures p{margin:4px 0}
.hint span{font-weight:600}
.snippet{background:var(--soft);border-radius:6px;padding:6px 0;overflow-x:auto;margin:4px 0}
.snippet>code>span{display:block;padding:0 10px;white-space:pre}
.snippet .hit{background:#fff8c5}
.ln{color:var(--muted);user-select:none}
figure{margin:8px 0 16px}
svg{max-width:100%;height:auto}
svg .axis{font-size:12px;fill:var(--muted)}
svg .on-bar{font-size:12px;fill:#fff;font-weight:600}
svg .track{fill:var(--soft);stroke:var(--line)}
svg .grid{stroke:var(--line)}
svg .track-line{stroke:var(--line);stroke-width:2}
.ids code{margin-right:6px}
footer{padding:32px 24px;font-size:13px}
@media print{nav,th button::after{display:none}body{font-size:11pt}details{border:none}details>summary{list-style:none}section{break-inside:auto}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
"#;

/// Sortable tables: a header button sorts by its column (numbers by
/// value, `data-sort` when a cell has it), again to reverse. Printing
/// opens every drill-down first.
const SCRIPT: &str = r#"
document.querySelectorAll("table.sortable").forEach(function(table){
  table.querySelectorAll("thead th").forEach(function(th, column){
    var button = th.querySelector("button");
    if(!button){return;}
    button.addEventListener("click", function(){
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function(other){other.removeAttribute("aria-sort");});
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function(row){
        var cell = row.cells[column];
        if(!cell){return "";}
        var text = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        var number = parseFloat(text);
        return isNaN(number) || String(number) !== text.trim() ? text.trim().toLowerCase() : number;
      };
      rows.sort(function(a, b){
        var x = key(a), y = key(b);
        var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
        return ascending ? order : -order;
      });
      rows.forEach(function(row){body.appendChild(row);});
    });
  });
});
window.addEventListener("beforeprint", function(){
  document.querySelectorAll("details").forEach(function(d){d.open = true;});
});
"#;
