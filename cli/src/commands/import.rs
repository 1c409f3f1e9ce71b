//! `riskgate import`: evidence from evaluation tools and registries into a
//! ModelRelease manifest. Parsing and merging are the import crate's; this
//! module reads files, calls the MLflow client and writes the result.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use riskgate_import::{Fragment, ImportContext, ImportError, SourceFile};
use riskgate_workspace::clock::Now;
use riskgate_workspace::render::Renderer;

use crate::Outcome;

/// Import evaluation results, datasets and documents into a manifest, with
/// the source of every value.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    source: Source,
}

#[derive(Debug, clap::Subcommand)]
enum Source {
    /// A Hugging Face model card (`README.md` front matter: model-index,
    /// datasets, license, base_model) and its `.eval_results/*.yaml`.
    ModelCard {
        /// The model card.
        file: PathBuf,
        /// The `.eval_results` folder [default: next to the model card, when present].
        #[arg(long, value_name = "DIR")]
        eval_results: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// A CycloneDX 1.5/1.6 ML-BOM (`components[].modelCard`).
    Cyclonedx {
        /// The BOM (JSON).
        file: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// lm-evaluation-harness results (`results_*.json`).
    LmEval {
        /// One or more results files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Any JSON or CSV report, through a mapping file of pointers.
    Mapped {
        /// The mapping file (YAML): evaluation fields and metric pointers.
        #[arg(long, value_name = "FILE")]
        mapping: PathBuf,
        /// The report (`.json` or `.csv`).
        data: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// A registered model version of an MLflow tracking server, its run and
    /// (MLflow 3) its logged model's dataset-bound metrics.
    // `--version` names the model version here, not riskgate's.
    #[command(disable_version_flag = true)]
    Mlflow {
        /// The tracking server, e.g. `http://127.0.0.1:5000`.
        #[arg(long, value_name = "URL", env = "MLFLOW_TRACKING_URI")]
        tracking_uri: String,
        /// The registered model name.
        #[arg(long, value_name = "NAME")]
        model: String,
        /// The model version.
        #[arg(long = "version", id = "model_version", value_name = "VERSION")]
        model_version: String,
        /// How per-slice metrics are named, e.g. `{metric}/{attr}/{value}`
        /// for `auc/sex/female` (MLflow metric names cannot contain `=`).
        #[arg(long, value_name = "PATTERN")]
        slice_pattern: Option<String>,
        /// The evaluations' `suite` (e.g. `performance`).
        #[arg(long)]
        suite: Option<String>,
        /// Give up on a request after this long (`30s`, `2m`).
        #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = riskgate_workspace::clock::parse_duration)]
        timeout: std::time::Duration,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Where the result goes; every source takes these.
#[derive(Debug, clap::Args)]
struct OutputArgs {
    /// Write a new manifest to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE", conflicts_with = "into")]
    output: Option<PathBuf>,
    /// Update this manifest in place, keeping its comments and key order.
    #[arg(long, value_name = "MANIFEST")]
    into: Option<PathBuf>,
    /// Bind imported evaluations to this artifact digest (`sha256:...`);
    /// controls only count evaluations of the released artifact, and most
    /// sources do not record which artifact they tested.
    #[arg(long, value_name = "DIGEST")]
    artifact_digest: Option<String>,
    /// `metadata.name` of a new manifest [default: the model's name in the
    /// source, else the file name].
    #[arg(long)]
    name: Option<String>,
    /// The import time recorded in each value's `source.imported_at`
    /// [default: now].
    #[arg(long, value_name = "RFC3339", value_parser = Now::parse)]
    now: Option<Now>,
    /// Sign a report of each imported evaluation with this private key
    /// (PEM PKCS#8, Ed25519 or ECDSA P-256), for the release's artifact
    /// digest, and cite it from the evaluation's `report_ref`, so
    /// `check --verify-evidence` can tell an edited metric from an imported
    /// one. Use a key only the import job holds (CI), trusted for
    /// `evaluation` in the policy's `trust.keys`.
    #[arg(long, value_name = "KEY", requires = "report_dir")]
    sign_key: Option<PathBuf>,
    /// The signing key's id in the policy's `trust.keys`.
    #[arg(long, value_name = "ID", requires = "sign_key")]
    keyid: Option<String>,
    /// Where the signed reports are written (`<DIR>/<evaluation id>.dsse.json`)
    /// and cited from, relative to the directory `check --evidence-root`
    /// will name (run the import from there).
    #[arg(long, value_name = "DIR", requires = "sign_key")]
    report_dir: Option<PathBuf>,
}

pub fn run(args: &ImportArgs, renderer: &Renderer) -> Outcome {
    let output = match &args.source {
        Source::ModelCard { output, .. }
        | Source::Cyclonedx { output, .. }
        | Source::LmEval { output, .. }
        | Source::Mapped { output, .. }
        | Source::Mlflow { output, .. } => output,
    };
    let now = output
        .now
        .unwrap_or_else(|| Now::wall_clock().whole_seconds());
    let context = ImportContext::new(&now.rfc3339());
    let result = import(&args.source, &context).and_then(|(mut fragment, default_name)| {
        if let Some(digest) = &output.artifact_digest {
            fragment.bind_artifact(digest);
        }
        if let (Some(key), Some(dir)) = (&output.sign_key, &output.report_dir) {
            sign_reports(output, &mut fragment, key, dir)?;
        }
        write(output, &fragment, &default_name)
    });
    match result {
        Ok(()) => Outcome::Success,
        Err(error) => {
            report(&error, renderer);
            Outcome::Error
        }
    }
}

/// What went wrong, with the file it is about.
enum Failure {
    Import(ImportError),
    Io(String),
}

impl From<ImportError> for Failure {
    fn from(error: ImportError) -> Self {
        Self::Import(error)
    }
}

fn report(failure: &Failure, renderer: &Renderer) {
    match failure {
        Failure::Io(message) => eprintln!("error: {message}"),
        Failure::Import(error) => match error.file() {
            Some((name, text)) => renderer.emit(name, text, vec![error.diagnostic().clone()]),
            None => renderer.emit(
                "riskgate import",
                &Arc::from(""),
                vec![error.diagnostic().clone()],
            ),
        },
    }
}

fn read(path: &Path) -> Result<SourceFile, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
    Ok(SourceFile::new(&path.display().to_string(), &text))
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("imported")
        .to_owned()
}

/// Runs the importer of `source`; returns the fragment and the release
/// name to use when the source suggests none.
fn import(source: &Source, context: &ImportContext) -> Result<(Fragment, String), Failure> {
    match source {
        Source::ModelCard {
            file, eval_results, ..
        } => {
            let card = read(file)?;
            let mut fragment = riskgate_import::model_card::parse(&card, context)?;
            let folder = eval_results.clone().unwrap_or_else(|| {
                file.parent()
                    .unwrap_or(Path::new("."))
                    .join(".eval_results")
            });
            if folder.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                    .map_err(|e| Failure::Io(format!("cannot read {}: {e}", folder.display())))?
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                    .collect();
                files.sort();
                for path in files {
                    let results = read(&path)?;
                    let part = riskgate_import::model_card::parse_eval_results(&results, context)?;
                    fragment.extend(part);
                }
            } else if eval_results.is_some() {
                return Err(Failure::Io(format!(
                    "{} is not a directory",
                    folder.display()
                )));
            }
            let parent = file.canonicalize().ok().and_then(|p| {
                p.parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
            });
            Ok((fragment, parent.unwrap_or_else(|| stem(file))))
        }
        Source::Cyclonedx { file, .. } => {
            let bom = read(file)?;
            Ok((
                riskgate_import::cyclonedx::parse(&bom, context)?,
                stem(file),
            ))
        }
        Source::LmEval { files, .. } => {
            let mut fragment = Fragment::default();
            for path in files {
                let results = read(path)?;
                fragment.extend(riskgate_import::lm_eval::parse(&results, context)?);
            }
            Ok((fragment, files.first().map(|f| stem(f)).unwrap_or_default()))
        }
        Source::Mapped { mapping, data, .. } => {
            let mapping_file = read(mapping)?;
            let data_file = read(data)?;
            let fragment = riskgate_import::mapped::parse(&mapping_file, &data_file, context)?;
            Ok((fragment, stem(data)))
        }
        Source::Mlflow {
            tracking_uri,
            model,
            model_version,
            slice_pattern,
            suite,
            timeout,
            ..
        } => {
            let slice_pattern = slice_pattern
                .as_deref()
                .map(riskgate_import::mlflow::SlicePattern::parse)
                .transpose()
                .map_err(|e| Failure::Io(format!("--slice-pattern: {e}")))?;
            let token = std::env::var("MLFLOW_TRACKING_TOKEN").ok();
            let client = riskgate_import::mlflow::http::Client::new(tracking_uri, token, *timeout);
            let version_body = client.model_version(model, model_version)?;
            let run_id = riskgate_import::mlflow::run_id(&version_body)?;
            let run_body = client.run(&run_id)?;
            // MLflow 3: the logged model has the dataset-bound metrics.
            let logged_model_body = riskgate_import::mlflow::logged_model_id(&version_body)?
                .map(|id| client.logged_model(&id))
                .transpose()?;
            let options = riskgate_import::mlflow::Options {
                tracking_uri: tracking_uri.clone(),
                slice_pattern,
                suite: suite.clone(),
            };
            let fragment = riskgate_import::mlflow::parse(
                &version_body,
                &run_body,
                logged_model_body.as_ref(),
                &options,
                context,
            )?;
            Ok((fragment, model.clone()))
        }
    }
}

/// `--sign-key`: signs a report of every imported evaluation and writes
/// the envelopes, for the release the result will be.
fn sign_reports(
    output: &OutputArgs,
    fragment: &mut Fragment,
    key: &Path,
    dir: &Path,
) -> Result<(), Failure> {
    let key =
        crate::commands::sign::read_signing_key(key).map_err(|e| Failure::Io(format!("{e:#}")))?;
    let release = match (&output.into, &output.artifact_digest) {
        (Some(target), _) => crate::commands::sign::read_release(target)
            .map_err(|e| Failure::Io(format!("--sign-key: {e:#}")))?,
        (None, Some(digest)) => riskgate_controls::trust::statements::ReleaseRef {
            name: output
                .name
                .clone()
                .or_else(|| fragment.name.clone())
                .unwrap_or_else(|| "release".to_owned()),
            digest: digest.clone(),
        },
        (None, None) => {
            return Err(Failure::Io(
                "--sign-key needs the release's artifact digest to sign for: give --artifact-digest, or --into a manifest that records it".to_owned(),
            ));
        }
    };
    if fragment.evaluations.is_empty() {
        return Err(Failure::Io(
            "--sign-key: the source has no evaluation to sign a report of".to_owned(),
        ));
    }
    let reports = riskgate_import::signed::sign_reports(
        fragment,
        &release,
        &key,
        output.keyid.as_deref().unwrap_or(""),
        &dir.to_string_lossy(),
    );
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Io(format!("cannot create {}: {e}", dir.display())))?;
    for report in reports {
        write_atomically(Path::new(&report.path), &report.text)?;
    }
    Ok(())
}

/// Prints, writes or merges the result.
fn write(output: &OutputArgs, fragment: &Fragment, default_name: &str) -> Result<(), Failure> {
    if let Some(target) = &output.into {
        let text = std::fs::read_to_string(target)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", target.display())))?;
        let merged = riskgate_import::into::merge(&target.display().to_string(), &text, fragment)?;
        return write_atomically(target, &merged);
    }
    let name = output
        .name
        .clone()
        .or_else(|| fragment.name.clone())
        .unwrap_or_else(|| default_name.to_owned());
    let text = riskgate_import::render::manifest(fragment, &name);
    match &output.output {
        Some(path) => write_atomically(path, &text),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Writes `text` to a temporary file beside `path`, then renames it over
/// `path`, so a failed write never leaves half a manifest.
fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    let failed = |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", path.display()));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.riskgate-import.tmp"));
    std::fs::write(&temporary, text).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}
