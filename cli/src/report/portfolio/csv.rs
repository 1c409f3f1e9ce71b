//! `riskgate report --format csv`: one row per release, for
//! spreadsheets and BI tools.
//!
//! Quoting is the `csv` crate's (RFC 4180). Cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) get a leading `'`: release names and waiver ids are
//! written by release authors, and opening the report must not execute
//! what they wrote.

use riskgate_controls::portfolio::{Portfolio, WaiverState};

use super::number;

const HEADER: [&str; 13] = [
    "release",
    "file",
    "document",
    "namespace",
    "system",
    "tier",
    "decision",
    "failing_controls",
    "waived_controls",
    "waivers_in_force",
    "median_evidence_age_days",
    "next_change_day",
    "next_decision",
];

/// Renders the release table.
pub fn render(report: &Portfolio) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = vec![HEADER.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for row in &report.releases {
        let in_force = report
            .waivers
            .iter()
            .filter(|w| w.release == row.release && w.state == WaiverState::InForce)
            .map(|w| w.id.as_str())
            .collect::<Vec<_>>();
        rows.push(vec![
            row.release.label(),
            row.release.file.clone(),
            row.release.document.to_string(),
            row.namespace.clone().unwrap_or_default(),
            row.system.clone().unwrap_or_default(),
            row.tier.clone(),
            row.decision.as_str().to_owned(),
            row.failing_controls.join(";"),
            row.waived_controls.join(";"),
            in_force.join(";"),
            row.median_evidence_age_days.map(number).unwrap_or_default(),
            row.next_change_day
                .map(|d| d.to_string())
                .unwrap_or_default(),
            row.next_decision
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
        ]);
    }
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(row.iter().map(|cell| defuse(cell).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell that cannot start a formula.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("refund-agent"), "refund-agent");
    }
}
