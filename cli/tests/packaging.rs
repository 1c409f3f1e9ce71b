//! End-to-end tests of what packagers and users installing riskgate see:
//! completions, `--version`, man pages, the generated CLI reference,
//! `riskgate explain` pages, `riskgate.toml` and `-q`/`-v`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn riskgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("riskgate").unwrap();
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .arg("--color=never");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn completions_print_a_script_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    let expectations = [
        ("bash", "complete -F _riskgate"),
        ("zsh", "#compdef riskgate"),
        ("fish", "complete -c riskgate"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[riskgate]"),
    ];
    for (shell, marker) in expectations {
        let output = riskgate(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = text(&output.stdout);
        assert!(script.contains(marker), "{shell} script lacks {marker:?}");
        // Subcommands and their options are completed.
        assert!(script.contains("check"), "{shell}");
        assert!(script.contains("--format"), "{shell}");
    }
    let unknown = riskgate(dir.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn version_names_the_release_and_the_commit() {
    let dir = tempfile::tempdir().unwrap();
    let output = riskgate(dir.path()).arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let version = text(&output.stdout);
    let rest = version
        .strip_prefix(&format!("riskgate {} (", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("unexpected version line {version:?}"));
    let hash = rest.strip_suffix(")\n").unwrap();
    assert!(
        hash == "unknown" || (hash.len() >= 7 && hash.chars().all(|c| c.is_ascii_hexdigit())),
        "{hash:?} is neither a commit hash nor `unknown`"
    );
}

#[test]
fn man_pages_are_written_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = riskgate(dir.path())
        .args(["generate", "man", "--out", "man"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    for page in [
        "riskgate",
        "riskgate-check",
        "riskgate-fmt",
        "riskgate-completions",
    ] {
        let roff = std::fs::read_to_string(dir.path().join(format!("man/{page}.1"))).unwrap();
        assert!(roff.contains(&format!(".TH {page} 1")), "{page}:\n{roff}");
    }
    let check = std::fs::read_to_string(dir.path().join("man/riskgate-check.1")).unwrap();
    assert!(check.contains("replay\\-trace"), "{check}");
    // The hidden generator has no page.
    assert!(!dir.path().join("man/riskgate-generate.1").exists());
}

/// `docs/cli-reference.md` is generated from the clap definition; rewrite it
/// with `cargo xtask cli-reference` (or `RISKGATE_UPDATE_DOCS=1`).
#[test]
fn cli_reference_is_current() {
    let path = repo_root().join("docs/cli-reference.md");
    let output = riskgate(&repo_root())
        .args(["generate", "cli-reference"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let generated = text(&output.stdout);
    if std::env::var_os("RISKGATE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/cli-reference.md is stale: run `cargo xtask cli-reference`"
    );
    for command in ["check", "fmt", "eval", "explain", "completions"] {
        assert!(
            generated.contains(&format!("## `riskgate {command}`")),
            "{command}"
        );
    }
    assert!(!generated.contains("riskgate generate"));
}

/// `riskgate explain CODE` prints exactly the code's documentation page.
#[test]
fn explain_prints_the_docs_page_of_every_code() {
    let pages = repo_root().join("docs/diagnostics");
    let mut count = 0;
    for entry in std::fs::read_dir(&pages).unwrap() {
        let path = entry.unwrap().path();
        let code = path.file_stem().unwrap().to_string_lossy().to_string();
        let output = riskgate(&repo_root())
            .args(["explain", &code])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{code}");
        assert_eq!(
            text(&output.stdout),
            std::fs::read_to_string(&path).unwrap(),
            "{code}"
        );
        count += 1;
    }
    assert!(count > 50, "only {count} pages");
}

const MANIFEST: &str = "support-chatbot-fail.yaml";
const NOW: &str = "2026-11-26T00:00:00Z";

/// A repository (it has `.git`) with a manifest under `releases/`.
fn repo_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("releases/team")).unwrap();
    std::fs::copy(
        repo_root().join("examples/manifests").join(MANIFEST),
        dir.path().join("releases").join(MANIFEST),
    )
    .unwrap();
    std::fs::write(dir.path().join("riskgate.toml"), config).unwrap();
    dir
}

#[test]
fn riskgate_toml_sets_defaults_that_flags_override() {
    let repo = repo_with_config("[check]\nformat = \"json\"\ncontext = \"admission\"\n");
    let nested = repo.path().join("releases/team");
    let check = |extra: &[&str]| {
        let output = riskgate(&nested)
            .args(["check", &format!("../{MANIFEST}"), "--now", NOW])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
        output
    };

    // Found from a subdirectory: JSON trace at the admission enforcement
    // point.
    let from_config = check(&[]);
    let trace: serde_json::Value = serde_json::from_slice(&from_config.stdout).unwrap();
    assert_eq!(trace["enforcement_point"], "admission");

    // Flags win over the file.
    let flags = check(&["--format", "markdown", "--context", "ci"]);
    let markdown = text(&flags.stdout);
    assert!(markdown.starts_with("## riskgate"), "{markdown}");
    assert!(markdown.contains("checked at ci"), "{markdown}");

    // --no-config ignores it: the pretty report.
    let ignored = check(&["--no-config"]);
    assert!(text(&ignored.stdout).contains("DENY"));
    assert!(serde_json::from_slice::<serde_json::Value>(&ignored.stdout).is_err());

    // -v says which file is used.
    let verbose = check(&["-v"]);
    assert!(
        text(&verbose.stderr).contains("info: using configuration ../../riskgate.toml"),
        "{}",
        text(&verbose.stderr)
    );
}

#[test]
fn strict_from_riskgate_toml_can_be_turned_off_with_no_strict() {
    let repo = repo_with_config("[check]\nstrict = true\n");
    let output = riskgate(repo.path())
        .args(["check", "--replay-trace"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces/warning.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "strict from the file");
    let output = riskgate(repo.path())
        .args(["check", "--no-strict", "--replay-trace"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces/warning.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "--no-strict wins");
}

#[test]
fn an_invalid_riskgate_toml_is_an_error_naming_the_file() {
    let repo = repo_with_config("[check]\nformat = \"html\"\n");
    let output = riskgate(repo.path())
        .args(["check", "releases", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "error: riskgate.toml:2:10: check.format: unknown value `html`; expected one of pretty, json, sarif, junit, github, markdown\n"
    );
    // A bad value is a bad file, also where a flag or the command would
    // not use it (as for every other key).
    for args in [
        &["check", "releases", "--now", NOW, "--format", "json"][..],
        &["fmt", "--check"],
    ] {
        let again = riskgate(repo.path()).args(args).output().unwrap();
        assert_eq!(again.status.code(), Some(2), "{args:?}");
        assert_eq!(again.stderr, output.stderr, "{args:?}");
    }
    // --config names another file; commands that take no settings ignore it.
    let explicit = repo.path().join("other.toml");
    std::fs::write(&explicit, "[check]\nformat = \"markdown\"\n").unwrap();
    let output = riskgate(repo.path())
        .args(["--config", "other.toml", "check", "releases", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).starts_with("## riskgate"));
    let output = riskgate(repo.path())
        .args(["explain", "E0001"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn fmt_paths_come_from_riskgate_toml_and_quiet_silences_status_lines() {
    let repo = repo_with_config("[fmt]\npaths = [\"policies\"]\n");
    std::fs::create_dir_all(repo.path().join("policies")).unwrap();
    std::fs::write(
        repo.path().join("policies/a.rego"),
        "package a\nimport rego.v1\nallow if {input.x==1}\n",
    )
    .unwrap();
    // Outside `policies/`: not formatted unless named.
    std::fs::write(repo.path().join("ignored.rego"), "package b\nx:=1\n").unwrap();

    let output = riskgate(repo.path())
        .args(["fmt", "--check"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("would reformat: policies/a.rego"),
        "{stderr}"
    );
    assert!(!stderr.contains("ignored.rego"), "{stderr}");
    let diff = text(&output.stdout);
    assert!(diff.contains("+++ policies/a.rego (formatted)"), "{diff}");

    let quiet = riskgate(repo.path())
        .args(["-q", "fmt", "--check"])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(text(&quiet.stderr), "", "-q leaves only the diff");
    assert_eq!(quiet.stdout, output.stdout);
}
