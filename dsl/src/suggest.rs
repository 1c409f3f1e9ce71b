//! "Did you mean" suggestions: the one place that decides whether a
//! misspelt name is close enough to a known one to suggest it, for every
//! crate (policy declarations, manifest fields and vocabularies, lints).
//!
//! Words are compared case- and separator-insensitively (`riskTier`,
//! `risk-tier` and `risk_tier` are the same word), by an edit distance in
//! which swapping two neighbours (`=>` for `>=`, `teir` for `tier`) costs
//! half an edit, so a transposition wins over a substitution at the same
//! length. A word of `n` characters may be `n / 3` edits away (at least 1,
//! at most 3); failing that, a truncated word (`assessed` for
//! `assessed_at`) is suggested when exactly one candidate contains it, and
//! a short one (`due` for `due_at`) when exactly one candidate has it as a
//! whole word.

/// The candidate closest to `word`, if one is a likely typo of it. Ties go
/// to the candidate that sorts first, so the answer does not depend on the
/// candidates' order.
#[must_use]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let normalised: Vec<char> = normalise(word);
    let limit_halves = (normalised.len() / 3).clamp(1, 3) * 2;
    let candidates: Vec<(&'a str, Vec<char>)> = candidates
        .into_iter()
        .map(|candidate| (candidate, normalise(candidate)))
        .collect();
    let nearest = candidates
        .iter()
        .map(|(candidate, form)| (half_edits(&normalised, form), *candidate))
        .filter(|(distance, _)| *distance <= limit_halves)
        .min();
    if let Some((_, candidate)) = nearest {
        return Some(candidate);
    }
    if normalised.len() < 4 {
        return whole_word_of(word, &candidates);
    }
    let mut containing = candidates
        .iter()
        .filter(|(_, form)| {
            form.windows(normalised.len())
                .any(|w| w == normalised.as_slice())
        })
        .map(|(candidate, _)| *candidate);
    match (containing.next(), containing.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// The one candidate that has `word` as one of its words (`due` for
/// `due_at`), for words too short to be compared by spelling.
fn whole_word_of<'a>(word: &str, candidates: &[(&'a str, Vec<char>)]) -> Option<&'a str> {
    if word.chars().count() < 2 {
        return None;
    }
    let mut having = candidates
        .iter()
        .filter(|(candidate, _)| {
            candidate
                .split(['_', '-', ' '])
                .any(|part| part.eq_ignore_ascii_case(word))
        })
        .map(|(candidate, _)| *candidate);
    match (having.next(), having.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// Lower case without `_`, `-` and spaces.
fn normalise(word: &str) -> Vec<char> {
    word.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edit distance in half edits: insertion, deletion and substitution cost
/// two, a swap of two neighbours one (optimal string alignment).
fn half_edits(a: &[char], b: &[char]) -> usize {
    // Rows i-2, i-1 and i of the distance table.
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).map(|j| j * 2).collect();
    let mut current: Vec<usize> = vec![0; width];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = (i + 1) * 2;
        }
        for (j, cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
            let substitute = at(&previous, j) + if ca == cb { 0 } else { 2 };
            let delete = at(&previous, j + 1) + 2;
            let insert = at(&current, j) + 2;
            let mut best = substitute.min(delete).min(insert);
            let swapped =
                i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) && ca != cb;
            if swapped {
                best = best.min(at(&before, j - 1) + 1);
            }
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = best;
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_case_and_separator_variants_are_suggested() {
        let fields = ["risk_tier", "model_kind", "flags", "assessed_at"];
        assert_eq!(closest("risk_teir", fields), Some("risk_tier"));
        assert_eq!(closest("riskTier", fields), Some("risk_tier"));
        assert_eq!(closest("flag", fields), Some("flags"));
        assert_eq!(
            closest("threshhold", ["threshold", "metric", "op"]),
            Some("threshold")
        );
        assert_eq!(
            closest("metirc", ["threshold", "metric", "op"]),
            Some("metric")
        );
    }

    #[test]
    fn unrelated_words_are_not() {
        let fields = ["risk_tier", "model_kind", "flags", "assessed_at"];
        assert_eq!(closest("owner", fields), None);
        assert_eq!(closest("x", fields), None);
        assert_eq!(closest("colour", ["threshold", "metric", "op"]), None);
    }

    #[test]
    fn a_truncated_word_is_suggested_only_when_unambiguous() {
        assert_eq!(
            closest("assessed", ["risk_tier", "assessed_at"]),
            Some("assessed_at")
        );
        assert_eq!(closest("risk", ["risk_tier", "risk_level"]), None);
    }

    #[test]
    fn a_short_word_is_suggested_when_it_is_a_whole_word_of_one_candidate() {
        assert_eq!(
            closest("due", ["owner", "due_at", "status"]),
            Some("due_at")
        );
        assert_eq!(closest("at", ["due_at", "issued_at"]), None);
        assert_eq!(closest("du", ["due_at"]), None);
    }

    #[test]
    fn a_swap_beats_a_substitution() {
        assert_eq!(closest("=>", ["==", ">=", "<="]), Some(">="));
    }

    #[test]
    fn ties_do_not_depend_on_candidate_order() {
        assert_eq!(closest("cat", ["cut", "bat"]), Some("bat"));
        assert_eq!(closest("cat", ["bat", "cut"]), Some("bat"));
    }
}
