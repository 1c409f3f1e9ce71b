//! The CI integrations and the container build, checked without CI or
//! Docker: the action's driver script run against the examples, scripts
//! that parse, a Dockerfile whose inputs exist, and one image name and tag
//! everywhere.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

const IMAGE: &str = "ghcr.io/riskgate/riskgate";

/// Runs the CI driver with `env` (and nothing inherited from a CI runner).
fn run_action(out: &Path, env: &[(&str, String)]) -> (i32, BTreeMap<String, String>) {
    let github_output = out.join("github-output");
    std::fs::write(&github_output, "").unwrap();
    let mut command = Command::new("sh");
    command
        .arg(repo_root().join("scripts/ci/riskgate-action.sh"))
        .current_dir(out)
        .env("RISKGATE_BIN", env!("CARGO_BIN_EXE_riskgate"))
        .env("RISKGATE_OUT_DIR", out.join("reports"))
        .env("GITHUB_OUTPUT", &github_output)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let outputs = std::fs::read_to_string(&github_output)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (output.status.code().unwrap(), outputs)
}

fn examples() -> String {
    repo_root().join("examples/manifests").display().to_string()
}

#[test]
fn action_script_writes_sarif_junit_and_a_markdown_summary() {
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (code, outputs) = run_action(
        out.path(),
        &[
            ("RISKGATE_PATHS", examples()),
            ("RISKGATE_NOW", "2026-11-26T00:00:00Z".to_owned()),
            ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
            (
                "RISKGATE_JUNIT",
                out.path().join("junit.xml").display().to_string(),
            ),
        ],
    );
    // The examples include denied releases.
    assert_eq!(code, 1);
    assert_eq!(outputs["exit-code"], "1");
    assert_eq!(outputs["decision"], "deny");

    let sarif_path = PathBuf::from(&outputs["sarif"]);
    assert_eq!(sarif_path, out.path().join("reports/riskgate.sarif"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());

    // Appended to the job summary, after what earlier steps wrote.
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.starts_with("earlier step\n## riskgate: **`DENY`**"),
        "{}",
        &markdown[..200.min(markdown.len())]
    );
    assert!(markdown.contains("support-chatbot-fail.yaml"));
    assert_eq!(outputs["summary"], summary.display().to_string());

    let junit = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    let xml = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(xml.root_element().tag_name().name(), "testsuites");

    // Every report comes from the one trace.
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs["trace"]).unwrap()).unwrap();
    assert_eq!(trace["manifests"].as_array().unwrap().len(), 5);
}

#[test]
fn action_script_defaults_write_the_summary_next_to_the_reports() {
    let out = tempfile::tempdir().unwrap();
    let (code, outputs) = run_action(
        out.path(),
        &[
            ("RISKGATE_PATHS", examples()),
            ("RISKGATE_NOW", "2026-11-26T00:00:00Z".to_owned()),
            ("RISKGATE_DEFER_EXIT", "true".to_owned()),
            ("RISKGATE_SARIF", String::new()),
        ],
    );
    // Deferred: the step succeeds, the exit code waits in the outputs.
    assert_eq!(code, 0);
    assert_eq!(outputs["exit-code"], "1");
    assert_eq!(outputs["sarif"], "");
    assert!(!out.path().join("reports/riskgate.sarif").exists());
    let summary = std::fs::read_to_string(out.path().join("reports/summary.md")).unwrap();
    assert!(summary.starts_with("## riskgate"));
}

#[test]
fn action_script_reports_what_it_cannot_check_with_exit_2() {
    let out = tempfile::tempdir().unwrap();
    let (code, outputs) = run_action(out.path(), &[("RISKGATE_PATHS", "no-such-dir".to_owned())]);
    assert_eq!(code, 2);
    assert_eq!(outputs["decision"], "error");
    let summary = std::fs::read_to_string(out.path().join("reports/summary.md")).unwrap();
    assert!(
        summary.contains("riskgate could not evaluate the release manifests (exit code 2)"),
        "{summary}"
    );

    let (code, _) = run_action(
        out.path(),
        &[("RISKGATE_BIN", "/nonexistent/riskgate".to_owned())],
    );
    assert_eq!(code, 2);
}

/// Shell scripts parse: bash for the project's scripts, POSIX sh for the CI
/// driver (it runs under busybox in the `-debug` image).
#[test]
fn scripts_parse() {
    let root = repo_root();
    let mut scripts = vec![root.join(".ci/run")];
    for entry in walkdir::WalkDir::new(root.join("scripts")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_some_and(|e| e == "sh") {
            scripts.push(path);
        }
    }
    assert!(scripts.len() >= 3, "{scripts:?}");
    for script in &scripts {
        let status = Command::new("bash").arg("-n").arg(script).status().unwrap();
        assert!(status.success(), "bash -n {}", script.display());
    }
    let posix = root.join("scripts/ci/riskgate-action.sh");
    let status = Command::new("sh").arg("-n").arg(&posix).status().unwrap();
    assert!(status.success(), "sh -n {}", posix.display());
}

fn workspace_members(root: &Path) -> Vec<String> {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    manifest["workspace"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn dockerfile_builds_from_files_that_exist() {
    let root = repo_root();
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    // Local sources of COPY (not --from=stage) exist.
    for line in dockerfile.lines().map(str::trim) {
        let Some(args) = line.strip_prefix("COPY ") else {
            continue;
        };
        if args.starts_with("--from") {
            continue;
        }
        let words: Vec<&str> = args.split_whitespace().collect();
        for source in &words[..words.len() - 1] {
            assert!(root.join(source).exists(), "COPY {source}: missing");
        }
    }
    // The build stage runs the release script, and takes its output from
    // where the script's default target puts it.
    assert!(dockerfile.contains("bash scripts/build-release.sh"));
    let script = std::fs::read_to_string(root.join("scripts/build-release.sh")).unwrap();
    let target = script
        .lines()
        .find_map(|l| l.strip_prefix("target=${RISKGATE_TARGET:-"))
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap();
    assert!(dockerfile.contains(&format!("target/{target}/release/riskgate")));
    assert!(dockerfile.contains("USER nonroot"));
    assert!(dockerfile.contains("ENTRYPOINT [\"/usr/local/bin/riskgate\"]"));

    // .dockerignore keeps everything cargo needs.
    let ignore = std::fs::read_to_string(root.join(".dockerignore")).unwrap();
    let patterns: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut needed = vec![
        "Cargo.toml".to_owned(),
        "Cargo.lock".to_owned(),
        "rust-toolchain.toml".to_owned(),
        "scripts".to_owned(),
        "examples".to_owned(),
    ];
    needed.extend(workspace_members(&root));
    for path in &needed {
        assert!(root.join(path).exists(), "{path}");
        for pattern in &patterns {
            let pattern = pattern.trim_start_matches('/');
            assert!(
                !(path == pattern || path.starts_with(&format!("{pattern}/"))),
                ".dockerignore pattern {pattern} excludes {path}"
            );
        }
    }
}

/// Every reference to the image uses the workspace version as its tag, so
/// the Dockerfile, the deploy/ manifests, the CI templates and the docs agree.
#[test]
fn image_references_use_the_release_tag() {
    let root = repo_root();
    let version = env!("CARGO_PKG_VERSION");
    let mut files = vec![
        root.join("Dockerfile"),
        root.join(".pre-commit-hooks.yaml"),
        root.join("action.yml"),
    ];
    for dir in ["ci", "deploy", "docs"] {
        if !root.join(dir).exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let path = entry.unwrap().into_path();
            if path.is_file() && path.extension().is_some_and(|e| e != "json") {
                files.push(path);
            }
        }
    }
    let mut seen = 0;
    for file in files {
        // Binary files (the report screenshot under docs/images) hold no
        // image references.
        let Ok(text) = String::from_utf8(std::fs::read(&file).unwrap()) else {
            continue;
        };
        for (index, _) in text.match_indices(IMAGE) {
            let rest = &text[index + IMAGE.len()..];
            let tag: String = rest
                .strip_prefix(':')
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || ".-_<>".contains(*c))
                .collect();
            assert!(
                tag == version
                    || tag == format!("{version}-debug")
                    || tag == "<version>"
                    || tag == "<version>-debug",
                "{}: {IMAGE}:{tag} (expected tag {version} or {version}-debug)",
                file.display()
            );
            seen += 1;
        }
    }
    assert!(seen >= 4, "only {seen} image references");
}

#[test]
fn action_and_hooks_run_commands_that_exist() {
    let root = repo_root();
    let action: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&std::fs::read_to_string(root.join("action.yml")).unwrap())
            .unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let scripts: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(scripts.contains("$ACTION_PATH/scripts/ci/riskgate-action.sh"));
    assert!(scripts.contains("$ACTION_PATH/cli"));
    assert!(root.join("cli/Cargo.toml").exists());
    // Inputs reach the script through the environment only (no expression
    // expansion inside shell code).
    assert!(!scripts.contains("${{"), "{scripts}");
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert_eq!(uses, ["github/codeql-action/upload-sarif@v3"]);

    let hooks: Vec<serde_yaml_ng::Value> = serde_yaml_ng::from_str(
        &std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    // Commands a hook may name before they land (none now).
    const PENDING: &[&str] = &[];
    for hook in &hooks {
        let entry = hook["entry"].as_str().unwrap();
        let mut words = entry.split_whitespace();
        let program = words.next().unwrap();
        assert!(
            program == "riskgate" || program.starts_with(&format!("{IMAGE}:")),
            "{entry}"
        );
        let subcommand = words.next().unwrap();
        let known = assert_cmd::Command::cargo_bin("riskgate")
            .unwrap()
            .args([subcommand, "--help"])
            .output()
            .unwrap()
            .status
            .success();
        assert!(
            known || PENDING.contains(&subcommand),
            "hook {}: riskgate has no `{subcommand}` command",
            hook["id"].as_str().unwrap()
        );
    }

    let gitlab: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(root.join("ci/gitlab/riskgate.gitlab-ci.yml")).unwrap(),
    )
    .unwrap();
    let job = &gitlab["riskgate"];
    assert_eq!(
        job["artifacts"]["reports"]["junit"],
        job["variables"]["RISKGATE_JUNIT"]
    );
    assert_eq!(job["script"][0], "sh /usr/local/bin/riskgate-ci");
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("COPY scripts/ci/riskgate-action.sh /usr/local/bin/riskgate-ci"));
}
