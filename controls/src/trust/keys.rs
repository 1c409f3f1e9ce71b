//! Keys: the public keys a policy trusts (`data.riskgate.config.trust.keys`),
//! what each may sign, and the private keys riskgate signs its own
//! decisions with. PEM in, PEM out: SubjectPublicKeyInfo for public keys,
//! PKCS#8 for private keys (what `openssl genpkey` writes).

use std::collections::BTreeSet;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer as _, Verifier as _};
use riskgate_engine::value::Value;

use crate::view::{self, str_at};

/// A public key riskgate can verify with.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// ECDSA over NIST P-256 with SHA-256.
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), Ed25519 or P-256.
    ///
    /// # Errors
    /// When the text is neither.
    pub fn from_pem(pem: &str) -> Result<PublicKey, String> {
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem.trim()) {
            return Ok(PublicKey::Ed25519(key));
        }
        p256::ecdsa::VerifyingKey::from_public_key_pem(pem.trim())
            .map(PublicKey::P256)
            .map_err(|_| {
                "not a PEM public key (SubjectPublicKeyInfo) for Ed25519 or ECDSA P-256".to_owned()
            })
    }

    /// Whether `sig` is this key's signature of `message`. P-256 signatures
    /// may be ASN.1 DER (what cosign writes) or the fixed 64-byte form.
    #[must_use]
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(key) => ed25519_dalek::Signature::from_slice(sig)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            PublicKey::P256(key) => {
                let sig = p256::ecdsa::Signature::from_der(sig)
                    .or_else(|_| p256::ecdsa::Signature::from_slice(sig));
                sig.is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
        }
    }

    /// The key as PEM (SubjectPublicKeyInfo).
    #[must_use]
    pub fn to_pem(&self) -> String {
        let pem = match self {
            PublicKey::Ed25519(key) => key.to_public_key_pem(Default::default()),
            PublicKey::P256(key) => key.to_public_key_pem(Default::default()),
        };
        pem.unwrap_or_default()
    }
}

/// A private key riskgate signs with (`check --attest KEY`).
#[derive(Debug, Clone)]
pub enum SigningKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
    /// ECDSA over NIST P-256 with SHA-256.
    P256(p256::ecdsa::SigningKey),
}

/// The signature algorithms riskgate signs and verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Ed25519.
    Ed25519,
    /// ECDSA over NIST P-256 with SHA-256.
    P256,
}

impl SigningKey {
    /// A new key of `algorithm` from 32 secret random bytes (the caller
    /// draws them, so this module stays free of I/O).
    ///
    /// # Errors
    /// For P-256, when the bytes are not a valid scalar (zero or above the
    /// group order: draw again; the odds are below 2^-32).
    pub fn from_secret_bytes(
        algorithm: Algorithm,
        secret: &[u8; 32],
    ) -> Result<SigningKey, String> {
        match algorithm {
            Algorithm::Ed25519 => Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                secret,
            ))),
            Algorithm::P256 => p256::ecdsa::SigningKey::from_bytes(secret.into())
                .map(SigningKey::P256)
                .map_err(|_| "not a valid P-256 scalar".to_owned()),
        }
    }

    /// The key as PEM `PRIVATE KEY` (PKCS#8), what [`SigningKey::from_pem`]
    /// reads.
    #[must_use]
    pub fn to_pem(&self) -> String {
        let pem = match self {
            SigningKey::Ed25519(key) => key.to_pkcs8_pem(Default::default()),
            SigningKey::P256(key) => key.to_pkcs8_pem(Default::default()),
        };
        pem.map(|p| p.to_string()).unwrap_or_default()
    }

    /// Reads a PEM `PRIVATE KEY` (PKCS#8), Ed25519 or P-256.
    ///
    /// # Errors
    /// When the text is neither.
    pub fn from_pem(pem: &str) -> Result<SigningKey, String> {
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem.trim()) {
            return Ok(SigningKey::Ed25519(key));
        }
        p256::ecdsa::SigningKey::from_pkcs8_pem(pem.trim())
            .map(SigningKey::P256)
            .map_err(|_| {
                "not a PEM private key (PKCS#8) for Ed25519 or ECDSA P-256 \
                 (e.g. from `riskgate keygen`)"
                    .to_owned()
            })
    }

    /// Signs `message`: Ed25519, or ECDSA P-256 in DER.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            SigningKey::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
            SigningKey::P256(key) => {
                let sig: p256::ecdsa::Signature = key.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            SigningKey::P256(key) => PublicKey::P256(*key.verifying_key()),
        }
    }
}

/// What a trusted key may sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Purpose {
    /// The artifact's provenance (`identity.artifact.signature_ref`).
    Artifact,
    /// Evaluation and validation reports.
    Evaluation,
    /// Release approvals (`approvals[].signature_ref`).
    Approval,
    /// Waiver sign-offs (`waivers[].approved_by[].signature_ref`).
    Waiver,
}

impl Purpose {
    /// Every purpose, in the order `signs` lists them.
    pub const ALL: [Purpose; 4] = [
        Purpose::Artifact,
        Purpose::Evaluation,
        Purpose::Approval,
        Purpose::Waiver,
    ];

    /// The name used in `signs`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Artifact => "artifact",
            Purpose::Evaluation => "evaluation",
            Purpose::Approval => "approval",
            Purpose::Waiver => "waiver",
        }
    }

    fn parse(name: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

/// A key the policy trusts, and for what.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// Its id in `trust.keys` (the envelope's `keyid`).
    pub id: String,
    /// The key.
    pub key: PublicKey,
    /// What it may sign.
    pub signs: BTreeSet<Purpose>,
    /// For approval and waiver keys: the approver's e-mail; the key signs
    /// only for that person.
    pub approver: Option<String>,
    /// For approval and waiver keys: the roles the approver holds.
    pub roles: Vec<String>,
}

impl TrustedKey {
    /// Whether this key may sign for `email` in `role`.
    #[must_use]
    pub fn speaks_for(&self, email: Option<&str>, role: &str) -> bool {
        let person = match (&self.approver, email) {
            (Some(approver), Some(email)) => approver.eq_ignore_ascii_case(email),
            _ => false,
        };
        person && self.roles.iter().any(|r| r == role)
    }
}

/// Reads `trust.keys`; each entry that cannot be used is reported as
/// `(key id, why)` and left out, so one bad key never disables the others.
pub(crate) fn read_keys(trust: &Value) -> (Vec<TrustedKey>, Vec<(String, String)>) {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    let Some(Value::Object(entries)) = view::get(trust, "keys") else {
        return (keys, problems);
    };
    for (id, entry) in entries.iter() {
        let id = id.as_str().map_or_else(|| id.to_string(), str::to_owned);
        match read_key(&id, entry) {
            Ok(key) => keys.push(key),
            Err(why) => problems.push((id, why)),
        }
    }
    (keys, problems)
}

fn read_key(id: &str, entry: &Value) -> Result<TrustedKey, String> {
    let pem = str_at(entry, &["public_key"]).ok_or("it has no `public_key` (PEM)")?;
    let key = PublicKey::from_pem(pem)?;
    let strings = |field: &str| -> Vec<String> {
        view::items(entry, &[field])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let mut signs = BTreeSet::new();
    for name in strings("signs") {
        let purpose = Purpose::parse(&name).ok_or_else(|| {
            let known: Vec<&str> = Purpose::ALL.iter().map(|p| p.as_str()).collect();
            format!("`signs` has `{name}`; expected {}", known.join(", "))
        })?;
        signs.insert(purpose);
    }
    if signs.is_empty() {
        return Err("`signs` lists nothing the key may sign".to_owned());
    }
    let approver = str_at(entry, &["approver"]).map(str::to_owned);
    let roles = strings("roles");
    let personal = signs.contains(&Purpose::Approval) || signs.contains(&Purpose::Waiver);
    if personal && (approver.is_none() || roles.is_empty()) {
        return Err(
            "a key that signs approvals or waivers needs `approver` (e-mail) and `roles`"
                .to_owned(),
        );
    }
    Ok(TrustedKey {
        id: id.to_owned(),
        key,
        signs,
        approver,
        roles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_through_pem_and_verify() {
        for algorithm in [Algorithm::Ed25519, Algorithm::P256] {
            let key = SigningKey::from_secret_bytes(algorithm, &[11; 32]).unwrap();
            let read = SigningKey::from_pem(&key.to_pem()).unwrap();
            let public = PublicKey::from_pem(&read.public_key().to_pem()).unwrap();
            assert!(
                public.verify(b"release", &key.sign(b"release")),
                "{algorithm:?}"
            );
            assert!(
                !public.verify(b"other", &key.sign(b"release")),
                "{algorithm:?}"
            );
        }
        assert!(SigningKey::from_secret_bytes(Algorithm::P256, &[0; 32]).is_err());
        assert!(SigningKey::from_secret_bytes(Algorithm::P256, &[0xff; 32]).is_err());
    }

    fn ed25519() -> SigningKey {
        SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7; 32]))
    }

    fn p256() -> SigningKey {
        SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[9; 32]).expect("valid scalar"))
    }

    #[test]
    fn both_key_types_round_trip_through_pem_and_verify_their_signatures() {
        for key in [ed25519(), p256()] {
            let pem = match &key {
                SigningKey::Ed25519(k) => {
                    k.to_pkcs8_pem(Default::default()).expect("pem").to_string()
                }
                SigningKey::P256(k) => k.to_pkcs8_pem(Default::default()).expect("pem").to_string(),
            };
            let read = SigningKey::from_pem(&pem).expect("reads back");
            let public = PublicKey::from_pem(&read.public_key().to_pem()).expect("public");
            let sig = read.sign(b"release");
            assert!(public.verify(b"release", &sig));
            assert!(!public.verify(b"releasE", &sig));
        }
    }

    #[test]
    fn a_key_for_approvals_must_name_its_approver_and_roles() {
        let pem = ed25519().public_key().to_pem();
        let entry = Value::from_json(&serde_json::json!({
            "keys": {
                "alice": {"public_key": pem, "signs": ["approval"]},
                "ci": {"public_key": pem, "signs": ["artifact", "evaluation"]},
                "typo": {"public_key": pem, "signs": ["aproval"]},
            }
        }));
        let (keys, problems) = read_keys(&entry);
        assert_eq!(
            keys.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            ["ci"]
        );
        assert_eq!(problems.len(), 2);
        assert!(
            problems
                .iter()
                .any(|(id, why)| id == "alice" && why.contains("approver"))
        );
        assert!(
            problems
                .iter()
                .any(|(id, why)| id == "typo" && why.contains("`aproval`"))
        );
    }
}
