//! `require document`: a governance document of a kind, with a digest and
//! a recent approval when required.

use super::staleness;
use crate::context::{Ctx, Fields, Outcome};
use crate::view::{self, items, str_at};

pub(crate) fn check(ctx: &Ctx<'_>, fields: &Fields<'_>, requirement_id: &str) -> Outcome {
    let kind = fields.str("kind").unwrap_or(requirement_id);
    let digest_required = fields.bool("digest_required", false);
    let max_age = fields.num("max_age_days");
    let candidates: Vec<(usize, &riskgate_engine::value::Value)> =
        items(ctx.spec(), &["documents"])
            .iter()
            .enumerate()
            .filter(|(_, d)| str_at(d, &["kind"]) == Some(kind))
            .collect();
    // The most recently approved document of the kind counts.
    let Some((index, document)) = candidates.iter().copied().max_by_key(|(i, d)| {
        (
            view::get(d, "approved_at")
                .and_then(view::parse_time)
                .unwrap_or(i64::MIN),
            *i,
        )
    }) else {
        return Outcome::fail(
            format!("no document of kind {kind} in spec.documents"),
            format!("add a {kind} document to spec.documents"),
        );
    };
    let base = format!("/spec/documents/{index}");
    let uri = str_at(document, &["uri"]).unwrap_or("(no uri)");
    let actual = document.clone();
    if digest_required && !view::get(document, "digest").is_some_and(view::is_present) {
        return Outcome::fail(
            format!("document {kind} ({uri}) has no digest"),
            format!("record the content digest of the {kind} document"),
        )
        .actual(actual)
        .evidence(vec![ctx.evidence(&base)]);
    }
    if let Err(why) = staleness(ctx, view::get(document, "approved_at"), max_age) {
        return Outcome::fail(
            format!("document {kind} ({uri}) is out of date: {why}"),
            format!(
                "review and re-approve the {kind} document (approved_at within {} days)",
                view::days(max_age.unwrap_or(0.0))
            ),
        )
        .actual(actual)
        .evidence(vec![ctx.evidence(&format!("{base}/approved_at"))]);
    }
    Outcome::pass(format!("document {kind} is present ({uri})"))
        .actual(actual)
        .evidence(vec![ctx.evidence(&base)])
}
