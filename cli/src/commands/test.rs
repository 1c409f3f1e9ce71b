//! `riskgate test`: run `test_*` rules (like `opa test`) and golden trace
//! cases, with coverage, benchmarks and JUnit output.
//!
//! Rule tests come from every policy file under PATHS; golden cases are
//! directories holding `manifest.yaml` and `expected.trace.json` (see
//! [`golden`]). Discovery, evaluation and coverage are in
//! [`riskgate_engine::testing`]; this module does the I/O, the clock and
//! the rendering ([`output`]).

mod golden;
mod output;

use riskgate_workspace::clock::Now;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use riskgate_engine::CompileOptions;
use riskgate_engine::eval::EvalOptions;
use riskgate_engine::testing::{self, Coverage, TestResult};

use crate::Outcome;
use riskgate_workspace::policy_files::PolicySource;
use riskgate_workspace::policy_set;
use riskgate_workspace::render::Renderer;

pub use golden::GoldenResult;

/// Run policy tests.
///
/// Exits 0 when every test passes, 1 when one fails, 2 when the policies
/// do not compile or a path is missing.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Policy files and directories with `test_*` rules and golden cases
    /// (default: `paths` of `[test]` in riskgate.toml, else the current
    /// directory).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Also load the embedded standard library (to test against it);
    /// `stdlib = true` under `[test]` in riskgate.toml does the same.
    #[arg(long)]
    pub stdlib: bool,
    /// Only run tests whose full name (`data.pkg.test_x`) or golden case
    /// directory matches REGEX.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<regex::Regex>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TestFormat::Pretty)]
    pub format: TestFormat,
    /// Report line coverage of the policy files (test files excluded).
    #[arg(long)]
    pub coverage: bool,
    /// Time each passing test (repeated runs; wall clock).
    #[arg(long)]
    pub bench: bool,
    /// Rewrite the `expected.trace.json` of every golden case from the
    /// current policies.
    #[arg(long)]
    pub update: bool,
    /// The clock `time.now_ns()` sees in rule tests, and of new golden
    /// cases (RFC 3339; default: the wall clock for rule tests,
    /// 2026-01-01T00:00:00Z for golden cases).
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    #[command(flatten)]
    pub opt_in: crate::net::OptInArgs,
}

/// `--format` values of `riskgate test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestFormat {
    /// Human-readable.
    Pretty,
    /// A JSON document.
    Json,
    /// JUnit XML.
    Junit,
}

/// A rule test's result with its benchmark.
pub struct RuleRun {
    /// What happened.
    pub result: TestResult,
    /// `(iterations, nanoseconds per iteration)` with `--bench`.
    pub bench: Option<(u64, u128)>,
}

/// Everything a report shows.
pub struct Report {
    /// Rule tests in discovery order.
    pub rules: Vec<RuleRun>,
    /// Golden cases in path order.
    pub golden: Vec<GoldenResult>,
    /// With `--coverage`.
    pub coverage: Option<Coverage>,
}

impl Report {
    /// Whether any test or case failed.
    pub fn failed(&self) -> bool {
        self.rules.iter().any(|r| !r.result.passed()) || self.golden.iter().any(|g| !g.passed())
    }
}

/// Runs `riskgate test`.
pub fn run(args: &TestArgs, renderer: &Renderer) -> Outcome {
    match test(args, renderer) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn test(args: &TestArgs, renderer: &Renderer) -> anyhow::Result<Outcome> {
    // The only wall-clock read of the rule tests.
    let now = args.now.unwrap_or_else(Now::wall_clock).ns();
    let compile_options = args.opt_in.apply(CompileOptions::default());
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut sources: Vec<PolicySource> = if args.stdlib {
        policy_set::stdlib()
    } else {
        Vec::new()
    };
    let own = policy_set::read_all(&roots)?;
    sources.extend(own.iter().map(|s| PolicySource {
        name: s.name.clone(),
        path: s.path.clone(),
        text: s.text.clone(),
    }));

    let selected = |name: &str| args.run.as_ref().is_none_or(|re| re.is_match(name));
    let mut rules = Vec::new();
    let mut coverage = None;
    if !sources.is_empty() {
        let set = policy_set::compile_with_options(&sources, &compile_options)
            .inspect_err(|errors| renderer.emit_policy_errors(errors))?;
        let policy = set.policy();
        let options = EvalOptions {
            now_ns: now,
            trace: args.coverage || verbose(),
            ..EvalOptions::default()
        };
        for test in testing::discover(policy) {
            if !selected(&test.full_name()) {
                continue;
            }
            let result = testing::run(policy, &test, &options);
            let bench = (args.bench && result.passed()).then(|| bench(policy, &test, now));
            rules.push(RuleRun { result, bench });
        }
        if args.coverage {
            let events = rules.iter().flat_map(|r| &r.result.trace);
            let mut report = testing::coverage(policy, events);
            if args.stdlib {
                report
                    .files
                    .retain(|file, _| own.iter().any(|s| s.name == *file));
            }
            coverage = Some(report);
        }
    }

    let golden_sources = golden::relative_sources(&own, &roots);
    let cases = golden::discover(&roots);
    let mut golden_results = Vec::new();
    if !cases.is_empty() {
        let golden_set = if own.is_empty() || args.stdlib {
            let mut all = policy_set::stdlib();
            all.extend(golden_sources);
            policy_set::compile_with_options(&all, &compile_options)
                .inspect_err(|errors| renderer.emit_policy_errors(errors))?
        } else {
            policy_set::compile_with_options(&golden_sources, &compile_options)
                .inspect_err(|errors| renderer.emit_policy_errors(errors))?
        };
        for case in cases {
            if !selected(&case.name) {
                continue;
            }
            golden_results.push(golden::run(&golden_set, &case, args.update, args.now));
        }
    }

    if rules.is_empty() && golden_results.is_empty() {
        eprintln!("no tests found (test_* rules, or golden cases with a manifest.yaml)");
    }
    let report = Report {
        rules,
        golden: golden_results,
        coverage,
    };
    let text = match args.format {
        TestFormat::Pretty => output::pretty(&report, verbose()),
        TestFormat::Json => output::json(&report),
        TestFormat::Junit => output::junit(&report),
    };
    print!("{text}");
    Ok(if report.failed() {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

/// Runs a passing test repeatedly: at least 10 times and until 200 ms
/// have passed (at most 100 000 runs).
fn bench(policy: &riskgate_engine::Policy, test: &testing::TestRule, now: i64) -> (u64, u128) {
    let options = EvalOptions {
        now_ns: now,
        ..EvalOptions::default()
    };
    let budget = Duration::from_millis(200);
    let started = Instant::now();
    let mut iterations: u64 = 0;
    while iterations < 10 || (started.elapsed() < budget && iterations < 100_000) {
        let _ = testing::run(policy, test, &options);
        iterations += 1;
    }
    let per = started.elapsed().as_nanos() / u128::from(iterations.max(1));
    (iterations, per)
}

/// The path of `file` relative to the root it was found under, with `/`
/// separators.
pub(crate) fn relative(file: &Path, roots: &[PathBuf]) -> String {
    for root in roots {
        if root.is_dir()
            && let Ok(rest) = file.strip_prefix(root)
        {
            return rest.to_string_lossy().replace('\\', "/");
        }
    }
    file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `-v` (the global verbosity flag): print every test, and for failures
/// their `print()` output and a trace of what failed.
fn verbose() -> bool {
    crate::global::verbosity() >= crate::global::Verbosity::Verbose
}
