//! The model-risk domain of riskgate: release manifests, `risk` and
//! `control` declarations, their evaluation into statuses, a decision and an
//! explainable trace, and what is built on traces (the policy graph, trace
//! diffs, domain lints). The Rego language itself is `riskgate_engine`'s;
//! nothing here parses or evaluates Rego except through it.
//!
//! ```ignore
//! let set = PolicySet::compile(&[("fair.gate", source)], &ControlsOptions::default())?;
//! let trace = set.check(&ManifestInput::new("m.yaml", 0, &manifest), &CheckOptions::new(EnforcementPoint::Ci, now_ns));
//! ```
//!
//! Two phases. [`PolicySet::compile`] lowers declarations into specs and
//! generated Rego rules ([`lower`]) and compiles everything with the normal
//! [`Compiler`]. [`PolicySet::check`] evaluates one manifest: generated
//! rules through the evaluator, structured requirements by reading the raw
//! manifest tree (so unknown or mistyped fields never crash evaluation),
//! then waivers and the decision. Semantics: `docs/controls.md`.
//!
//! Invariants: no I/O, no wall clock (the clock is [`CheckOptions::now_ns`]),
//! deterministic ordering, and every failure inside one requirement becomes
//! that requirement's `error` status, never a panic.
#![warn(missing_docs)]

pub mod codes;
pub mod diff;
pub mod digest;
pub mod expiring;
pub mod forecast;
pub mod graph;
pub mod lint;
pub mod manifest;
pub mod portfolio;
pub mod scaffold;
pub mod trace;
pub mod trust;

mod compare;
mod context;
mod decision;
mod evaluate;
mod lower;
mod overlay;
mod partial;
mod reads;
mod requirements;
mod schema;
pub mod spec;
mod view;
mod waivers;

use std::collections::BTreeSet;

use riskgate_dsl::{Dialect, ParseOptions, ast};

pub use spec::{ControlSet, ControlSpec, FieldValue, RequirementSpec, RiskSpec, Severity};
pub use view::format_time;
pub use waivers::WaiverPolicy;

use crate::trace::{EnforcementPoint, Location, ManifestTrace, Summary, TRACE_VERSION, Trace};
use riskgate_engine::compile::{CompileOptions, Compiler, FileDiagnostic};
use riskgate_engine::eval::EvalLimits;
use riskgate_engine::policy::Policy;
use riskgate_engine::value::Value;

/// How to compile a policy set.
#[derive(Debug, Clone, Default)]
pub struct ControlsOptions {
    /// Options of the Rego compiler.
    pub compile: CompileOptions,
    /// Data known at compile time (an overlay); `riskgate.config.roles`
    /// extends the role vocabulary.
    pub data: Option<Value>,
}

/// A compiled policy with its risks and controls.
#[derive(Debug, Clone)]
pub struct PolicySet {
    policy: Policy,
    controls: ControlSet,
}

/// One manifest document to check.
#[derive(Clone, Copy)]
pub struct ManifestInput<'a> {
    /// The file as named on the command line.
    pub file: &'a str,
    /// 0-based document index in the file.
    pub document: usize,
    /// The raw manifest (the `input` document).
    pub value: &'a Value,
    /// Maps a JSON pointer to its place in the manifest file.
    pub locate: &'a dyn Fn(&str) -> Option<Location>,
}

impl<'a> ManifestInput<'a> {
    /// A manifest without source positions.
    #[must_use]
    pub fn new(file: &'a str, document: usize, value: &'a Value) -> Self {
        Self {
            file,
            document,
            value,
            locate: &no_location,
        }
    }

    /// Sets how JSON pointers are located in the manifest file.
    #[must_use]
    pub fn with_locate(mut self, locate: &'a dyn Fn(&str) -> Option<Location>) -> Self {
        self.locate = locate;
        self
    }
}

impl std::fmt::Debug for ManifestInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManifestInput")
            .field("file", &self.file)
            .field("document", &self.document)
            .finish_non_exhaustive()
    }
}

fn no_location(_: &str) -> Option<Location> {
    None
}

/// How to check manifests.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The enforcement point the decision is for.
    pub point: EnforcementPoint,
    /// The evaluation clock, nanoseconds since the Unix epoch.
    pub now_ns: i64,
    /// Evaluation limits, per generated rule.
    pub limits: EvalLimits,
    /// Base documents under `data` (overlays: `riskgate.config.*`).
    pub data: Option<Value>,
    /// Warnings deny (`--strict`).
    pub strict: bool,
    /// Explain failing requirements computed by policy rules with the
    /// rules' evaluation traces ([`crate::trace::RequirementTrace::explanation`];
    /// `--explain full`). Costs nothing when off.
    pub explain: bool,
    /// Verify the evidence the manifest cites (`--verify-evidence`); `None`
    /// verifies only where the policy's `trust.verify` asks for it.
    pub evidence: Option<trust::EvidenceOptions>,
}

impl CheckOptions {
    /// Options for `point` at clock `now_ns`.
    #[must_use]
    pub fn new(point: EnforcementPoint, now_ns: i64) -> Self {
        Self {
            point,
            now_ns,
            limits: EvalLimits::default(),
            data: None,
            strict: false,
            explain: false,
            evidence: None,
        }
    }
}

impl PolicySet {
    /// Parses, lowers and compiles policy files (`(name, source)`; `.gate`
    /// files may declare risks and controls).
    ///
    /// # Errors
    /// Every syntax, declaration (`E3xxx`) and compile error, with its file.
    pub fn compile(
        files: &[(&str, &str)],
        options: &ControlsOptions,
    ) -> Result<PolicySet, Vec<FileDiagnostic>> {
        let mut diagnostics = Vec::new();
        let mut parsed = Vec::new();
        for (name, source) in files {
            let parse = ParseOptions::new(Dialect::for_path(name))
                .with_v0_compatible(options.compile.v0_compatible);
            let result = riskgate_dsl::parse_module(source, parse);
            if result.has_errors() {
                let file: std::sync::Arc<str> = std::sync::Arc::from(*name);
                diagnostics.extend(result.diagnostics.into_iter().map(|diagnostic| {
                    FileDiagnostic {
                        file: file.clone(),
                        diagnostic,
                    }
                }));
                continue;
            }
            parsed.push((*name, *source, result.module));
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        Self::compile_parsed(parsed, options)
    }

    /// Lowers and compiles modules parsed without errors (`(name, source,
    /// module)`), for callers that keep parses around, such as the language
    /// server re-checking a workspace after each edit.
    ///
    /// # Errors
    /// Every declaration (`E3xxx`) and compile error, with its file.
    pub fn compile_parsed(
        files: Vec<(&str, &str, ast::Module)>,
        options: &ControlsOptions,
    ) -> Result<PolicySet, Vec<FileDiagnostic>> {
        let sources: Vec<(&str, &str)> = files.iter().map(|(n, s, _)| (*n, *s)).collect();
        let roles = role_vocabulary(options.data.as_ref(), files.iter().map(|(_, _, m)| m));
        let mut lowered = lower::lower(files, &roles);
        if !lowered.diagnostics.is_empty() {
            return Err(lowered.diagnostics);
        }
        let reads = reads::ReadTable::build(&lowered.modules);
        for requirement in lowered
            .set
            .controls
            .iter_mut()
            .flat_map(|c| c.requirements.iter_mut())
        {
            if let Some(FieldValue::Rule(rule)) = requirement.fields.get("value").map(|f| &f.value)
            {
                requirement.derived_from = reads.fields_of(rule);
            }
        }
        let mut compiler = Compiler::new(options.compile.clone());
        for ((name, source), module) in sources.into_iter().zip(lowered.modules) {
            compiler.add_parsed(name, source, module);
        }
        let policy = compiler.compile()?;
        Ok(PolicySet {
            policy,
            controls: lowered.set,
        })
    }

    /// The compiled Rego policy (declarations replaced by generated rules).
    #[must_use]
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The declared risks and controls.
    #[must_use]
    pub fn controls(&self) -> &ControlSet {
        &self.controls
    }

    /// Checks one manifest.
    #[must_use]
    pub fn check(&self, manifest: &ManifestInput<'_>, options: &CheckOptions) -> ManifestTrace {
        evaluate::check_manifest(self, manifest, options)
    }

    /// Checks a manifest from [`crate::manifest::load_manifests`]; `text`
    /// is the file it was loaded from (for locations; `""` for a manifest
    /// from [`crate::manifest::load_manifest_value`]). The loader's
    /// diagnostics become the trace's `problems`, and any error makes the
    /// decision `error`. A value that did not load (a wrong type, say)
    /// still lets every control be evaluated: those whose result depends
    /// on the value are `error`, citing the load error (see `partial.rs`).
    /// A document that is not a `ModelRelease` at all (a syntax error, a
    /// wrong `apiVersion`) has no control results.
    #[must_use]
    pub fn check_loaded(
        &self,
        loaded: &crate::manifest::LoadedManifest,
        text: &str,
        options: &CheckOptions,
    ) -> ManifestTrace {
        // Only problems need the line index; most manifests have none. A
        // manifest loaded from a value has no text and no locations.
        let index = (!loaded.diagnostics.is_empty() && !text.is_empty())
            .then(|| riskgate_dsl::LineIndex::new(text));
        let location = |offset: u32| {
            let lc = index.as_ref()?.line_col(text, offset);
            Some(Location {
                file: loaded.name.clone(),
                line: lc.line,
                col: lc.col,
            })
        };
        let problems: Vec<crate::trace::Problem> = loaded
            .diagnostics
            .iter()
            .map(|d| crate::trace::Problem {
                code: d.code().id.to_owned(),
                severity: d.severity().as_str().to_owned(),
                message: d.message().to_owned(),
                location: d
                    .labels()
                    .iter()
                    .find(|l| l.primary)
                    .and_then(|l| location(l.span.start)),
                pointer: d.pointer.clone(),
                help: d.help().map(str::to_owned),
            })
            .collect();
        let locate = |pointer: &str| {
            loaded.positions.line_col(pointer).map(|lc| Location {
                file: loaded.name.clone(),
                line: lc.line,
                col: lc.col,
            })
        };
        let broken = match &loaded.raw {
            Some(raw) if loaded.has_errors() => partial::broken_values(raw, &loaded.diagnostics),
            _ => Some(Vec::new()),
        };
        match (&loaded.raw, broken) {
            (Some(raw), Some(broken)) => {
                let input =
                    ManifestInput::new(&loaded.name, loaded.index, raw).with_locate(&locate);
                let mut trace = if loaded.has_errors() {
                    partial::check(self, &input, &broken, options)
                } else {
                    self.check(&input, options)
                };
                trace.problems = problems;
                trace
            }
            _ => ManifestTrace {
                file: loaded.name.clone(),
                document: loaded.index,
                name: loaded.release_name().map(str::to_owned),
                namespace: None,
                decision: crate::trace::Decision::Error,
                problems,
                controls: Vec::new(),
                findings: Vec::new(),
                expiring: Vec::new(),
            },
        }
    }

    /// Checks manifests and assembles the run's [`Trace`]. Manifests that
    /// failed to load are passed in as ready-made traces (`Err`), so they
    /// keep their place in input order.
    #[must_use]
    pub fn check_all(
        &self,
        manifests: &[Result<ManifestInput<'_>, ManifestTrace>],
        options: &CheckOptions,
        policy_source: &str,
    ) -> Trace {
        let traces: Vec<ManifestTrace> = manifests
            .iter()
            .map(|m| match m {
                Ok(input) => self.check(input, options),
                Err(trace) => trace.clone(),
            })
            .collect();
        assemble_trace(traces, options, policy_source)
    }
}

/// Builds a [`Trace`] with its summary from manifest traces.
#[must_use]
pub fn assemble_trace(
    manifests: Vec<ManifestTrace>,
    options: &CheckOptions,
    policy_source: &str,
) -> Trace {
    let mut summary = Summary::default();
    for m in &manifests {
        summary.record(m.decision);
    }
    Trace {
        manifests,
        ..trace_header(summary, options, policy_source)
    }
}

/// A [`Trace`] without its manifests: what a report written while the
/// manifests are checked (and never held together) ends with.
#[must_use]
pub fn trace_header(summary: Summary, options: &CheckOptions, policy_source: &str) -> Trace {
    Trace {
        trace_version: TRACE_VERSION,
        riskgate_version: env!("CARGO_PKG_VERSION").to_owned(),
        evaluated_at: format_time(options.now_ns),
        enforcement_point: options.point,
        policy_source: policy_source.to_owned(),
        summary,
        manifests: Vec::new(),
    }
}

/// The role vocabulary: the built-in roles, `riskgate.config.roles` from
/// compile-time data, and constant `roles` rules in package
/// `riskgate.config`.
fn role_vocabulary<'a>(
    data: Option<&Value>,
    modules: impl Iterator<Item = &'a riskgate_dsl::ast::Module>,
) -> BTreeSet<String> {
    let mut roles: BTreeSet<String> = manifest::ROLES.iter().map(|r| (*r).to_owned()).collect();
    let mut add = |value: &Value| match value {
        Value::Array(items) => {
            roles.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)))
        }
        Value::Set(items) => {
            roles.extend(items.iter().filter_map(|v| v.as_str().map(str::to_owned)))
        }
        Value::Object(entries) => {
            roles.extend(entries.keys().filter_map(|v| v.as_str().map(str::to_owned)))
        }
        _ => {}
    };
    if let Some(value) = data.and_then(|d| view::at(d, &["riskgate", "config", "roles"])) {
        add(value);
    }
    for module in modules {
        let is_config = module.package.as_ref().is_some_and(|p| {
            let path: Vec<&str> = p.path.iter().map(|n| n.text.as_str()).collect();
            path == ["riskgate", "config"]
        });
        if !is_config {
            continue;
        }
        for item in &module.items {
            if let riskgate_dsl::ast::Item::Rule(rule) = item
                && rule.head.reference.name.text == "roles"
                && rule.head.reference.path.is_empty()
                && let Some(value) = rule
                    .head
                    .value
                    .as_ref()
                    .and_then(|v| riskgate_engine::compile::constant_value(&v.value))
            {
                add(&value);
            }
        }
    }
    roles
}
