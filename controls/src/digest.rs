//! Content digests as riskgate writes them: `sha256:` and 64 lower-case
//! hex digits, the form manifests use for artifact and document digests.

use sha2::{Digest, Sha256};

/// The prefix of every digest riskgate writes.
pub const SHA256_PREFIX: &str = "sha256:";

/// The sha256 of `bytes` as `sha256:<hex>`.
#[must_use]
pub fn sha256(bytes: &[u8]) -> String {
    format_sha256(&Sha256::digest(bytes))
}

/// A finished sha256 hash as `sha256:<hex>`.
#[must_use]
pub fn format_sha256(hash: &[u8]) -> String {
    let mut text = String::with_capacity(SHA256_PREFIX.len() + hash.len() * 2);
    text.push_str(SHA256_PREFIX);
    for byte in hash {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Whether a digest written by a person (`SHA256:AB…`) names the same
/// content as one riskgate computed: the algorithm and hex digits compare
/// without regard to case.
#[must_use]
pub fn same_digest(claimed: &str, computed: &str) -> bool {
    claimed.trim().eq_ignore_ascii_case(computed)
}

/// Shortens a digest for hints and warnings: `sha256:4f1c9a7e2b8d…`.
#[must_use]
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) if hex.chars().count() > 12 => {
            format!("{algo}:{}…", hex.chars().take(12).collect::<String>())
        }
        _ => digest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn digests_compare_without_case() {
        let computed = sha256(b"abc");
        assert!(same_digest(&computed.to_uppercase(), &computed));
        assert!(!same_digest("sha256:00", &computed));
    }
}
