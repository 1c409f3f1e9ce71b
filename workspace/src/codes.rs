//! The diagnostic codes of the workspace layer: `E4xxx`, problems with
//! `riskgate.toml`. Pages: `riskgate explain CODE` and `docs/diagnostics/`.

riskgate_dsl::declare_codes! {
    INVALID_CONFIGURATION = "E4001", "invalid-configuration", Error,
        "`riskgate.toml` has a table, key or value riskgate does not know, or is not TOML",
        "## Why\nThe configuration sets defaults for `check`, `fmt`, `lint`, `test` and the language server. Ignoring a misspelt key would silently change what a check does, so every unknown table, key and value is an error naming the file, line and column. The command line stops with exit code 2; the language server shows this diagnostic on the file and uses the built-in defaults until it is fixed.\n\n## Example\n```toml\n[lint]\nselect = [\"L0099\"]\n```\n\n## Fix\nUse the tables and keys docs/config.md lists, with the values the message names.\n";
}
