//! DSSE envelopes (<https://github.com/secure-systems-lab/dsse>) carrying
//! in-toto Statements v1, signed with Ed25519 or ECDSA P-256.
//!
//! Hand-written because the Rust crates lag the specs: `in-toto` stops at
//! Statement v0.1 and no maintained crate verifies DSSE with both key types.
//! Only the wire format lives here; which key may sign what is decided in
//! [`super::keys`] and [`super`].
//!
//! INVARIANT: a payload is returned only after a signature over its
//! pre-authentication encoding (PAE) verified; nothing in an unverified
//! payload is ever read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::keys::{SigningKey, TrustedKey};

/// The payload type of an in-toto Statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The `_type` of an in-toto Statement v1.
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";

/// A DSSE envelope as serialised in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// What the payload is (`application/vnd.in-toto+json`).
    pub payload_type: String,
    /// Base64 of the payload bytes.
    pub payload: String,
    /// Signatures over the PAE of type and payload.
    pub signatures: Vec<Signature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Which key signed (the trusted key's id in riskgate's data).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// Base64 of the signature.
    pub sig: String,
}

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// `https://in-toto.io/Statement/v1`.
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The artifacts the statement is about.
    pub subject: Vec<Subject>,
    /// What kind of claim the predicate makes.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The claim.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

/// An artifact named by its digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// A name for humans, e.g. the release name.
    #[serde(default)]
    pub name: String,
    /// Algorithm → lowercase hex, e.g. `{"sha256": "4f1c…"}`.
    pub digest: std::collections::BTreeMap<String, String>,
}

impl Statement {
    /// Whether a subject carries `digest` (`algo:hex`, as manifests write it).
    #[must_use]
    pub fn names_digest(&self, digest: &str) -> bool {
        let Some((algo, hex)) = digest.split_once(':') else {
            return false;
        };
        self.subject.iter().any(|s| {
            s.digest
                .get(algo)
                .is_some_and(|h| h.eq_ignore_ascii_case(hex))
        })
    }
}

/// Why an envelope was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// Not a DSSE envelope.
    #[error("not a DSSE envelope: {0}")]
    Malformed(String),
    /// No trusted key for the purpose verified any signature.
    #[error("no signature verifies with a key trusted to sign {0}")]
    Untrusted(String),
    /// The verified payload is not an in-toto Statement v1.
    #[error("the signed payload is not an in-toto Statement v1: {0}")]
    NotAStatement(String),
}

/// The pre-authentication encoding signatures cover.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Parses an envelope from JSON bytes.
    ///
    /// # Errors
    /// When the bytes are not a DSSE envelope.
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        serde_json::from_slice(bytes).map_err(|e| EnvelopeError::Malformed(e.to_string()))
    }

    /// Signs `statement` with `key`, recorded under `keyid`.
    #[must_use]
    pub fn sign(statement: &Statement, key: &SigningKey, keyid: &str) -> Envelope {
        let payload = serde_json::to_vec(statement).unwrap_or_default();
        let sig = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, &payload));
        Envelope {
            payload_type: IN_TOTO_PAYLOAD_TYPE.to_owned(),
            payload: STANDARD.encode(&payload),
            signatures: vec![Signature {
                keyid: keyid.to_owned(),
                sig: STANDARD.encode(sig),
            }],
        }
    }

    /// The statement, once a signature by one of `keys` verified; also
    /// returns the key that signed. A signature's `keyid` selects the key
    /// of that id; a key without an id (one given on the command line)
    /// is tried for every signature. `purpose` names what the keys were
    /// chosen for, for the error message.
    ///
    /// # Errors
    /// When the envelope is malformed, no key verifies it, or the payload
    /// is not an in-toto Statement v1.
    pub fn open<'k>(
        &self,
        keys: &[&'k TrustedKey],
        purpose: &str,
    ) -> Result<(Statement, &'k TrustedKey), EnvelopeError> {
        let payload = STANDARD
            .decode(self.payload.as_bytes())
            .map_err(|e| EnvelopeError::Malformed(format!("payload is not base64: {e}")))?;
        let message = pae(&self.payload_type, &payload);
        let signer = self.signatures.iter().find_map(|signature| {
            let sig = STANDARD.decode(signature.sig.as_bytes()).ok()?;
            keys.iter()
                .filter(|k| {
                    signature.keyid.is_empty() || k.id.is_empty() || signature.keyid == k.id
                })
                .find(|k| k.key.verify(&message, &sig))
                .copied()
        });
        let Some(signer) = signer else {
            return Err(EnvelopeError::Untrusted(purpose.to_owned()));
        };
        if self.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(EnvelopeError::NotAStatement(format!(
                "payload type is `{}`",
                self.payload_type
            )));
        }
        let statement: Statement = serde_json::from_slice(&payload)
            .map_err(|e| EnvelopeError::NotAStatement(e.to_string()))?;
        if statement.statement_type != STATEMENT_V1 {
            return Err(EnvelopeError::NotAStatement(format!(
                "`_type` is `{}`",
                statement.statement_type
            )));
        }
        Ok((statement, signer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::Purpose;

    fn p256() -> SigningKey {
        SigningKey::P256(p256::ecdsa::SigningKey::from_slice(&[9; 32]).expect("valid scalar"))
    }

    fn trusted(id: &str, key: &SigningKey) -> TrustedKey {
        TrustedKey {
            id: id.to_owned(),
            key: key.public_key(),
            signs: [Purpose::Artifact].into(),
            approver: None,
            roles: Vec::new(),
        }
    }

    fn statement() -> Statement {
        Statement {
            statement_type: STATEMENT_V1.to_owned(),
            subject: vec![Subject {
                name: "m".to_owned(),
                digest: [("sha256".to_owned(), "AB12".to_owned())].into(),
            }],
            predicate_type: "https://slsa.dev/provenance/v1".to_owned(),
            predicate: serde_json::json!({}),
        }
    }

    #[test]
    fn a_p256_envelope_opens_only_with_its_key_and_untouched() {
        let key = p256();
        let envelope = Envelope::sign(&statement(), &key, "ci");
        let ci = trusted("ci", &key);
        let (opened, signer) = envelope.open(&[&ci], "artifacts").expect("verifies");
        assert_eq!(signer.id, "ci");
        assert!(opened.names_digest("sha256:ab12"));
        assert!(!opened.names_digest("sha256:ab13"));
        // The keyid selects the key: the same key under another id is not it.
        let other = trusted("other", &key);
        assert_eq!(
            envelope.open(&[&other], "artifacts").map(|_| ()),
            Err(EnvelopeError::Untrusted("artifacts".to_owned()))
        );
        // PAE covers the payload type as well as the payload.
        let mut retyped = envelope.clone();
        retyped.payload_type = "application/json".to_owned();
        assert!(matches!(
            retyped.open(&[&ci], "artifacts"),
            Err(EnvelopeError::Untrusted(_))
        ));
        let mut edited = envelope;
        edited.payload = STANDARD.encode(b"{}");
        assert!(matches!(
            edited.open(&[&ci], "artifacts"),
            Err(EnvelopeError::Untrusted(_))
        ));
    }

    #[test]
    fn pae_matches_the_spec_example() {
        // The DSSE protocol document's worked example.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }
}
