//! `riskgate eval`: evaluate a Rego query against policies, data and input,
//! with the output formats of `opa eval`.

mod load;
pub(crate) mod output;

use riskgate_workspace::clock::Now;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use riskgate_dsl::LineIndex;
use riskgate_engine::eval::{EvalError, EvalLimits, EvalOptions};
use riskgate_engine::{CompileOptions, FileDiagnostic, Value};

use crate::Outcome;
use output::{Explain, Format};
use riskgate_workspace::render::Renderer;

/// Evaluate a Rego query.
///
/// Loads policies (`.rego`, `.gate`) and data documents (`.json`, `.yaml`)
/// named by `--data`, reads `--input`, and prints every solution of the
/// query. Exits 0 on success, 1 when `--fail`/`--fail-defined` trigger, and
/// 2 on errors (syntax, compile, evaluation, limits).
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The query, e.g. `data.release.allow` or `x := data.release.deny[_]`.
    pub query: String,
    /// Policy or data file, or a directory of them (repeatable). Data files
    /// merge into `data`; inside directories under their sub-directory path.
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// The input document: a JSON or YAML file, or `-` for stdin.
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    pub input: Option<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Accept Rego v0 syntax.
    #[arg(long)]
    pub v0_compatible: bool,
    /// The time `time.now_ns()` returns, as RFC 3339 (default: now, fixed
    /// for the whole evaluation).
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    pub now: Option<Now>,
    /// Make builtin errors (e.g. `to_number("x")`) stop evaluation instead
    /// of making the expression undefined.
    #[arg(long)]
    pub strict_builtin_errors: bool,
    /// Exit 1 when the result is undefined (no solutions).
    #[arg(long, conflicts_with = "fail_defined")]
    pub fail: bool,
    /// Exit 1 when the result is defined (at least one solution).
    #[arg(long)]
    pub fail_defined: bool,
    /// Print a trace of the evaluation: only failures, or everything.
    #[arg(long, value_enum, value_name = "MODE")]
    pub explain: Option<Explain>,
    /// Stop with an error after this many evaluation steps.
    #[arg(long, value_name = "N")]
    pub max_steps: Option<u64>,
    /// Stop with an error after this long (`500ms`, `2s`, `1m`).
    #[arg(long, value_name = "DURATION", value_parser = riskgate_workspace::clock::parse_duration)]
    pub timeout: Option<Duration>,
    #[command(flatten)]
    pub opt_in: crate::net::OptInArgs,
}

pub fn run(args: &EvalArgs, renderer: &Renderer) -> Outcome {
    let started = Instant::now();
    // The only wall-clock read of an evaluation.
    let now = args.now.unwrap_or_else(Now::wall_clock).ns();
    let options = args.opt_in.apply(CompileOptions {
        v0_compatible: args.v0_compatible,
        ..CompileOptions::default()
    });
    let loaded = match load::load(&args.data, options) {
        Ok(loaded) => loaded,
        Err(error) => return usage_error(&error),
    };
    let input = match &args.input {
        Some(path) => match load::input(path) {
            Ok(json) => Some(Value::from_json(&json)),
            Err(error) => return usage_error(&error),
        },
        None => None,
    };
    let errors = Errors {
        format: args.format,
        renderer,
        sources: &loaded.sources,
        query: &args.query,
    };
    if !loaded.errors.is_empty() {
        return errors.report(&loaded.errors, None);
    }
    let policy = match loaded.compiler.compile() {
        Ok(policy) => policy,
        Err(diagnostics) => return errors.report(&diagnostics, None),
    };
    let defaults = EvalLimits::default();
    let options = EvalOptions {
        input,
        data: Some(Value::from_json(&loaded.data)),
        now_ns: now,
        limits: EvalLimits {
            max_steps: args.max_steps.unwrap_or(defaults.max_steps),
            deadline: args.timeout.map(|t| started + t),
            ..defaults
        },
        strict_builtin_errors: args.strict_builtin_errors,
        trace: args.explain.is_some(),
    };
    let out = match policy.eval_query(&args.query, &options) {
        Ok(out) => out,
        Err(error) => {
            let code = (!matches!(error, EvalError::Query(_))).then(|| error.opa_code());
            return errors.report(&error.diagnostics(), code);
        }
    };
    for line in &out.prints {
        eprintln!("{line}");
    }
    print!("{}", output::render(&out, args.format, args.explain));
    let defined = !out.results.is_empty();
    if (args.fail && !defined) || (args.fail_defined && defined) {
        Outcome::Findings
    } else {
        Outcome::Success
    }
}

fn usage_error(error: &anyhow::Error) -> Outcome {
    eprintln!("error: {error:#}");
    Outcome::Error
}

/// Reports compile and evaluation errors: OPA-shaped JSON on stdout with
/// `--format json`, rendered diagnostics on stderr otherwise.
struct Errors<'a> {
    format: Format,
    renderer: &'a Renderer,
    sources: &'a std::collections::BTreeMap<Arc<str>, Arc<str>>,
    query: &'a str,
}

impl Errors<'_> {
    fn source(&self, file: &str) -> (String, Arc<str>) {
        match self.sources.get(file) {
            Some(text) => (file.to_owned(), text.clone()),
            None => ("query".to_owned(), Arc::from(self.query)),
        }
    }

    /// `code` overrides the OPA code of runtime errors (`eval_*_error`).
    fn report(&self, diagnostics: &[FileDiagnostic], code: Option<&str>) -> Outcome {
        if self.format == Format::Json {
            let errors: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| {
                    let (_, text) = self.source(&d.file);
                    let at =
                        LineIndex::new(&text).line_col(&text, d.diagnostic.primary_span().start);
                    serde_json::json!({
                        "code": code.unwrap_or_else(|| d.opa_code()),
                        "message": d.diagnostic.message(),
                        "location": {"file": &*d.file, "row": at.line, "col": at.col},
                    })
                })
                .collect();
            let json = serde_json::json!({ "errors": errors });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        } else {
            for d in diagnostics {
                let (name, text) = self.source(&d.file);
                self.renderer.emit(&name, &text, vec![d.diagnostic.clone()]);
            }
        }
        Outcome::Error
    }
}
