//! riskgate and regorus must agree on every policy × input of the corpus
//! (same solutions, both undefined, or both failing), except for the
//! entries of `allowlist.txt`.

#![allow(clippy::unwrap_used, reason = "test")]

use std::collections::{BTreeMap, BTreeSet};

use riskgate_differential::{Observed, allowed, compare, load_allowlist, load_corpus, root};

#[test]
fn corpus_engines_agree() {
    let cases = load_corpus(&root().join("corpus")).unwrap();
    let allowlist = load_allowlist(&root().join("allowlist.txt"));
    let policies: BTreeSet<&str> = cases.iter().map(|c| c.policy.as_str()).collect();
    assert!(
        policies.len() >= 40,
        "corpus has {} policies",
        policies.len()
    );

    let mut disagreements = Vec::new();
    let mut used = BTreeSet::new();
    // Per policy: did riskgate produce a solution for at least one input?
    let mut decided: BTreeMap<&str, bool> = BTreeMap::new();
    let (mut agreed, mut allowed_count) = (0, 0);
    for case in &cases {
        let result = compare(&case.case);
        let has_solution = matches!(&result.riskgate, Observed::Solutions(s) if !s.is_empty());
        *decided.entry(&case.policy).or_default() |= has_solution;
        if result.agree() {
            agreed += 1;
            continue;
        }
        if let Some(reason) = allowed(&allowlist, case) {
            allowed_count += 1;
            used.insert(if allowlist.contains_key(&case.id) {
                case.id.clone()
            } else {
                format!("{}@*", case.policy)
            });
            let _ = reason;
            continue;
        }
        disagreements.push(format!(
            "{}\n  riskgate: {:?}\n  regorus:  {:?}",
            case.id, result.riskgate, result.regorus
        ));
    }
    println!(
        "{} policies, {} cases: {agreed} agree, {allowed_count} allowlisted, {} disagree",
        policies.len(),
        cases.len(),
        disagreements.len()
    );
    let stale: Vec<&String> = allowlist
        .keys()
        .filter(|k| !k.starts_with("generated:") && !used.contains(*k))
        .collect();
    let silent: Vec<&&str> = decided
        .iter()
        .filter(|(_, d)| !**d)
        .map(|(p, _)| p)
        .collect();
    assert!(
        disagreements.is_empty(),
        "engines disagree:\n{}",
        disagreements.join("\n")
    );
    assert!(
        stale.is_empty(),
        "allowlist entries that now agree: {stale:?}"
    );
    assert!(
        silent.is_empty(),
        "policies that never produce a value (broken corpus?): {silent:?}"
    );
}
