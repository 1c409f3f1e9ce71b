//! Finding the manifests named on the command line.
//!
//! - `-` is stdin (at most once);
//! - a file is taken as is, whatever its extension, and `--include` /
//!   `--exclude` do not apply to it (you named it);
//! - a directory is walked recursively in name order, skipping hidden
//!   entries, keeping `.yaml`, `.yml` and `.json` files that match an
//!   `--include` glob (when any is given) and no `--exclude` glob;
//!   symbolic links to files are read like files, links to directories
//!   are not entered (so a walk cannot loop), and an entry with a
//!   manifest extension that cannot be a manifest (a broken link, a link
//!   loop, a FIFO or socket, which could block a read forever) is an
//!   error, never silently skipped;
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
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => found.walk(path, filters),
            // Not only regular files: `<(command)` names a pipe.
            Ok(_) => found.file(path.to_path_buf()),
            Err(_) if arg.contains(['*', '?', '[']) => found.glob(arg, filters),
            Err(error) => found
                .errors
                .push(format!("{arg}: {}", unusable(path, &error))),
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
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.errors.push(format!("{}: {error}", root.display()));
                    continue;
                }
            };
            let path = entry.path();
            if entry.file_type().is_dir() || !is_manifest_file(path) || !filters.keeps(path, root) {
                continue;
            }
            if entry.file_type().is_file() {
                self.file(entry.into_path());
                continue;
            }
            // A link (followed once, to a file only) or a special file.
            match std::fs::metadata(path) {
                Ok(target) if target.is_file() => self.file(entry.into_path()),
                Ok(target) if target.is_dir() => {}
                Ok(_) => self.errors.push(format!(
                    "{}: not a regular file (a FIFO, socket or device); not read",
                    path.display()
                )),
                Err(error) => {
                    self.errors
                        .push(format!("{}: {}", path.display(), unusable(path, &error)))
                }
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

/// Why a path that cannot be opened is unusable, in words.
fn unusable(path: &Path, error: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match error.kind() {
        std::io::ErrorKind::NotFound if is_link => match std::fs::read_link(path) {
            Ok(target) => format!(
                "broken symbolic link (its target {} does not exist)",
                target.display()
            ),
            Err(_) => "broken symbolic link".to_owned(),
        },
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        // A loop: the system says "too many levels of symbolic links".
        _ if is_link => format!("cannot follow the symbolic link: {error}"),
        _ => format!("cannot open: {error}"),
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

    #[cfg(unix)]
    #[test]
    fn links_to_files_are_read_and_unusable_entries_are_errors_not_skipped() {
        use std::os::unix::fs::symlink;
        let dir = tree();
        let models = dir.path().join("models");
        symlink("b.yaml", models.join("link.yaml")).unwrap();
        symlink("gone.yaml", models.join("broken.yaml")).unwrap();
        symlink("loop.yaml", models.join("loop.yaml")).unwrap();
        // A link back up: not entered, so the walk ends.
        symlink("..", models.join("up")).unwrap();
        // A link to a directory under a manifest name is not entered either.
        symlink("vendor", models.join("dir.yaml")).unwrap();
        // A FIFO would block a read forever.
        let fifo = models.join("fifo.yaml");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let (found, errors) = run(&dir, &["models"], &Filters::default());
        assert_eq!(
            found,
            [
                "models/a.yml",
                "models/b.yaml",
                "models/c.json",
                "models/link.yaml",
                "models/vendor/v.yaml"
            ]
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].ends_with(
                "broken.yaml: broken symbolic link (its target gone.yaml does not exist)"
            ),
            "{errors:?}"
        );
        assert!(
            errors[1]
                .ends_with("fifo.yaml: not a regular file (a FIFO, socket or device); not read"),
            "{errors:?}"
        );
        assert!(
            errors[2].contains("loop.yaml: cannot follow the symbolic link: ")
                && errors[2].to_lowercase().contains("symbolic links"),
            "{errors:?}"
        );

        // Named on the command line: the same words.
        let (found, errors) = run(
            &dir,
            &["models/loop.yaml", "models/broken.yaml", "models/link.yaml"],
            &Filters::default(),
        );
        assert_eq!(found, ["models/link.yaml"]);
        assert!(
            errors[0].contains("loop.yaml: cannot follow the symbolic link"),
            "{errors:?}"
        );
        assert!(
            errors[1].ends_with(
                "broken.yaml: broken symbolic link (its target gone.yaml does not exist)"
            ),
            "{errors:?}"
        );
    }
}
