//! The only step that touches the output folder. The new site is written beside it, file by file
//! as it is rendered, and swapped in by one rename, so readers (a web server serving the folder)
//! see the old site or the new one, never a mixture or nothing, and a failed build leaves the old
//! one in place.
//!
//! A build replaces its output folder whole, so the folder must be viikko's to replace: absent,
//! empty, or marked by an earlier build. Anything else (a folder of documents, the content
//! itself) is refused, and nothing is removed or written through that viikko did not make.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::load::StaticFile;
use crate::output::{OutputFile, Sink};

/// The file that marks a folder as a viikko output, which a later build may replace.
pub const MARKER: &str = ".viikko-output";
const MARKER_TEXT: &str =
    "This folder is made by `viikko build`, which replaces all of it at every build.\n";

/// The folder a build may write to for `output`: `output` itself, or the folder it links to.
/// Refuses a path that holds anything viikko did not make, or that holds or lies inside the
/// site's own sources.
pub fn claim(root: &Path, output: &Path) -> Result<PathBuf, String> {
    let shown = output.display();
    let output = match fs::symlink_metadata(output) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(output)
            .map_err(|e| format!("the output {shown} is a link that cannot be followed: {e}"))?,
        _ => output.to_path_buf(),
    };
    let absolute = absolute(&output);
    for (folder, what) in [("content", "the content"), ("themes", "the themes")] {
        let Ok(sources) = fs::canonicalize(root.join(folder)) else {
            continue;
        };
        if sources.starts_with(&absolute) {
            return Err(format!(
                "the output {shown} holds {what} ({}): a build replaces its output folder \
                 whole; give --output a folder of its own, such as {}",
                sources.display(),
                root.join("public").display()
            ));
        }
        if absolute.starts_with(&sources) {
            return Err(format!(
                "the output {shown} is inside {what} ({}): give --output a folder outside it",
                sources.display()
            ));
        }
    }
    match ownership(&output) {
        Ownership::Foreign(why) => Err(format!(
            "the output {shown} {why}; a build replaces its output folder whole, so viikko \
             writes only into a folder that is empty or that it made (it has a `{MARKER}` \
             file). Choose another --output, or move the files away first"
        )),
        _ => Ok(output),
    }
}

/// `path` made absolute, with the links of its existing part resolved.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(path) = fs::canonicalize(path) {
        return path;
    }
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => absolute(parent).join(name),
        _ => path,
    }
}

enum Ownership {
    Absent,
    /// An empty folder, or one an earlier build made.
    Ours,
    /// Why viikko must not replace it.
    Foreign(&'static str),
}

fn ownership(path: &Path) -> Ownership {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ownership::Absent,
        Err(_) => return Ownership::Foreign("cannot be read"),
    };
    if !meta.is_dir() {
        return Ownership::Foreign("is a file, not a folder");
    }
    let empty = fs::read_dir(path).is_ok_and(|mut items| items.next().is_none());
    match marked(path) || empty {
        true => Ownership::Ours,
        false => Ownership::Foreign("holds files that viikko did not make"),
    }
}

/// Whether `path` is a folder (not a link to one) holding the marker of a viikko output.
fn marked(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Removes `path` if viikko made it (or it is empty); refuses to touch anything else.
fn remove_ours(path: &Path) -> io::Result<()> {
    match ownership(path) {
        Ownership::Absent => Ok(()),
        Ownership::Ours => remove_output(path),
        Ownership::Foreign(why) => Err(io::Error::other(format!(
            "{} {why}; viikko uses this name for a build in progress: move it away",
            path.display()
        ))),
    }
}

/// Finishes what an interrupted build left: if it stopped between the two renames of a swap
/// that could not be made in one, the output is missing and the old site is beside it.
fn recover(output: &Path) -> io::Result<()> {
    let retired = sibling(output, "viikko-old");
    if matches!(ownership(output), Ownership::Absent) && marked(&retired) {
        fs::rename(&retired, output)?;
    }
    remove_ours(&retired)?;
    remove_ours(&sibling(output, "viikko-new"))
}

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
    /// Starts a build into `output`, which [`claim`] has accepted.
    pub fn new(output: &Path) -> io::Result<Staging> {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        recover(output)?;
        let dir = sibling(output, "viikko-new");
        fs::create_dir(&dir)?;
        let previous = output.is_dir().then(|| output.to_path_buf());
        let marker = previous.as_ref().map(|p| p.join(MARKER));
        put(&dir.join(MARKER), &[MARKER_TEXT.as_bytes()], marker)?;
        Ok(Staging {
            output: output.to_path_buf(),
            previous,
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

    /// Copies the content's own files (images, documents), each into a file of its own: never
    /// through a link into the live site, and never from a link the content gained after it
    /// was read.
    pub fn add_statics(&self, statics: &[StaticFile]) -> io::Result<()> {
        for file in statics {
            let target = self.dir.join(&file.output);
            if let Some(folder) = target.parent() {
                self.folder(folder)?;
            }
            let mut from = open_no_follow(&file.path)?;
            let mut to = fs::File::create_new(&target)?;
            io::copy(&mut from, &mut to)?;
        }
        Ok(())
    }

    /// Swaps the new site in. Returns how many rendered files were unchanged.
    pub fn commit(self) -> io::Result<usize> {
        let unchanged = self.unchanged.into_inner();
        if matches!(ownership(&self.output), Ownership::Absent) {
            fs::rename(&self.dir, &self.output)?;
            return Ok(unchanged);
        }
        if exchange(&self.dir, &self.output).is_ok() {
            // The old site is where the new one was made; the next build removes it if this
            // one cannot.
            let _ = remove_output(&self.dir);
            return Ok(unchanged);
        }
        // Where the file system cannot exchange two folders: two renames, and if the build
        // stops between them, the next one puts the old site back first.
        let retired = sibling(&self.output, "viikko-old");
        remove_ours(&retired)?;
        fs::rename(&self.output, &retired)?;
        if let Err(error) = fs::rename(&self.dir, &self.output) {
            let _ = fs::rename(&retired, &self.output);
            return Err(error);
        }
        let _ = remove_output(&retired);
        Ok(unchanged)
    }

    /// Drops the half-made site; the output folder was never touched.
    pub fn abandon(self) {
        let _ = remove_output(&self.dir);
    }
}

/// The text of a file the previous build published, if there is one.
pub fn published(output: &Path, path: &str) -> Option<String> {
    fs::read_to_string(output.join(path)).ok()
}

/// Replaces the file at `path` with `bytes` in one step: written beside it, flushed to the disk,
/// then renamed over it. A crash or a full disk leaves the old file or the new one, never a part
/// of one, and a link at `path` is replaced, never written through.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.viikko-tmp"));
    let _ = fs::remove_file(&temporary);
    let written = fs::File::create_new(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// Exchanges two folders in one step, so the output path never stands empty.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Opens a file for reading, refusing a symbolic link.
fn open_no_follow(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    options.open(path)
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
    // A new file, never one already there: that could be a link into the live site.
    let file = fs::File::create_new(path)?;
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

/// Removes an output folder viikko made, its marker last: a build stopped half-way through
/// leaves a folder that is still marked as viikko's, which the next build finishes removing.
fn remove_output(path: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = match fs::read_dir(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        entries => entries?.collect::<io::Result<_>>()?,
    };
    entries
        .par_iter()
        .filter(|entry| entry.file_name() != MARKER)
        .try_for_each(remove_entry)?;
    match fs::remove_file(path.join(MARKER)) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    fs::remove_dir(path)
}

/// `fs::remove_dir_all`, with the folders of a level removed in parallel: an old site has a
/// folder per entry.
fn remove_entry(entry: &fs::DirEntry) -> io::Result<()> {
    if !entry.file_type()?.is_dir() {
        return fs::remove_file(entry.path());
    }
    let entries: Vec<fs::DirEntry> = fs::read_dir(entry.path())?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(remove_entry)?;
    fs::remove_dir(entry.path())
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
    fn a_leftover_link_is_refused_and_what_it_points_to_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sivusto");
        fs::create_dir_all(target.join("ohjelma")).unwrap();
        fs::write(target.join("ohjelma/index.html"), "pysyy").unwrap();
        fs::write(target.join(MARKER), "").unwrap();
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(&target, sibling(&out, "viikko-old")).unwrap();
        assert!(Staging::new(&out).is_err());
        assert_eq!(
            fs::read_to_string(target.join("ohjelma/index.html")).unwrap(),
            "pysyy"
        );
    }

    #[test]
    fn an_output_removed_half_way_is_still_marked_as_viikko_s() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.put(file("a/index.html", "A")).unwrap();
        staging.commit().unwrap();
        // A removal stopped after the first folder: the marker is still there.
        let first = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap())
            .find(|e| e.file_name() != MARKER)
            .unwrap();
        remove_entry(&first).unwrap();
        assert!(matches!(ownership(&out), Ownership::Ours));
        remove_output(&out).unwrap();
        assert!(!out.exists());
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
            staging.commit().unwrap()
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
            let unchanged = staging.commit().unwrap();
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
        staging.commit().unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put(file("a.txt", "changed")).unwrap();
        staging.abandon();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "A");
        assert!(!sibling(&out, "viikko-new").exists());
    }

    #[test]
    fn refuses_an_output_that_viikko_did_not_make() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content/pages")).unwrap();
        let docs = root.join("docs");
        fs::create_dir(&docs).unwrap();
        fs::write(docs.join("thesis.docx"), "years of work").unwrap();
        fs::write(root.join("notes.txt"), "a file").unwrap();
        for refused in [
            docs.clone(),
            root.join("notes.txt"),
            root.join("content"),
            root.to_path_buf(),
            root.join("content/pages/public"),
        ] {
            let error = claim(root, &refused).unwrap_err();
            assert!(error.contains("output"), "{error}");
        }
        assert_eq!(
            fs::read_to_string(docs.join("thesis.docx")).unwrap(),
            "years of work"
        );
        // Absent, empty and earlier outputs are viikko's.
        assert!(claim(root, &root.join("public")).is_ok());
        fs::create_dir(root.join("empty")).unwrap();
        assert!(claim(root, &root.join("empty")).is_ok());
        let out = root.join("public");
        Staging::new(&out).unwrap().commit().unwrap();
        assert!(out.join(MARKER).is_file());
        assert!(claim(root, &out).is_ok());
    }

    #[test]
    fn a_swap_cut_between_its_renames_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.put(file("index.html", "old")).unwrap();
        staging.commit().unwrap();
        // A build stopped after moving the old site aside, before moving the new one in.
        let staging = Staging::new(&out).unwrap();
        staging.put(file("index.html", "new")).unwrap();
        let Staging { dir: new, .. } = staging;
        fs::rename(&out, sibling(&out, "viikko-old")).unwrap();
        assert!(new.exists() && !out.exists());
        let staging = Staging::new(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        staging.abandon();
        assert!(!sibling(&out, "viikko-old").exists());
        assert!(!sibling(&out, "viikko-new").exists());
    }

    #[test]
    fn leftovers_that_viikko_did_not_make_are_refused_not_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stranger = sibling(&out, "viikko-new");
        fs::create_dir(&stranger).unwrap();
        fs::write(stranger.join("kuva.jpg"), "mine").unwrap();
        assert!(Staging::new(&out).is_err());
        assert_eq!(
            fs::read_to_string(stranger.join("kuva.jpg")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_second_file_at_one_path_never_writes_through_a_link_to_the_live_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.put(file("index.html", "live")).unwrap();
        staging.commit().unwrap();
        let staging = Staging::new(&out).unwrap();
        staging.put(file("index.html", "live")).unwrap();
        assert!(staging.put(file("index.html", "intruder")).is_err());
        staging.abandon();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "live");
    }
}
