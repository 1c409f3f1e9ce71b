//! An optional short-lived cache of decisions (`--decision-cache-ttl`).
//!
//! The same release is often submitted several times in a row: a server
//! dry run and then the real apply, client retries, GitOps controllers
//! re-applying unchanged objects. Within the TTL an identical release
//! (same checked content, same policy version) gets the stored decision
//! instead of a new evaluation, which is equivalent to having evaluated it
//! up to TTL seconds earlier. Evaluation errors are never stored. Off by
//! default.
//!
//! `--warn-within` warnings are part of the stored verdict and were
//! computed at its clock; they stay correct under the same equivalence.
//! A reused warning counts its days from the stored clock, at most a TTL
//! (an hour) behind, and something entering the window is warned at most
//! a TTL late; warnings decide nothing, so no decision is wrong for it. The window is one setting of the process, the same for every
//! entry, so it is not part of the key. (The releases workloads reference are not cached here: a watch
//! keeps them current, see [`crate::releases`].)

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::decide::Verdict;

/// At most this many entries are kept; the cache is emptied when full.
const MAX_ENTRIES: usize = 4096;

/// Decisions by release content and policy version.
pub type DecisionCache = TtlCache<[u8; 32], Verdict>;

/// Values kept for a fixed time after they were stored.
#[derive(Debug)]
pub struct TtlCache<K, V> {
    ttl: Duration,
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> TtlCache<K, V> {
    /// A cache keeping values for `ttl` (zero disables it).
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

    /// A stored value younger than the TTL.
    pub fn get(&self, key: &K, now: Instant) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (stored, value) = entries.get(key)?;
        (now.saturating_duration_since(*stored) < self.ttl).then(|| value.clone())
    }

    /// Stores a value (nothing when the cache is off).
    pub fn put(&self, key: K, now: Instant, value: &V) {
        if !self.enabled() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (stored, _)| now.saturating_duration_since(*stored) < self.ttl);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, (now, value.clone()));
        }
    }
}

impl DecisionCache {
    /// The key of a release text under a policy version.
    pub fn key(release: &str, policy_version: &str) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(policy_version.as_bytes());
        hash.update([0]);
        hash.update(release.as_bytes());
        hash.finalize().into()
    }

    /// Stores a decision unless it is an evaluation error (which may not
    /// happen again).
    pub fn put_decision(&self, key: [u8; 32], now: Instant, verdict: &Verdict) {
        if verdict.decision != "error" {
            self.put(key, now, verdict);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_expire_after_the_ttl() {
        let cache: TtlCache<&str, u32> = TtlCache::new(Duration::from_secs(5));
        let start = Instant::now();
        cache.put("a", start, &1);
        assert_eq!(cache.get(&"a", start + Duration::from_secs(4)), Some(1));
        assert_eq!(cache.get(&"a", start + Duration::from_secs(5)), None);
        let off: TtlCache<&str, u32> = TtlCache::new(Duration::ZERO);
        off.put("a", start, &1);
        assert_eq!(off.get(&"a", start), None);
    }
}
