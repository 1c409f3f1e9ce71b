//! The lints a ModelRelease policy set gets: the Rego-generic ones of
//! [`riskgate_engine::lint`] plus the domain's own passes, `input`
//! references the ModelRelease schema does not define ([`schema`], L0007)
//! and declarations without tests, risks or controls ([`controls`],
//! L0008–L0011).

mod controls;
mod schema;

pub use riskgate_engine::lint::{LintConfig, LintFile};

use riskgate_engine::compile::FileDiagnostic;
use riskgate_engine::lint::{Pass, lint_with};

/// The domain's lint groups.
const DOMAIN: [Pass; 2] = [schema::check, controls::check];

/// Runs every enabled lint, generic and domain, over `files`: the findings
/// sorted by file, position and code, after `riskgate:ignore` comments and
/// the configuration are applied.
#[must_use]
pub fn lint(files: &[LintFile<'_>], config: &LintConfig) -> Vec<FileDiagnostic> {
    lint_with(files, config, &DOMAIN)
}
