//! Where the files of a site go as they are made, and the ledger that sees each path once:
//! pages and feeds are made by their own modules and handed to a [`Sink`], which is the output
//! folder's staging area (`write.rs`) or the preview's memory (`serve.rs`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;

/// A file of the built site: its path below the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    /// Shared, so that the preview's cache and its served site hold one copy.
    pub bytes: Arc<Vec<u8>>,
}

/// What writes a file's bytes, for [`Sink::put_written`].
pub type Writer<'a> = &'a mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>;

/// Where the files of a site go as they are made: the staging folder of a build, or the preview
/// server's memory.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> std::io::Result<()>;

    /// A file given as the pieces it joins, so that a large one (the whole week's feed, made of
    /// events every feed shares) need not be copied whole first. A sink that keeps files in
    /// memory joins them.
    fn put_parts(&self, path: String, parts: &[&[u8]]) -> std::io::Result<()> {
        let bytes = Arc::new(parts.concat());
        self.put(OutputFile { path, bytes })
    }

    /// A file written by `write` as it is made, for the largest (the schedule, hundreds of
    /// megabytes at 50,000 entries), which a build then never holds whole. A sink that keeps
    /// files in memory gathers it.
    fn put_written(&self, path: String, write: Writer) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(OutputFile {
            path,
            bytes: Arc::new(bytes),
        })
    }

    /// Keeps the file an earlier build made at `path` from inputs whose fingerprint was `key`,
    /// if it is still as that build left it: then it need not be made again. A sink that cannot
    /// tell says no.
    fn keep(&self, _path: &str, _key: u64) -> bool {
        false
    }

    /// [`Sink::put`], with the fingerprint of the inputs the file was made from.
    fn put_made(&self, file: OutputFile, _key: u64) -> std::io::Result<()> {
        self.put(file)
    }

    /// Notes where the file just put at `path` holds parts made from known inputs, so that the
    /// next build can take them from it ([`Sink::earlier`]) instead of making them again.
    fn mark(&self, _path: &str, _marks: &[Mark]) -> std::io::Result<()> {
        Ok(())
    }

    /// The parts an earlier build marked in the file at `path`, if the file is still as that
    /// build left it. A sink that cannot tell has none.
    fn earlier(&self, _path: &str) -> Option<Earlier> {
        None
    }
}

/// A part of a file made from inputs whose fingerprint is `key`: its bytes are `len` from
/// `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub key: u64,
    pub start: u64,
    pub len: u64,
}

/// The marked parts of a file an earlier build made, read from it when asked for: a whole-site
/// file (open data, the schedule) is then made anew only where its entries changed, and never
/// held whole.
pub struct Earlier {
    file: std::fs::File,
    parts: HashMap<u64, (u64, u64)>,
}

impl Earlier {
    /// `file` with the parts `marks` tells, which the caller has checked belong to it.
    pub fn new(file: std::fs::File, marks: &[Mark]) -> Earlier {
        let parts = marks.iter().map(|m| (m.key, (m.start, m.len))).collect();
        Earlier { file, parts }
    }

    /// A reader of the file's parts, for one thread that asks for them in the file's order.
    pub fn reader(&self) -> PartReader<'_> {
        PartReader {
            earlier: self,
            window: Vec::new(),
            at: 0,
        }
    }
}

/// How much of an earlier file a [`PartReader`] reads at once.
const WINDOW: u64 = 256 << 10;

/// Reads an earlier file's parts through a window of the file: one read for the many parts in
/// it, where a read for each part was a twentieth of an edit's CPU.
pub struct PartReader<'e> {
    earlier: &'e Earlier,
    window: Vec<u8>,
    /// Where in the file the window starts.
    at: u64,
}

impl PartReader<'_> {
    /// The bytes of the part made from inputs of fingerprint `key`; `None` when there is no
    /// such part, or it cannot be read (then it is made again).
    pub fn part(&mut self, key: u64) -> Option<Vec<u8>> {
        let &(start, len) = self.earlier.parts.get(&key)?;
        let end = start.checked_add(len)?;
        if start < self.at || end > self.at + self.window.len() as u64 {
            self.window
                .resize(usize::try_from(len.max(WINDOW)).ok()?, 0);
            // What a failed read left in the window is no part's: the window is then empty.
            let read = read_at(&self.earlier.file, &mut self.window, start).unwrap_or(0);
            self.window.truncate(read);
            self.at = start;
        }
        let from = usize::try_from(start - self.at).ok()?;
        let part = self.window.get(from..from + usize::try_from(len).ok()?)?;
        Some(part.to_vec())
    }
}

/// `make(i, reader)` for each `i` below `count`, by index, on every core in runs of consecutive
/// indexes, each run with its own reader of `earlier`: each thread then asks for the parts of
/// consecutive entries, which lie one after the other in the file.
pub fn with_parts<R: Send>(
    count: usize,
    earlier: Option<&Earlier>,
    make: impl Fn(usize, Option<&mut PartReader>) -> R + Sync,
) -> Vec<R> {
    use rayon::prelude::*;
    // Runs of up to 256, and enough of them to keep every core busy on a small site.
    let run = (count / (4 * rayon::current_num_threads())).clamp(1, 256);
    let runs: Vec<Vec<R>> = (0..count.div_ceil(run))
        .into_par_iter()
        .map(|n| {
            let mut reader = earlier.map(Earlier::reader);
            let indexes = n * run..count.min((n + 1) * run);
            indexes.map(|i| make(i, reader.as_mut())).collect()
        })
        .collect();
    runs.into_iter().flatten().collect()
}

/// Reads from `start` until `bytes` is full or the file ends; how much was read.
fn read_at(file: &std::fs::File, bytes: &mut [u8], start: u64) -> std::io::Result<usize> {
    let mut read = 0;
    while read < bytes.len() {
        match read_once_at(file, &mut bytes[read..], start + read as u64) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(read)
}

#[cfg(unix)]
fn read_once_at(file: &std::fs::File, bytes: &mut [u8], start: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, bytes, start)
}

/// Elsewhere parts are not read at an offset: each is made again.
#[cfg(not(unix))]
fn read_once_at(_file: &std::fs::File, _bytes: &mut [u8], _start: u64) -> std::io::Result<usize> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The parts of a file written as `parts`, each with its key if it has one, as [`Mark`]s.
pub fn marks(parts: &[(Option<u64>, &[u8])]) -> Vec<Mark> {
    let mut start = 0;
    let mut marks = Vec::new();
    for (key, bytes) in parts {
        let len = bytes.len() as u64;
        if let Some(key) = *key {
            marks.push(Mark { key, start, len });
        }
        start += len;
    }
    marks
}

/// Counts what passes through to the sink, for the report, and keeps a second file for a path
/// from replacing the first: a page or a content file that would take the place of one the site
/// makes itself is an error, not a silent replacement.
pub struct Ledger<'a> {
    sink: &'a dyn Sink,
    pub pages: AtomicUsize,
    pub files: AtomicUsize,
    paths: Mutex<foldhash::HashSet<String>>,
    collisions: Mutex<Vec<String>>,
}

impl<'a> Ledger<'a> {
    pub fn new(sink: &'a dyn Sink) -> Ledger<'a> {
        Ledger {
            sink,
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
            paths: Mutex::default(),
            collisions: Mutex::default(),
        }
    }

    /// Whether `path` is new; a second file for it is noted and goes no further.
    fn first(&self, path: &str) -> bool {
        let new = self
            .paths
            .lock()
            .map(|mut paths| paths.insert(path.to_string()))
            .unwrap_or(false);
        if !new && let Ok(mut collisions) = self.collisions.lock() {
            collisions.push(path.to_string());
        }
        new
    }

    /// Takes `path` for a file made elsewhere, as if it had passed through.
    pub fn claim(&self, path: &str) {
        self.first(path);
    }

    /// The problems of files that would replace others, naming both.
    pub fn collisions(self, site: &Site) -> Diagnostics {
        let paths = self.paths.into_inner().unwrap_or_default();
        let mut problems = Diagnostics::default();
        for path in self.collisions.into_inner().unwrap_or_default() {
            let page = site
                .pages
                .iter()
                .find(|p| format!("{}index.html", p.path()) == path);
            problems.push(match page {
                Some(page) => Diagnostic::error(&page.source, text!("collision_page", path = path))
                    .with_help(text!("collision_page_help")),
                None => Diagnostic::error(crate::load::SITE_FILE, text!("collision", path = path)),
            });
        }
        for file in site.statics.iter().filter(|f| paths.contains(&f.output)) {
            problems.push(
                Diagnostic::error(
                    format!("content/static/{}", file.output),
                    text!("collision_static", path = file.output),
                )
                .with_help(text!("collision_static_help")),
            );
        }
        problems
    }
}

impl Sink for Ledger<'_> {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        if !self.first(&file.path) {
            return Ok(());
        }
        self.count(&file.path);
        self.sink.put(file)
    }

    fn put_parts(&self, path: String, parts: &[&[u8]]) -> std::io::Result<()> {
        if !self.first(&path) {
            return Ok(());
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.sink.put_parts(path, parts)
    }

    fn put_written(&self, path: String, write: Writer) -> std::io::Result<()> {
        if !self.first(&path) {
            return Ok(());
        }
        self.count(&path);
        self.sink.put_written(path, write)
    }

    fn keep(&self, path: &str, key: u64) -> bool {
        let seen = self.paths.lock().map_or(true, |paths| paths.contains(path));
        if seen || !self.sink.keep(path, key) || !self.first(path) {
            return false;
        }
        self.count(path);
        true
    }

    fn put_made(&self, file: OutputFile, key: u64) -> std::io::Result<()> {
        if !self.first(&file.path) {
            return Ok(());
        }
        self.count(&file.path);
        self.sink.put_made(file, key)
    }

    /// Only for a file that passed: the marks of one that was refused are not its bytes'.
    fn mark(&self, path: &str, marks: &[Mark]) -> std::io::Result<()> {
        let refused = self
            .collisions
            .lock()
            .map_or(true, |c| c.iter().any(|p| p == path));
        match refused {
            true => Ok(()),
            false => self.sink.mark(path, marks),
        }
    }

    fn earlier(&self, path: &str) -> Option<Earlier> {
        self.sink.earlier(path)
    }
}

impl Ledger<'_> {
    fn count(&self, path: &str) {
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
    }
}

/// A sink for a part of the site published under `prefix` (`2025/`): an earlier week.
pub struct Prefixed<'a> {
    sink: &'a dyn Sink,
    prefix: String,
}

impl<'a> Prefixed<'a> {
    pub fn new(sink: &'a dyn Sink, prefix: String) -> Prefixed<'a> {
        Prefixed { sink, prefix }
    }
}

impl Sink for Prefixed<'_> {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        let path = format!("{}{}", self.prefix, file.path);
        self.sink.put(OutputFile { path, ..file })
    }

    fn put_parts(&self, path: String, parts: &[&[u8]]) -> std::io::Result<()> {
        self.sink.put_parts(format!("{}{path}", self.prefix), parts)
    }

    fn put_written(&self, path: String, write: Writer) -> std::io::Result<()> {
        self.sink
            .put_written(format!("{}{path}", self.prefix), write)
    }

    fn keep(&self, path: &str, key: u64) -> bool {
        self.sink.keep(&format!("{}{path}", self.prefix), key)
    }

    fn put_made(&self, file: OutputFile, key: u64) -> std::io::Result<()> {
        let path = format!("{}{}", self.prefix, file.path);
        self.sink.put_made(OutputFile { path, ..file }, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn parts_are_read_in_any_order_through_the_window_and_a_part_past_the_end_is_none() {
        // Parts of one byte and of more than a window, before and after each other.
        let big = vec![b'x'; WINDOW as usize + 10];
        let parts: [(Option<u64>, &[u8]); 5] = [
            (Some(1), b"first"),
            (None, b","),
            (Some(2), &big),
            (None, b","),
            (Some(3), b"3"),
        ];
        let mut file = tempfile::tempfile().unwrap();
        for (_, bytes) in parts {
            file.write_all(bytes).unwrap();
        }
        let mut marks = super::marks(&parts);
        marks.push(Mark {
            key: 4,
            start: 3,
            len: WINDOW * 2,
        });
        let earlier = Earlier::new(file, &marks);
        let mut reader = earlier.reader();
        assert_eq!(reader.part(3).as_deref(), Some(b"3".as_slice()));
        assert_eq!(reader.part(1).as_deref(), Some(b"first".as_slice()));
        assert_eq!(reader.part(2), Some(big.clone()));
        assert_eq!(reader.part(1).as_deref(), Some(b"first".as_slice()));
        assert_eq!(reader.part(4), None, "a part past the file's end");
        assert_eq!(reader.part(5), None, "no such part");
        assert_eq!(reader.part(3).as_deref(), Some(b"3".as_slice()));
    }

    #[test]
    fn a_part_that_cannot_be_read_is_none_and_so_are_the_parts_after_it() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(b"first,second").unwrap();
        let parts: [(Option<u64>, &[u8]); 3] =
            [(Some(1), b"first"), (None, b","), (Some(2), b"second")];
        // Open for writing only: every read fails.
        let unreadable = std::fs::OpenOptions::new()
            .write(true)
            .open(file.path())
            .unwrap();
        let earlier = Earlier::new(unreadable, &super::marks(&parts));
        let mut reader = earlier.reader();
        assert_eq!(reader.part(1), None);
        assert_eq!(reader.part(2), None, "taken from what the failed read left");
    }
}
