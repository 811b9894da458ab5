//! What a build made (rendered pages and cards, parsed files, compiled templates) kept by a
//! fingerprint of everything it was made from, so that a build makes again only what an edit
//! changed. The preview server keeps everything in memory between saves; `viikko build` keeps
//! what lasts ([`lasts`]: entry files as read, rendered bodies, cards, search words) in
//! `.viikko-cache/made` between runs, beside the output's manifest (`write.rs`).

use rayon::prelude::*;

use std::any::{Any, TypeId};
use std::convert::Infallible;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::Value;

use crate::content::{ReadEntry, entry_bytes, entry_from_bytes};
use crate::markdown::Rendered;

// The keys are fingerprints already: SipHash would only hash them again, slowly.
use foldhash::HashMap;

/// Something a build made: page text, a card, a parsed file, compiled templates.
type Kept = Arc<dyn Any + Send + Sync>;

/// Anything a build made, by fingerprint.
type Made = HashMap<u64, Kept>;

/// What earlier builds made, each with the number of the build that last used it.
type Previous = HashMap<u64, (AtomicU32, Kept)>;

const SHARDS: usize = 16;

/// Builds a thing may go unused before it is forgotten: the preview makes a page only when it
/// is asked for, so a page not looked at since the last edit is kept a while.
const IDLE_BUILDS: u32 = 3;

/// The first line of a cache file; the second names the program that wrote it.
const FILE_HEADER: &str = "viikko cache 1\n";

/// What a cache let go once settled ([`Cache::settle`]): only ever dropped.
#[derive(Default)]
pub struct Settled {
    _previous: Previous,
    _made: Vec<Made>,
}

#[derive(Default)]
pub struct Cache {
    /// What earlier builds made, each with the number of the build that last used it. A build
    /// only reads the map: what it takes is marked, not moved (tens of thousands of things a
    /// save in the preview).
    previous: RwLock<Previous>,
    /// This build's number.
    build: u32,
    /// What this build made anew, in shards by fingerprint: both cores add to it at once.
    made: [Mutex<Made>; SHARDS],
    /// How many times this build took something from the previous one.
    reused: AtomicUsize,
    /// Keeps only what lasts: `viikko build` saves nothing else, and a page kept in memory
    /// until the build ends would only cost memory.
    lasting_only: bool,
    /// The file `viikko build` keeps what lasts in.
    file: Option<PathBuf>,
    /// How many records that file held when read, used or not (one per key); `None` when there
    /// was no such file of this program's, or it was damaged.
    on_disk: Option<usize>,
}

impl Cache {
    /// What the previous build made from inputs with this fingerprint, else `make()`.
    pub fn get_or<T, E>(
        &self,
        fingerprint: u64,
        make: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
    {
        let kept = self.previous.read().ok().and_then(|previous| {
            let (used, kept) = previous.get(&fingerprint)?;
            let value = kept.downcast_ref::<T>()?.clone();
            used.store(self.build, Ordering::Relaxed);
            Some(value)
        });
        if let Some(value) = kept {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(value);
        }
        let value = make()?;
        if self.lasting_only && !lasts::<T>() {
            return Ok(value);
        }
        let shard = &self.made[fingerprint as usize % SHARDS];
        if let Ok(mut made) = shard.lock() {
            made.insert(fingerprint, Arc::new(value.clone()));
        }
        Ok(value)
    }

    /// The cache an earlier `viikko build` of the site saved at `path`, for a build that keeps
    /// only what lasts, and saves it there ([`Cache::settle`]). Empty when there is none, or
    /// when another program wrote it; a record cut short or damaged ends what is read.
    pub fn open(path: &Path) -> Cache {
        forget_unfinished(path);
        let mut cache = Cache {
            lasting_only: true,
            // Records read are marked as last used by build 0: saved only if this one uses them.
            build: 1,
            file: Some(path.to_path_buf()),
            ..Cache::default()
        };
        let Ok(file) = std::fs::File::open(path) else {
            return cache;
        };
        let Some((previous, whole)) = read_records(file, PART) else {
            return cache;
        };
        cache.on_disk = whole.then_some(previous.len());
        cache.previous = RwLock::new(previous);
        cache
    }

    /// Once a build has made its pages, which is all it asks of a cache: a cache read from a
    /// file saves what lasts to it and lets go of everything (the largest files are still to
    /// be made); the preview's keeps all for the next save. What is saved is right whatever
    /// becomes of the build, as each thing is known by all it was made from. Not saved costs
    /// the next build time, never a wrong file: nothing to report.
    ///
    /// Returns what is let go, for the caller to drop beside other work: freeing the entries,
    /// bodies and cards one at a time was a tenth of a second of one core at 10,000 entries.
    #[must_use = "what is let go, to drop beside other work"]
    pub fn settle(&self) -> Settled {
        let Some(file) = &self.file else {
            return Settled::default();
        };
        let _ = self.save(file);
        let made = self.made.iter().filter_map(|shard| shard.lock().ok());
        let made = made.map(|mut made| std::mem::take(&mut *made)).collect();
        let previous = self.previous.write().map(|mut p| std::mem::take(&mut *p));
        Settled {
            _previous: previous.unwrap_or_default(),
            _made: made,
        }
    }

    /// Saves what lasts of what this build used and made at `path`, for the next build. What
    /// was made anew is added to the file the build read, unless it was not this program's or
    /// damaged, or mostly holds what this build no longer uses: then it is written anew, with
    /// what this build used alone, beside the old one and moved over it.
    fn save(&self, path: &Path) -> io::Result<()> {
        let made: Vec<(u64, Kept)> = self
            .made
            .iter()
            .filter_map(|shard| shard.lock().ok())
            .flat_map(|made| {
                made.iter()
                    .map(|(k, v)| (*k, v.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let previous = self
            .previous
            .read()
            .map_err(|_| io::Error::other("cache poisoned"))?;
        let mut all: Vec<(u64, &Kept)> = previous
            .iter()
            .filter(|(_, (used, _))| used.load(Ordering::Relaxed) == self.build)
            .map(|(key, (_, kept))| (*key, kept))
            .collect();
        let live = all.len() + made.len();
        // Added to in place only when it is a file, never through a link.
        let in_place = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_file());
        if let Some(on_disk) = self.on_disk
            && on_disk + made.len() <= 2 * live + 1024
            && in_place
        {
            if made.is_empty() {
                return Ok(());
            }
            let file = std::fs::OpenOptions::new().append(true).open(path)?;
            let mut out = io::BufWriter::new(file);
            for (key, kept) in &made {
                write_record(&mut out, *key, kept)?;
            }
            return out.flush();
        }
        // In the order of their keys, so that the same builds leave the same file.
        all.extend(made.iter().map(|(key, kept)| (*key, kept)));
        all.sort_unstable_by_key(|(key, _)| *key);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        // Its own, so that two builds at once never write into one.
        let temporary = path.with_file_name(format!(".made.{}.viikko-tmp", std::process::id()));
        let _ = std::fs::remove_file(&temporary);
        let written = std::fs::File::create_new(&temporary).and_then(|file| {
            let mut out = io::BufWriter::new(file);
            out.write_all(header().as_bytes())?;
            for (key, kept) in all {
                write_record(&mut out, key, kept)?;
            }
            out.flush()
        });
        match written.and_then(|()| std::fs::rename(&temporary, path)) {
            Ok(()) => Ok(()),
            Err(error) => {
                let _ = std::fs::remove_file(&temporary);
                Err(error)
            }
        }
    }

    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// The cache for the next build: what this build made, and what earlier builds made that
    /// has not gone unused for `IDLE_BUILDS` builds. Moved, not copied: this cache is left
    /// empty, and what it is still asked for (pages of the site the preview shows until the
    /// next one passed) is made anew.
    pub fn successor(&self) -> Cache {
        let mut previous = self
            .previous
            .write()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        let build = self.build.wrapping_add(1);
        previous
            .retain(|_, (used, _)| build.wrapping_sub(used.load(Ordering::Relaxed)) <= IDLE_BUILDS);
        for shard in &self.made {
            let made = shard.lock().map(|mut m| std::mem::take(&mut *m));
            let made = made.into_iter().flatten();
            previous.extend(made.map(|(key, kept)| (key, (AtomicU32::new(self.build), kept))));
        }
        Cache {
            previous: RwLock::new(previous),
            build,
            made: Default::default(),
            reused: AtomicUsize::new(0),
            lasting_only: self.lasting_only,
            file: None,
            on_disk: None,
        }
    }
}

/// How much of a cache file is read at a time: its records are decoded a part at a time, so
/// that the whole file is never in memory beside what it decodes to.
const PART: u64 = 8 << 20;

/// The records of a cache file, and whether it was read to its end; `None` when it is not this
/// program's. A record cut short or damaged ends what is read.
fn read_records(mut file: impl Read + Send, part: u64) -> Option<(Previous, bool)> {
    let mut header_bytes = vec![0; header().len()];
    file.read_exact(&mut header_bytes).ok()?;
    if header_bytes != header().as_bytes() {
        return None;
    }
    let mut previous = HashMap::default();
    let mut parts = Parts {
        file,
        size: part as usize,
        rest: Vec::new(),
        spare: Vec::new(),
    };
    let mut next = parts.next();
    loop {
        let Ok((bytes, at_end)) = next else {
            return Some((previous, false));
        };
        // The next part is read while this one is checked and decoded on every core, so that
        // neither waits for the other.
        let (read, following) = rayon::join(
            || decode(&bytes),
            || match at_end {
                true => Ok((Vec::new(), true)),
                false => parts.next(),
            },
        );
        parts.spare = bytes;
        for record in read {
            // The file is read up to a record that does not match its check.
            let Some((key, kept)) = record else {
                return Some((previous, false));
            };
            // One that no longer reads (a time whose zone's rules changed) is made again.
            if let Some(kept) = kept {
                previous.insert(key, (AtomicU32::new(0), kept));
            }
        }
        if at_end {
            return Some((previous, parts.rest.is_empty()));
        }
        next = following;
    }
}

/// Each record of `bytes`, which holds whole records, checked and decoded.
fn decode(bytes: &[u8]) -> Vec<Option<(u64, Option<Kept>)>> {
    let mut records = Vec::new();
    let mut rest = bytes;
    while let Some((record, after)) = split_record(rest) {
        records.push(record);
        rest = after;
    }
    records.into_par_iter().map(read_record).collect()
}

/// A cache file read a part at a time, so that the whole file is never in memory beside what it
/// decodes to.
struct Parts<R> {
    file: R,
    size: usize,
    /// The start of a record that the last part cut short.
    rest: Vec<u8>,
    /// A part already decoded, whose memory the next is read into: new memory for each part
    /// left it scattered.
    spare: Vec<u8>,
}

impl<R: Read> Parts<R> {
    /// The next part's whole records, and whether the file ends with it.
    fn next(&mut self) -> io::Result<(Vec<u8>, bool)> {
        let mut bytes = std::mem::take(&mut self.spare);
        bytes.clear();
        bytes.reserve(self.rest.len() + self.size);
        bytes.append(&mut self.rest);
        let read = (&mut self.file)
            .take(self.size as u64)
            .read_to_end(&mut bytes)?;
        let mut whole = bytes.as_slice();
        while let Some((_, after)) = split_record(whole) {
            whole = after;
        }
        let cut = bytes.len() - whole.len();
        self.rest.extend_from_slice(&bytes[cut..]);
        bytes.truncate(cut);
        Ok((bytes, read < self.size))
    }
}

/// Removes what builds killed while writing the file at `path` anew left beside it.
fn forget_unfinished(path: &Path) {
    let Some(names) = path
        .parent()
        .and_then(|folder| std::fs::read_dir(folder).ok())
    else {
        return;
    };
    for name in names.flatten() {
        let file = name.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(".made.") && file.ends_with(".viikko-tmp") {
            let _ = std::fs::remove_file(name.path());
        }
    }
}

/// Whether a `T` lasts between runs of `viikko build`: what is made from the content alone
/// (entry files as read, their rendered bodies, cards and search words), whose fingerprints name
/// every input but the program, which the file's header names. Pages are left out: a build keeps
/// those it need not make in the output itself, and a listing would hold the whole site a
/// second time.
fn lasts<T: 'static>() -> bool {
    let t = TypeId::of::<T>();
    t == TypeId::of::<Arc<str>>() || t == TypeId::of::<ReadEntry>() || t == TypeId::of::<Rendered>()
}

/// A cache file's first lines: what it is, and the program that wrote it.
fn header() -> String {
    format!("{FILE_HEADER}{}\n", crate::identity())
}

const TEXT: u8 = 1;
const ENTRY: u8 = 2;
const BODY: u8 = 3;

/// `kept` as a record: its key, kind, length, bytes, and a check of them all. What must not be
/// kept (an entry read with problems) is left out.
fn write_record(out: &mut impl Write, key: u64, kept: &Kept) -> io::Result<()> {
    let encoded;
    let (kind, bytes) = if let Some(text) = kept.downcast_ref::<Arc<str>>() {
        (TEXT, text.as_bytes())
    } else if let Some(encoding) = kept.downcast_ref::<ReadEntry>().map(entry_bytes) {
        let Some(bytes) = encoding else {
            return Ok(());
        };
        encoded = bytes;
        (ENTRY, encoded.as_slice())
    } else if let Some(encoding) = kept.downcast_ref::<Rendered>().map(Rendered::to_bytes) {
        let Some(bytes) = encoding else {
            return Ok(());
        };
        encoded = bytes;
        (BODY, encoded.as_slice())
    } else {
        return Ok(());
    };
    let Ok(len) = u32::try_from(bytes.len()) else {
        return Ok(());
    };
    out.write_all(&key.to_le_bytes())?;
    out.write_all(&[kind])?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(bytes)?;
    out.write_all(&check(key, kind, bytes).to_le_bytes())
}

/// A record as written: its key, kind, bytes and check.
type Record<'a> = (u64, u8, &'a [u8], u64);

/// The record at the start of `bytes` and what follows it; `None` at the end, or where a record
/// is cut short.
fn split_record(bytes: &[u8]) -> Option<(Record<'_>, &[u8])> {
    let (key, rest) = bytes.split_first_chunk::<8>()?;
    let (kind, rest) = rest.split_first()?;
    let (len, rest) = rest.split_first_chunk::<4>()?;
    let len = u32::from_le_bytes(*len) as usize;
    let payload = rest.get(..len)?;
    let (stored, rest) = rest[len..].split_first_chunk::<8>()?;
    let record = (
        u64::from_le_bytes(*key),
        *kind,
        payload,
        u64::from_le_bytes(*stored),
    );
    Some((record, rest))
}

/// A record's key and what it holds, if that still reads; `None` if it does not match its
/// check.
fn read_record((key, kind, payload, stored): Record) -> Option<(u64, Option<Kept>)> {
    if stored != check(key, kind, payload) {
        return None;
    }
    let kept: Option<Kept> = match kind {
        TEXT => simdutf8::basic::from_utf8(payload)
            .ok()
            .map(|text| Arc::new(Arc::<str>::from(text)) as Kept),
        ENTRY => entry_from_bytes(payload).map(|entry| Arc::new(entry) as Kept),
        BODY => Rendered::from_bytes(payload).map(|body| Arc::new(body) as Kept),
        _ => None,
    };
    Some((key, kept))
}

/// A check of a record, and of the program that wrote it: a record another build added to a
/// file this one read does not pass unless the same program made it.
fn check(key: u64, kind: u8, bytes: &[u8]) -> u64 {
    let state = foldhash::quality::FixedState::with_seed(0x0063_6163_6865);
    state.hash_one((crate::identity(), key, kind, bytes))
}

/// `make()`, or what the previous build made from the same inputs; `key` is the cache and the
/// fingerprint of the inputs, when there is a cache.
pub fn cached<T, E>(key: Option<(&Cache, u64)>, make: impl FnOnce() -> Result<T, E>) -> Result<T, E>
where
    T: Clone + Send + Sync + 'static,
{
    match key {
        Some((cache, fingerprint)) => cache.get_or(fingerprint, make),
        None => make(),
    }
}

/// `make()`, or what it made before from the same inputs when there is a cache.
pub fn remember<T: Clone + Send + Sync + 'static>(
    cache: Option<&Cache>,
    inputs: impl FnOnce(Fingerprint) -> Fingerprint,
    make: impl FnOnce() -> T,
) -> T {
    let key = cache.map(|cache| (cache, inputs(Fingerprint::default()).finish()));
    cached(key, || Ok::<_, Infallible>(make())).unwrap_or_else(|never| match never {})
}

/// A hash of the values a page is made from: equal values give equal fingerprints, in every
/// run of the same program (the output's manifest keeps them between builds).
pub struct Fingerprint(foldhash::quality::FoldHasher<'static>);

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint(foldhash::quality::FixedState::with_seed(0x7669_696b_6b6f).build_hasher())
    }
}

impl Fingerprint {
    pub fn text(mut self, text: &str) -> Fingerprint {
        self.bytes(text);
        self
    }

    // With its length first, so that ("ab", "c") and ("a", "bc") differ.
    fn bytes(&mut self, text: &str) {
        self.0.write_usize(text.len());
        self.0.write(text.as_bytes());
    }

    pub fn number(mut self, number: u64) -> Fingerprint {
        self.0.write_u64(number);
        self
    }

    pub fn value(mut self, value: &Value) -> Fingerprint {
        self.walk(value);
        self
    }

    /// `value` as JSON: like [`Fingerprint::debug`], every field, and faster for long texts.
    pub fn serialized(mut self, value: &impl serde::Serialize) -> Fingerprint {
        // To a writer that cannot fail, of a value that serializes: nothing to report.
        let _ = serde_json::to_writer(&mut self, value);
        self.0.write_u8(0xff);
        self
    }

    /// `value` as `{:?}` prints it. Derived `Debug` prints every field, so a field added to the
    /// model later is in the fingerprint without anyone remembering to add it.
    pub fn debug(mut self, value: &impl std::fmt::Debug) -> Fingerprint {
        // Marks where one value ends, as `bytes` does with lengths.
        let _ = write!(self, "{value:?}");
        self.0.write_u8(0xff);
        self
    }

    // A walk rather than hashing the value's JSON, which would escape every string first.
    fn walk(&mut self, value: &Value) {
        let h = &mut self.0;
        match value {
            Value::Null => h.write_u8(0),
            Value::Bool(b) => h.write_u8(1 + u8::from(*b)),
            Value::Number(n) => {
                h.write_u8(3);
                h.write(n.to_string().as_bytes());
            }
            Value::String(s) => {
                h.write_u8(4);
                self.bytes(s);
            }
            Value::Array(items) => {
                h.write_u8(5);
                h.write_usize(items.len());
                items.iter().for_each(|item| self.walk(item));
            }
            Value::Object(map) => {
                h.write_u8(6);
                h.write_usize(map.len());
                for (key, item) in map {
                    self.bytes(key);
                    self.walk(item);
                }
            }
        }
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl io::Write for Fingerprint {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_file_is_read_a_part_at_a_time_up_to_damage() {
        let body = |n: usize| Rendered {
            html: format!("<p>ä{n}</p>").into(),
            text: format!("ä{n}").into(),
            ..Rendered::default()
        };
        let mut file = header().into_bytes();
        for n in 0..100u64 {
            let kept: Kept = match n % 2 {
                0 => Arc::new(Arc::<str>::from(format!("kortti {n}"))),
                _ => Arc::new(body(n as usize)),
            };
            write_record(&mut file, n, &kept).unwrap();
        }
        // Parts shorter than a record, and longer than several.
        for part in [7, 100, 1 << 20] {
            let (read, whole) = read_records(file.as_slice(), part).unwrap();
            assert!(whole && read.len() == 100, "part {part}");
            let text = read[&2].1.downcast_ref::<Arc<str>>().unwrap();
            assert_eq!(&**text, "kortti 2");
            let rendered = read[&3].1.downcast_ref::<Rendered>().unwrap();
            assert_eq!((&*rendered.html, &*rendered.text), ("<p>ä3</p>", "ä3"));
        }
        let cut = &file[..file.len() - 3];
        let (read, whole) = read_records(cut, 7).unwrap();
        assert!(!whole && read.len() == 99);
        let mut damaged = file.clone();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 1;
        let (read, whole) = read_records(damaged.as_slice(), 100).unwrap();
        assert!(!whole && read.len() < 60 && read.len() > 40);
        assert!(read_records(&b"another program"[..], 100).is_none());
        // A body with problems is not kept: the next build must report them again.
        let mut with_problems = body(1);
        with_problems
            .problems
            .push(crate::diagnostics::Diagnostic::error(
                "a.md",
                crate::text!("link_nowhere"),
            ));
        let mut out = Vec::new();
        write_record(&mut out, 1, &(Arc::new(with_problems) as Kept)).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn takes_what_the_previous_build_made_from_the_same_inputs() {
        let fingerprint = |v: &Value| Fingerprint::default().value(v).finish();
        let (a, b) = (json!({"title": "A"}), json!({"title": "B"}));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_ne!(
            fingerprint(&json!(["ab", "c"])),
            fingerprint(&json!(["a", "bc"]))
        );
        let cache = Cache::default();
        let made = cache.get_or(fingerprint(&a), || Ok::<_, ()>("page A".to_string()));
        assert_eq!(made.unwrap(), "page A");
        let cache = cache.successor();
        let again = cache.get_or(fingerprint(&a), || Err::<String, _>("rendered again"));
        assert_eq!(again.unwrap(), "page A");
        let other = cache.get_or(fingerprint(&b), || Ok::<_, ()>("page B".to_string()));
        assert_eq!(other.unwrap(), "page B");
        // Kept while unused for fewer than `IDLE_BUILDS` builds, then forgotten.
        let mut cache = cache.successor();
        for _ in 0..IDLE_BUILDS {
            cache = cache.successor();
        }
        assert!(
            cache
                .get_or(fingerprint(&b), || Err::<String, _>("gone"))
                .is_err()
        );
    }
}
