//! The one registry of every diagnostic code riskgate emits, gathered from
//! the crates that own them: `riskgate explain`, the generated pages under
//! `docs/diagnostics/`, and lint selection in `riskgate.toml` all read it.

use riskgate_dsl::Code;

/// Every code, grouped by range (syntax, compile, runtime, manifest,
/// declarations, waivers, configuration, imports, lints) and by id within a range.
#[must_use]
pub fn all() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = riskgate_dsl::diagnostics::codes::ALL
        .iter()
        .chain(riskgate_engine::codes::ALL)
        .chain(riskgate_controls::codes::ALL)
        .chain(crate::codes::ALL)
        .chain(riskgate_import::codes::ALL)
        .copied()
        .collect();
    codes.sort_by_key(|code| (range_rank(code.id), code.id));
    codes
}

/// The place of a code's range in listings.
fn range_rank(id: &str) -> usize {
    const RANGES: [&str; 12] = [
        "E0", "E1", "R0", "E2", "W2", "E3", "W3", "E4", "E5", "W5", "E6", "L0",
    ];
    RANGES
        .iter()
        .position(|range| id.starts_with(range))
        .unwrap_or(RANGES.len())
}

/// Looks a code up by its id (`E0003`, any case) or name
/// (`unterminated-string`).
#[must_use]
pub fn lookup(id_or_name: &str) -> Option<&'static Code> {
    all()
        .into_iter()
        .find(|code| code.id.eq_ignore_ascii_case(id_or_name) || code.name == id_or_name)
}

/// Whether `pattern` (a code, a code prefix such as `L00`, or a name)
/// selects at least one code: `select`, `ignore` and severity keys that
/// select nothing are typos.
#[must_use]
pub fn is_known_pattern(pattern: &str) -> bool {
    all()
        .iter()
        .any(|code| riskgate_engine::lint::matches(pattern, code))
}

/// The index page of all codes (`docs/diagnostics.md`).
#[must_use]
pub fn markdown_index() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nEvery problem riskgate reports has a stable code. Codes are never reused.\nRanges: `E0xxx` syntax, `E1xxx` compile, `E2xxx` manifest, `E3xxx` controls,\n`E4xxx` configuration, `E5xxx` evidence verification, `E6xxx` evidence import, `W` warnings, `R` runtime, `L` lints. `riskgate explain CODE` prints a code's page.\n\n| code | name | severity | meaning |\n|---|---|---|---|\n",
    );
    for code in all() {
        out.push_str(&format!(
            "| [{id}](diagnostics/{id}.md) | `{name}` | {severity} | {summary} |\n",
            id = code.id,
            name = code.name,
            severity = code.severity.as_str(),
            summary = code.summary,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_documented() {
        let codes = all();
        let mut ids: Vec<&str> = codes.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), codes.len(), "a code id is declared twice");
        let mut names: Vec<&str> = codes.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), codes.len(), "a code name is declared twice");
        assert!(
            codes.iter().all(|c| range_rank(c.id) < 12),
            "a code outside the ranges"
        );
    }

    #[test]
    fn lookup_finds_codes_of_every_crate_by_id_and_name() {
        assert_eq!(lookup("e0003").map(|c| c.name), Some("unterminated-string"));
        assert_eq!(lookup("missing-if-keyword").map(|c| c.id), Some("E0013"));
        assert_eq!(lookup("R0001").map(|c| c.id), Some("R0001"));
        assert_eq!(
            lookup("threshold-out-of-domain").map(|c| c.id),
            Some("L0011")
        );
        assert_eq!(lookup("invalid-configuration").map(|c| c.id), Some("E4001"));
        assert!(lookup("E9999").is_none());
    }

    #[test]
    fn lint_patterns_select_codes_of_every_crate() {
        assert!(is_known_pattern("L0001"));
        assert!(is_known_pattern("L0011"));
        assert!(is_known_pattern("L00"));
        assert!(is_known_pattern("line-too-long"));
        assert!(!is_known_pattern("E9999"));
        assert!(!is_known_pattern("no-such-lint"));
    }
}
