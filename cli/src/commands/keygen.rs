//! `riskgate keygen`: a signing key pair for `riskgate sign`,
//! `import --sign-key` and `check --attest`, with the `trust.keys` entry
//! that makes a policy trust it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use riskgate_controls::trust::keys::{Algorithm, Purpose, SigningKey};

use crate::Outcome;

/// Arguments of `riskgate keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Where to write the pair: NAME.pem (private, readable by you only)
    /// and NAME.pub (public); the file name is also the key's id.
    name: PathBuf,
    /// The signature algorithm.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Ed25519)]
    algorithm: AlgorithmArg,
    /// What the key will sign, for the printed `trust.keys` entry
    /// (`artifact`, `evaluation`, `approval`, `waiver`).
    #[arg(long, value_delimiter = ',', value_name = "PURPOSE")]
    signs: Vec<PurposeArg>,
    /// Replace existing files.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AlgorithmArg {
    Ed25519,
    P256,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum PurposeArg {
    Artifact,
    Evaluation,
    Approval,
    Waiver,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(arg: AlgorithmArg) -> Self {
        match arg {
            AlgorithmArg::Ed25519 => Algorithm::Ed25519,
            AlgorithmArg::P256 => Algorithm::P256,
        }
    }
}

impl From<PurposeArg> for Purpose {
    fn from(arg: PurposeArg) -> Self {
        match arg {
            PurposeArg::Artifact => Purpose::Artifact,
            PurposeArg::Evaluation => Purpose::Evaluation,
            PurposeArg::Approval => Purpose::Approval,
            PurposeArg::Waiver => Purpose::Waiver,
        }
    }
}

/// Runs `riskgate keygen`.
pub fn run(args: &KeygenArgs) -> Outcome {
    match keygen(args) {
        Ok(()) => Outcome::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            Outcome::Error
        }
    }
}

fn keygen(args: &KeygenArgs) -> anyhow::Result<()> {
    let private = with_extension(&args.name, "pem");
    let public = with_extension(&args.name, "pub");
    for path in [&private, &public] {
        if path.exists() && !args.force {
            anyhow::bail!(
                "{} exists; keep it, or pass --force to replace it",
                path.display()
            );
        }
    }
    let key = generate(args.algorithm.into())?;
    write_private(&private, &key.to_pem())?;
    let public_pem = key.public_key().to_pem();
    std::fs::write(&public, &public_pem).with_context(|| format!("{}", public.display()))?;
    let id = args
        .name
        .file_name()
        .map_or_else(|| "key".into(), |n| n.to_string_lossy());
    let signs: Vec<Purpose> = args.signs.iter().map(|&p| p.into()).collect();
    eprintln!(
        "wrote {} (private: keep it secret) and {}",
        private.display(),
        public.display()
    );
    // The entry goes to stdout, so it can be appended to an overlay.
    let names: Vec<&str> = signs.iter().map(|p| p.as_str()).collect();
    let mut entry = format!("{id}:\n  signs: [{}]\n", names.join(", "));
    if signs
        .iter()
        .any(|p| matches!(p, Purpose::Approval | Purpose::Waiver))
    {
        entry.push_str("  approver: you@example.com   # the e-mail this key speaks for\n  roles: []                   # e.g. [model_validator]\n");
    }
    entry.push_str("  public_key: |\n");
    for line in public_pem.lines() {
        entry.push_str(&format!("    {line}\n"));
    }
    print!("{entry}");
    Ok(())
}

fn with_extension(name: &Path, extension: &str) -> PathBuf {
    let mut path = name.as_os_str().to_owned();
    path.push(".");
    path.push(extension);
    PathBuf::from(path)
}

/// A key from the operating system's randomness.
fn generate(algorithm: Algorithm) -> anyhow::Result<SigningKey> {
    loop {
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret)
            .map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
        // Only a P-256 draw outside the group order is refused: draw again.
        if let Ok(key) = SigningKey::from_secret_bytes(algorithm, &secret) {
            return Ok(key);
        }
    }
}

/// Writes the private key readable by its owner only, never through a
/// moment where others could read it.
fn write_private(path: &Path, pem: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("{}", path.display()))?;
    #[cfg(unix)]
    {
        // `mode` applies only to a new file; --force over an old one.
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("{}", path.display()))?;
    }
    file.write_all(pem.as_bytes())
        .with_context(|| format!("{}", path.display()))
}
