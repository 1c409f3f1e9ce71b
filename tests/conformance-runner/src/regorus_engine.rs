//! The regorus adapter: the oracle for `cargo xtask conformance` and the
//! differential tests. regorus reports no OPA error codes, so its errors
//! carry `code: None` and pass any expected-error case.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use serde_json::Value as Json;

use crate::{Case, Engine, Run};

/// regorus (Rego v1 mode) with a 5 s wall-clock limit per evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Regorus;

fn error(e: impl std::fmt::Display) -> Run {
    Run::Error {
        code: None,
        message: format!("{e:#}"),
    }
}

/// A regorus value as `serde_json` (sets become arrays).
///
/// # Errors
/// When the value has no JSON form (undefined).
pub fn to_json(value: &regorus::Value) -> Result<Json, String> {
    let text = value.to_json_str().map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

impl Engine for Regorus {
    fn name(&self) -> &'static str {
        "regorus"
    }

    fn run(&self, case: &Case) -> Run {
        let mut engine = regorus::Engine::new();
        engine.set_rego_v0(false);
        engine.set_execution_timer_config(ExecutionTimerConfig {
            limit: Duration::from_secs(5),
            check_interval: NonZeroU32::MIN,
        });
        if let Some(data) = &case.data
            && let Err(e) = engine.add_data(regorus::Value::from(data.clone()))
        {
            return Run::Harness(format!("regorus rejects data: {e}"));
        }
        if let Some(term) = &case.input_term {
            let value = engine
                .eval_query(term.clone(), false)
                .ok()
                .and_then(|r| r.result.into_iter().next())
                .and_then(|r| r.expressions.into_iter().last())
                .map(|e| e.value);
            match value {
                Some(v) => engine.set_input(v),
                None => return Run::Harness(format!("cannot read input_term {term}")),
            }
        } else if let Some(input) = &case.input {
            engine.set_input(regorus::Value::from(input.clone()));
        }
        for (i, source) in case.modules.iter().enumerate() {
            if let Err(e) = engine.add_policy(format!("module{i}.rego"), source.clone()) {
                return error(e);
            }
        }
        engine.set_strict_builtin_errors(case.strict_error);
        let results = match engine.eval_query(case.query.clone(), false) {
            Ok(results) => results,
            Err(e) => return error(e),
        };
        let mut solutions = Vec::new();
        for result in &results.result {
            let bindings = match to_json(&result.bindings) {
                Ok(Json::Object(map)) => map,
                Ok(other) => return Run::Harness(format!("regorus bindings {other}")),
                Err(e) => return Run::Harness(format!("regorus bindings: {e}")),
            };
            solutions.push(bindings);
        }
        Run::Results(solutions)
    }
}
