//! Helpers shared by the formatter tests: comparing trees without spans.

use riskgate_dsl::Span;
use riskgate_dsl::ast::Module;
use riskgate_dsl::ast::spans::SpansMut as _;

/// The module with every span zeroed and comment text trimmed at the end,
/// so two parses of differently laid out text compare equal.
pub fn spanless(module: &Module) -> Module {
    let mut module = module.clone();
    module.spans_mut(&mut |span| *span = Span::default());
    for comment in &mut module.comments {
        comment.text = comment.text.trim_end().to_owned();
    }
    module
}
