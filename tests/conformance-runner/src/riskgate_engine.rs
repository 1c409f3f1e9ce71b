//! The riskgate adapter.

use std::net::{IpAddr, ToSocketAddrs as _};
use std::sync::Arc;
use std::time::{Duration, Instant};

use riskgate_engine::net::{
    HostPattern, HttpRequest, HttpResponse, NetPolicy, Transport, TransportError,
};

use riskgate_engine::compile::constant_value;
use riskgate_engine::eval::{EvalLimits, EvalOptions};
use riskgate_engine::{CompileOptions, Compiler, Value};
use serde_json::Value as Json;

use crate::{Case, Engine, Run};

/// riskgate with the conformance settings: a fixed clock
/// (`time.now_ns()` = 1.75e18, mid-June 2025: after the `notBefore` of every
/// certificate the suite verifies, which OPA checks at the wall-clock time),
/// 2 million steps and 5 s per case, `rand.intn` opted in (seed 0; it
/// is refused by default), and the network builtins opted in for
/// `localhost` only, with a transport that resolves names and sends
/// nothing (the suite's `http.send` cases fail before any request).
#[derive(Debug, Clone, Copy, Default)]
pub struct Riskgate;

/// Name resolution with std's resolver; no requests.
#[derive(Debug)]
struct LookupOnly;

impl Transport for LookupOnly {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Internal(format!(
            "the conformance runner sends no requests ({})",
            request.url
        )))
    }

    fn lookup_ip_addr(&self, host: &str, _: Duration) -> Result<Vec<IpAddr>, String> {
        let addrs = (host, 0).to_socket_addrs().map_err(|e| e.to_string())?;
        Ok(addrs.map(|a| a.ip()).collect())
    }
}

/// `Run::Error` from a diagnostic list (the first one speaks for all).
fn first_error(errors: &[riskgate_engine::FileDiagnostic], fallback: &str) -> Run {
    let first = errors.first();
    Run::Error {
        code: Some(first.map_or(fallback, |e| e.opa_code()).to_owned()),
        message: first.map(ToString::to_string).unwrap_or_default(),
    }
}

impl Engine for Riskgate {
    fn name(&self) -> &'static str {
        "riskgate"
    }

    fn run(&self, case: &Case) -> Run {
        let mut compiler = Compiler::new(CompileOptions {
            rand_seed: Some(0),
            net: Some(Arc::new(NetPolicy::new(
                vec![HostPattern::Host {
                    host: "localhost".to_owned(),
                    port: None,
                }],
                Arc::new(LookupOnly),
            ))),
            ..CompileOptions::default()
        });
        for (i, source) in case.modules.iter().enumerate() {
            if let Err(errors) = compiler.add_module(&format!("module{i}.rego"), source) {
                return first_error(&errors, "rego_parse_error");
            }
        }
        let policy = match compiler.compile() {
            Ok(policy) => policy,
            Err(errors) => return first_error(&errors, "rego_compile_error"),
        };
        let input = if let Some(term) = &case.input_term {
            match riskgate_dsl::parse_term(term)
                .ok()
                .and_then(|e| constant_value(&e))
            {
                Some(v) => Some(v),
                None => return Run::Harness(format!("cannot read input_term {term}")),
            }
        } else {
            case.input.as_ref().map(Value::from_json)
        };
        let options = EvalOptions {
            input,
            data: case.data.as_ref().map(Value::from_json),
            now_ns: 1_750_000_000_000_000_000,
            limits: EvalLimits {
                max_steps: 2_000_000,
                deadline: Some(Instant::now() + Duration::from_secs(5)),
                ..EvalLimits::default()
            },
            strict_builtin_errors: case.strict_error,
            ..EvalOptions::default()
        };
        match policy.eval_query(&case.query, &options) {
            Err(e) => Run::Error {
                code: Some(e.opa_code().to_owned()),
                message: e.message(),
            },
            Ok(out) => Run::Results(
                out.results
                    .iter()
                    .map(|r| {
                        r.bindings
                            .iter()
                            .map(|(k, v)| (k.clone(), v.to_json()))
                            .collect::<serde_json::Map<String, Json>>()
                    })
                    .collect(),
            ),
        }
    }
}
