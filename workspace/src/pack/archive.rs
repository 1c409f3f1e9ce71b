//! The archive format of an evidence pack: a gzip-compressed tar of
//! regular files, written deterministically and read as untrusted input.
//!
//! Writing fixes everything a tar records besides names and contents
//! (mtime 0, uid/gid 0, no user or group names, mode 0644, no xattrs) and
//! compresses with a fixed level and no gzip timestamp or file name, so
//! the same members give byte-identical archives.
//!
//! Reading refuses what a pack never contains (directories, symlinks,
//! hard links, devices, global pax headers), names that could land outside
//! an extraction directory (absolute, `..`, empty or `.` components,
//! backslashes) and duplicates, and stops at the [`Limits`] instead of
//! allocating what an archive claims.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};

use super::PackError;

/// Bounds on what reading a pack may allocate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The compressed archive.
    pub max_archive_bytes: u64,
    /// The decompressed tar stream.
    pub max_unpacked_bytes: u64,
    /// One member.
    pub max_member_bytes: u64,
    /// Members, `pack.json` included.
    pub max_members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_archive_bytes: 512 * 1024 * 1024,
            max_unpacked_bytes: 1024 * 1024 * 1024,
            max_member_bytes: 64 * 1024 * 1024,
            max_members: 10_000,
        }
    }
}

/// Writes `members` (path → bytes) as a deterministic tar.gz, in the
/// given order.
pub(super) fn write<'a>(
    members: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, PackError> {
    let gzip = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gzip);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        // `append_data` writes the path (a GNU long-name entry when it
        // does not fit the header) and the checksum.
        tar.append_data(&mut header, path, bytes)
            .map_err(|source| PackError::Write { source })?;
    }
    let mut gzip = tar
        .into_inner()
        .map_err(|source| PackError::Write { source })?;
    gzip.flush().map_err(|source| PackError::Write { source })?;
    gzip.finish().map_err(|source| PackError::Write { source })
}

/// Reads every member of a pack, checking names, kinds and limits.
pub(super) fn read(
    archive: &[u8],
    limits: &Limits,
) -> Result<BTreeMap<String, Vec<u8>>, PackError> {
    let archive_size = u64::try_from(archive.len()).unwrap_or(u64::MAX);
    if archive_size > limits.max_archive_bytes {
        return Err(PackError::Limit {
            what: format!(
                "the archive is {archive_size} bytes, over the limit of {}",
                limits.max_archive_bytes
            ),
        });
    }
    let tar_bytes = gunzip(archive, limits)?;
    let mut entries_reader = tar::Archive::new(tar_bytes.as_slice());
    let entries = entries_reader.entries().map_err(not_a_tar)?;
    let mut members = BTreeMap::new();
    for entry in entries {
        let mut entry = entry.map_err(not_a_tar)?;
        let path = member_path(&entry.path_bytes())?;
        let refuse = |why: String| PackError::UnsafeMember {
            member: path.clone(),
            why,
        };
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            return Err(refuse(match kind {
                tar::EntryType::Symlink => "a symlink (packs hold regular files only)".to_owned(),
                tar::EntryType::Link => "a hard link (packs hold regular files only)".to_owned(),
                tar::EntryType::Directory => {
                    "a directory (packs hold regular files only)".to_owned()
                }
                other => format!("entry type {other:?} (packs hold regular files only)"),
            }));
        }
        if members.len() >= limits.max_members {
            return Err(PackError::Limit {
                what: format!("more than {} members", limits.max_members),
            });
        }
        let size = entry.header().size().map_err(not_a_tar)?;
        if size > limits.max_member_bytes {
            return Err(refuse(format!(
                "{size} bytes, over the member limit of {}",
                limits.max_member_bytes
            )));
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(limits.max_member_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(not_a_tar)?;
        if members.contains_key(&path) {
            return Err(refuse("appears twice".to_owned()));
        }
        members.insert(path, bytes);
    }
    Ok(members)
}

/// Decompresses one gzip stream, refusing trailing bytes (a second stream
/// some readers would see and others not) and output over the limit.
fn gunzip(archive: &[u8], limits: &Limits) -> Result<Vec<u8>, PackError> {
    let mut decoder = flate2::bufread::GzDecoder::new(archive);
    let mut tar_bytes = Vec::new();
    (&mut decoder)
        .take(limits.max_unpacked_bytes.saturating_add(1))
        .read_to_end(&mut tar_bytes)
        .map_err(|source| PackError::Archive {
            why: format!("not a gzip-compressed tar archive ({source})"),
        })?;
    if u64::try_from(tar_bytes.len()).unwrap_or(u64::MAX) > limits.max_unpacked_bytes {
        return Err(PackError::Limit {
            what: format!(
                "the archive unpacks to more than {} bytes",
                limits.max_unpacked_bytes
            ),
        });
    }
    if !decoder.into_inner().is_empty() {
        return Err(PackError::Archive {
            why: "data after the end of the gzip stream".to_owned(),
        });
    }
    Ok(tar_bytes)
}

fn not_a_tar(source: std::io::Error) -> PackError {
    PackError::Archive {
        why: format!("not a valid tar archive ({source})"),
    }
}

/// A member name as stored, if it is a safe relative path.
fn member_path(bytes: &[u8]) -> Result<String, PackError> {
    let path = String::from_utf8_lossy(bytes).into_owned();
    let refuse = |why: &str| PackError::UnsafeMember {
        member: path.clone(),
        why: why.to_owned(),
    };
    if std::str::from_utf8(bytes).is_err() {
        return Err(refuse("the name is not UTF-8"));
    }
    if path.starts_with('/') {
        return Err(refuse("an absolute path"));
    }
    if path.contains('\\') || path.contains('\0') {
        return Err(refuse("a backslash or NUL in the name"));
    }
    for component in path.split('/') {
        match component {
            ".." => return Err(refuse("a `..` component")),
            "" | "." => return Err(refuse("an empty or `.` component")),
            _ => {}
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar.gz with one raw entry, built without the checks `write`
    /// makes, as a hostile archive would be.
    fn hostile(path: &str, kind: tar::EntryType, body: &[u8]) -> Vec<u8> {
        let mut tar = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_old();
        {
            let name = &mut header.as_old_mut().name;
            name[..path.len()].copy_from_slice(path.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_size(body.len() as u64);
        if kind == tar::EntryType::Symlink {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        tar.append(&header, body).unwrap();
        let bytes = tar.into_inner().unwrap();
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gzip.write_all(&bytes).unwrap();
        gzip.finish().unwrap()
    }

    fn refusal(archive: &[u8]) -> String {
        read(archive, &Limits::default()).unwrap_err().to_string()
    }

    #[test]
    fn writing_is_deterministic_and_reads_back() {
        let members = [("a.txt", b"a".as_slice()), ("dir/b.txt", b"bb".as_slice())];
        let first = write(members).unwrap();
        assert_eq!(first, write(members).unwrap());
        let read_back = read(&first, &Limits::default()).unwrap();
        assert_eq!(
            read_back.get("dir/b.txt").map(Vec::as_slice),
            Some(b"bb".as_slice())
        );
        assert_eq!(read_back.len(), 2);
    }

    #[test]
    fn long_names_round_trip() {
        let long = format!("evidence/{}/report.pdf", "nested".repeat(30));
        let archive = write([(long.as_str(), b"x".as_slice())]).unwrap();
        assert!(
            read(&archive, &Limits::default())
                .unwrap()
                .contains_key(&long)
        );
    }

    #[test]
    fn unsafe_members_are_refused() {
        use tar::EntryType::{Directory, Regular, Symlink};
        let cases = [
            ("../escape.txt", Regular, "a `..` component"),
            ("/etc/cron.d/x", Regular, "an absolute path"),
            (
                "evidence/link",
                Symlink,
                "a symlink (packs hold regular files only)",
            ),
            (
                "evidence",
                Directory,
                "a directory (packs hold regular files only)",
            ),
            ("evidence//a.md", Regular, "an empty or `.` component"),
        ];
        for (path, kind, why) in cases {
            assert_eq!(
                refusal(&hostile(path, kind, b"")),
                format!("member `{path}`: {why}")
            );
        }
    }

    #[test]
    fn limits_stop_reading() {
        let archive = write([("big.bin", vec![0u8; 4096].as_slice())]).unwrap();
        let small = Limits {
            max_member_bytes: 1024,
            ..Limits::default()
        };
        assert_eq!(
            read(&archive, &small).unwrap_err().to_string(),
            "member `big.bin`: 4096 bytes, over the member limit of 1024"
        );
        let tiny = Limits {
            max_unpacked_bytes: 100,
            ..Limits::default()
        };
        assert!(
            read(&archive, &tiny)
                .unwrap_err()
                .to_string()
                .contains("unpacks to more than 100 bytes")
        );
        let mut trailing = archive.clone();
        trailing.extend_from_slice(&archive);
        assert!(refusal(&trailing).contains("data after the end of the gzip stream"));
        assert!(refusal(b"not gzip").contains("not a gzip-compressed tar archive"));
    }
}
