//! The policy set in use, swapped atomically on reload.
//!
//! Requests take an `Arc` of the current [`Policies`] and keep it for their
//! whole evaluation, so a reload never changes the policy under a running
//! request. A reload compiles the new files first and swaps only on
//! success: a broken policy is logged and the old one keeps serving.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use riskgate_controls::PolicySet;
use riskgate_engine::Value;

use riskgate_workspace::policy_files;
use riskgate_workspace::policy_set::{self, PolicyInputs};
use riskgate_workspace::render::{ColorChoice, Renderer};

/// A compiled policy set and what it was built from.
#[derive(Debug)]
pub struct Policies {
    /// The compiled set.
    pub set: PolicySet,
    /// Overlay data passed to every check.
    pub overlay: Option<Value>,
    /// Short content hash of the policy files and overlay.
    pub version: String,
    /// `embedded stdlib` or the policy directories.
    pub source: String,
}

impl Policies {
    /// Reads and compiles the policies.
    pub fn load(dirs: &[PathBuf], overlay: Option<&Path>) -> anyhow::Result<Self> {
        let inputs = PolicyInputs::read(dirs, overlay)?;
        let overlay = policy_set::overlay_data(inputs.overlay.as_ref())?;
        let set = policy_set::compile_with_overlay(&inputs.policies, false, overlay.clone())
            .map_err(|errors| {
                let rendered = Renderer::new(ColorChoice::Never).render_policy_errors(&errors);
                anyhow::anyhow!("{errors}:\n{rendered}")
            })?;
        Ok(Self {
            set,
            overlay,
            version: inputs.version(),
            source: inputs.source(),
        })
    }
}

/// What a reload did.
#[derive(Debug)]
pub enum Reload {
    /// No watched file changed.
    Unchanged,
    /// The new policy set is in use; its version.
    Swapped(String),
    /// The files changed but did not load; the old set keeps serving.
    Failed(anyhow::Error),
}

/// Modification time and length of every watched file, in a stable order.
type Fingerprint = Vec<(PathBuf, Option<(SystemTime, u64)>)>;

/// The current policy set and the files it came from.
#[derive(Debug)]
pub struct PolicyStore {
    current: RwLock<Arc<Policies>>,
    dirs: Vec<PathBuf>,
    overlay: Option<PathBuf>,
    seen: Mutex<Fingerprint>,
}

impl PolicyStore {
    /// Loads the initial policy set; fails when it does not compile.
    pub fn open(dirs: Vec<PathBuf>, overlay: Option<PathBuf>) -> anyhow::Result<Self> {
        let seen = fingerprint(&dirs, overlay.as_deref());
        let policies = Policies::load(&dirs, overlay.as_deref())?;
        Ok(Self {
            current: RwLock::new(Arc::new(policies)),
            dirs,
            overlay,
            seen: Mutex::new(seen),
        })
    }

    /// The policy set to evaluate a request with.
    pub fn current(&self) -> Arc<Policies> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads when a policy file or the overlay changed (or `force`).
    pub fn reload(&self, force: bool) -> Reload {
        let now = fingerprint(&self.dirs, self.overlay.as_deref());
        {
            let mut seen = match self.seen.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if !force && *seen == now {
                return Reload::Unchanged;
            }
            // Remember the attempt even when it fails, so a broken file is
            // reported once, not on every poll.
            *seen = now;
        }
        match Policies::load(&self.dirs, self.overlay.as_deref()) {
            Ok(policies) => {
                let version = policies.version.clone();
                let mut current = match self.current.write() {
                    Ok(guard) => guard,
                    Err(poisoned) => poisoned.into_inner(),
                };
                *current = Arc::new(policies);
                Reload::Swapped(version)
            }
            Err(error) => Reload::Failed(error),
        }
    }
}

fn fingerprint(dirs: &[PathBuf], overlay: Option<&Path>) -> Fingerprint {
    // With no directories the embedded stdlib is used: nothing to watch.
    let mut files: Vec<PathBuf> = if dirs.is_empty() {
        Vec::new()
    } else {
        policy_files::collect(dirs)
            .into_iter()
            .filter_map(Result::ok)
            .collect()
    };
    files.extend(overlay.map(Path::to_path_buf));
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stamp = std::fs::metadata(&path)
                .ok()
                .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
            (path, stamp)
        })
        .collect()
}
