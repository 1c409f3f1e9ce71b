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

/// A digest as compared: `algorithm:hex` in lower case, `sha256` (64 hex
/// digits) or `sha512` (128); bare hex of 64 digits is read as sha256,
/// since people write release digests without the prefix. Anything else
/// is not a digest.
#[must_use]
pub fn normalise_digest(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_lowercase();
    let (algorithm, hex) = text.split_once(':').unwrap_or(("sha256", text.as_str()));
    let length = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return None,
    };
    (hex.len() == length && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{algorithm}:{hex}"))
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

    #[test]
    fn written_digests_may_omit_the_prefix_or_use_upper_case() {
        let digest = sha256(b"abc");
        let bare = digest.trim_start_matches(SHA256_PREFIX);
        assert_eq!(normalise_digest(bare).as_deref(), Some(digest.as_str()));
        assert_eq!(
            normalise_digest(&format!(" SHA256:{} ", bare.to_uppercase())).as_deref(),
            Some(digest.as_str())
        );
        assert_eq!(normalise_digest("latest"), None);
        assert_eq!(normalise_digest("md5:abc"), None);
        assert_eq!(
            normalise_digest(&format!("sha512:{}", "a".repeat(128)))
                .as_deref()
                .map(str::len),
            Some(135)
        );
    }
}
