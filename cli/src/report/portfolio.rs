//! Renderers of the portfolio report ([`Portfolio`]): HTML, Markdown,
//! JSON and CSV.
//!
//! Same contract as the trace renderers: pure functions of the report
//! and [`RenderOptions`], no I/O, no clock, and nothing re-decided — a
//! renderer only chooses what to show. Numbers are formatted here
//! ([`number`], [`rate`]) so every format shows them alike.

mod csv;
mod html;
mod markdown;

use riskgate_controls::portfolio::{Portfolio, WaiverEntry, WaiverState};

use super::SourceProvider;

/// The `riskgate report --format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PortfolioFormat {
    /// One self-contained HTML page (inline CSS and SVG, no network).
    Html,
    /// Markdown, for a wiki page or a pull-request comment.
    Markdown,
    /// The report as JSON (also the input of `--history`).
    Json,
    /// CSV, one row per release, for spreadsheets.
    Csv,
}

/// What renderers may use besides the report.
#[derive(Clone, Copy, Default)]
pub struct RenderOptions<'a> {
    /// Manifest texts, for snippets in the HTML drill-down.
    pub sources: Option<&'a dyn SourceProvider>,
}

impl PortfolioFormat {
    /// Renders `report` in this format.
    pub fn render(self, report: &Portfolio, options: &RenderOptions<'_>) -> String {
        match self {
            Self::Html => html::render(report, options),
            Self::Markdown => markdown::render(report),
            Self::Json => super::json::to_pretty_json(report),
            Self::Csv => csv::render(report),
        }
    }
}

/// A percentage with one decimal, or `n/a`.
fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}%"))
}

/// A number with at most one decimal, without a trailing `.0`.
fn number(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// A KPI's value in its unit.
fn kpi_value(kpi: &riskgate_controls::portfolio::Kpi) -> String {
    match (kpi.value, kpi.unit.as_str()) {
        (None, _) => "n/a".to_owned(),
        (Some(v), "%") => rate(Some(v)),
        (Some(v), unit) => format!("{} {unit}", number(v)),
    }
}

/// `requirement` of a change or failure, or the control alone.
fn target(control: &str, requirement: Option<&str>) -> String {
    requirement.map_or_else(|| control.to_owned(), |r| format!("{control}/{r}"))
}

/// A waiver state as shown.
fn waiver_state(state: WaiverState) -> &'static str {
    match state {
        WaiverState::InForce => "in force",
        WaiverState::Expired => "expired",
        WaiverState::Rejected => "rejected",
    }
}

/// What an in-force waiver covers today, or why it does not apply.
fn waiver_detail(waiver: &WaiverEntry) -> String {
    match waiver.state {
        WaiverState::InForce if waiver.covers.is_empty() => "nothing failing to cover".to_owned(),
        WaiverState::InForce => waiver.covers.join(", "),
        WaiverState::Expired | WaiverState::Rejected => waiver.reasons.join("; "),
    }
}
