//! The markdown CLI reference (`docs/cli-reference.md`), written from the
//! clap definition so it cannot drift from the binary.

use std::fmt::Write as _;

use super::visible_commands;

/// Renders the reference for `command` (the whole CLI).
pub fn reference(mut command: clap::Command) -> String {
    command.build();
    let commands = visible_commands(&command);
    let mut out = String::from(
        "# CLI reference\n\n<!-- Generated from the command-line definition by `cargo xtask cli-reference`; do not edit. -->\n\n",
    );
    if let Some(about) = description(&command) {
        let _ = writeln!(out, "{about}\n");
    }
    usage(&mut out, &mut command);
    out.push_str("Commands:\n\n");
    for (name, sub) in &commands {
        let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
        let _ = writeln!(out, "- [`{name}`](#{}): {about}", anchor(name));
    }
    out.push_str(
        "\n## Global options\n\nThese work with every command, as do `-h, --help` and `-V, --version`.\n\n",
    );
    arguments(&mut out, &command, |arg| arg.is_global_set());
    out.push_str(
        "\nSettings can also come from a `riskgate.toml`; see [Configuration](config.md).\n",
    );
    for (name, mut sub) in commands {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        let _ = writeln!(out, "## `{name}`\n");
        if let Some(about) = description(&sub) {
            let _ = writeln!(out, "{about}\n");
        }
        usage(&mut out, &mut sub);
        let positional = sub.get_arguments().any(|a| shown(a) && a.is_positional());
        if positional {
            out.push_str("Arguments:\n\n");
            arguments(&mut out, &sub, |arg| arg.is_positional());
            out.push('\n');
        }
        if sub
            .get_arguments()
            .any(|a| shown(a) && !a.is_positional() && !a.is_global_set())
        {
            out.push_str("Options:\n\n");
            arguments(&mut out, &sub, |arg| {
                !arg.is_positional() && !arg.is_global_set()
            });
        }
        if sub.has_subcommands() {
            out.push_str("Commands: ");
            let names: Vec<String> = sub
                .get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .map(|s| format!("`{}`", s.get_name()))
                .collect();
            let _ = writeln!(out, "{}.", names.join(", "));
        }
    }
    let mut out = out.trim_end().to_owned();
    out.push('\n');
    out
}

fn description(command: &clap::Command) -> Option<String> {
    command
        .get_long_about()
        .or_else(|| command.get_about())
        .map(|text| text.to_string().trim().to_owned())
}

fn usage(out: &mut String, command: &mut clap::Command) {
    let usage = command.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let _ = writeln!(out, "```text\n{usage}\n```\n");
}

/// GitHub and mdBook heading anchors: lower case, spaces to dashes.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn shown(arg: &clap::Arg) -> bool {
    !arg.is_hide_set() && !matches!(arg.get_id().as_str(), "help" | "version")
}

fn arguments(out: &mut String, command: &clap::Command, filter: impl Fn(&clap::Arg) -> bool) {
    for arg in command.get_arguments().filter(|a| shown(a) && filter(a)) {
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        let _ = write!(out, "- `{}`: {}", spelling(arg), indent(help.trim()));
        let values: Vec<_> = arg
            .get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect();
        let takes_value = arg.get_action().takes_values();
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|d| format!("`{}`", d.to_string_lossy()))
            .collect();
        if takes_value && !defaults.is_empty() {
            let _ = write!(out, "\n\n  Default: {}.", defaults.join(", "));
        }
        if takes_value && !values.is_empty() {
            out.push_str("\n\n  Values:\n");
            for value in values {
                match value.get_help() {
                    Some(help) => {
                        let _ = write!(out, "\n  - `{}`: {}", value.get_name(), help);
                    }
                    None => {
                        let _ = write!(out, "\n  - `{}`", value.get_name());
                    }
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
}

/// `-f, --format <FORMAT>`, `<PATHS>...`, `-v, --verbose...`.
fn spelling(arg: &clap::Arg) -> String {
    let value_name = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(ToString::to_string)
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase());
    let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1)
        || matches!(
            arg.get_action(),
            clap::ArgAction::Append | clap::ArgAction::Count
        );
    if arg.is_positional() {
        return format!("<{value_name}>{}", if many { "..." } else { "" });
    }
    let mut names = Vec::new();
    if let Some(short) = arg.get_short() {
        names.push(format!("-{short}"));
    }
    if let Some(long) = arg.get_long() {
        names.push(format!("--{long}"));
    }
    let mut text = names.join(", ");
    if arg.get_action().takes_values() {
        let _ = write!(text, " <{value_name}>");
    }
    if many {
        text.push_str("...");
    }
    text
}

/// Continuation lines of a list item.
fn indent(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n  ")
        .replace("\n  \n", "\n\n")
}
