//! Printing a fragment as a new manifest.

use serde_yaml_ng::Value as Yaml;

use crate::fragment::Fragment;

/// `value` as block YAML (what `serde_yaml_ng` writes: two-space indents,
/// strings quoted only where YAML would read them as something else).
#[must_use]
pub fn yaml(value: &Yaml) -> String {
    serde_yaml_ng::to_string(value).unwrap_or_default()
}

/// A new `ModelRelease` manifest named `name` holding `fragment`.
#[must_use]
pub fn manifest(fragment: &Fragment, name: &str) -> String {
    yaml(&fragment.manifest_value(name))
}
