//! Writing a file so that readers see the old file or the complete new one, never a part.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::execute::args::BoxError;

/// Writes the file at `path` through `write`, atomically: the bytes go to a temporary file in
/// the same directory, which is renamed over `path` only once `write` succeeded and the data
/// was flushed. If `write` fails (or panics), the temporary file is removed and a previous file
/// at `path` is left as it was.
///
/// The rename is atomic on one file system, which a sibling file guarantees. The data is not
/// `fsync`ed: after a crash of the whole machine the new file may be missing, never half there.
///
/// ```
/// let path = std::env::temp_dir().join(format!("hamilton-atomic-doc-{}.txt", std::process::id()));
/// std::fs::write(&path, "old")?;
/// let failed = hamilton_core::io::write_atomically(&path, |w| {
///     use std::io::Write;
///     w.write_all(b"new, but")?;
///     Err("the writer failed midway".into())
/// });
/// assert!(failed.is_err());
/// assert_eq!(std::fs::read_to_string(&path)?, "old");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_atomically<F>(path: &Path, write: F) -> Result<(), BoxError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), BoxError>,
{
    let temp = TempFile::beside(path)?;
    let mut writer = BufWriter::with_capacity(1 << 16, File::create(&temp.path)?);
    write(&mut writer)?;
    writer.flush()?;
    drop(writer);
    std::fs::rename(&temp.path, path)?;
    temp.keep();
    Ok(())
}

/// A temporary file, removed on drop unless kept (renamed into place).
struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    fn beside(target: &Path) -> Result<TempFile, BoxError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = target
            .file_name()
            .ok_or_else(|| format!("`{}` does not name a file", target.display()))?;
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp_name = format!(".{}.{}-{unique}.tmp", name.to_string_lossy(), std::process::id());
        Ok(TempFile { path: target.with_file_name(temp_name), kept: false })
    }

    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("hamilton-atomic-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_no_temporary() {
        let d = dir("fail");
        let target = d.join("out.txt");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomically(&target, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err("disk full".into())
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1, "the temporary file is gone");
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_panicking_writer_leaves_no_temporary() {
        let d = dir("panic");
        let target = d.join("out.txt");
        let result = std::panic::catch_unwind(|| {
            write_atomically(&target, |w| {
                w.write_all(b"partial")?;
                panic!("writer panicked")
            })
        });
        assert!(result.is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn a_successful_write_replaces_the_file() {
        let d = dir("ok");
        let target = d.join("out.txt");
        std::fs::write(&target, "old").unwrap();
        write_atomically(&target, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        std::fs::remove_dir_all(d).unwrap();
    }
}
