//! Prometheus metrics in the text exposition format, hand-written: a few
//! counters, one gauge and one histogram do not need a metrics library.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Every metric of the webhook.
#[derive(Debug, Default)]
pub struct Metrics {
    /// HTTP requests by path and status code.
    requests: Counter<(&'static str, u16)>,
    /// Admission decisions by kind, decision and dry run.
    decisions: Counter<(&'static str, &'static str, bool)>,
    /// Policy reloads by result.
    policy_reloads: Counter<&'static str>,
    /// Certificate reloads by result.
    tls_reloads: Counter<&'static str>,
    /// Fetches of a workload's `ModelRelease` by result (store misses).
    release_fetches: Counter<&'static str>,
    /// Workload checks whose release came from the watch's store.
    release_store_hits: AtomicU64,
    /// Failures of the `ModelRelease` watch (each retried).
    release_watch_errors: AtomicU64,
    /// `/validate` latency.
    latency: Histogram,
    /// Requests being served.
    in_flight: AtomicI64,
    /// The policy version in use and where it came from.
    policy: Mutex<(String, String)>,
    /// The last audit of each release, by `(namespace, name)`.
    audited: Mutex<BTreeMap<(String, String), AuditedRelease>>,
    /// Audit passes and their total duration.
    audit_passes: AtomicU64,
    audit_micros: AtomicU64,
}

/// What the metrics keep of a release's last audit.
#[derive(Debug, Clone)]
struct AuditedRelease {
    compliance: &'static str,
    admission: &'static str,
    tier: String,
    next_review_seconds: Option<i64>,
}

#[derive(Debug)]
struct Counter<K>(Mutex<BTreeMap<K, u64>>);

impl<K> Default for Counter<K> {
    fn default() -> Self {
        Self(Mutex::new(BTreeMap::new()))
    }
}

impl<K: Ord + Clone> Counter<K> {
    fn inc(&self, key: K) {
        let mut map = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *map.entry(key).or_insert(0) += 1;
    }

    fn snapshot(&self) -> Vec<(K, u64)> {
        let map = match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }
}

#[derive(Debug, Default)]
struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in microseconds.
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts one HTTP response.
    pub fn request(&self, path: &'static str, code: u16) {
        self.requests.inc((path, code));
    }

    /// Counts one admission decision.
    pub fn decision(&self, kind: &'static str, decision: &'static str, dry_run: bool) {
        self.decisions.inc((kind, decision, dry_run));
    }

    /// Records the latency of one `/validate` request.
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts a policy reload (`success` or `error`).
    pub fn policy_reload(&self, result: &'static str) {
        self.policy_reloads.inc(result);
    }

    /// Counts a certificate reload (`success` or `error`).
    pub fn tls_reload(&self, result: &'static str) {
        self.tls_reloads.inc(result);
    }

    /// Counts a fetch of a workload's release (`found`, `not_found`,
    /// `error`).
    pub fn release_fetch(&self, result: &'static str) {
        self.release_fetches.inc(result);
    }

    /// Counts a workload check answered from the watch's store.
    pub fn release_store_hit(&self) {
        self.release_store_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a failure of the release watch.
    pub fn release_watch_error(&self) {
        self.release_watch_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// Sets the policy version in use.
    pub fn set_policy(&self, version: &str, source: &str) {
        let mut policy = match self.policy.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *policy = (version.to_owned(), source.to_owned());
    }

    /// Records an audit pass over `audited`, forgetting releases not in
    /// `known` (deleted).
    pub fn audit_pass(
        &self,
        audited: &[crate::audit::Audited],
        elapsed: Duration,
        known: &std::collections::BTreeSet<(String, String)>,
    ) {
        self.audit_passes.fetch_add(1, Ordering::Relaxed);
        self.audit_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let mut map = match self.audited.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        for done in audited {
            let audit = &done.audit;
            let compliance = match (audit.compliant(), audit.trace.decision) {
                (true, _) => "compliant",
                (false, riskgate_controls::trace::Decision::Error) => "error",
                (false, _) => "non_compliant",
            };
            map.insert(
                (audit.namespace.clone(), audit.name.clone()),
                AuditedRelease {
                    compliance,
                    admission: audit.admission.as_str(),
                    tier: audit.tier.clone().unwrap_or_else(|| "unknown".to_owned()),
                    next_review_seconds: audit
                        .next_change_ns
                        .map(|ns| ns.div_euclid(1_000_000_000)),
                },
            );
        }
        map.retain(|key, _| known.contains(key));
    }

    /// A request started; the guard ends it.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        header(
            &mut out,
            "riskgate_http_requests_total",
            "counter",
            "HTTP requests by path and status code.",
        );
        for ((path, code), n) in self.requests.snapshot() {
            let _ = writeln!(
                out,
                "riskgate_http_requests_total{{path=\"{path}\",code=\"{code}\"}} {n}"
            );
        }
        header(
            &mut out,
            "riskgate_admission_decisions_total",
            "counter",
            "Admission decisions by object kind, decision and dry run.",
        );
        for ((kind, decision, dry_run), n) in self.decisions.snapshot() {
            let _ = writeln!(
                out,
                "riskgate_admission_decisions_total{{kind=\"{kind}\",decision=\"{decision}\",dry_run=\"{dry_run}\"}} {n}"
            );
        }
        header(
            &mut out,
            "riskgate_admission_duration_seconds",
            "histogram",
            "Time to answer a /validate request, from the first byte read to the response.",
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency.buckets) {
            let _ = writeln!(
                out,
                "riskgate_admission_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.latency.count.load(Ordering::Relaxed);
        let sum = self.latency.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            out,
            "riskgate_admission_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(out, "riskgate_admission_duration_seconds_sum {sum}");
        let _ = writeln!(out, "riskgate_admission_duration_seconds_count {count}");
        header(
            &mut out,
            "riskgate_in_flight_requests",
            "gauge",
            "Requests being served.",
        );
        let _ = writeln!(
            out,
            "riskgate_in_flight_requests {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        header(
            &mut out,
            "riskgate_policy_info",
            "gauge",
            "The policy set in use: content hash and source.",
        );
        {
            let policy = match self.policy.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            let _ = writeln!(
                out,
                "riskgate_policy_info{{version=\"{}\",source=\"{}\"}} 1",
                escape(&policy.0),
                escape(&policy.1)
            );
        }
        for (name, help, counter) in [
            (
                "riskgate_policy_reloads_total",
                "Policy reloads by result (error: the old policy kept serving).",
                &self.policy_reloads,
            ),
            (
                "riskgate_tls_reloads_total",
                "Certificate reloads by result (error: the old certificate kept serving).",
                &self.tls_reloads,
            ),
            (
                "riskgate_release_fetches_total",
                "Reads of the ModelRelease a workload references from the API server (when the watch's store does not hold it), by result (found, not_found, error).",
                &self.release_fetches,
            ),
        ] {
            header(&mut out, name, "counter", help);
            for (result, n) in counter.snapshot() {
                let _ = writeln!(out, "{name}{{result=\"{result}\"}} {n}");
            }
        }
        for (name, help, counter) in [
            (
                "riskgate_release_store_hits_total",
                "Workload checks whose ModelRelease came from the watch's store (no API request).",
                &self.release_store_hits,
            ),
            (
                "riskgate_release_watch_errors_total",
                "Failures of the ModelRelease watch (each retried with backoff).",
                &self.release_watch_errors,
            ),
        ] {
            header(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", counter.load(Ordering::Relaxed));
        }
        self.render_audit(&mut out);
        out
    }

    fn render_audit(&self, out: &mut String) {
        let map = match self.audited.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        header(
            out,
            "riskgate_audit_releases",
            "gauge",
            "Releases by their last audit's compliance (compliant, non_compliant, error), the decision admission would take (pass, warn, deny, error) and risk tier.",
        );
        let mut counts: BTreeMap<(&str, &str, &str), u64> = BTreeMap::new();
        for release in map.values() {
            *counts
                .entry((release.compliance, release.admission, &release.tier))
                .or_insert(0) += 1;
        }
        for ((compliance, admission, tier), n) in counts {
            let _ = writeln!(
                out,
                "riskgate_audit_releases{{compliance=\"{compliance}\",admission=\"{admission}\",tier=\"{}\"}} {n}",
                escape(tier)
            );
        }
        header(
            out,
            "riskgate_audit_next_review_timestamp_seconds",
            "gauge",
            "When each release's audit result next changes (Unix time; absent: nothing within 90 days).",
        );
        for ((namespace, name), release) in map.iter() {
            if let Some(at) = release.next_review_seconds {
                let _ = writeln!(
                    out,
                    "riskgate_audit_next_review_timestamp_seconds{{namespace=\"{}\",name=\"{}\"}} {at}",
                    escape(namespace),
                    escape(name)
                );
            }
        }
        header(
            out,
            "riskgate_audit_duration_seconds",
            "summary",
            "Time spent in audit passes (evaluation and writes).",
        );
        let _ = writeln!(
            out,
            "riskgate_audit_duration_seconds_sum {}",
            self.audit_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "riskgate_audit_duration_seconds_count {}",
            self.audit_passes.load(Ordering::Relaxed)
        );
    }
}

/// Decrements the in-flight gauge when dropped.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// Escapes a label value.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_counters_histogram_and_policy() {
        let metrics = Metrics::default();
        metrics.request("/validate", 200);
        metrics.request("/validate", 200);
        metrics.decision("ModelRelease", "deny", false);
        metrics.observe(Duration::from_micros(700));
        metrics.set_policy("abc123", "embedded \"stdlib\"");
        metrics.policy_reload("error");
        metrics.release_fetch("not_found");
        metrics.release_store_hit();
        let text = metrics.render();
        for line in [
            "riskgate_http_requests_total{path=\"/validate\",code=\"200\"} 2",
            "riskgate_admission_decisions_total{kind=\"ModelRelease\",decision=\"deny\",dry_run=\"false\"} 1",
            "riskgate_admission_duration_seconds_bucket{le=\"0.0005\"} 0",
            "riskgate_admission_duration_seconds_bucket{le=\"0.001\"} 1",
            "riskgate_admission_duration_seconds_bucket{le=\"+Inf\"} 1",
            "riskgate_admission_duration_seconds_count 1",
            "riskgate_policy_info{version=\"abc123\",source=\"embedded \\\"stdlib\\\"\"} 1",
            "riskgate_policy_reloads_total{result=\"error\"} 1",
            "riskgate_release_fetches_total{result=\"not_found\"} 1",
            "riskgate_release_store_hits_total 1",
            "riskgate_release_watch_errors_total 0",
            "riskgate_in_flight_requests 0",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
    }
}
