//! An optional short-lived cache of decisions (`--decision-cache-ttl`).
//!
//! The same release is often submitted several times in a row: a server
//! dry run and then the real apply, client retries, GitOps controllers
//! re-applying unchanged objects. Within the TTL an identical release
//! (same checked content, same policy version) gets the stored decision
//! instead of a new evaluation, which is equivalent to having evaluated it
//! up to TTL seconds earlier. Evaluation errors are never stored. Off by
//! default.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::decide::Verdict;

/// At most this many decisions are kept; the cache is emptied when full.
const MAX_ENTRIES: usize = 4096;

/// Decisions by release content and policy version.
#[derive(Debug)]
pub struct DecisionCache {
    ttl: Duration,
    entries: Mutex<HashMap<[u8; 32], (Instant, Verdict)>>,
}

impl DecisionCache {
    /// A cache keeping decisions for `ttl` (zero disables it).
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Whether the cache is on.
    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The key of a release text under a policy version.
    pub fn key(release: &str, policy_version: &str) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(policy_version.as_bytes());
        hash.update([0]);
        hash.update(release.as_bytes());
        hash.finalize().into()
    }

    /// A stored decision younger than the TTL.
    pub fn get(&self, key: &[u8; 32], now: Instant) -> Option<Verdict> {
        let entries = self.entries.lock().ok()?;
        let (stored, verdict) = entries.get(key)?;
        (now.saturating_duration_since(*stored) < self.ttl).then(|| verdict.clone())
    }

    /// Stores a decision (not evaluation errors).
    pub fn put(&self, key: [u8; 32], now: Instant, verdict: &Verdict) {
        if !self.enabled() || verdict.decision == "error" {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (stored, _)| now.saturating_duration_since(*stored) < self.ttl);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (now, verdict.clone()));
        }
    }
}
