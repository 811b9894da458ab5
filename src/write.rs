//! The only step that touches the output folder. The new site is written beside it, file by file
//! as it is rendered, and swapped in by renaming, so readers (a web server serving the folder) see
//! the old site or the new one, never a mixture, and a failed build leaves the old one in place.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::load::StaticFile;
use crate::render::{OutputFile, Sink};

/// A new site being written beside the output folder, file by file as it is rendered; it
/// replaces the output only on [`Staging::commit`].
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    previous: Option<PathBuf>,
    /// Folders made so far, so that each is made once.
    folders: Mutex<HashSet<PathBuf>>,
    /// Files whose bytes matched the previous build and were linked instead of written.
    unchanged: AtomicUsize,
}

impl Staging {
    pub fn new(output: &Path) -> io::Result<Staging> {
        let dir = sibling(output, "viikko-new");
        remove_if_exists(&dir)?;
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            output: output.to_path_buf(),
            previous: output.is_dir().then(|| output.to_path_buf()),
            dir,
            folders: Mutex::new(HashSet::new()),
            unchanged: AtomicUsize::new(0),
        })
    }

    fn folder(&self, folder: &Path) -> io::Result<()> {
        let known = |folders: &HashSet<PathBuf>| folders.contains(folder);
        if self.folders.lock().is_ok_and(|f| known(&f)) {
            return Ok(());
        }
        fs::create_dir_all(folder)?;
        if let Ok(mut folders) = self.folders.lock() {
            folders.insert(folder.to_path_buf());
        }
        Ok(())
    }

    /// Copies the content's own files (images, documents), then swaps the new site in. Returns
    /// how many rendered files were unchanged.
    pub fn commit(self, statics: &[StaticFile]) -> io::Result<usize> {
        for file in statics {
            let target = self.dir.join(&file.output);
            if let Some(folder) = target.parent() {
                self.folder(folder)?;
            }
            fs::copy(&file.path, target)?;
        }
        let retired = sibling(&self.output, "viikko-old");
        remove_if_exists(&retired)?;
        if self.output.exists() {
            fs::rename(&self.output, &retired)?;
        }
        if let Err(error) = fs::rename(&self.dir, &self.output) {
            // Put the old site back rather than leave none.
            let _ = fs::rename(&retired, &self.output);
            return Err(error);
        }
        remove_if_exists(&retired)?;
        Ok(self.unchanged.into_inner())
    }

    /// Drops the half-made site; the output folder was never touched.
    pub fn abandon(self) {
        let _ = remove_if_exists(&self.dir);
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        self.put_parts(file.path, &[&file.bytes])
    }

    fn put_parts(&self, path: String, parts: &[&[u8]]) -> io::Result<()> {
        let previous = self.previous.as_ref().map(|p| p.join(&path));
        let path = self.dir.join(&path);
        let same = path
            .parent()
            .map_or(Ok(()), |folder| self.folder(folder))
            .and_then(|()| put(&path, parts, previous))
            .map_err(|e| {
                io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
            })?;
        if same {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// Writes the bytes `parts` join at `path`, or hard-links the previous build's file when it has
/// the same bytes, so an unchanged rebuild writes no data. Returns whether the file was
/// unchanged.
fn put(path: &Path, parts: &[&[u8]], previous: Option<PathBuf>) -> io::Result<bool> {
    let len: usize = parts.iter().map(|part| part.len()).sum();
    if let Some(previous) = previous
        && holds(&previous, len, parts)
        && fs::hard_link(&previous, path).is_ok()
    {
        return Ok(true);
    }
    let file = fs::File::create(path)?;
    // A page is one part, written as it is; a feed's many small events go through a buffer.
    match parts {
        [bytes] => (&file).write_all(bytes)?,
        _ => {
            let mut file = io::BufWriter::with_capacity(len.min(BUFFER), file);
            for part in parts {
                file.write_all(part)?;
            }
            file.flush()?;
        }
    }
    Ok(false)
}

/// Enough to write or compare a feed in a few large calls rather than one per event.
const BUFFER: usize = 64 * 1024;

/// Whether the file at `path` holds exactly the `len` bytes `parts` join.
fn holds(path: &Path, len: usize, parts: &[&[u8]]) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.len() == len as u64) {
        return false;
    }
    let mut file = io::BufReader::with_capacity(len.min(BUFFER), file);
    let mut old = Vec::new();
    parts.iter().all(|part| {
        old.resize(part.len(), 0);
        file.read_exact(&mut old).is_ok() && old == *part
    })
}

/// `public` → `public.viikko-new`, in the same folder so the final rename stays on one file system.
pub fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!("{name}.{suffix}"))
}

pub fn remove_if_exists(path: &Path) -> io::Result<()> {
    match remove_tree(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// `fs::remove_dir_all`, with the folders of a level removed in parallel: an old site has a
/// folder per entry. Like it, removes a link and never what the link points to (an output
/// folder may be a link).
fn remove_tree(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        remove_folder(path)
    } else {
        fs::remove_file(path)
    }
}

fn remove_folder(path: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_folder(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn removing_a_link_keeps_what_it_points_to() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sivusto");
        fs::create_dir_all(target.join("ohjelma")).unwrap();
        fs::write(target.join("ohjelma/index.html"), "pysyy").unwrap();
        let link = dir.path().join("public.viikko-old");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        remove_if_exists(&link).unwrap();
        assert!(fs::symlink_metadata(&link).is_err());
        assert_eq!(
            fs::read_to_string(target.join("ohjelma/index.html")).unwrap(),
            "pysyy"
        );
    }

    #[test]
    fn replaces_the_output_and_links_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |files: &[OutputFile]| {
            let staging = Staging::new(&out).unwrap();
            for f in files {
                staging.put(f.clone()).unwrap();
            }
            staging.commit(&[]).unwrap()
        };
        write(&[file("a/index.html", "A"), file("b.txt", "B")]);
        let written = write(&[file("a/index.html", "A"), file("c.txt", "C")]);
        assert_eq!(written, 1);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
        assert!(
            !out.join("b.txt").exists(),
            "files of the old build are gone"
        );
        assert!(!sibling(&out, "viikko-new").exists() && !sibling(&out, "viikko-old").exists());
    }

    #[test]
    fn a_file_given_in_parts_is_compared_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |parts: &[&[u8]]| {
            let staging = Staging::new(&out).unwrap();
            staging.put_parts("koko.ics".into(), parts).unwrap();
            let unchanged = staging.commit(&[]).unwrap();
            (unchanged, fs::read(out.join("koko.ics")).unwrap())
        };
        assert_eq!(write(&[b"BEGIN", b"", b"END"]), (0, b"BEGINEND".to_vec()));
        assert_eq!(write(&[b"BEG", b"INEND"]), (1, b"BEGINEND".to_vec()));
        assert_eq!(write(&[b"BEGIN", b"END!"]), (0, b"BEGINEND!".to_vec()));
        assert_eq!(write(&[b"BEGIN", b"ENX!"]), (0, b"BEGINENX!".to_vec()));
    }

    #[test]
    fn an_abandoned_build_leaves_the_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.put(file("a.txt", "A")).unwrap();
        staging.commit(&[]).unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put(file("a.txt", "changed")).unwrap();
        staging.abandon();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "A");
        assert!(!sibling(&out, "viikko-new").exists());
    }
}
