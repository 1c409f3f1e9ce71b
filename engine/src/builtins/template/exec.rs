//! Running a parsed template against the variables object.
//!
//! Values are Rego values as OPA hands them to Go (JSON-decoded); `None`
//! stands for Go's "no value", which a missing key produces. Truthiness is
//! Go's: `false`, `0`, `""`, `null`, empty arrays and objects are false.

use std::cmp::Ordering;

use super::Error;
use super::parse::{Command, Node, Operand, Pipeline};
use super::print::{go_format, go_print, go_sprint};
use crate::builtins::sprintf::{Operand as FmtOperand, go_sprintf};
use crate::value::Value;

/// A template value: `None` is Go's "no value" (a missing key).
type Val = Option<Value>;

/// How a list of nodes ended inside a `range` body.
enum Flow {
    Normal,
    Break,
    Continue,
}

pub(super) struct Exec {
    out: String,
    /// Variables in scope, innermost last; `$` is the first.
    vars: Vec<(String, Val)>,
}

impl Exec {
    pub(super) fn run(nodes: &[Node], root: Value) -> Result<String, Error> {
        let mut exec = Exec {
            out: String::new(),
            vars: vec![("$".to_owned(), Some(root.clone()))],
        };
        exec.list(nodes, &Some(root))?;
        Ok(exec.out)
    }

    fn list(&mut self, nodes: &[Node], dot: &Val) -> Result<Flow, Error> {
        for node in nodes {
            let flow = match node {
                Node::Text(text) => {
                    self.out.push_str(text);
                    Flow::Normal
                }
                Node::Action(pipe) => {
                    let value = self.pipeline(pipe, dot)?;
                    if pipe.vars.is_empty() {
                        self.out.push_str(&go_print(value.as_ref()));
                    }
                    Flow::Normal
                }
                Node::If {
                    with,
                    pipe,
                    then,
                    otherwise,
                } => {
                    let mark = self.vars.len();
                    let value = self.pipeline(pipe, dot)?;
                    let flow = if truthy(value.as_ref()) {
                        self.list(then, if *with { &value } else { dot })?
                    } else {
                        self.list(otherwise, dot)?
                    };
                    self.vars.truncate(mark);
                    flow
                }
                Node::Range {
                    pipe,
                    body,
                    otherwise,
                } => self.range(pipe, body, otherwise, dot)?,
                Node::Break => Flow::Break,
                Node::Continue => Flow::Continue,
            };
            if !matches!(flow, Flow::Normal) {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn range(
        &mut self,
        pipe: &Pipeline,
        body: &[Node],
        otherwise: &[Node],
        dot: &Val,
    ) -> Result<Flow, Error> {
        let mark = self.vars.len();
        // The declaration binds each element, not the collection.
        let collection = self.commands(&pipe.commands, dot, pipe.line)?;
        let items: Vec<(Value, Value)> = match &collection {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => index_pairs(items.iter()),
            Some(Value::Set(items)) => index_pairs(items.iter()),
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(other) => {
                return Err(Error::at(
                    pipe.line,
                    format!("range can't iterate over {}", go_format(other)),
                ));
            }
        };
        let mut flow = Flow::Normal;
        for (key, element) in &items {
            let iteration = self.vars.len();
            match pipe.vars.as_slice() {
                [value] => self.bind(value, Some(element.clone()), pipe.assign, pipe.line)?,
                [key_var, value] => {
                    self.bind(key_var, Some(key.clone()), pipe.assign, pipe.line)?;
                    self.bind(value, Some(element.clone()), pipe.assign, pipe.line)?;
                }
                _ => {}
            }
            let result = self.list(body, &Some(element.clone()))?;
            self.vars.truncate(iteration);
            if matches!(result, Flow::Break) {
                break;
            }
        }
        if items.is_empty() {
            flow = self.list(otherwise, dot)?;
        }
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn bind(&mut self, name: &str, value: Val, assign: bool, line: usize) -> Result<(), Error> {
        if !assign {
            self.vars.push((name.to_owned(), value));
            return Ok(());
        }
        let slot = self
            .vars
            .iter_mut()
            .rev()
            .find(|(n, _)| n == name)
            .ok_or_else(|| Error::at(line, format!("undefined variable: {name}")))?;
        slot.1 = value;
        Ok(())
    }

    fn pipeline(&mut self, pipe: &Pipeline, dot: &Val) -> Result<Val, Error> {
        let value = self.commands(&pipe.commands, dot, pipe.line)?;
        if let Some(name) = pipe.vars.first() {
            self.bind(name, value.clone(), pipe.assign, pipe.line)?;
        }
        Ok(value)
    }

    /// Runs commands left to right, each receiving the previous result as
    /// its last argument.
    fn commands(&mut self, commands: &[Command], dot: &Val, line: usize) -> Result<Val, Error> {
        let mut piped: Option<Val> = None;
        for command in commands {
            piped = Some(self.command(command, dot, piped, line)?);
        }
        Ok(piped.flatten())
    }

    fn command(
        &mut self,
        command: &Command,
        dot: &Val,
        piped: Option<Val>,
        line: usize,
    ) -> Result<Val, Error> {
        let (first, rest) = match command.args.split_first() {
            Some(split) => split,
            None => return Err(Error::at(line, "empty command")),
        };
        let Operand::Function(name) = first else {
            if !rest.is_empty() || piped.is_some() {
                return Err(Error::at(line, "can't give argument to non-function"));
            }
            return self.operand(first, dot, line);
        };
        // `and` and `or` stop at the first argument that decides them.
        if name == "and" || name == "or" {
            let mut last = None;
            let wanted = name == "or";
            let count = rest.len() + usize::from(piped.is_some());
            if count == 0 {
                return Err(Error::at(
                    line,
                    format!("wrong number of args for {name}: want at least 1 got 0"),
                ));
            }
            for arg in rest {
                let value = self.operand(arg, dot, line)?;
                if truthy(value.as_ref()) == wanted {
                    return Ok(value);
                }
                last = value;
            }
            if let Some(value) = piped {
                return Ok(value);
            }
            return Ok(last);
        }
        let mut args = Vec::with_capacity(rest.len() + 1);
        for arg in rest {
            args.push(self.operand(arg, dot, line)?);
        }
        args.extend(piped);
        call(name, &args)
            .map_err(|message| Error::at(line, format!("error calling {name}: {message}")))
    }

    fn operand(&mut self, operand: &Operand, dot: &Val, line: usize) -> Result<Val, Error> {
        let (base, fields) = match operand {
            Operand::Dot(fields) => (dot.clone(), fields),
            Operand::Var(name, fields) => {
                let value = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| Error::at(line, format!("undefined variable: {name}")))?;
                (value, fields)
            }
            Operand::Group(pipe, fields) => (self.pipeline(pipe, dot)?, fields),
            Operand::Const(value) => return Ok(Some(value.clone())),
            Operand::Function(name) => return call(name, &[]).map_err(|m| Error::at(line, m)),
        };
        fields.iter().try_fold(base, |value, field| match value {
            Some(Value::Object(map)) => Ok(map.get(&Value::string(field)).cloned()),
            None | Some(Value::Null) => Ok(None),
            Some(other) => Err(Error::at(
                line,
                format!("can't evaluate field {field} in type {}", go_type(&other)),
            )),
        })
    }
}

/// Array or set elements with their Go `int` index.
fn index_pairs<'v>(items: impl Iterator<Item = &'v Value>) -> Vec<(Value, Value)> {
    items
        .enumerate()
        .map(|(i, v)| (Value::int(i64::try_from(i).unwrap_or(i64::MAX)), v.clone()))
        .collect()
}

/// Go's truth of a value.
pub(super) fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => !n.is_zero(),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Set(items)) => !items.is_empty(),
        Some(Value::Object(map)) => !map.is_empty(),
    }
}

/// The Go type OPA's JSON decoding gives a value, for error messages.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(_) => "json.Number",
        Value::String(_) => "string",
        Value::Array(_) | Value::Set(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Calls a template function other than `and`/`or`.
fn call(name: &str, args: &[Val]) -> Result<Val, String> {
    let arity = |want: usize| {
        if args.len() == want {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {want} got {}",
                args.len()
            ))
        }
    };
    let at = |i: usize| args.get(i).and_then(Option::as_ref);
    Ok(Some(match name {
        "not" => {
            arity(1)?;
            Value::Bool(!truthy(at(0)))
        }
        "len" => {
            arity(1)?;
            let len = match at(0) {
                Some(Value::String(s)) => s.len(),
                Some(Value::Array(items)) => items.len(),
                Some(Value::Set(items)) => items.len(),
                Some(Value::Object(map)) => map.len(),
                other => return Err(format!("len of type {}", other.map_or("<nil>", go_type))),
            };
            Value::int(i64::try_from(len).unwrap_or(i64::MAX))
        }
        "index" => {
            let (first, keys) = args
                .split_first()
                .ok_or("wrong number of args for index: want at least 1 got 0")?;
            return keys.iter().try_fold(first.clone(), |value, key| {
                index(value.as_ref(), key.as_ref())
            });
        }
        "print" => Value::string(&go_sprint(args, false)),
        "println" => Value::string(&go_sprint(args, true)),
        "printf" => {
            let (format, rest) = args
                .split_first()
                .ok_or("wrong number of args for printf: want at least 1 got 0")?;
            let Some(Value::String(format)) = format else {
                return Err("printf: the format must be a string".to_owned());
            };
            let operands: Vec<FmtOperand> = rest.iter().map(fmt_operand).collect();
            Value::string(&go_sprintf(format, &operands))
        }
        "eq" => {
            let (first, others) = args
                .split_first()
                .ok_or("missing argument for comparison")?;
            if others.is_empty() {
                return Err("missing argument for comparison".to_owned());
            }
            let mut equal = false;
            for other in others {
                equal |= compare(first.as_ref(), other.as_ref(), true)? == Ordering::Equal;
            }
            Value::Bool(equal)
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(2)?;
            let order = compare(at(0), at(1), name == "ne")?;
            Value::Bool(match name {
                "ne" => order != Ordering::Equal,
                "lt" => order == Ordering::Less,
                "le" => order != Ordering::Greater,
                "gt" => order == Ordering::Greater,
                _ => order != Ordering::Less,
            })
        }
        _ => return Err(format!("function \"{name}\" not defined")),
    }))
}

/// `index x k`: an array element by integer, an object member by key.
fn index(value: Option<&Value>, key: Option<&Value>) -> Result<Val, String> {
    match (value, key) {
        (Some(Value::Array(items)), Some(Value::Number(n))) => {
            let i = n
                .as_i64()
                .ok_or_else(|| format!("cannot index slice/array with {n}"))?;
            let found = usize::try_from(i).ok().and_then(|i| items.get(i));
            found
                .cloned()
                .map(Some)
                .ok_or_else(|| format!("index out of range: {i}"))
        }
        (Some(Value::Object(map)), Some(key)) => Ok(map.get(key).cloned()),
        (None | Some(Value::Null), _) => Err("index of untyped nil".to_owned()),
        (Some(other), _) => Err(format!("can't index item of type {}", go_type(other))),
    }
}

/// Go's comparison of basic values; `equality_only` also allows `nil`.
fn compare(a: Option<&Value>, b: Option<&Value>, equality_only: bool) -> Result<Ordering, String> {
    let nil = |v: Option<&Value>| matches!(v, None | Some(Value::Null));
    match (a, b) {
        _ if equality_only && (nil(a) || nil(b)) => Ok(if nil(a) && nil(b) {
            Ordering::Equal
        } else {
            Ordering::Less
        }),
        (Some(Value::Number(x)), Some(Value::Number(y))) => Ok(x.cmp(y)),
        (Some(Value::String(x)), Some(Value::String(y))) => Ok(x.cmp(y)),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) if equality_only => Ok(x.cmp(y)),
        (Some(Value::Array(_) | Value::Set(_) | Value::Object(_)), _)
        | (_, Some(Value::Array(_) | Value::Set(_) | Value::Object(_))) => {
            Err("non-comparable type".to_owned())
        }
        (Some(Value::Bool(_)), Some(Value::Bool(_))) => {
            Err("invalid type for comparison".to_owned())
        }
        _ => Err("incompatible types for comparison".to_owned()),
    }
}

/// A value as `printf` formats it: numbers, strings and booleans as
/// `sprintf` takes them, other values as Go prints them.
fn fmt_operand(value: &Val) -> FmtOperand {
    match value {
        Some(Value::Array(_) | Value::Set(_) | Value::Object(_)) | Some(Value::Null) | None => {
            FmtOperand::Str(value.as_ref().map_or_else(|| "<nil>".to_owned(), go_format))
        }
        Some(other) => FmtOperand::from_value(other),
    }
}
