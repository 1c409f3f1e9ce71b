//! The MLflow REST client: the importers' only network I/O.

use std::time::Duration;

use crate::ImportError;
use crate::codes;
use crate::source::SourceFile;

/// A blocking client for one tracking server.
pub struct Client {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    /// A client for `tracking_uri`, sending `token` as a bearer token
    /// (`MLFLOW_TRACKING_TOKEN`) when given.
    #[must_use]
    pub fn new(tracking_uri: &str, token: Option<String>, timeout: Duration) -> Self {
        // ring is the one crypto provider of the workspace; installing it
        // fails only when a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .new_agent();
        Self {
            base: tracking_uri.trim_end_matches('/').to_owned(),
            token,
            agent,
        }
    }

    /// `GET /api/2.0/mlflow/model-versions/get`.
    ///
    /// # Errors
    /// `E6004` when the request fails or the server answers with an error.
    pub fn model_version(&self, name: &str, version: &str) -> Result<SourceFile, ImportError> {
        self.get(
            "/api/2.0/mlflow/model-versions/get",
            &[("name", name), ("version", version)],
        )
    }

    /// `GET /api/2.0/mlflow/runs/get`.
    ///
    /// # Errors
    /// `E6004` when the request fails or the server answers with an error.
    pub fn run(&self, run_id: &str) -> Result<SourceFile, ImportError> {
        self.get("/api/2.0/mlflow/runs/get", &[("run_id", run_id)])
    }

    /// `GET /api/2.0/mlflow/logged-models/{model_id}` (MLflow 3).
    ///
    /// # Errors
    /// `E6004` when the request fails or the server answers with an error.
    pub fn logged_model(&self, model_id: &str) -> Result<SourceFile, ImportError> {
        // MLflow's ids are `m-<hex>`; escaping keeps any other id one segment.
        let segment: String = url_segment(model_id);
        self.get(&format!("/api/2.0/mlflow/logged-models/{segment}"), &[])
    }

    fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<SourceFile, ImportError> {
        let url = format!("{}{path}", self.base);
        let failed = |detail: String| {
            ImportError::general(&codes::IMPORT_REQUEST_FAILED, format!("GET {url} {detail}"))
        };
        let mut request = self.agent.get(&url);
        for (key, value) in query {
            request = request.query(*key, *value);
        }
        if let Some(token) = &self.token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        let mut response = request.call().map_err(|e| {
            failed(format!("failed: {e}"))
                .with_help("check --tracking-uri and that the server is running")
        })?;
        let status = response.status();
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| failed(format!("returned an unreadable body: {e}")))?;
        if !status.is_success() {
            // MLflow errors are `{"error_code": ..., "message": ...}`.
            let detail = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| {
                    Some(format!(
                        "{}: {}",
                        v.get("error_code")?.as_str()?,
                        v.get("message")
                            .and_then(|m| m.as_str())
                            .unwrap_or_default()
                    ))
                })
                .unwrap_or_else(|| body.chars().take(200).collect());
            return Err(failed(format!(
                "returned HTTP {}: {detail}",
                status.as_u16()
            )));
        }
        Ok(SourceFile::new(&url, &body))
    }
}

/// `text` percent-encoded as one URL path segment.
fn url_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
