//! When each release is audited next, for the continuous audit (`serve
//! --audit`).
//!
//! A release is due:
//! - when the watch reports it new or changed — unless it is the
//!   generation already audited under the same policy version (the
//!   audit's own status write is a change of the object, not of its
//!   generation, and must not re-audit it);
//! - for every release, once, when the policy version changes;
//! - at the instant its result next changes (`nextReview`), or after the
//!   review horizon when nothing is forecast: no release is polled
//!   blindly, and none is forgotten.
//!
//! Pure: the clock is an argument of every call.

use std::collections::BTreeMap;

/// `(namespace, name)`.
pub type Key = (String, String);

/// What was audited last, to tell an audit's own write from a change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Audited {
    generation: Option<i64>,
    policy_version: String,
}

/// The due instant (ns) of every known release.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    due: BTreeMap<Key, i64>,
    audited: BTreeMap<Key, Audited>,
}

impl Schedule {
    /// The watch saw `key` at `generation`.
    pub fn changed(&mut self, key: Key, generation: Option<i64>, policy_version: &str, now: i64) {
        let same = self.audited.get(&key).is_some_and(|last| {
            last.generation == generation && last.policy_version == policy_version
        });
        if !same {
            self.due.insert(key, now);
        }
    }

    /// The release is gone.
    pub fn deleted(&mut self, key: &Key) {
        self.due.remove(key);
        self.audited.remove(key);
    }

    /// Keeps only `present` (after the watch listed again): releases
    /// deleted while it was not watching are forgotten.
    pub fn retain(&mut self, present: &std::collections::BTreeSet<Key>) {
        self.due.retain(|key, _| present.contains(key));
        self.audited.retain(|key, _| present.contains(key));
    }

    /// Everything is due now (a new policy version, or leadership just
    /// gained).
    pub fn all_due(&mut self, now: i64) {
        for due in self.due.values_mut() {
            *due = now;
        }
    }

    /// `key` was audited at `generation` under `policy_version`; it is due
    /// again at `next_change`, else at `fallback` (the horizon).
    pub fn audited(
        &mut self,
        key: Key,
        generation: Option<i64>,
        policy_version: &str,
        next_change: Option<i64>,
        fallback: i64,
    ) {
        self.audited.insert(
            key.clone(),
            Audited {
                generation,
                policy_version: policy_version.to_owned(),
            },
        );
        self.due.insert(key, next_change.unwrap_or(fallback));
    }

    /// The releases due at `now`, by key; they stay scheduled until
    /// [`Schedule::audited`] moves them.
    #[must_use]
    pub fn due(&self, now: i64) -> Vec<Key> {
        self.due
            .iter()
            .filter(|(_, due)| **due <= now)
            .map(|(key, _)| key.clone())
            .collect()
    }

    /// The earliest due instant, if any release is known.
    #[must_use]
    pub fn next_due(&self) -> Option<i64> {
        self.due.values().min().copied()
    }

    /// How many releases are known.
    #[must_use]
    pub fn len(&self) -> usize {
        self.due.len()
    }

    /// Whether no release is known.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::{Key, Schedule};

    const S: i64 = 1_000_000_000;

    fn key(name: &str) -> Key {
        ("ml".to_owned(), name.to_owned())
    }

    #[test]
    fn a_release_is_audited_on_change_and_at_its_next_change_not_before() {
        let mut schedule = Schedule::default();
        schedule.changed(key("a"), Some(1), "p1", 0);
        assert_eq!(schedule.due(0), [key("a")]);
        // Its evaluation goes stale at t = 100 s.
        schedule.audited(key("a"), Some(1), "p1", Some(100 * S), 90 * 86_400 * S);
        assert!(schedule.due(99 * S).is_empty());
        assert_eq!(schedule.next_due(), Some(100 * S));
        assert_eq!(schedule.due(100 * S), [key("a")]);
    }

    #[test]
    fn the_audits_own_status_write_does_not_re_audit_but_a_new_generation_does() {
        let mut schedule = Schedule::default();
        schedule.audited(key("a"), Some(3), "p1", None, 1_000 * S);
        schedule.changed(key("a"), Some(3), "p1", 5 * S);
        assert!(
            schedule.due(5 * S).is_empty(),
            "status write: same generation"
        );
        schedule.changed(key("a"), Some(4), "p1", 6 * S);
        assert_eq!(schedule.due(6 * S), [key("a")]);
    }

    #[test]
    fn a_policy_reload_makes_every_release_due_once() {
        let mut schedule = Schedule::default();
        for name in ["a", "b", "c"] {
            schedule.audited(key(name), Some(1), "p1", None, 1_000 * S);
        }
        schedule.all_due(10 * S);
        assert_eq!(schedule.due(10 * S).len(), 3);
        for name in ["a", "b", "c"] {
            schedule.audited(key(name), Some(1), "p2", None, 1_000 * S);
        }
        assert!(schedule.due(11 * S).is_empty(), "once, not again");
        // A watch event under the new version for an unchanged release
        // is not a change.
        schedule.changed(key("a"), Some(1), "p2", 12 * S);
        assert!(schedule.due(12 * S).is_empty());
    }

    #[test]
    fn deleted_releases_are_forgotten() {
        let mut schedule = Schedule::default();
        schedule.changed(key("a"), Some(1), "p1", 0);
        schedule.changed(key("b"), Some(1), "p1", 0);
        schedule.deleted(&key("a"));
        assert_eq!(schedule.due(0), [key("b")]);
        schedule.retain(&std::collections::BTreeSet::new());
        assert!(schedule.is_empty());
    }
}
