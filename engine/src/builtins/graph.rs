//! `graph.reachable` and `graph.reachable_paths` over a graph written as an
//! object from node to an array or set of neighbours.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::builtins::operands;
use crate::builtins::results::{array, set};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

/// The `graph` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "graph.reachable",
        arity: 2,
        func: reachable,
        category: "graph",
        summary: "Returns the set of nodes reachable from the initial nodes.",
    },
    Builtin {
        name: "graph.reachable_paths",
        arity: 2,
        func: reachable_paths,
        category: "graph",
        summary: "Returns the set of paths from the initial nodes to the ends of the graph.",
    },
];

type Graph = BTreeMap<Value, Value>;

/// The neighbours in an edge collection (arrays in order, sets sorted);
/// anything else has none.
fn vertices(edges: &Value) -> Vec<&Value> {
    match edges {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

fn operands<'a>(
    name: &str,
    args: &'a [Value],
) -> Result<(&'a Graph, Vec<&'a Value>), BuiltinError> {
    let graph = operands::object(name, args, 1)?;
    let initial = operands::array_or_set(name, args, 2)?;
    Ok((graph, initial))
}

fn reachable(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (graph, initial) = operands("graph.reachable", args)?;
    let mut queue: VecDeque<&Value> = initial.into_iter().collect();
    let mut reached: BTreeSet<Value> = BTreeSet::new();
    while let Some(node) = queue.pop_front() {
        if let Some(edges) = graph.get(node)
            && reached.insert(node.clone())
        {
            queue.extend(
                vertices(edges)
                    .into_iter()
                    .filter(|n| !reached.contains(*n)),
            );
        }
    }
    Ok(set(reached))
}

fn reachable_paths(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let (graph, initial) = operands("graph.reachable_paths", args)?;
    let mut paths = BTreeSet::new();
    for node in initial {
        let Some(edges) = graph.get(node) else {
            continue;
        };
        let neighbours = vertices(edges);
        if neighbours.is_empty() {
            paths.insert(array(vec![node.clone()]));
            continue;
        }
        for neighbour in neighbours {
            let mut reached = BTreeSet::from([node.clone()]);
            extend_paths(
                graph,
                neighbour,
                vec![node.clone()],
                &mut paths,
                &mut reached,
            );
        }
    }
    Ok(set(paths))
}

/// Follows `root`, recording a path at each dead end, missing node, or
/// node already reached (which stops cycles). `reached` is shared between
/// sibling branches, as in OPA.
fn extend_paths(
    graph: &Graph,
    root: &Value,
    mut path: Vec<Value>,
    paths: &mut BTreeSet<Value>,
    reached: &mut BTreeSet<Value>,
) {
    let Some(edges) = graph.get(root) else {
        paths.insert(array(path));
        return;
    };
    path.push(root.clone());
    let neighbours = vertices(edges);
    if neighbours.is_empty() {
        paths.insert(array(path));
        return;
    }
    for neighbour in neighbours {
        if reached.contains(neighbour) {
            paths.insert(array(path.clone()));
        } else {
            reached.insert(root.clone());
            extend_paths(graph, neighbour, path.clone(), paths, reached);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::builtins::testing::{Want::*, check};

    const COMPONENTS: &str = r#"{"a": {"$set": ["b", "c"]}, "b": {"$set": ["d"]}, "c": {"$set": ["d"]}, "d": {"$set": []}, "e": {"$set": ["f"]}, "f": {"$set": ["e"]}, "x": {"$set": ["x"]}}"#;
    const CYCLE: &str = r#"{"a": {"$set": ["b"]}, "b": {"$set": ["c"]}, "c": {"$set": ["a"]}}"#;
    const TREE_1022: &str = r#"{"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"], "five": ["seven", "six"], "six": ["nine", "seven"], "seven": ["eight"], "eight": ["three"], "nine": [""]}"#;

    #[test]
    fn reachable() {
        check(&[
            ("graph.reachable", &["{}", r#"{"$set": ["a"]}"#], Json("[]")),
            (
                "graph.reachable",
                &[CYCLE, r#"{"$set": ["a"]}"#],
                Json(r#"["a", "b", "c"]"#),
            ),
            (
                "graph.reachable",
                &[COMPONENTS, r#"{"$set": ["b", "e"]}"#],
                Json(r#"["b", "d", "e", "f"]"#),
            ),
            (
                "graph.reachable",
                &[r#"{"a": ["b"], "b": ["c"], "c": ["a"]}"#, r#"["a"]"#],
                Json(r#"["a", "b", "c"]"#),
            ),
            (
                "graph.reachable",
                &[r#"{"a": null}"#, r#"["a"]"#],
                Json(r#"["a"]"#),
            ),
            (
                "graph.reachable",
                &["1", "[1]"],
                TypeErr("graph.reachable: operand 1 must be object but got number"),
            ),
            (
                "graph.reachable",
                &[r#"{"a": []}"#, r#""a""#],
                TypeErr("operand 2 must be one of {array, set} but got string"),
            ),
        ]);
    }

    #[test]
    fn reachable_paths() {
        check(&[
            (
                "graph.reachable_paths",
                &["{}", r#"{"$set": ["a"]}"#],
                Json("[]"),
            ),
            (
                "graph.reachable_paths",
                &[CYCLE, r#"{"$set": ["a"]}"#],
                Json(r#"[["a", "b", "c"]]"#),
            ),
            (
                "graph.reachable_paths",
                &[COMPONENTS, r#"{"$set": ["b", "e"]}"#],
                Json(r#"[["b", "d"], ["e", "f"]]"#),
            ),
            (
                "graph.reachable_paths",
                &[r#"{"a": null}"#, r#"["a"]"#],
                Json(r#"[["a"]]"#),
            ),
            (
                "graph.reachable_paths",
                &[
                    r#"{"a": ["b", "c"], "b": ["c"], "c": []}"#,
                    r#"{"$set": ["a"]}"#,
                ],
                Json(r#"[["a", "b", "c"], ["a", "c"]]"#),
            ),
            (
                "graph.reachable_paths",
                &[
                    r#"{"a": ["b"], "b": ["nonexistent"]}"#,
                    r#"{"$set": ["a", "b"]}"#,
                ],
                Json(r#"[["a", "b"], ["b"]]"#),
            ),
            (
                "graph.reachable_paths",
                &[TREE_1022, r#"{"$set": ["one"]}"#],
                Json(
                    r#"[["one", "five", "seven", "eight", "three"], ["one", "five", "six"], ["one", "five", "six", "nine"], ["one", "two", "four", "three"]]"#,
                ),
            ),
            (
                "graph.reachable_paths",
                &["1", "[1]"],
                TypeErr("operand 1 must be object but got number"),
            ),
            (
                "graph.reachable_paths",
                &[r#"{"a": []}"#, r#""a""#],
                TypeErr("operand 2 must be one of {array, set} but got string"),
            ),
        ]);
    }
}
