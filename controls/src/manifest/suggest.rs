//! "Did you mean" suggestions for misspelt names.

/// Case- and separator-insensitive form: `riskTier` and `risk-tier` both
/// become `risktier`.
fn normalise(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitute.min(delete).min(insert);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// The candidate closest to `word`, if one is close enough to be a likely
/// typo: equal up to case and separators, or within an edit distance of a
/// third of the word's length (at least 1, at most 3).
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let normalised = normalise(word);
    let limit = (normalised.chars().count() / 3).clamp(1, 3);
    let seen: Vec<&'a str> = candidates.into_iter().collect();
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in &seen {
        let d = distance(&normalised, &normalise(candidate));
        if d <= limit && best.is_none_or(|(best_d, _)| d < best_d) {
            best = Some((d, candidate));
        }
    }
    if let Some((_, candidate)) = best {
        return Some(candidate);
    }
    // A truncated word (`irreversible` for `irreversible_write`) is likely
    // meant when exactly one candidate contains it.
    if normalised.chars().count() < 4 {
        return None;
    }
    let mut containing = candidates_containing(&normalised, &seen);
    match (containing.next(), containing.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

fn candidates_containing<'a, 'b>(
    normalised: &'b str,
    candidates: &'b [&'a str],
) -> impl Iterator<Item = &'a str> + 'b {
    candidates
        .iter()
        .copied()
        .filter(move |candidate| normalise(candidate).contains(normalised))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_and_case_variants_only() {
        let fields = ["risk_tier", "model_kind", "flags", "assessed_at"];
        assert_eq!(closest("risk_teir", fields), Some("risk_tier"));
        assert_eq!(closest("riskTier", fields), Some("risk_tier"));
        assert_eq!(closest("flag", fields), Some("flags"));
        assert_eq!(closest("owner", fields), None);
        assert_eq!(closest("x", fields), None);
        assert_eq!(closest("assessed", fields), Some("assessed_at"));
        assert_eq!(closest("risk", ["risk_tier", "risk_level"]), None);
    }
}
