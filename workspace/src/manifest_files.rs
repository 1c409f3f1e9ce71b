//! Finding the manifests named on the command line.
//!
//! - `-` is stdin (at most once);
//! - a file is taken as is, whatever its extension, and `--include` /
//!   `--exclude` do not apply to it (you named it);
//! - a directory is walked recursively in name order, skipping hidden
//!   entries, keeping `.yaml`, `.yml` and `.json` files that match an
//!   `--include` glob (when any is given) and no `--exclude` glob;
//! - anything else containing `*`, `?` or `[` is a glob pattern, expanded
//!   in name order (for shells that do not expand it); matched directories
//!   are walked as above.
//!
//! A glob is tried against the path as shown, the path relative to the
//! walked directory, and the file name, so `--exclude '*.json'`,
//! `--exclude 'vendor/**'` and `--exclude 'models/vendor/**'` all work.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use crate::walk::is_manifest_file;

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

/// `--include` / `--exclude` globs.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// Keep only files matching one of these (when not empty).
    pub include: Vec<glob::Pattern>,
    /// Drop files matching any of these.
    pub exclude: Vec<glob::Pattern>,
}

impl Filters {
    fn keeps(&self, path: &Path, root: &Path) -> bool {
        let relative = path.strip_prefix(root).unwrap_or(path);
        let name = path.file_name().map(Path::new);
        let matches = |pattern: &glob::Pattern| {
            let options = glob::MatchOptions {
                case_sensitive: true,
                require_literal_separator: false,
                require_literal_leading_dot: false,
            };
            pattern.matches_path_with(path, options)
                || pattern.matches_path_with(relative, options)
                || name.is_some_and(|n| pattern.matches_path_with(n, options))
        };
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }
}

/// Expands the command-line paths into inputs, in order, without
/// duplicates. Problems (missing paths, globs matching nothing, unreadable
/// directories) are returned as messages next to the inputs that were
/// found; the caller reports them and still evaluates the rest.
pub fn discover(paths: &[String], filters: &Filters) -> (Vec<Input>, Vec<String>) {
    let mut found = Found::default();
    for arg in paths {
        if arg == "-" {
            if found.stdin {
                found
                    .errors
                    .push("`-` (stdin) is given more than once".to_owned());
            } else {
                found.stdin = true;
                found.inputs.push(Input::Stdin);
            }
            continue;
        }
        let path = Path::new(arg);
        if path.is_file() {
            found.file(path.to_path_buf());
        } else if path.is_dir() {
            found.walk(path, filters);
        } else if arg.contains(['*', '?', '[']) {
            found.glob(arg, filters);
        } else {
            found
                .errors
                .push(format!("{arg}: no such file or directory"));
        }
    }
    (found.inputs, found.errors)
}

#[derive(Default)]
struct Found {
    inputs: Vec<Input>,
    errors: Vec<String>,
    seen: BTreeSet<PathBuf>,
    stdin: bool,
}

impl Found {
    fn file(&mut self, path: PathBuf) {
        if self.seen.insert(path.clone()) {
            self.inputs.push(Input::File(path));
        }
    }

    fn walk(&mut self, root: &Path, filters: &Filters) {
        let walker = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.depth() == 0 || !crate::walk::is_hidden(entry.path()));
        for entry in walker {
            match entry {
                Ok(entry)
                    if entry.file_type().is_file()
                        && is_manifest_file(entry.path())
                        && filters.keeps(entry.path(), root) =>
                {
                    self.file(entry.into_path());
                }
                Ok(_) => {}
                Err(error) => self.errors.push(format!("{}: {error}", root.display())),
            }
        }
    }

    fn glob(&mut self, pattern: &str, filters: &Filters) {
        let paths = match glob::glob(pattern) {
            Ok(paths) => paths,
            Err(error) => {
                self.errors
                    .push(format!("{pattern}: invalid glob: {error}"));
                return;
            }
        };
        let before = self.inputs.len();
        let mut matched_any = false;
        for path in paths {
            match path {
                Ok(path) if path.is_dir() => {
                    matched_any = true;
                    self.walk(&path, filters);
                }
                Ok(path) => {
                    matched_any = true;
                    self.file(path);
                }
                Err(error) => self.errors.push(format!("{pattern}: {error}")),
            }
        }
        if !matched_any && self.inputs.len() == before {
            self.errors
                .push(format!("{pattern}: no files match this pattern"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Filters, Input, discover};

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "models/b.yaml",
            "models/a.yml",
            "models/c.json",
            "models/notes.txt",
            "models/vendor/v.yaml",
            "models/.hidden/h.yaml",
            "other.yaml",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "kind: ModelRelease\n").unwrap();
        }
        dir
    }

    fn names(dir: &tempfile::TempDir, inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| match i {
                Input::Stdin => "-".to_owned(),
                Input::File(p) => p
                    .strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            })
            .collect()
    }

    fn run(
        dir: &tempfile::TempDir,
        args: &[&str],
        filters: &Filters,
    ) -> (Vec<String>, Vec<String>) {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "-" {
                    "-".to_owned()
                } else {
                    dir.path().join(a).to_string_lossy().into_owned()
                }
            })
            .collect();
        let (inputs, errors) = discover(&args, filters);
        (names(dir, &inputs), errors)
    }

    #[test]
    fn walks_directories_in_name_order_skipping_hidden_and_other_extensions() {
        let dir = tree();
        let (found, errors) = run(&dir, &["models"], &Filters::default());
        assert_eq!(
            found,
            [
                "models/a.yml",
                "models/b.yaml",
                "models/c.json",
                "models/vendor/v.yaml"
            ]
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn include_and_exclude_filter_walked_files_not_named_ones() {
        let dir = tree();
        let filters = Filters {
            include: vec![glob::Pattern::new("*.yaml").unwrap()],
            exclude: vec![glob::Pattern::new("vendor/**").unwrap()],
        };
        let (found, _) = run(&dir, &["models", "models/c.json"], &filters);
        assert_eq!(found, ["models/b.yaml", "models/c.json"]);
    }

    #[test]
    fn globs_expand_and_duplicates_and_missing_paths_are_reported() {
        let dir = tree();
        let (found, errors) = run(
            &dir,
            &[
                "models/*.y*ml",
                "models/b.yaml",
                "missing.yaml",
                "nothing/*.yaml",
                "-",
                "-",
            ],
            &Filters::default(),
        );
        assert_eq!(found, ["models/a.yml", "models/b.yaml", "-"]);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].ends_with("missing.yaml: no such file or directory"));
        assert!(errors[1].ends_with("nothing/*.yaml: no files match this pattern"));
        assert!(errors[2].contains("more than once"));
    }
}
