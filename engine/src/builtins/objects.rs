//! Object functions (`object.*`) and JSON path filtering (`json.filter`,
//! `json.remove`).

use std::collections::{BTreeMap, BTreeSet};

use crate::builtins::operands::{arg, array, element_error, object, operand_error, type_error};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "objects";

pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "json.filter",
        arity: 2,
        func: json_filter,
        category: CATEGORY,
        summary: "Keeps only the given JSON paths (`a/b/c` strings or arrays of segments) of an object.",
    },
    Builtin {
        name: "json.remove",
        arity: 2,
        func: json_remove,
        category: CATEGORY,
        summary: "Removes the given JSON paths (`a/b/c` strings or arrays of segments) from an object.",
    },
    Builtin {
        name: "object.filter",
        arity: 2,
        func: object_filter,
        category: CATEGORY,
        summary: "Keeps only the given top-level keys (an array, set or object's keys) of an object.",
    },
    Builtin {
        name: "object.get",
        arity: 3,
        func: object_get,
        category: CATEGORY,
        summary: "The value at a key, or at a path given as an array of keys, or `default` if absent.",
    },
    Builtin {
        name: "object.keys",
        arity: 1,
        func: object_keys,
        category: CATEGORY,
        summary: "The set of an object's keys.",
    },
    Builtin {
        name: "object.remove",
        arity: 2,
        func: object_remove,
        category: CATEGORY,
        summary: "Removes the given top-level keys (an array, set or object's keys) from an object.",
    },
    Builtin {
        name: "object.subset",
        arity: 2,
        func: object_subset,
        category: CATEGORY,
        summary: "Whether `sub` is contained in `super`: recursively for objects, by membership for sets, as a contiguous run for arrays.",
    },
    Builtin {
        name: "object.union",
        arity: 2,
        func: object_union,
        category: CATEGORY,
        summary: "Merges two objects recursively; on conflicts the right-hand value wins.",
    },
    Builtin {
        name: "object.union_n",
        arity: 1,
        func: object_union_n,
        category: CATEGORY,
        summary: "Merges an array of objects recursively, left to right; later values win.",
    },
];

fn object_get(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "object.get";
    let map = object(NAME, args, 1)?;
    let key = arg(NAME, args, 2)?;
    let default = arg(NAME, args, 3)?;
    let found = match key {
        Value::Array(path) => {
            let Some((first, rest)) = path.split_first() else {
                return arg(NAME, args, 1).cloned();
            };
            let mut node = map.get(first);
            for segment in rest {
                node = node.and_then(|value| value.get(segment));
            }
            node
        }
        other => map.get(other),
    };
    Ok(found.unwrap_or(default).clone())
}

fn object_keys(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let map = object("object.keys", args, 1)?;
    Ok(Value::set(map.keys().cloned().collect()))
}

/// The keys named by an array, a set or an object's keys (operand 2).
fn key_set<'a>(name: &str, args: &'a [Value]) -> Result<BTreeSet<&'a Value>, BuiltinError> {
    match arg(name, args, 2)? {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Set(items) => Ok(items.iter().collect()),
        Value::Object(map) => Ok(map.keys().collect()),
        other => Err(type_error(name, 2, other, &["object", "set", "array"])),
    }
}

fn object_remove(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "object.remove";
    let map = object(NAME, args, 1)?;
    let keys = key_set(NAME, args)?;
    Ok(Value::object(
        map.iter()
            .filter(|(k, _)| !keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

fn object_filter(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "object.filter";
    let map = object(NAME, args, 1)?;
    let keys = key_set(NAME, args)?;
    Ok(Value::object(
        map.iter()
            .filter(|(k, _)| keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

/// Recursive merge: where both sides hold objects they are merged, otherwise
/// the right-hand value wins.
fn merge(left: &BTreeMap<Value, Value>, right: &BTreeMap<Value, Value>) -> BTreeMap<Value, Value> {
    let mut merged = left.clone();
    for (key, value) in right {
        let combined = match (merged.get(key), value) {
            (Some(Value::Object(a)), Value::Object(b)) => Value::object(merge(a, b)),
            _ => value.clone(),
        };
        merged.insert(key.clone(), combined);
    }
    merged
}

fn object_union(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let a = object("object.union", args, 1)?;
    let b = object("object.union", args, 2)?;
    Ok(Value::object(merge(a, b)))
}

fn object_union_n(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "object.union_n";
    let items = array(NAME, args, 1)?;
    let collection = arg(NAME, args, 1)?;
    let mut result = BTreeMap::new();
    for item in items {
        let Value::Object(map) = item else {
            return Err(element_error(NAME, 1, collection, item, "object"));
        };
        result = merge(&result, map);
    }
    Ok(Value::object(result))
}

fn object_subset(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "object.subset";
    let sup = arg(NAME, args, 1)?;
    let sub = arg(NAME, args, 2)?;
    match (sup, sub) {
        (Value::Object(a), Value::Object(b)) => Ok(Value::Bool(object_subset_of(a, b))),
        (Value::Set(a), Value::Set(b)) => Ok(Value::Bool(b.is_subset(a))),
        (Value::Array(a), Value::Array(b)) => Ok(Value::Bool(array_contains_run(a, b))),
        (Value::Array(a), Value::Set(b)) => Ok(Value::Bool(array_covers_set(a, b))),
        _ => Err(BuiltinError::type_error(format!(
            "{NAME}: both arguments object.subset must be of the same type or array and set"
        ))),
    }
}

fn object_subset_of(sup: &BTreeMap<Value, Value>, sub: &BTreeMap<Value, Value>) -> bool {
    sub.iter().all(|(key, sub_value)| {
        let Some(sup_value) = sup.get(key) else {
            return false;
        };
        if sup_value == sub_value {
            return true;
        }
        match (sup_value, sub_value) {
            (Value::Object(a), Value::Object(b)) => object_subset_of(a, b),
            (Value::Set(a), Value::Set(b)) => b.is_subset(a),
            (Value::Array(a), Value::Array(b)) => array_contains_run(a, b),
            _ => false,
        }
    })
}

/// Whether `sub` occurs contiguously, in order, in `sup`.
fn array_contains_run(sup: &[Value], sub: &[Value]) -> bool {
    sub.is_empty() || sup.windows(sub.len()).any(|window| window == sub)
}

/// OPA's array/set subset: counts the elements of `sup` that are members of
/// `sub` (duplicates count again) and succeeds once the count reaches the
/// size of `sub`; an empty `sub` needs a non-empty `sup`.
fn array_covers_set(sup: &[Value], sub: &BTreeSet<Value>) -> bool {
    let mut unmatched = sub.len();
    sup.iter().any(|item| {
        if sub.contains(item) {
            unmatched = unmatched.saturating_sub(1);
        }
        unmatched == 0
    })
}

/// A trie of JSON paths; `Leaf` marks where a path ends, which wins over any
/// longer path through the same node.
#[derive(Debug)]
enum PathNode {
    Leaf,
    Branch(BTreeMap<Value, PathNode>),
}

fn json_paths(name: &str, args: &[Value]) -> Result<BTreeMap<Value, PathNode>, BuiltinError> {
    let paths = arg(name, args, 2)?;
    let items: Box<dyn Iterator<Item = &Value>> = match paths {
        Value::Array(items) => Box::new(items.iter()),
        Value::Set(items) => Box::new(items.iter()),
        other => return Err(type_error(name, 2, other, &["set", "array"])),
    };
    let mut root = BTreeMap::new();
    for path in items {
        let segments = parse_path(name, path)?;
        insert_path(&mut root, &segments);
    }
    Ok(root)
}

/// A `/`-separated JSON pointer (`~1` is `/`, `~0` is `~`) or an array of
/// segments.
fn parse_path(name: &str, path: &Value) -> Result<Vec<Value>, BuiltinError> {
    match path {
        Value::String(text) if text.is_empty() => Ok(Vec::new()),
        Value::String(text) => Ok(text
            .trim_start_matches('/')
            .split('/')
            .map(|part| Value::string(&crate::json_pointer::unescape(part)))
            .collect()),
        Value::Array(segments) => Ok(segments.to_vec()),
        other => Err(operand_error(
            name,
            2,
            &format!(
                "must be one of {{set, array}} containing string paths or array of path segments but got {}",
                other.type_name()
            ),
        )),
    }
}

fn insert_path(root: &mut BTreeMap<Value, PathNode>, path: &[Value]) {
    let Some((last, prefix)) = path.split_last() else {
        return;
    };
    let mut node = root;
    for segment in prefix {
        let child = node
            .entry(segment.clone())
            .or_insert_with(|| PathNode::Branch(BTreeMap::new()));
        match child {
            PathNode::Leaf => return,
            PathNode::Branch(children) => node = children,
        }
    }
    node.insert(last.clone(), PathNode::Leaf);
}

/// The trie child for an array index, written `"0"` or `0`.
fn index_child(children: &BTreeMap<Value, PathNode>, index: usize) -> Option<&PathNode> {
    children
        .get(&Value::string(&index.to_string()))
        .or_else(|| {
            i64::try_from(index)
                .ok()
                .and_then(|i| children.get(&Value::int(i)))
        })
}

fn filter_value(value: &Value, node: &PathNode) -> Value {
    let PathNode::Branch(children) = node else {
        return value.clone();
    };
    match value {
        Value::Object(map) => Value::object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), filter_value(v, children.get(k)?))))
                .collect(),
        ),
        Value::Array(items) => Value::array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| Some(filter_value(v, index_child(children, i)?)))
                .collect(),
        ),
        Value::Set(items) => Value::set(
            items
                .iter()
                .filter_map(|v| Some(filter_value(v, children.get(v)?)))
                .collect(),
        ),
        scalar => scalar.clone(),
    }
}

/// `None` when the whole value is removed.
fn remove_value(value: &Value, node: Option<&PathNode>) -> Option<Value> {
    let children = match node {
        None => return Some(value.clone()),
        Some(PathNode::Leaf) => return None,
        Some(PathNode::Branch(children)) => children,
    };
    Some(match value {
        Value::Object(map) => Value::object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), remove_value(v, children.get(k))?)))
                .collect(),
        ),
        Value::Array(items) => Value::array(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, v)| remove_value(v, index_child(children, i)))
                .collect(),
        ),
        Value::Set(items) => Value::set(
            items
                .iter()
                .filter_map(|v| remove_value(v, children.get(v)))
                .collect(),
        ),
        scalar => scalar.clone(),
    })
}

fn json_filter(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "json.filter";
    let target = arg(NAME, args, 1)?;
    object(NAME, args, 1)?;
    let root = PathNode::Branch(json_paths(NAME, args)?);
    Ok(filter_value(target, &root))
}

fn json_remove(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    const NAME: &str = "json.remove";
    let target = arg(NAME, args, 1)?;
    object(NAME, args, 1)?;
    let root = PathNode::Branch(json_paths(NAME, args)?);
    Ok(remove_value(target, Some(&root)).unwrap_or_else(Value::empty_object))
}
