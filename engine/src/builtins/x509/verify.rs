//! Chain verification as OPA asks Go's `x509.Certificate.Verify`: the first
//! certificate is the trusted root, the last the leaf, the others
//! intermediates. Checked: signatures (no SHA-1 or MD5, as Go), validity at
//! the evaluation time, CA basic constraints and path lengths of
//! intermediates, extended key usages along the chain, unhandled critical
//! extensions, and the DNS name when one is asked for. Not checked: name
//! constraints.

use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use spki::DecodePublicKey as _;
use x509_cert::der::Encode as _;

use super::cert::{Parsed, PssHash, pss_hash};

/// Go's `x509.ExtKeyUsageAny` and `ExtKeyUsageServerAuth`.
const EKU_ANY: i64 = 0;
const EKU_SERVER_AUTH: i64 = 1;
/// The gated-crypto usages Go accepts for server authentication.
const EKU_SGC: [i64; 2] = [10, 11];

/// Go's limit on signature checks while building chains.
const MAX_SIGNATURE_CHECKS: usize = 100;

/// `x509.VerifyOptions` as OPA exposes them.
pub(super) struct Options {
    /// Seconds since the epoch.
    pub(super) now: i64,
    pub(super) dns_name: Option<String>,
    /// Requested extended key usages; empty is server authentication.
    pub(super) key_usages: Vec<i64>,
}

fn digest(hash: PssHash, message: &[u8]) -> Vec<u8> {
    match hash {
        PssHash::Sha256 => Sha256::digest(message).to_vec(),
        PssHash::Sha384 => Sha384::digest(message).to_vec(),
        PssHash::Sha512 => Sha512::digest(message).to_vec(),
    }
}

fn ecdsa_verify(spki_der: &[u8], prehash: &[u8], signature: &[u8]) -> bool {
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
        return p256::ecdsa::Signature::from_der(signature)
            .is_ok_and(|sig| key.verify_prehash(prehash, &sig).is_ok());
    }
    if let Ok(key) = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der) {
        return p384::ecdsa::Signature::from_der(signature)
            .is_ok_and(|sig| key.verify_prehash(prehash, &sig).is_ok());
    }
    let Ok(point) = p521::PublicKey::from_public_key_der(spki_der) else {
        return false;
    };
    let Ok(key) =
        p521::ecdsa::VerifyingKey::from_sec1_bytes(&p521::EncodedPoint::from(point).to_bytes())
    else {
        return false;
    };
    p521::ecdsa::Signature::from_der(signature)
        .is_ok_and(|sig| key.verify_prehash(prehash, &sig).is_ok())
}

fn rsa_verify(spki_der: &[u8], hash: PssHash, message: &[u8], signature: &[u8], pss: bool) -> bool {
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(spki_der) else {
        return false;
    };
    let hashed = digest(hash, message);
    let result = match (pss, hash) {
        (false, PssHash::Sha256) => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &hashed, signature)
        }
        (false, PssHash::Sha384) => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &hashed, signature)
        }
        (false, PssHash::Sha512) => {
            key.verify(rsa::Pkcs1v15Sign::new::<Sha512>(), &hashed, signature)
        }
        (true, PssHash::Sha256) => key.verify(rsa::Pss::new::<Sha256>(), &hashed, signature),
        (true, PssHash::Sha384) => key.verify(rsa::Pss::new::<Sha384>(), &hashed, signature),
        (true, PssHash::Sha512) => key.verify(rsa::Pss::new::<Sha512>(), &hashed, signature),
    };
    result.is_ok()
}

/// Whether `issuer`'s key made `child`'s signature.
fn signed_by(child: &Parsed, issuer: &Parsed) -> bool {
    let Ok(tbs) = child.cert.tbs_certificate.to_der() else {
        return false;
    };
    let Ok(spki) = issuer.cert.tbs_certificate.subject_public_key_info.to_der() else {
        return false;
    };
    let signature = child.cert.signature.raw_bytes();
    let alg = &child.cert.signature_algorithm;
    match alg.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => rsa_verify(&spki, PssHash::Sha256, &tbs, signature, false),
        "1.2.840.113549.1.1.12" => rsa_verify(&spki, PssHash::Sha384, &tbs, signature, false),
        "1.2.840.113549.1.1.13" => rsa_verify(&spki, PssHash::Sha512, &tbs, signature, false),
        "1.2.840.113549.1.1.10" => {
            pss_hash(alg).is_some_and(|hash| rsa_verify(&spki, hash, &tbs, signature, true))
        }
        "1.2.840.10045.4.3.2" => ecdsa_verify(&spki, &digest(PssHash::Sha256, &tbs), signature),
        "1.2.840.10045.4.3.3" => ecdsa_verify(&spki, &digest(PssHash::Sha384, &tbs), signature),
        "1.2.840.10045.4.3.4" => ecdsa_verify(&spki, &digest(PssHash::Sha512, &tbs), signature),
        "1.3.101.112" => {
            let key = ed25519_dalek::VerifyingKey::from_public_key_der(&spki);
            let sig = ed25519_dalek::Signature::from_slice(signature);
            matches!((key, sig), (Ok(key), Ok(sig)) if key.verify(&tbs, &sig).is_ok())
        }
        // SHA-1, MD5 and unknown algorithms are refused, as Go does.
        _ => false,
    }
}

fn seconds(time: x509_cert::time::Time) -> i64 {
    i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// In its validity period, and without critical extensions Go does not
/// understand.
fn valid_at(cert: &Parsed, now: i64) -> bool {
    let validity = &cert.cert.tbs_certificate.validity;
    cert.facts.unhandled_critical.is_empty()
        && seconds(validity.not_before) <= now
        && now <= seconds(validity.not_after)
}

/// Go's host name matching against the leaf's DNS names (no common-name
/// fallback); `*.` matches one leftmost label.
fn matches_host(cert: &Parsed, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return cert
            .facts
            .ips
            .iter()
            .any(|candidate| candidate.parse::<std::net::IpAddr>().is_ok_and(|c| c == ip));
    }
    cert.facts.dns_names.iter().any(|pattern| {
        let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            Some(suffix) => host
                .split_once('.')
                .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
            None => pattern == host,
        }
    })
}

/// Whether the chain allows every one of some requested usages (Go's
/// `checkChainForKeyUsage`).
fn key_usages_allowed(chain: &[&Parsed], requested: &[i64]) -> bool {
    if requested.contains(&EKU_ANY) {
        return true;
    }
    let mut remaining: Vec<i64> = requested.to_vec();
    for cert in chain.iter().rev() {
        let usages = &cert.facts.ext_key_usage;
        if usages.is_empty() && cert.facts.unknown_ext_key_usage.is_empty() {
            continue;
        }
        if usages.contains(&EKU_ANY) {
            continue;
        }
        remaining.retain(|wanted| {
            usages.contains(wanted)
                || (*wanted == EKU_SERVER_AUTH && usages.iter().any(|u| EKU_SGC.contains(u)))
        });
        if remaining.is_empty() {
            return false;
        }
    }
    true
}

struct Search<'a> {
    certs: &'a [Parsed],
    now: i64,
    checks: usize,
    chains: Vec<Vec<usize>>,
}

impl Search<'_> {
    /// Extends `chain` (leaf first) towards the root at index 0.
    fn extend(&mut self, chain: &mut Vec<usize>) {
        let Some(&current) = chain.last() else { return };
        let Some(child) = self.certs.get(current) else {
            return;
        };
        let last = self.certs.len().saturating_sub(1);
        for candidate in 0..last {
            if chain.contains(&candidate) || self.chains.len() >= 8 {
                continue;
            }
            let Some(issuer) = self.certs.get(candidate) else {
                continue;
            };
            if issuer.cert.tbs_certificate.subject != child.cert.tbs_certificate.issuer {
                continue;
            }
            if !valid_at(issuer, self.now) {
                continue;
            }
            let is_root = candidate == 0;
            let may_sign = issuer.facts.basic_constraints_valid && issuer.facts.is_ca;
            if !is_root && !may_sign {
                continue;
            }
            let intermediates = i64::try_from(chain.len().saturating_sub(1)).unwrap_or(i64::MAX);
            if issuer.facts.basic_constraints_valid
                && issuer.facts.max_path_len >= 0
                && intermediates > issuer.facts.max_path_len
            {
                continue;
            }
            if self.checks >= MAX_SIGNATURE_CHECKS {
                return;
            }
            self.checks += 1;
            if !signed_by(child, issuer) {
                continue;
            }
            chain.push(candidate);
            if is_root {
                self.chains.push(chain.clone());
            } else {
                self.extend(chain);
            }
            chain.pop();
        }
    }
}

/// The verified chain, leaf first, or `None`.
pub(super) fn verify<'a>(certs: &'a [Parsed], options: &Options) -> Option<Vec<&'a Parsed>> {
    if certs.len() < 2 {
        return None;
    }
    let leaf_index = certs.len() - 1;
    let leaf = certs.get(leaf_index)?;
    let root = certs.first()?;
    if !valid_at(leaf, options.now) {
        return None;
    }
    if let Some(host) = &options.dns_name
        && !host.is_empty()
        && !matches_host(leaf, host)
    {
        return None;
    }
    let chains = if leaf.raw == root.raw {
        vec![vec![leaf_index]]
    } else {
        let mut search = Search {
            certs,
            now: options.now,
            checks: 0,
            chains: Vec::new(),
        };
        search.extend(&mut vec![leaf_index]);
        search.chains
    };
    let requested = if options.key_usages.is_empty() {
        vec![EKU_SERVER_AUTH]
    } else {
        options.key_usages.clone()
    };
    chains.into_iter().find_map(|chain| {
        let chain: Vec<&Parsed> = chain.iter().filter_map(|i| certs.get(*i)).collect();
        key_usages_allowed(&chain, &requested).then_some(chain)
    })
}
