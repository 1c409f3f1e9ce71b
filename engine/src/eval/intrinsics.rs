//! Builtins that need the evaluator: `print`, `trace`, `walk` and the
//! membership helpers behind `in`.

use std::sync::Arc;

use super::term::{display_plain, entries};
use super::{EvalError, Evaluator};
use crate::ir::{Intrinsic, Loc};
use crate::value::Value;

impl Evaluator<'_> {
    pub(crate) fn call_intrinsic(
        &mut self,
        intrinsic: Intrinsic,
        args: &[Value],
        loc: Loc,
        results: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        match intrinsic {
            Intrinsic::Print => {
                let line = args.iter().map(display_plain).collect::<Vec<_>>().join(" ");
                self.push_print(line, loc)?;
                results.push(Value::Bool(true));
            }
            Intrinsic::Trace => results.push(Value::Bool(true)),
            Intrinsic::OpaRuntime => results.push(Value::empty_object()),
            Intrinsic::Member2 => {
                let (Some(x), Some(coll)) = (args.first(), args.get(1)) else {
                    return Ok(());
                };
                let found = match coll {
                    Value::Array(items) => items.contains(x),
                    Value::Set(set) => set.contains(x),
                    Value::Object(map) => map.values().any(|v| v == x),
                    _ => false,
                };
                results.push(Value::Bool(found));
            }
            Intrinsic::Member3 => {
                let (Some(key), Some(x), Some(coll)) = (args.first(), args.get(1), args.get(2))
                else {
                    return Ok(());
                };
                let found = match coll {
                    Value::Array(_) | Value::Object(_) => coll.get(key) == Some(x),
                    _ => false,
                };
                results.push(Value::Bool(found));
            }
            Intrinsic::Walk => {
                let Some(root) = args.first() else {
                    return Ok(());
                };
                let mut path = Vec::new();
                self.walk_collect(root, &mut path, loc, results)?;
            }
        }
        Ok(())
    }

    fn walk_collect(
        &mut self,
        value: &Value,
        path: &mut Vec<Value>,
        loc: Loc,
        out: &mut Vec<Value>,
    ) -> Result<(), EvalError> {
        self.charge(1, loc)?;
        out.push(Value::Array(Arc::new(vec![
            Value::Array(Arc::new(path.clone())),
            value.clone(),
        ])));
        for (k, v) in entries(value) {
            path.push(k);
            self.walk_collect(&v, path, loc, out)?;
            path.pop();
        }
        Ok(())
    }
}
