//! Evidence importers: turn the output of evaluation and registry tools
//! into `ModelRelease` manifest fragments, with the provenance of every
//! imported value.
//!
//! Each source format has a pure parser (`text → Fragment`):
//! [`model_card`] (Hugging Face model cards and `.eval_results/`),
//! [`cyclonedx`] (CycloneDX 1.5/1.6 ML-BOM), [`lm_eval`]
//! (lm-evaluation-harness), [`mapped`] (any JSON or CSV through a mapping
//! file) and [`mlflow`] (REST API 2.0 responses). The only I/O is
//! [`mlflow::http`], the REST client; files are read by the caller.
//! [`render`] prints a fragment as a new manifest and [`into`] merges it
//! into an existing manifest's text, keeping comments and key order;
//! [`signed`] signs a report of each imported evaluation.
//!
//! ```
//! use riskgate_import::{lm_eval, SourceFile, ImportContext};
//!
//! let text = r#"{"results": {"arc_easy": {"alias": "arc_easy", "acc,none": 0.75}},
//!               "n-samples": {"arc_easy": {"original": 2376, "effective": 2376}}}"#;
//! let source = SourceFile::new("results.json", text);
//! let context = ImportContext::new("2026-10-01T00:00:00Z");
//! let fragment = lm_eval::parse(&source, &context).unwrap();
//! let metric = &fragment.evaluations[0].metrics[0];
//! assert_eq!(metric.name, "acc");
//! assert_eq!(metric.n, Some(2376));
//! ```

pub mod codes;
pub mod cyclonedx;
mod error;
mod fragment;
pub mod into;
pub mod lm_eval;
pub mod mapped;
pub mod mlflow;
pub mod model_card;
pub mod render;
pub mod signed;
mod source;

pub use error::ImportError;
pub use fragment::Fragment;
pub use source::{ImportContext, SourceFile};
