//! Canonical formatter (placeholder until the formatter lands).
