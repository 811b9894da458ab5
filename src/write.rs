//! The only step that touches the output folder. A build changes only the files whose bytes
//! changed and removes only those the site no longer has. Changed files are written beside the
//! output first; once the build has succeeded, a journal listing every change is saved, and the
//! changes are moved in file by file. A reader sees each file old or new, never half-written; a
//! failed build changes nothing; a build killed while moving files in leaves its journal, and the
//! next build finishes the job before it starts its own.
//!
//! A manifest per output, in the site's cache folder (`.viikko-cache/`), keeps each file's hash,
//! size and time, so that an unchanged file is known without reading it; the fingerprint of the
//! inputs each page was made from, so that an unchanged page need not be made; and what the
//! build was made from, so that a build with nothing changed has nothing to do. The folder is
//! safe to delete: the next build is then slower, never different.
//!
//! The output folder must be viikko's: absent, empty, or marked by an earlier build. Anything
//! else (a folder of documents, the content itself) is refused, and nothing is removed or
//! written through that viikko did not make.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

// Paths of the site's own files: no one chooses them to collide.
use foldhash::HashMap;
use rayon::prelude::*;
use sha2::Digest;

use crate::load::StaticFile;
use crate::output::{Earlier, Mark, OutputFile, Sink, Writer};

/// The file that marks a folder as a viikko output, which a later build may replace.
pub const MARKER: &str = ".viikko-output";
const MARKER_TEXT: &str =
    "This folder is made by `viikko build`, which changes and removes its files at every build.\n";

/// The cache folder, beside `content/`.
pub const CACHE: &str = ".viikko-cache";
/// The manifest's name in the staging folder, until it is moved to the cache.
const MANIFEST: &str = ".viikko-manifest";
const MANIFEST_HEADER: &str = "viikko-manifest 3";
/// The first bytes of a file of marks ([`Sink::mark`]); then the hash of the file they mark,
/// the marks and a check of them all.
const PARTS_HEADER: &[u8] = b"viikko-parts 1\n";

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

/// Finishes what an interrupted build left: the changes of a saved journal are moved in (the
/// build had succeeded), anything staged without a journal is dropped (it had not). Also puts
/// back a site left aside by an older version's swap.
fn recover(output: &Path) -> io::Result<()> {
    let journal = sibling(output, "viikko-journal");
    if journal.is_file() {
        apply(output, &sibling(output, "viikko-new"), &journal)?;
    }
    let retired = sibling(output, "viikko-old");
    if matches!(ownership(output), Ownership::Absent) && marked(&retired) {
        fs::rename(&retired, output)?;
    }
    remove_ours(&retired)?;
    remove_ours(&sibling(output, "viikko-new"))
}

/// What the manifest knows of a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Recorded {
    hash: [u8; 16],
    size: u64,
    /// Modification time, in nanoseconds: a file changed by hand is written again.
    time: u128,
    /// The fingerprint of the inputs a page was made from, so that the next build can keep it
    /// without making it.
    key: Option<u64>,
}

/// The previous build's manifest: its inputs' fingerprint, and each file as it left it.
#[derive(Default)]
pub struct Manifest {
    pub inputs: Option<String>,
    files: HashMap<String, Recorded>,
}

/// Where the manifest of `output` is kept: in the cache folder under `root`, named by the
/// output's absolute path, so that each output has its own.
pub fn manifest_path(root: &Path, output: &Path) -> PathBuf {
    let name = sha2::Sha256::digest(absolute(output).to_string_lossy().as_bytes());
    root.join(CACHE)
        .join(format!("output-{}.manifest", hex(&name[..8])))
}

/// Where `viikko build` keeps what lasts of what it made (`cache.rs`), for every output of the
/// site: what it holds is named by all it was made from.
pub fn kept_path(root: &Path) -> PathBuf {
    root.join(CACHE).join("made")
}

impl Manifest {
    fn read(path: &Path) -> Manifest {
        let Ok(text) = fs::read_to_string(path) else {
            return Manifest::default();
        };
        let mut lines = text.lines();
        let inputs = match lines.next().and_then(|l| l.strip_prefix(MANIFEST_HEADER)) {
            Some(rest) => rest.trim().to_string(),
            None => return Manifest::default(),
        };
        let files = lines
            .filter_map(|line| {
                let mut fields = line.splitn(5, ' ');
                let hash = unhex(fields.next()?)?;
                let size = fields.next()?.parse().ok()?;
                let time = fields.next()?.parse().ok()?;
                let key = u64::from_str_radix(fields.next()?, 16).ok();
                let path = fields.next()?.to_string();
                let recorded = Recorded {
                    hash,
                    size,
                    time,
                    key,
                };
                Some((path, recorded))
            })
            .collect();
        Manifest {
            inputs: Some(inputs).filter(|i| !i.is_empty()),
            files,
        }
    }

    /// Whether every file it lists is in `output` as the build left it: then a build from the
    /// same inputs would change nothing.
    pub fn intact(&self, output: &Path) -> bool {
        !self.files.is_empty()
            && self.files.par_iter().all(|(path, recorded)| {
                stat(&output.join(path))
                    .is_some_and(|(size, time)| size == recorded.size && time == recorded.time)
            })
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

fn unhex(text: &str) -> Option<[u8; 16]> {
    let mut hash = [0; 16];
    for (i, byte) in hash.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(hash)
}

/// The size and modification time of a regular file (not a link).
fn stat(path: &Path) -> Option<(u64, u128)> {
    stamp(&fs::symlink_metadata(path).ok()?)
}

/// The size and modification time `meta` gives, if it is a regular file's.
fn stamp(meta: &fs::Metadata) -> Option<(u64, u128)> {
    let time = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    meta.is_file().then_some((meta.len(), time.as_nanos()))
}

/// What a build made of each file, by path: what it holds, and whether it was staged.
type Made = HashMap<String, (Recorded, bool)>;

/// A build's changes to the output: changed files are staged beside it as they are rendered,
/// and moved in only on [`Update::commit`].
pub struct Update {
    output: PathBuf,
    staging: PathBuf,
    /// Where the manifest is kept.
    manifest: PathBuf,
    previous: Manifest,
    /// The output was absent or empty: the new site goes in whole, by one rename.
    fresh: bool,
    /// Every file of the new site, by path: what it holds, and whether it was staged.
    made: Mutex<Made>,
    /// Folders made in the staging folder so far, so that each is made once.
    folders: Mutex<HashSet<PathBuf>>,
    /// Files whose bytes matched the previous build, left as they were.
    unchanged: AtomicUsize,
    /// Files of the new site that the previous manifest lists.
    listed_before: AtomicUsize,
}

impl Update {
    /// Starts a build into `output`, which [`claim`] has accepted, first finishing or dropping
    /// what an interrupted one left; its manifest is kept at `manifest`.
    pub fn new(output: &Path, manifest: &Path) -> io::Result<Update> {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        recover(output)?;
        let staging = sibling(output, "viikko-new");
        fs::create_dir(&staging)?;
        fs::write(staging.join(MARKER), MARKER_TEXT)?;
        // A manifest of an output since deleted describes nothing.
        let fresh = fs::read_dir(output).map_or(true, |mut items| items.next().is_none());
        let previous = match fresh {
            true => Manifest::default(),
            false => Manifest::read(manifest),
        };
        Ok(Update {
            output: output.to_path_buf(),
            staging,
            manifest: manifest.to_path_buf(),
            previous,
            fresh,
            made: Mutex::default(),
            folders: Mutex::default(),
            unchanged: AtomicUsize::new(0),
            listed_before: AtomicUsize::new(0),
        })
    }

    /// The previous build's manifest.
    pub fn previous(&self) -> &Manifest {
        &self.previous
    }

    /// Where the marks of the output's file `path` ([`Sink::mark`]) are kept: beside the
    /// manifest, named by the path's hash.
    fn marks_path(&self, path: &str) -> PathBuf {
        let name = sha2::Sha256::digest(path.as_bytes());
        self.manifest.with_extension("parts").join(hex(&name[..8]))
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

    /// Copies the content's own files (images, documents): never from a link the content
    /// gained after it was read.
    pub fn add_statics(&self, statics: &[StaticFile]) -> io::Result<()> {
        for file in statics {
            let mut bytes = Vec::new();
            open_no_follow(&file.path)?.read_to_end(&mut bytes)?;
            self.put_parts(file.output.clone(), &[&bytes])?;
        }
        Ok(())
    }

    /// Moves the changes in, removes the files the new site no longer has, and records `inputs`
    /// as what it was made from. Returns how many files were unchanged.
    pub fn commit(self, inputs: &str) -> io::Result<usize> {
        let made = self.made.into_inner().unwrap_or_default();
        // In order: the same site gives the same manifest and journal.
        let mut files: Vec<_> = made.iter().collect();
        files.par_sort_unstable_by_key(|(path, _)| *path);
        // A line of about 120 bytes per file.
        let mut manifest = String::with_capacity(128 * (made.len() + 1));
        let _ = writeln!(manifest, "{MANIFEST_HEADER} {inputs}");
        let mut journal = String::new();
        // New files first, then changed ones, then removals: a page never links to a page that
        // is not there yet.
        let (mut added, mut changed) = (String::new(), String::new());
        for (path, (recorded, staged)) in files {
            let Recorded {
                hash,
                size,
                time,
                key,
            } = recorded;
            // Into a String: cannot fail.
            let _ = match key {
                Some(key) => writeln!(manifest, "{} {size} {time} {key:016x} {path}", hex(hash)),
                None => writeln!(manifest, "{} {size} {time} - {path}", hex(hash)),
            };
            if *staged {
                let list = match self.previous.files.contains_key(path) {
                    true => &mut changed,
                    false => &mut added,
                };
                list.push_str(&format!("R {path}\n"));
            }
        }
        journal.push_str(&added);
        journal.push_str(&changed);
        if let Some(cache) = self.manifest.parent() {
            fs::create_dir_all(cache)?;
        }
        if self.fresh {
            let _ = fs::remove_dir(&self.output);
            fs::rename(&self.staging, &self.output)?;
            replace(&self.manifest, manifest.as_bytes(), false)?;
            return Ok(self.unchanged.into_inner());
        }
        // Usually no file is gone, which the count kept while files were made tells: looking for
        // gone ones among 150,000 took 0.17 s at 50,000 entries.
        let listed = self.listed_before.into_inner();
        let none_gone = !self.previous.files.is_empty() && listed == self.previous.files.len();
        let gone = match none_gone {
            true => Vec::new(),
            false => gone(&self.output, &self.previous, &made),
        };
        for path in gone {
            journal.push_str(&format!("D {path}\n"));
        }
        fs::write(self.staging.join(MANIFEST), manifest)?;
        // Absolute: the next build, which finishes a journal cut short, may run from elsewhere.
        journal.push_str(&format!("M {}\n", absolute(&self.manifest).display()));
        // The commit point: once the journal is saved, the build is done and what it lists will be
        // moved in, by this build or the next.
        replace_file(&sibling(&self.output, "viikko-journal"), journal.as_bytes())?;
        apply(
            &self.output,
            &self.staging,
            &sibling(&self.output, "viikko-journal"),
        )?;
        Ok(self.unchanged.into_inner())
    }

    /// Drops the staged changes; the output folder was never touched.
    pub fn abandon(self) {
        let _ = remove_output(&self.staging);
    }
}

/// The files of the previous site that the new one does not have. Without a manifest (deleted,
/// or an output of an older version), the output itself is walked.
fn gone(output: &Path, previous: &Manifest, made: &Made) -> Vec<String> {
    let is_gone = |path: &str| path != MARKER && !made.contains_key(path);
    let mut gone: Vec<String> = match previous.files.is_empty() {
        false => previous
            .files
            .keys()
            .filter(|path| is_gone(path))
            .cloned()
            .collect(),
        true => walkdir::WalkDir::new(output)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir())
            .filter_map(|e| Some(e.path().strip_prefix(output).ok()?.to_str()?.to_string()))
            .filter(|path| is_gone(path))
            .collect(),
    };
    gone.sort();
    gone
}

/// Carries out a saved journal: moves each staged file in, removes each file gone (and the
/// folders it leaves empty), then the manifest, and last the journal. Each step can be done
/// again, so a journal cut short by a kill is finished by the next build.
fn apply(output: &Path, staging: &Path, journal: &Path) -> io::Result<()> {
    let text = fs::read_to_string(journal)?;
    if !marked(output) {
        fs::create_dir_all(output)?;
        fs::write(output.join(MARKER), MARKER_TEXT)?;
    }
    let mut folders = HashSet::new();
    for line in text.lines() {
        let (action, path) = line.split_at(line.len().min(2));
        let target = output.join(path);
        match action {
            "R " => {
                let staged = staging.join(path);
                if !staged.exists() {
                    continue;
                }
                if let Some(folder) = target.parent()
                    && folders.insert(folder.to_path_buf())
                {
                    fs::create_dir_all(folder)?;
                }
                fs::rename(&staged, &target)?;
            }
            "M " => {
                let staged = staging.join(MANIFEST);
                if let Some(cache) = Path::new(path).parent() {
                    fs::create_dir_all(cache)?;
                }
                // The cache may be on another file system than the output: then written, not
                // renamed. Once moved, there is nothing left to do.
                if fs::rename(&staged, path).is_err()
                    && let Ok(manifest) = fs::read(&staged)
                {
                    replace(Path::new(path), &manifest, false)?;
                }
            }
            "D " => {
                match fs::remove_file(&target) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                // Folders left empty go too (an entry's folder), never the output itself.
                let mut folder = target.parent();
                while let Some(dir) = folder.filter(|d| *d != output && d.starts_with(output)) {
                    if fs::remove_dir(dir).is_err() {
                        break;
                    }
                    folder = dir.parent();
                }
            }
            _ => {}
        }
    }
    fs::remove_file(journal)?;
    remove_ours(staging)
}

/// The text of a file the previous build published, if there is one.
pub fn published(output: &Path, path: &str) -> Option<String> {
    fs::read_to_string(output.join(path)).ok()
}

/// Replaces the file at `path` with `bytes` in one step: written beside it, flushed to the disk,
/// then renamed over it. A crash or a full disk leaves the old file or the new one, never a part
/// of one, and a link at `path` is replaced, never written through.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, true)
}

/// [`replace_file`], flushed to the disk only when `durable`: the manifest is not, as a flush
/// after writing a whole new site waits for all of it (14 s at 50,000 entries), and a manifest
/// lost or older than the files costs a slower build, never a wrong one (files are known by
/// their size and time too).
fn replace(path: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.viikko-tmp"));
    let _ = fs::remove_file(&temporary);
    let written = fs::File::create_new(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            if durable { file.sync_all() } else { Ok(()) }
        })
        .and_then(|()| fs::rename(&temporary, path));
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
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

impl Sink for Update {
    fn put(&self, file: OutputFile) -> io::Result<()> {
        self.put_parts(file.path, &[&file.bytes])
    }

    fn put_parts(&self, path: String, parts: &[&[u8]]) -> io::Result<()> {
        self.stage(path, parts, None)
    }

    fn keep(&self, path: &str, key: u64) -> bool {
        let Some(recorded) = self.previous.files.get(path) else {
            return false;
        };
        let kept = recorded.key == Some(key)
            && stat(&self.output.join(path)) == Some((recorded.size, recorded.time));
        kept && self.record(path.to_string(), *recorded, false).is_ok()
    }

    fn put_made(&self, file: OutputFile, key: u64) -> io::Result<()> {
        self.stage(file.path, &[&file.bytes], Some(key))
    }

    /// Kept beside the manifest with the hash of the bytes the marks describe: they are taken
    /// only for a file that the manifest records with that hash and that is still as recorded.
    /// Marks only save time: one that cannot be saved is left out, and the build goes on.
    fn mark(&self, path: &str, marks: &[Mark]) -> io::Result<()> {
        let recorded = self
            .made
            .lock()
            .ok()
            .and_then(|made| Some(made.get(path)?.0));
        let Some(recorded) = recorded.filter(|_| !marks.is_empty()) else {
            return Ok(());
        };
        let mut bytes = Vec::with_capacity(PARTS_HEADER.len() + 32 + 24 * marks.len());
        bytes.extend_from_slice(PARTS_HEADER);
        bytes.extend_from_slice(&recorded.hash);
        for mark in marks {
            for n in [mark.key, mark.start, mark.len] {
                bytes.extend_from_slice(&n.to_le_bytes());
            }
        }
        // A mark damaged on the disk would put another part's bytes in its place.
        let check = blake3::hash(&bytes);
        bytes.extend_from_slice(&check.as_bytes()[..16]);
        let file = self.marks_path(path);
        // Not flushed to the disk: a torn file fails its check, and an old one names the bytes
        // of its own file.
        let _ = file
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| replace(&file, &bytes, false));
        Ok(())
    }

    fn earlier(&self, path: &str) -> Option<Earlier> {
        let recorded = self.previous.files.get(path)?;
        // The file as opened is the one checked: one replaced after this is not read.
        let file = open_no_follow(&self.output.join(path)).ok()?;
        if stamp(&file.metadata().ok()?) != Some((recorded.size, recorded.time)) {
            return None;
        }
        let bytes = fs::read(self.marks_path(path)).ok()?;
        let (bytes, check) = bytes.split_at_checked(bytes.len().checked_sub(16)?)?;
        if blake3::hash(bytes).as_bytes()[..16] != *check {
            return None;
        }
        let rest = bytes.strip_prefix(PARTS_HEADER)?;
        let (hash, rest) = rest.split_at_checked(16)?;
        if hash != recorded.hash || rest.len() % 24 != 0 {
            return None;
        }
        let number = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
        let marks: Vec<Mark> = rest
            .chunks_exact(24)
            .map(|m| Mark {
                key: number(&m[..8]),
                start: number(&m[8..16]),
                len: number(&m[16..]),
            })
            .collect();
        let within = |m: &Mark| {
            m.start
                .checked_add(m.len)
                .is_some_and(|end| end <= recorded.size)
        };
        marks.iter().all(within).then(|| Earlier::new(file, &marks))
    }

    /// Written straight to its staged file and hashed on the way; the staged file is let go
    /// when it holds what the output already does.
    fn put_written(&self, path: String, write: Writer) -> io::Result<()> {
        let staged = self.staging.join(&path);
        let (hash, size) = self
            .staging_folder(&staged)
            .and_then(|()| Staged::create(&staged))
            .and_then(|mut file| write(&mut file).and_then(|()| file.finish()))
            .map_err(cannot_write(&staged))?;
        let target = self.output.join(&path);
        let current = stat(&target);
        let unchanged = self.holds_already(&path, hash, size, current, || {
            same_bytes(&target, &staged, size)
        });
        let (size, time) = match (unchanged, current) {
            (true, Some(current)) => {
                fs::remove_file(&staged).map_err(cannot_write(&staged))?;
                current
            }
            _ => stat(&staged)
                .ok_or_else(|| cannot_write(&staged)(io::ErrorKind::NotFound.into()))?,
        };
        let recorded = Recorded {
            hash,
            size,
            time,
            key: None,
        };
        self.record(path, recorded, !unchanged)
    }
}

/// A new staged file written through a buffer, each full buffer hashed as it is written.
struct Staged {
    file: fs::File,
    buffer: Vec<u8>,
    hasher: blake3::Hasher,
    size: u64,
}

impl Staged {
    fn create(path: &Path) -> io::Result<Staged> {
        Ok(Staged {
            file: fs::File::create_new(path)?,
            buffer: Vec::with_capacity(BUFFER),
            hasher: blake3::Hasher::new(),
            size: 0,
        })
    }

    fn empty_buffer(&mut self) -> io::Result<()> {
        self.hasher.update(&self.buffer);
        self.file.write_all(&self.buffer)?;
        self.size += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// The hash and size of all that was written.
    fn finish(mut self) -> io::Result<([u8; 16], u64)> {
        self.empty_buffer()?;
        let mut hash = [0; 16];
        hash.copy_from_slice(&self.hasher.finalize().as_bytes()[..16]);
        Ok((hash, self.size))
    }
}

impl Write for Staged {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.buffer.len() + bytes.len() > BUFFER {
            self.empty_buffer()?;
        }
        if bytes.len() >= BUFFER {
            self.hasher.update(bytes);
            self.file.write_all(bytes)?;
            self.size += bytes.len() as u64;
        } else {
            self.buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.empty_buffer()
    }
}

/// Names the staged file an error of writing it came from.
fn cannot_write(staged: &Path) -> impl Fn(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("cannot write {}: {e}", staged.display()))
}

/// Whether two files of `size` bytes hold the same bytes.
fn same_bytes(a: &Path, b: &Path, size: u64) -> bool {
    let (Ok(mut a), Ok(mut b)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0; BUFFER], vec![0; BUFFER]);
    let mut left = size;
    while left > 0 {
        let n = left.min(BUFFER as u64) as usize;
        let read = a
            .read_exact(&mut x[..n])
            .and_then(|()| b.read_exact(&mut y[..n]));
        if read.is_err() || x[..n] != y[..n] {
            return false;
        }
        left -= n as u64;
    }
    true
}

impl Update {
    /// Leaves the output's file alone when it holds these bytes; stages them otherwise.
    fn stage(&self, path: String, parts: &[&[u8]], key: Option<u64>) -> io::Result<()> {
        let hash = hash(parts);
        let size: u64 = parts.iter().map(|p| p.len() as u64).sum();
        let target = self.output.join(&path);
        let current = stat(&target);
        let unchanged = self.holds_already(&path, hash, size, current, || {
            holds(&target, size as usize, parts)
        });
        let (size, time) = match (unchanged, current) {
            (true, Some(current)) => current,
            _ => {
                let staged = self.staging.join(&path);
                self.staging_folder(&staged)
                    .and_then(|()| write_new(&staged, parts, size as usize))
                    .map_err(cannot_write(&staged))?
            }
        };
        let recorded = Recorded {
            hash,
            size,
            time,
            key,
        };
        self.record(path, recorded, !unchanged)
    }

    /// Whether the output's file at `path`, now of stat `current`, holds bytes of this hash and
    /// size: by the previous manifest when it records the file as it still is, else by `same`,
    /// which compares the bytes themselves.
    fn holds_already(
        &self,
        path: &str,
        hash: [u8; 16],
        size: u64,
        current: Option<(u64, u128)>,
        same: impl FnOnce() -> bool,
    ) -> bool {
        match (self.previous.files.get(path), current) {
            (Some(recorded), Some(now)) => {
                recorded.hash == hash && (recorded.size, recorded.time) == now
            }
            (None, Some((now_size, _))) => now_size == size && same(),
            _ => false,
        }
    }

    /// Makes the folder a staged file goes in.
    fn staging_folder(&self, staged: &Path) -> io::Result<()> {
        staged.parent().map_or(Ok(()), |folder| self.folder(folder))
    }

    /// Notes a file of the new site; a second file at one path is refused.
    fn record(&self, path: String, recorded: Recorded, staged: bool) -> io::Result<()> {
        let listed = self.previous.files.contains_key(&path);
        let mut made = self
            .made
            .lock()
            .map_err(|_| io::Error::other("a writer failed"))?;
        match made.entry(path) {
            std::collections::hash_map::Entry::Occupied(twice) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} was written twice", twice.key()),
                ));
            }
            std::collections::hash_map::Entry::Vacant(new) => new.insert((recorded, staged)),
        };
        drop(made);
        if listed {
            self.listed_before.fetch_add(1, Ordering::Relaxed);
        }
        if !staged {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// The first 16 bytes of the BLAKE3 hash of the bytes `parts` join.
fn hash(parts: &[&[u8]]) -> [u8; 16] {
    let whole = match parts {
        // A page: hashed as it is, not copied to be gathered.
        [bytes] => blake3::hash(bytes),
        _ => {
            let mut hasher = Hasher::default();
            parts.iter().for_each(|part| hasher.update(part));
            hasher.finish()
        }
    };
    let mut hash = [0; 16];
    hash.copy_from_slice(&whole.as_bytes()[..16]);
    hash
}

/// BLAKE3 over many small texts: it is fast when given many of its 1 KiB chunks at once, which
/// a feed's events or the content's files are not, one by one, so they are gathered first.
#[derive(Default, Clone)]
pub struct Hasher {
    hasher: blake3::Hasher,
    gathered: Vec<u8>,
}

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        if self.gathered.len() + bytes.len() > BUFFER {
            self.hasher.update(&self.gathered);
            self.gathered.clear();
        }
        if bytes.len() >= BUFFER {
            self.hasher.update(bytes);
        } else {
            self.gathered.extend_from_slice(bytes);
        }
    }

    pub fn finish(mut self) -> blake3::Hash {
        self.hasher.update(&self.gathered);
        self.hasher.finalize()
    }
}

/// Writes the bytes `parts` join into a new file at `path` (never one already there: that
/// could be a link); returns its size and time.
fn write_new(path: &Path, parts: &[&[u8]], len: usize) -> io::Result<(u64, u128)> {
    let file = fs::File::create_new(path)?;
    // A page is one part, written as it is; a feed's many small events go through a buffer.
    match parts {
        [bytes] => (&file).write_all(bytes)?,
        _ => {
            let mut file = io::BufWriter::with_capacity(len.min(BUFFER), &file);
            for part in parts {
                file.write_all(part)?;
            }
            file.flush()?;
        }
    }
    stat(path).ok_or_else(|| io::Error::other(format!("{} vanished", path.display())))
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
        assert!(Update::new(&out, &dir.path().join("m")).is_err());
        assert_eq!(
            fs::read_to_string(target.join("ohjelma/index.html")).unwrap(),
            "pysyy"
        );
    }

    #[test]
    fn an_output_removed_half_way_is_still_marked_as_viikko_s() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("a/index.html", "A")).unwrap();
        update.commit("").unwrap();
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
    fn changes_only_what_changed_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |files: &[OutputFile]| {
            let update = Update::new(&out, &dir.path().join("m")).unwrap();
            for f in files {
                update.put(f.clone()).unwrap();
            }
            update.commit("").unwrap()
        };
        write(&[
            file("a/index.html", "A"),
            file("b/index.html", "B"),
            file("c.txt", "C"),
        ]);
        let inode = |path: &str| {
            std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(path)).unwrap())
        };
        let before = inode("a/index.html");
        let unchanged = write(&[
            file("a/index.html", "A"),
            file("c.txt", "C2"),
            file("d.txt", "D"),
        ]);
        assert_eq!(unchanged, 1);
        assert_eq!(
            inode("a/index.html"),
            before,
            "an unchanged file is left alone"
        );
        assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "C2");
        assert_eq!(fs::read_to_string(out.join("d.txt")).unwrap(), "D");
        assert!(
            !out.join("b").exists(),
            "a file gone takes its empty folder with it"
        );
        assert!(!sibling(&out, "viikko-new").exists() && !sibling(&out, "viikko-journal").exists());
        // A file changed by hand is made again, though its manifest line is unchanged.
        fs::write(out.join("a/index.html"), "käsin").unwrap();
        assert_eq!(
            write(&[
                file("a/index.html", "A"),
                file("c.txt", "C2"),
                file("d.txt", "D")
            ]),
            2
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A");
    }

    #[test]
    fn a_page_whose_inputs_are_unchanged_is_kept_without_being_made() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put_made(file("index.html", "etusivu"), 7).unwrap();
        update.commit("").unwrap();
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        assert!(!update.keep("index.html", 8), "other inputs");
        assert!(update.keep("index.html", 7));
        assert!(
            update.put(file("index.html", "toinen")).is_err(),
            "kept once"
        );
        update.commit("").unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "etusivu"
        );
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        fs::write(out.join("index.html"), "käsin").unwrap();
        assert!(!update.keep("index.html", 7), "changed by hand");
    }

    #[test]
    fn a_journal_cut_short_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("a.txt", "old")).unwrap();
        update.put(file("b.txt", "gone")).unwrap();
        update.commit("").unwrap();
        // A build killed after saving its journal, before moving anything in.
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("a.txt", "new")).unwrap();
        let staging = update.staging.clone();
        fs::write(staging.join(MANIFEST), format!("{MANIFEST_HEADER} x\n")).unwrap();
        let manifest = dir.path().join("m");
        let journal = format!("R a.txt\nD b.txt\nM {}\n", manifest.display());
        fs::write(sibling(&out, "viikko-journal"), journal).unwrap();
        std::mem::forget(update);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "old");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "new");
        assert!(!out.join("b.txt").exists());
        assert!(!sibling(&out, "viikko-journal").exists());
        update.abandon();
        assert!(!staging.exists());
    }

    #[test]
    fn a_file_given_in_parts_is_compared_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let write = |parts: &[&[u8]]| {
            let update = Update::new(&out, &dir.path().join("m")).unwrap();
            update.put_parts("koko.ics".into(), parts).unwrap();
            let unchanged = update.commit("").unwrap();
            (unchanged, fs::read(out.join("koko.ics")).unwrap())
        };
        assert_eq!(write(&[b"BEGIN", b"", b"END"]), (0, b"BEGINEND".to_vec()));
        assert_eq!(write(&[b"BEG", b"INEND"]), (1, b"BEGINEND".to_vec()));
        assert_eq!(write(&[b"BEGIN", b"END!"]), (0, b"BEGINEND!".to_vec()));
        assert_eq!(write(&[b"BEGIN", b"ENX!"]), (0, b"BEGINENX!".to_vec()));
    }

    #[test]
    fn a_file_written_as_it_is_made_is_kept_when_its_bytes_are_and_staged_when_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let manifest = dir.path().join("m");
        let write = |pieces: &[&[u8]]| {
            let update = Update::new(&out, &manifest).unwrap();
            let mut write = |w: &mut dyn Write| pieces.iter().try_for_each(|p| w.write_all(p));
            update.put_written("a/s.json".into(), &mut write).unwrap();
            let unchanged = update.commit("").unwrap();
            let inode =
                std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join("a/s.json")).unwrap());
            (unchanged, fs::read(out.join("a/s.json")).unwrap(), inode)
        };
        let long = vec![b'x'; 3 * BUFFER + 7];
        let (unchanged, bytes, first) = write(&[b"{", &long, b"}"]);
        assert_eq!((unchanged, bytes.len()), (0, long.len() + 2));
        // The same bytes in other pieces: the file is left alone, its staged copy let go.
        let (unchanged, _, again) = write(&[b"{x", &long[1..], b"}"]);
        assert_eq!((unchanged, again), (1, first));
        assert!(!sibling(&out, "viikko-new").exists());
        // Without the manifest, the files themselves are compared.
        fs::remove_file(&manifest).unwrap();
        assert_eq!(write(&[b"{", &long, b"}"]).2, first);
        let (unchanged, bytes, _) = write(&[b"{", &long, b"!"]);
        assert_eq!((unchanged, bytes.last()), (0, Some(&b'!')));
    }

    #[test]
    fn an_abandoned_build_leaves_the_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("a.txt", "A")).unwrap();
        update.commit("").unwrap();
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("a.txt", "changed")).unwrap();
        update.abandon();
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
        Update::new(&out, &dir.path().join("m"))
            .unwrap()
            .commit("")
            .unwrap();
        assert!(out.join(MARKER).is_file());
        assert!(claim(root, &out).is_ok());
    }

    #[test]
    fn a_site_left_aside_by_an_interrupted_swap_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("index.html", "old")).unwrap();
        update.commit("").unwrap();
        fs::rename(&out, sibling(&out, "viikko-old")).unwrap();
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        update.abandon();
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
        assert!(Update::new(&out, &dir.path().join("m")).is_err());
        assert_eq!(
            fs::read_to_string(stranger.join("kuva.jpg")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_second_file_at_one_path_never_writes_through_a_link_to_the_live_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("index.html", "live")).unwrap();
        update.commit("").unwrap();
        let update = Update::new(&out, &dir.path().join("m")).unwrap();
        update.put(file("index.html", "live")).unwrap();
        assert!(update.put(file("index.html", "intruder")).is_err());
        update.abandon();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "live");
    }
}
