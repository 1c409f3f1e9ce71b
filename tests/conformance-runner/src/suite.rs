//! Running a whole suite through one engine.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::{Case, Engine, Failure, Outcome, Run, judge};

/// Results of one folder.
#[derive(Debug, Clone, Default)]
pub struct FolderStats {
    /// Cases run (ignored cases excluded).
    pub total: usize,
    /// Cases passed.
    pub passed: usize,
    /// Failing cases with their reasons, in suite order.
    pub failures: Vec<(String, Failure)>,
}

/// Results of one engine over a suite.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Per folder, in name order.
    pub folders: BTreeMap<String, FolderStats>,
    /// Notes of passing cases.
    pub passed: BTreeSet<String>,
    /// Cases selected (including ignored ones).
    pub total: usize,
    /// Cases the suite marks `ignore`.
    pub skipped: usize,
    /// Expected errors that name a message.
    pub messages_checked: usize,
    /// ... and whose message contained it.
    pub messages_matched: usize,
    /// Passing error cases whose message lacks `want_error`: (note, want).
    pub message_mismatches: Vec<(String, String)>,
}

/// Runs every case whose note contains `filter` (all when `None`). A panic
/// inside the engine fails that case and the run goes on.
pub fn run_suite(engine: &dyn Engine, cases: &[Case], filter: Option<&str>) -> Report {
    let mut report = Report::default();
    for case in cases {
        if filter.is_some_and(|f| !case.note.contains(f)) {
            continue;
        }
        report.total += 1;
        if case.ignore {
            report.skipped += 1;
            continue;
        }
        let run = catch_unwind(AssertUnwindSafe(|| engine.run(case))).unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            Run::Harness(format!("{} panicked: {why}", engine.name()))
        });
        let stats = report.folders.entry(case.folder.clone()).or_default();
        stats.total += 1;
        match judge(case, run) {
            Outcome::Pass { message_matched } => {
                stats.passed += 1;
                report.passed.insert(case.note.clone());
                if let Some(matched) = message_matched {
                    report.messages_checked += 1;
                    report.messages_matched += usize::from(matched);
                    if !matched {
                        let want = case.want_error.clone().unwrap_or_default();
                        report.message_mismatches.push((case.note.clone(), want));
                    }
                }
            }
            Outcome::Fail(why) => stats.failures.push((case.note.clone(), why)),
        }
    }
    report
}
