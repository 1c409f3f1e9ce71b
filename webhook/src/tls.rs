//! TLS (rustls with the `ring` provider) with a certificate that is
//! reloaded when its files change: cert-manager rotates the Secret, the
//! kubelet updates the mounted files, new handshakes use the new key.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use anyhow::Context as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls;
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;

/// The serving certificate, swapped on reload.
#[derive(Debug)]
pub struct CertStore {
    current: RwLock<Arc<CertifiedKey>>,
    cert: PathBuf,
    key: PathBuf,
    seen: Mutex<[Option<(SystemTime, u64)>; 2]>,
}

impl CertStore {
    /// Loads the certificate chain and key (PEM).
    pub fn open(cert: PathBuf, key: PathBuf) -> anyhow::Result<Self> {
        let seen = [stamp(&cert), stamp(&key)];
        let current = load(&cert, &key)?;
        Ok(Self {
            current: RwLock::new(Arc::new(current)),
            cert,
            key,
            seen: Mutex::new(seen),
        })
    }

    /// Reloads when either file changed: `Ok(true)` when swapped, `Err`
    /// (old certificate kept) when the new files do not load.
    pub fn reload(&self) -> anyhow::Result<bool> {
        let now = [stamp(&self.cert), stamp(&self.key)];
        {
            let mut seen = match self.seen.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if *seen == now {
                return Ok(false);
            }
            *seen = now;
        }
        let loaded = load(&self.cert, &self.key)?;
        let mut current = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *current = Arc::new(loaded);
        Ok(true)
    }

    /// The rustls server configuration using this store (HTTP/1.1 only).
    pub fn server_config(self: &Arc<Self>) -> anyhow::Result<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("configuring TLS")?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        })
    }
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((
        metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH),
        metadata.len(),
    ))
}

fn load(cert: &Path, key: &Path) -> anyhow::Result<CertifiedKey> {
    let cert_pem = std::fs::read(cert)
        .with_context(|| format!("--tls-cert {}: cannot read", cert.display()))?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("--tls-cert {}: not a PEM certificate", cert.display()))?;
    if chain.is_empty() {
        anyhow::bail!("--tls-cert {}: no certificate in the file", cert.display());
    }
    let key_pem =
        std::fs::read(key).with_context(|| format!("--tls-key {}: cannot read", key.display()))?;
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem)
        .with_context(|| format!("--tls-key {}: not a PEM private key", key.display()))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key_der)
        .with_context(|| format!("--tls-key {}: unsupported key type", key.display()))?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().with_context(|| {
        format!(
            "--tls-key {} does not belong to --tls-cert {}",
            key.display(),
            cert.display()
        )
    })?;
    Ok(certified)
}
