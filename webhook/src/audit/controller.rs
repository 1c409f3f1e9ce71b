//! The continuous audit of `riskgate serve --audit`: the releases the
//! watch reports are audited when they change, all of them when the policy
//! version changes, and each again at the instant its result next changes
//! ([`Schedule`]). Only the holder of a `coordination.k8s.io` Lease
//! writes (kube-lease-manager): the other replicas keep their schedule
//! and take over, auditing everything once, when they gain the lease.
//!
//! - **Evaluation runs off the async workers** (`spawn_blocking`): an
//!   audit searches for the next change, tens of evaluations per release.
//! - **Failed writes are retried** 30 s later (a 403 or a missing report
//!   CRD is logged each time, not hidden).
//! - **Changes are batched**: every change already queued is applied to
//!   the schedule before the due releases are audited.
//! - **The clock**: the wall clock, or `--now` for tests (then nothing
//!   becomes due by time alone, only by change).
//!
//! INVARIANT: nothing is written unless the lease is held.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use kube::Client;
use kube::core::DynamicObject;
use tokio::sync::{mpsc, watch};
use tracing::{debug, info, warn};

use super::evaluate::REVIEW_HORIZON_DAYS;
use super::run::{self, AuditSettings};
use super::schedule::{Key, Schedule};
use crate::Policies;
use crate::releases::Change;

/// How soon a release whose write failed is audited again (ns).
const RETRY_NS: i64 = 30 * 1_000_000_000;

/// Nanoseconds in the review horizon.
const HORIZON_NS: i64 = REVIEW_HORIZON_DAYS as i64 * 86_400 * 1_000_000_000;

/// What is told of each pass: the releases audited, the time taken and
/// every release known.
pub type OnPass = dyn Fn(&[run::Audited], Duration, &BTreeSet<Key>) + Send + Sync;

/// Everything the loop reads.
pub struct Controller {
    /// The API client (for writes).
    pub client: Client,
    /// What the release watch sees.
    pub changes: mpsc::UnboundedReceiver<Change>,
    /// The policies in use.
    pub policies: Box<dyn Fn() -> Arc<Policies> + Send + Sync>,
    /// The policy version, changed on every reload that swaps.
    pub policy_versions: watch::Receiver<String>,
    /// Whether this replica holds the lease.
    pub leader: watch::Receiver<bool>,
    /// A fixed clock (`--now`), ns.
    pub fixed_now: Option<i64>,
    /// What an audit writes (`now_ns` is set per pass).
    pub settings: AuditSettings,
    /// Called after each pass with the releases audited, the time taken
    /// and every release known.
    pub on_pass: Box<OnPass>,
    /// The event recorder, kept across passes ([`run::recorder`]).
    pub recorder: Option<kube::runtime::events::Recorder>,
}

impl Controller {
    fn now(&self) -> i64 {
        self.fixed_now
            .unwrap_or_else(|| riskgate_workspace::clock::Now::wall_clock().ns())
    }

    /// Runs until the release watch ends.
    pub async fn run(mut self) {
        let mut schedule = Schedule::default();
        let mut releases: BTreeMap<Key, Arc<DynamicObject>> = BTreeMap::new();
        let mut relisted: Option<BTreeSet<Key>> = None;
        let mut version = self.policy_versions.borrow().clone();
        let mut leading = false;
        let mut lease_watched = true;
        loop {
            let now = self.now();
            // Marked seen here, so that a lease gained before the first
            // pass does not wake the loop again and re-audit everything.
            let leader = lease_watched && *self.leader.borrow_and_update();
            if leader != leading {
                info!(leader, "audit leadership changed");
                if leader {
                    schedule.all_due(now);
                }
                leading = leader;
            }
            if leading {
                self.audit_due(&mut schedule, &releases, &version, now)
                    .await;
            }
            let wait = match (leading, self.fixed_now, schedule.next_due()) {
                (true, None, Some(due)) => {
                    Duration::from_nanos(u64::try_from(due.saturating_sub(self.now())).unwrap_or(0))
                }
                _ => Duration::MAX,
            };
            tokio::select! {
                change = self.changes.recv() => {
                    let Some(change) = change else {
                        warn!("the release watch ended; the audit stops");
                        return;
                    };
                    let now = self.now();
                    apply(change, &mut schedule, &mut releases, &mut relisted, &version, now);
                    while let Ok(change) = self.changes.try_recv() {
                        apply(change, &mut schedule, &mut releases, &mut relisted, &version, now);
                    }
                }
                changed = self.policy_versions.changed() => {
                    if changed.is_ok() {
                        version = self.policy_versions.borrow_and_update().clone();
                        info!(policy_version = %version, releases = schedule.len(), "policy changed; auditing every release");
                        schedule.all_due(self.now());
                    }
                }
                // Handled at the top of the loop.
                changed = self.leader.changed(), if lease_watched => {
                    if changed.is_err() {
                        warn!("the lease manager stopped; the audit stops writing");
                        lease_watched = false;
                    }
                }
                () = sleep(wait) => {}
            }
        }
    }

    async fn audit_due(
        &self,
        schedule: &mut Schedule,
        releases: &BTreeMap<Key, Arc<DynamicObject>>,
        version: &str,
        now: i64,
    ) {
        let due: Vec<DynamicObject> = schedule
            .due(now)
            .iter()
            .filter_map(|key| releases.get(key))
            .map(|release| (**release).clone())
            .collect();
        if due.is_empty() {
            return;
        }
        let started = std::time::Instant::now();
        let policies = (self.policies)();
        let mut settings = self.settings.clone();
        settings.now_ns = now;
        let evaluated = {
            let settings = settings.clone();
            tokio::task::spawn_blocking(move || run::evaluate_all(&due, &policies, &settings)).await
        };
        let mut audited = match evaluated {
            Ok(audited) => audited,
            Err(e) => {
                warn!(error = %e, "the audit's evaluation task failed");
                return;
            }
        };
        run::write_all(
            &self.client,
            self.recorder.as_ref(),
            &mut audited,
            &settings,
        )
        .await;
        for done in &audited {
            let audit = &done.audit;
            for failure in &done.failures {
                warn!(release = %audit.key(), error = %failure, "audit write failed");
            }
            debug!(release = %audit.key(), compliant = audit.compliant(), "audited");
            // A failed write is tried again soon, not at the next change.
            let next = if done.failures.is_empty() {
                audit.next_change_ns
            } else {
                Some(now.saturating_add(RETRY_NS))
            };
            schedule.audited(
                (audit.namespace.clone(), audit.name.clone()),
                audit.generation,
                version,
                next,
                now.saturating_add(HORIZON_NS),
            );
        }
        let known: BTreeSet<Key> = releases.keys().cloned().collect();
        (self.on_pass)(&audited, started.elapsed(), &known);
    }
}

/// A change from the watch, applied to the schedule and the releases.
fn apply(
    change: Change,
    schedule: &mut Schedule,
    releases: &mut BTreeMap<Key, Arc<DynamicObject>>,
    relisted: &mut Option<BTreeSet<Key>>,
    version: &str,
    now: i64,
) {
    match change {
        Change::Relisting => *relisted = Some(BTreeSet::new()),
        Change::Applied(release) => {
            let key = key_of(&release);
            if let Some(seen) = relisted {
                seen.insert(key.clone());
            }
            schedule.changed(key.clone(), release.metadata.generation, version, now);
            releases.insert(key, release);
        }
        Change::Deleted(release) => {
            let key = key_of(&release);
            schedule.deleted(&key);
            releases.remove(&key);
        }
        Change::Listed => {
            if let Some(seen) = relisted.take() {
                releases.retain(|key, _| seen.contains(key));
                schedule.retain(&seen);
            }
        }
    }
}

fn key_of(release: &DynamicObject) -> Key {
    (
        release.metadata.namespace.clone().unwrap_or_default(),
        release.metadata.name.clone().unwrap_or_default(),
    )
}

/// Sleeps for `wait`, or forever for `Duration::MAX`.
async fn sleep(wait: Duration) {
    if wait == Duration::MAX {
        std::future::pending::<()>().await;
    } else {
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use kube::core::DynamicObject;

    use super::{Schedule, apply};
    use crate::releases::Change;

    fn release(name: &str, generation: i64) -> Arc<DynamicObject> {
        let mut object: DynamicObject = serde_json::from_value(serde_json::json!({
            "apiVersion": "riskgate.dev/v1alpha1",
            "kind": "ModelRelease",
            "metadata": {"name": name, "namespace": "ml", "generation": generation},
        }))
        .unwrap();
        object.metadata.generation = Some(generation);
        Arc::new(object)
    }

    #[test]
    fn a_relist_forgets_releases_deleted_while_the_watch_was_down() {
        let (mut schedule, mut releases, mut relisted) =
            (Schedule::default(), BTreeMap::new(), None);
        let mut feed = |change| apply(change, &mut schedule, &mut releases, &mut relisted, "p1", 0);
        feed(Change::Relisting);
        feed(Change::Applied(release("a", 1)));
        feed(Change::Applied(release("b", 1)));
        feed(Change::Listed);
        // The watch expired (410 Gone); `b` was deleted meanwhile.
        feed(Change::Relisting);
        feed(Change::Applied(release("a", 1)));
        feed(Change::Listed);
        let names: Vec<&str> = releases.keys().map(|(_, name)| name.as_str()).collect();
        assert_eq!(names, ["a"]);
        assert_eq!(schedule.len(), 1);
    }

    #[test]
    fn a_deleted_release_is_no_longer_due() {
        let (mut schedule, mut releases, mut relisted) =
            (Schedule::default(), BTreeMap::new(), None);
        apply(
            Change::Applied(release("a", 1)),
            &mut schedule,
            &mut releases,
            &mut relisted,
            "p1",
            0,
        );
        assert_eq!(schedule.due(0).len(), 1);
        apply(
            Change::Deleted(release("a", 1)),
            &mut schedule,
            &mut releases,
            &mut relisted,
            "p1",
            0,
        );
        assert!(schedule.due(0).is_empty() && releases.is_empty());
    }
}
