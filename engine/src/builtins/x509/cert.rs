//! Certificates and certificate requests as OPA returns them: the JSON of
//! Go's `x509.Certificate` / `x509.CertificateRequest`.
//!
//! Byte fields are standard base64, times RFC 3339, enums Go's integers,
//! absent lists `null`. Big integers (serial numbers, RSA moduli, curve
//! points) are numbers, exact up to 128 bits and rounded beyond, as every
//! riskgate number. Elliptic curves are `{}` (Go's curve types have no
//! exported fields).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::traits::PublicKeyParts as _;
use spki::DecodePublicKey as _;
use x509_cert::Certificate;
use x509_cert::der::asn1::{BitString, ObjectIdentifier};
use x509_cert::der::{Any, Decode as _, Encode as _, Tag, Tagged as _};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
    CrlDistributionPoints, ExtendedKeyUsage, NameConstraints, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::request::CertReq;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::builtins::results::{array, object_value, string_array};
use crate::number::Number;
use crate::value::Value;

/// Go's `x509.ExtKeyUsage` values by OID.
const EXT_KEY_USAGES: [(&str, i64); 14] = [
    ("2.5.29.37.0", 0),
    ("1.3.6.1.5.5.7.3.1", 1),
    ("1.3.6.1.5.5.7.3.2", 2),
    ("1.3.6.1.5.5.7.3.3", 3),
    ("1.3.6.1.5.5.7.3.4", 4),
    ("1.3.6.1.5.5.7.3.5", 5),
    ("1.3.6.1.5.5.7.3.6", 6),
    ("1.3.6.1.5.5.7.3.7", 7),
    ("1.3.6.1.5.5.7.3.8", 8),
    ("1.3.6.1.5.5.7.3.9", 9),
    ("1.3.6.1.4.1.311.10.3.3", 10),
    ("2.16.840.1.113730.4.1", 11),
    ("1.3.6.1.4.1.311.2.1.22", 12),
    ("1.3.6.1.4.1.311.61.1.1", 13),
];

/// Extensions Go's parser handles (a critical one not listed is
/// "unhandled").
const HANDLED_EXTENSIONS: [&str; 9] = [
    "2.5.29.15",
    "2.5.29.19",
    "2.5.29.17",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.35",
    "2.5.29.37",
    "2.5.29.32",
    "2.5.29.14",
];

pub(super) fn b64(bytes: &[u8]) -> Value {
    Value::string(&STANDARD.encode(bytes))
}

fn oid_arcs(oid: &ObjectIdentifier) -> Value {
    array(oid.arcs().map(|arc| Value::int(i64::from(arc))).collect())
}

/// An unsigned big-endian integer as a number (rounded beyond 128 bits).
pub(super) fn big_number(bytes: &[u8]) -> Value {
    let decimal = rsa::BigUint::from_bytes_be(bytes).to_str_radix(10);
    Number::parse(&decimal).map_or(Value::Null, Value::Number)
}

/// `null` for an empty list, as Go marshals a nil slice.
fn list_or_null(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        array(items)
    }
}

fn strings_or_null(items: &[String]) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        string_array(items)
    }
}

fn obj(entries: Vec<(&str, Value)>) -> Value {
    object_value(entries.into_iter().map(|(k, v)| (Value::string(k), v)))
}

/// The text of a directory string, as Go's ASN.1 decoder gives it.
fn any_string(any: &Any) -> Option<String> {
    let bytes = any.value();
    match any.tag() {
        Tag::PrintableString
        | Tag::Utf8String
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => String::from_utf8(bytes.to_vec()).ok(),
        Tag::TeletexString => Some(bytes.iter().map(|b| char::from(*b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| match pair {
                    [hi, lo] => u16::from_be_bytes([*hi, *lo]),
                    _ => 0xFFFD,
                })
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// Go's `pkix.Name`.
pub(super) fn name_value(name: &Name) -> Value {
    const LISTS: [(&str, &str); 7] = [
        ("2.5.4.6", "Country"),
        ("2.5.4.10", "Organization"),
        ("2.5.4.11", "OrganizationalUnit"),
        ("2.5.4.7", "Locality"),
        ("2.5.4.8", "Province"),
        ("2.5.4.9", "StreetAddress"),
        ("2.5.4.17", "PostalCode"),
    ];
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut common_name = String::new();
    let mut serial = String::new();
    let mut names = Vec::new();
    for rdn in &name.0 {
        for atv in rdn.0.iter() {
            let text = any_string(&atv.value);
            names.push(obj(vec![
                ("Type", oid_arcs(&atv.oid)),
                ("Value", text.as_deref().map_or(Value::Null, Value::string)),
            ]));
            let Some(text) = text else { continue };
            let oid = atv.oid.to_string();
            match oid.as_str() {
                "2.5.4.3" => common_name = text,
                "2.5.4.5" => serial = text,
                other => {
                    if let Some((_, field)) = LISTS.iter().find(|(o, _)| *o == other) {
                        lists.entry(field).or_default().push(text);
                    }
                }
            }
        }
    }
    let mut entries: Vec<(&str, Value)> = LISTS
        .iter()
        .map(|(_, field)| {
            (
                *field,
                strings_or_null(lists.get(field).map_or(&[][..], Vec::as_slice)),
            )
        })
        .collect();
    entries.push(("CommonName", Value::string(&common_name)));
    entries.push(("SerialNumber", Value::string(&serial)));
    entries.push(("Names", list_or_null(names)));
    entries.push(("ExtraNames", Value::Null));
    obj(entries)
}

/// Go's `x509.SignatureAlgorithm`.
fn signature_algorithm(alg: &x509_cert::spki::AlgorithmIdentifierOwned) -> i64 {
    match alg.oid.to_string().as_str() {
        "1.2.840.113549.1.1.2" => 1,
        "1.2.840.113549.1.1.4" => 2,
        "1.2.840.113549.1.1.5" => 3,
        "1.2.840.113549.1.1.11" => 4,
        "1.2.840.113549.1.1.12" => 5,
        "1.2.840.113549.1.1.13" => 6,
        "1.2.840.10040.4.3" => 7,
        "2.16.840.1.101.3.4.3.2" => 8,
        "1.2.840.10045.4.1" => 9,
        "1.2.840.10045.4.3.2" => 10,
        "1.2.840.10045.4.3.3" => 11,
        "1.2.840.10045.4.3.4" => 12,
        "1.2.840.113549.1.1.10" => match pss_hash(alg) {
            Some(PssHash::Sha256) => 13,
            Some(PssHash::Sha384) => 14,
            Some(PssHash::Sha512) => 15,
            None => 0,
        },
        "1.3.101.112" => 16,
        _ => 0,
    }
}

/// The hash of RSA-PSS parameters.
#[derive(Clone, Copy)]
pub(super) enum PssHash {
    Sha256,
    Sha384,
    Sha512,
}

pub(super) fn pss_hash(alg: &x509_cert::spki::AlgorithmIdentifierOwned) -> Option<PssHash> {
    // The hash OID 2.16.840.1.101.3.4.2.{1,2,3} inside the parameters.
    const PREFIX: [u8; 10] = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
    let params = alg.parameters.as_ref()?.to_der().ok()?;
    let at = params
        .windows(PREFIX.len())
        .position(|window| window == PREFIX)?;
    match params.get(at + PREFIX.len())? {
        1 => Some(PssHash::Sha256),
        2 => Some(PssHash::Sha384),
        3 => Some(PssHash::Sha512),
        _ => None,
    }
}

/// Go's `x509.PublicKeyAlgorithm` and `PublicKey` for a key.
fn public_key(spki: &SubjectPublicKeyInfoOwned) -> (i64, Value) {
    let der = spki.to_der().unwrap_or_default();
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            let key = rsa::RsaPublicKey::from_public_key_der(&der)
                .ok()
                .map(|key| {
                    obj(vec![
                        ("N", big_number(&key.n().to_bytes_be())),
                        ("E", big_number(&key.e().to_bytes_be())),
                    ])
                });
            (1, key.unwrap_or(Value::Null))
        }
        "1.2.840.10040.4.1" => (2, Value::Null),
        "1.2.840.10045.2.1" => (3, ec_point(spki.subject_public_key.raw_bytes())),
        "1.3.101.112" => (4, b64(spki.subject_public_key.raw_bytes())),
        _ => (0, Value::Null),
    }
}

/// An uncompressed SEC1 point as Go's `ecdsa.PublicKey`.
pub(super) fn ec_point(point: &[u8]) -> Value {
    match point.split_first() {
        Some((0x04, coords)) if coords.len() % 2 == 0 => {
            let (x, y) = coords.split_at(coords.len() / 2);
            obj(vec![
                ("Curve", Value::empty_object()),
                ("X", big_number(x)),
                ("Y", big_number(y)),
            ])
        }
        _ => Value::Null,
    }
}

fn rfc3339(time: x509_cert::time::Time) -> Value {
    let seconds = i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(seconds, 0).map_or(Value::Null, |t| {
        Value::string(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    })
}

/// An IP address from a SAN or name constraint (Go's `net.IP` text).
fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => {
            let mut octets = [0_u8; 4];
            octets.copy_from_slice(bytes);
            std::net::Ipv4Addr::from(octets).to_string()
        }
        16 => {
            let mut octets = [0_u8; 16];
            octets.copy_from_slice(bytes);
            let v6 = std::net::Ipv6Addr::from(octets);
            v6.to_ipv4_mapped()
                .map_or_else(|| v6.to_string(), |v4| v4.to_string())
        }
        _ => format!("?{}", crate::builtins::results::hex_lower(bytes)),
    }
}

/// Go's `url.URL` for a URI (the fields it marshals).
fn url_value(uri: &str) -> Value {
    let (rest, fragment) = uri.split_once('#').unwrap_or((uri, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (scheme, rest) = match rest.split_once(':') {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            (scheme, rest)
        }
        _ => ("", rest),
    };
    let (opaque, host, path) = match rest.strip_prefix("//") {
        Some(authority) => {
            let end = authority.find('/').unwrap_or(authority.len());
            (
                "",
                authority.get(..end).unwrap_or(""),
                authority.get(end..).unwrap_or(""),
            )
        }
        None if !scheme.is_empty() && !rest.starts_with('/') => (rest, "", ""),
        None => ("", "", rest),
    };
    obj(vec![
        ("Scheme", Value::string(scheme)),
        ("Opaque", Value::string(opaque)),
        ("User", Value::Null),
        ("Host", Value::string(host)),
        ("Path", Value::string(path)),
        ("RawPath", Value::string("")),
        ("OmitHost", Value::Bool(false)),
        ("ForceQuery", Value::Bool(false)),
        ("RawQuery", Value::string(query)),
        ("Fragment", Value::string(fragment)),
        ("RawFragment", Value::string("")),
    ])
}

/// What the extensions of a certificate say, in Go's terms.
#[derive(Default)]
pub(super) struct Facts {
    pub(super) key_usage: i64,
    pub(super) ext_key_usage: Vec<i64>,
    pub(super) unknown_ext_key_usage: Vec<Value>,
    pub(super) basic_constraints_valid: bool,
    pub(super) is_ca: bool,
    pub(super) max_path_len: i64,
    pub(super) subject_key_id: Option<Vec<u8>>,
    pub(super) authority_key_id: Option<Vec<u8>>,
    pub(super) ocsp_servers: Vec<String>,
    pub(super) issuing_urls: Vec<String>,
    pub(super) dns_names: Vec<String>,
    pub(super) emails: Vec<String>,
    pub(super) ips: Vec<String>,
    pub(super) uris: Vec<String>,
    pub(super) permitted_critical: bool,
    pub(super) permitted_dns: Vec<String>,
    pub(super) excluded_dns: Vec<String>,
    pub(super) permitted_emails: Vec<String>,
    pub(super) excluded_emails: Vec<String>,
    pub(super) permitted_uris: Vec<String>,
    pub(super) excluded_uris: Vec<String>,
    pub(super) crl_points: Vec<String>,
    pub(super) policies: Vec<ObjectIdentifier>,
    pub(super) unhandled_critical: Vec<Value>,
}

fn decode<'a, T: x509_cert::der::Decode<'a>>(ext: &'a Extension) -> Option<T> {
    T::from_der(ext.extn_value.as_bytes()).ok()
}

fn general_names(names: &[GeneralName], facts: &mut Facts) {
    for name in names {
        match name {
            GeneralName::DnsName(s) => facts.dns_names.push(s.to_string()),
            GeneralName::Rfc822Name(s) => facts.emails.push(s.to_string()),
            GeneralName::UniformResourceIdentifier(s) => facts.uris.push(s.to_string()),
            GeneralName::IpAddress(bytes) => facts.ips.push(ip_text(bytes.as_bytes())),
            _ => {}
        }
    }
}

fn uri_of(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::UniformResourceIdentifier(s) => Some(s.to_string()),
        _ => None,
    }
}

fn subtrees(
    trees: Option<&x509_cert::ext::pkix::constraints::name::GeneralSubtrees>,
    dns: &mut Vec<String>,
    emails: &mut Vec<String>,
    uris: &mut Vec<String>,
) {
    for tree in trees.into_iter().flatten() {
        match &tree.base {
            GeneralName::DnsName(s) => dns.push(s.to_string()),
            GeneralName::Rfc822Name(s) => emails.push(s.to_string()),
            GeneralName::UniformResourceIdentifier(s) => uris.push(s.to_string()),
            _ => {}
        }
    }
}

/// Reads the extensions Go interprets.
pub(super) fn facts(extensions: &[Extension]) -> Facts {
    let mut facts = Facts::default();
    for ext in extensions {
        let oid = ext.extn_id.to_string();
        match oid.as_str() {
            "2.5.29.15" => {
                if let Some(bits) = decode::<BitString>(ext) {
                    for (i, set) in bits.bits().enumerate().take(9) {
                        if set {
                            facts.key_usage |= 1 << i;
                        }
                    }
                }
            }
            "2.5.29.19" => {
                if let Some(bc) = decode::<BasicConstraints>(ext) {
                    facts.basic_constraints_valid = true;
                    facts.is_ca = bc.ca;
                    facts.max_path_len = bc.path_len_constraint.map_or(-1, i64::from);
                }
            }
            "2.5.29.17" => {
                if let Some(san) = decode::<SubjectAltName>(ext) {
                    general_names(&san.0, &mut facts);
                }
            }
            "2.5.29.37" => {
                if let Some(eku) = decode::<ExtendedKeyUsage>(ext) {
                    for usage in eku.0 {
                        let text = usage.to_string();
                        match EXT_KEY_USAGES.iter().find(|(o, _)| *o == text) {
                            Some((_, known)) => facts.ext_key_usage.push(*known),
                            None => facts.unknown_ext_key_usage.push(oid_arcs(&usage)),
                        }
                    }
                }
            }
            "2.5.29.14" => {
                if let Some(ski) = decode::<SubjectKeyIdentifier>(ext) {
                    facts.subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
            }
            "2.5.29.35" => {
                if let Some(aki) = decode::<AuthorityKeyIdentifier>(ext) {
                    facts.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
                }
            }
            "1.3.6.1.5.5.7.1.1" => {
                if let Some(aia) = decode::<AuthorityInfoAccessSyntax>(ext) {
                    for access in aia.0 {
                        let Some(uri) = uri_of(&access.access_location) else {
                            continue;
                        };
                        match access.access_method.to_string().as_str() {
                            "1.3.6.1.5.5.7.48.1" => facts.ocsp_servers.push(uri),
                            "1.3.6.1.5.5.7.48.2" => facts.issuing_urls.push(uri),
                            _ => {}
                        }
                    }
                }
            }
            "2.5.29.31" => {
                if let Some(points) = decode::<CrlDistributionPoints>(ext) {
                    for point in points.0 {
                        if let Some(DistributionPointName::FullName(names)) =
                            point.distribution_point
                        {
                            facts.crl_points.extend(names.iter().filter_map(uri_of));
                        }
                    }
                }
            }
            "2.5.29.32" => {
                if let Some(policies) = decode::<CertificatePolicies>(ext) {
                    facts
                        .policies
                        .extend(policies.0.iter().map(|p| p.policy_identifier));
                }
            }
            "2.5.29.30" => {
                if let Some(nc) = decode::<NameConstraints>(ext) {
                    facts.permitted_critical = ext.critical;
                    let mut permitted = (Vec::new(), Vec::new(), Vec::new());
                    subtrees(
                        nc.permitted_subtrees.as_ref(),
                        &mut permitted.0,
                        &mut permitted.1,
                        &mut permitted.2,
                    );
                    let mut excluded = (Vec::new(), Vec::new(), Vec::new());
                    subtrees(
                        nc.excluded_subtrees.as_ref(),
                        &mut excluded.0,
                        &mut excluded.1,
                        &mut excluded.2,
                    );
                    (
                        facts.permitted_dns,
                        facts.permitted_emails,
                        facts.permitted_uris,
                    ) = permitted;
                    (
                        facts.excluded_dns,
                        facts.excluded_emails,
                        facts.excluded_uris,
                    ) = excluded;
                }
            }
            _ => {}
        }
        if ext.critical && !HANDLED_EXTENSIONS.contains(&oid.as_str()) {
            facts.unhandled_critical.push(oid_arcs(&ext.extn_id));
        }
    }
    facts
}

fn extensions_value(extensions: &[Extension]) -> Value {
    list_or_null(
        extensions
            .iter()
            .map(|ext| {
                obj(vec![
                    ("Id", oid_arcs(&ext.extn_id)),
                    ("Critical", Value::Bool(ext.critical)),
                    ("Value", b64(ext.extn_value.as_bytes())),
                ])
            })
            .collect(),
    )
}

fn bytes_or_null(bytes: Option<&Vec<u8>>) -> Value {
    bytes.map_or(Value::Null, |b| b64(b))
}

fn der_b64<T: x509_cert::der::Encode>(value: &T) -> Value {
    value.to_der().map_or(Value::Null, |der| b64(&der))
}

/// A parsed certificate with its original DER.
pub(super) struct Parsed {
    pub(super) cert: Certificate,
    pub(super) raw: Vec<u8>,
    pub(super) facts: Facts,
}

impl Parsed {
    pub(super) fn new(cert: Certificate, raw: Vec<u8>) -> Self {
        let facts = facts(cert.tbs_certificate.extensions.as_deref().unwrap_or(&[]));
        Self { cert, raw, facts }
    }
}

/// Go's `x509.Certificate` JSON; with `uri_strings`, OPA's extra
/// `URIStrings` field.
pub(super) fn certificate_value(parsed: &Parsed, uri_strings: bool) -> Value {
    let cert = &parsed.cert;
    let tbs = &cert.tbs_certificate;
    let facts = &parsed.facts;
    let extensions = tbs.extensions.as_deref().unwrap_or(&[]);
    let (key_algorithm, key) = public_key(&tbs.subject_public_key_info);
    let version = match tbs.version {
        x509_cert::Version::V1 => 1,
        x509_cert::Version::V2 => 2,
        x509_cert::Version::V3 => 3,
    };
    let ints = |items: &[i64]| list_or_null(items.iter().map(|i| Value::int(*i)).collect());
    let mut entries = vec![
        ("Raw", b64(&parsed.raw)),
        ("RawTBSCertificate", der_b64(tbs)),
        (
            "RawSubjectPublicKeyInfo",
            der_b64(&tbs.subject_public_key_info),
        ),
        ("RawSubject", der_b64(&tbs.subject)),
        ("RawIssuer", der_b64(&tbs.issuer)),
        ("Signature", b64(cert.signature.raw_bytes())),
        (
            "SignatureAlgorithm",
            Value::int(signature_algorithm(&cert.signature_algorithm)),
        ),
        ("PublicKeyAlgorithm", Value::int(key_algorithm)),
        ("PublicKey", key),
        ("Version", Value::int(version)),
        ("SerialNumber", big_number(tbs.serial_number.as_bytes())),
        ("Issuer", name_value(&tbs.issuer)),
        ("Subject", name_value(&tbs.subject)),
        ("NotBefore", rfc3339(tbs.validity.not_before)),
        ("NotAfter", rfc3339(tbs.validity.not_after)),
        ("KeyUsage", Value::int(facts.key_usage)),
        ("Extensions", extensions_value(extensions)),
        ("ExtraExtensions", Value::Null),
        (
            "UnhandledCriticalExtensions",
            list_or_null(facts.unhandled_critical.clone()),
        ),
        ("ExtKeyUsage", ints(&facts.ext_key_usage)),
        (
            "UnknownExtKeyUsage",
            list_or_null(facts.unknown_ext_key_usage.clone()),
        ),
        (
            "BasicConstraintsValid",
            Value::Bool(facts.basic_constraints_valid),
        ),
        ("IsCA", Value::Bool(facts.is_ca)),
        ("MaxPathLen", Value::int(facts.max_path_len)),
        (
            "MaxPathLenZero",
            Value::Bool(facts.basic_constraints_valid && facts.max_path_len == 0),
        ),
        ("SubjectKeyId", bytes_or_null(facts.subject_key_id.as_ref())),
        (
            "AuthorityKeyId",
            bytes_or_null(facts.authority_key_id.as_ref()),
        ),
        ("OCSPServer", strings_or_null(&facts.ocsp_servers)),
        (
            "IssuingCertificateURL",
            strings_or_null(&facts.issuing_urls),
        ),
        ("DNSNames", strings_or_null(&facts.dns_names)),
        ("EmailAddresses", strings_or_null(&facts.emails)),
        ("IPAddresses", strings_or_null(&facts.ips)),
        (
            "URIs",
            list_or_null(facts.uris.iter().map(|u| url_value(u)).collect()),
        ),
        (
            "PermittedDNSDomainsCritical",
            Value::Bool(facts.permitted_critical),
        ),
        ("PermittedDNSDomains", strings_or_null(&facts.permitted_dns)),
        ("ExcludedDNSDomains", strings_or_null(&facts.excluded_dns)),
        (
            "PermittedEmailAddresses",
            strings_or_null(&facts.permitted_emails),
        ),
        (
            "ExcludedEmailAddresses",
            strings_or_null(&facts.excluded_emails),
        ),
        (
            "PermittedURIDomains",
            strings_or_null(&facts.permitted_uris),
        ),
        ("ExcludedURIDomains", strings_or_null(&facts.excluded_uris)),
        ("CRLDistributionPoints", strings_or_null(&facts.crl_points)),
        (
            "PolicyIdentifiers",
            list_or_null(facts.policies.iter().map(oid_arcs).collect()),
        ),
        (
            "Policies",
            list_or_null(
                facts
                    .policies
                    .iter()
                    .map(|oid| Value::string(&oid.to_string()))
                    .collect(),
            ),
        ),
    ];
    if uri_strings {
        entries.push(("URIStrings", strings_or_null(&facts.uris)));
    }
    obj(entries)
}

/// Go's `x509.CertificateRequest` JSON.
pub(super) fn request_value(request: &CertReq, raw: &[u8]) -> Value {
    let info = &request.info;
    let mut extensions = Vec::new();
    for attribute in info.attributes.iter() {
        if attribute.oid.to_string() == "1.2.840.113549.1.9.14" {
            for value in attribute.values.iter() {
                if let Ok(req) = value
                    .to_der()
                    .and_then(|der| x509_cert::request::ExtensionReq::from_der(&der))
                {
                    extensions.extend(req.0);
                }
            }
        }
    }
    let facts = facts(&extensions);
    let (key_algorithm, key) = public_key(&info.public_key);
    obj(vec![
        ("Raw", b64(raw)),
        ("RawTBSCertificateRequest", der_b64(info)),
        ("RawSubjectPublicKeyInfo", der_b64(&info.public_key)),
        ("RawSubject", der_b64(&info.subject)),
        ("Version", Value::int(0)),
        ("Signature", b64(request.signature.raw_bytes())),
        (
            "SignatureAlgorithm",
            Value::int(signature_algorithm(&request.algorithm)),
        ),
        ("PublicKeyAlgorithm", Value::int(key_algorithm)),
        ("PublicKey", key),
        ("Subject", name_value(&info.subject)),
        ("Attributes", Value::Null),
        ("Extensions", extensions_value(&extensions)),
        ("ExtraExtensions", Value::Null),
        ("DNSNames", strings_or_null(&facts.dns_names)),
        ("EmailAddresses", strings_or_null(&facts.emails)),
        ("IPAddresses", strings_or_null(&facts.ips)),
        (
            "URIs",
            list_or_null(facts.uris.iter().map(|u| url_value(u)).collect()),
        ),
    ])
}
