//! Reads the content folder into memory. This is the only step of the build that knows the file
//! system layout of `content/`; everything after it works on [`Sources`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use rayon::prelude::*;

use crate::cache::{Cache, Fingerprint, cached};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};

/// A text file of the content, decoded and with line endings normalised to `\n`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root with forward slashes, as shown in reports: `content/site.yaml`.
    pub rel: String,
    /// Shared, so that the preview's cache and each build's sources hold one copy.
    pub text: std::sync::Arc<str>,
    /// The fingerprint of `text`, made once: what is made from the file is kept by it (the
    /// preview hashing every text on every save was a tenth of a check).
    digest: std::sync::OnceLock<u64>,
}

impl SourceFile {
    pub fn new(rel: impl Into<String>, text: impl Into<std::sync::Arc<str>>) -> SourceFile {
        SourceFile {
            rel: rel.into(),
            text: text.into(),
            digest: std::sync::OnceLock::new(),
        }
    }

    pub fn digest(&self) -> u64 {
        *self
            .digest
            .get_or_init(|| Fingerprint::default().text(&self.text).finish())
    }

    /// The folder the file is in, relative to the site root, for resolving relative links.
    pub fn dir(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file name without its extension.
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem)
    }
}

#[derive(Debug, Default, Clone)]
pub struct OrganiserSources {
    /// The folder name under `content/programme/`.
    pub folder: String,
    pub profile: Option<SourceFile>,
    pub entries: Vec<SourceFile>,
}

/// A file copied to the site as it is (images, attachments), from `content/static/`.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Relative to `content/static/`, forward slashes: where it lands in the output.
    pub output: String,
    pub path: PathBuf,
}

#[derive(Debug, Default, Clone)]
pub struct Sources {
    pub site: Option<SourceFile>,
    /// Each shared, so that the preview keeps what it read for the next save without copying
    /// every entry's file, and a save copies only the folder it changed.
    pub organisers: Vec<Arc<OrganiserSources>>,
    pub memos: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// `content/series/<key>.md`: series of sessions held all year.
    pub series: Vec<SourceFile>,
    pub statics: Vec<StaticFile>,
    /// The record of published feed versions kept beside the content, if there is one yet.
    pub calendar_lock: Option<SourceFile>,
    /// Files that are there but could not be read (already reported): not to be reported
    /// again as missing.
    pub unreadable: BTreeSet<String>,
    /// The folders under `themes/`: the themes a site may name.
    pub themes: Vec<String>,
}

pub const SITE_FILE: &str = "content/site.yaml";
pub const CALENDAR_LOCK_FILE: &str = "content/calendar.lock";

/// The largest text file read. An entry is a few kilobytes; this keeps a pasted document or a
/// mistaken file from holding up the build, while leaving room for the longest memo.
pub const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Reads everything under `ROOT/content/`. Problems with single files are reported and the file
/// is left out; the error is only for a content folder that cannot be read at all.
pub fn load(root: &Path) -> Result<(Sources, Diagnostics), std::io::Error> {
    load_cached(root, None)
}

/// [`load`], taking from `cache` the text of each file unchanged on disk since it was read
/// (the preview reads only what was edited).
pub fn load_cached(
    root: &Path,
    cache: Option<&Cache>,
) -> Result<(Sources, Diagnostics), std::io::Error> {
    let content = root.join("content");
    if !content.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "no content folder at {}: run viikko in a site folder or give --root",
                content.display()
            ),
        ));
    }
    let mut diagnostics = Diagnostics::default();
    let mut paths = Vec::new();
    for item in walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
    {
        match item {
            Ok(item) if item.file_type().is_file() => paths.push(item.into_path()),
            Ok(item) if item.file_type().is_symlink() => {
                diagnostics.push(link(&relative(root, item.path())));
            }
            Ok(_) => {}
            Err(error) => diagnostics.push(
                Diagnostic::error(
                    error.path().map_or("content".into(), |p| relative(root, p)),
                    text!("file_unreadable", error = error),
                )
                .with_help(text!("file_unreadable_help")),
            ),
        }
    }

    let mut sources = Sources::default();
    let mut texts = Vec::new();
    for path in paths {
        let rel = relative(root, &path);
        if let Some(kind) = sources.sort_out(&rel, &path, &mut diagnostics) {
            texts.push((kind, rel, path));
        }
    }
    let read: Vec<_> = texts
        .into_par_iter()
        .map(|(kind, rel, path)| {
            let file = read_text(&rel, &path, kind.limited(), cache);
            (kind, rel, file)
        })
        .collect();
    for (kind, rel, file) in read {
        sources.place(kind, rel, file, &mut diagnostics);
    }
    sources.themes = folders(&root.join("themes"));
    Ok((sources, diagnostics))
}

/// [`load_cached`] again after the files at `changed` (as the watcher names them) changed,
/// taking every other file from `previous`, which that read returned: the preview reads what a
/// save touched, not the whole folder. `None` when a change is one only a whole read gets right
/// (a folder or link made, the content folder itself), and the caller reads everything.
pub fn reload(
    root: &Path,
    previous: (Sources, Diagnostics),
    changed: &BTreeSet<PathBuf>,
    cache: Option<&Cache>,
) -> Option<(Sources, Diagnostics)> {
    let content = root.join("content");
    let ignored = |c: std::path::Component| is_ignored(&c.as_os_str().to_string_lossy());
    let changed: Vec<(String, &PathBuf)> = changed
        .iter()
        .filter(|path| {
            let inner = path.strip_prefix(&content);
            inner.is_ok_and(|inner| !inner.components().any(ignored))
        })
        .map(|path| (relative(root, path), path))
        .collect();
    let (mut sources, mut diagnostics) = (previous.0, Diagnostics::default());
    let gone = |file: &str| changed.iter().any(|(rel, _)| within(file, rel));
    diagnostics.extend(previous.1.iter().filter(|d| !gone(&d.file)).cloned());
    let mut read = Vec::new();
    for (rel, path) in &changed {
        sources.forget(rel);
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() && *path != &content => read.push((rel, path)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && *path != &content => {}
            _ => return None,
        }
    }
    for (rel, path) in read {
        if let Some(kind) = sources.sort_out(rel, path, &mut diagnostics) {
            let file = read_text(rel, path, kind.limited(), cache);
            sources.place(kind, rel.clone(), file, &mut diagnostics);
        }
    }
    sources.themes = folders(&root.join("themes"));
    Some((sources, diagnostics))
}

/// The names of the folders in `dir` (not links), sorted.
fn folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|item| item.file_type().is_ok_and(|t| t.is_dir()))
        .map(|item| item.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What a file of `content/` is, by where it lies.
enum Kind {
    Site,
    CalendarLock,
    Profile(String),
    Entry(String),
    Memo,
    Page,
    Series,
    /// Copied as it is, to this path of the site.
    Static(String),
}

impl Kind {
    /// Whether a file of this kind is read only up to [`MAX_TEXT_BYTES`]: the record grows with
    /// the programme and is written by viikko itself.
    fn limited(&self) -> bool {
        !matches!(self, Kind::CalendarLock)
    }
}

/// The kind of the file at `rel` (`content/programme/pori/kahvila.md`); `None` where the site
/// has no place for it.
fn kind(rel: &str) -> Option<Kind> {
    let parts: Vec<&str> = rel.split('/').collect();
    Some(match parts.as_slice() {
        ["content", "static", rest @ ..] => Kind::Static(rest.join("/")),
        ["content", "site.yaml"] => Kind::Site,
        ["content", "calendar.lock"] => Kind::CalendarLock,
        ["content", "programme", folder, name] if name.eq_ignore_ascii_case("_index.md") => {
            Kind::Profile(folder.to_string())
        }
        ["content", "programme", folder, name] if is_markdown(name) => {
            Kind::Entry(folder.to_string())
        }
        ["content", "memos", _year, name] if is_markdown(name) => Kind::Memo,
        ["content", "pages", name] if is_markdown(name) => Kind::Page,
        ["content", "series", name] if is_markdown(name) => Kind::Series,
        _ => return None,
    })
}

impl Sources {
    /// The text files partners write: profiles, entries, memos and pages.
    pub fn written(&self) -> impl Iterator<Item = &SourceFile> {
        self.organisers
            .iter()
            .flat_map(|o| o.profile.iter().chain(&o.entries))
            .chain(&self.memos)
            .chain(&self.pages)
            .chain(&self.series)
    }

    /// Puts `text` in place of the file `rel` (or adds it, if it could not be read), as the build
    /// will read it; `None` removes the file. Only files partners write can be replaced.
    pub fn replace(&mut self, rel: &str, text: Option<&str>) -> bool {
        let Some(
            kind @ (Kind::Profile(_) | Kind::Entry(_) | Kind::Memo | Kind::Page | Kind::Series),
        ) = kind(rel)
        else {
            return false;
        };
        self.forget(rel);
        if let Some(text) = text {
            self.add(kind, SourceFile::new(rel, text));
        }
        true
    }

    /// Forgets the file `rel`, or everything under it when it was a folder.
    fn forget(&mut self, rel: &str) {
        let gone = |other: &str| within(other, rel);
        for organiser in &mut self.organisers {
            let files = organiser.profile.iter().chain(&organiser.entries);
            if files.clone().any(|f| gone(&f.rel)) {
                let organiser = Arc::make_mut(organiser);
                organiser.entries.retain(|f| !gone(&f.rel));
                organiser.profile.take_if(|f| gone(&f.rel));
            }
        }
        self.memos.retain(|f| !gone(&f.rel));
        self.pages.retain(|f| !gone(&f.rel));
        self.series.retain(|f| !gone(&f.rel));
        self.statics
            .retain(|f| !gone(&format!("content/static/{}", f.output)));
        self.unreadable.retain(|other| !gone(other));
        for file in [&mut self.site, &mut self.calendar_lock] {
            file.take_if(|f| gone(&f.rel));
        }
        // As a whole read has them: an organiser for each folder with a profile or entry in it,
        // read or not.
        let unreadable = &self.unreadable;
        let in_folder = |rel: &str, folder: &str| matches!(kind(rel), Some(Kind::Profile(f) | Kind::Entry(f)) if f == folder);
        self.organisers.retain(|o| {
            o.profile.is_some()
                || !o.entries.is_empty()
                || unreadable.iter().any(|rel| in_folder(rel, &o.folder))
        });
    }

    /// The kind of the file at `rel`, when it is to be read: a static file is listed instead,
    /// and a file the site has no place for reported.
    fn sort_out(&mut self, rel: &str, path: &Path, problems: &mut Diagnostics) -> Option<Kind> {
        match kind(rel) {
            Some(Kind::Static(output)) => {
                let at = place_of(&self.statics, |s| walk_order(&s.output, &output));
                let path = path.to_path_buf();
                self.statics.insert(at, StaticFile { output, path });
                None
            }
            None => {
                problems.push(misplaced(rel));
                None
            }
            kind => kind,
        }
    }

    /// What reading the file `rel` gave, where a whole read has it.
    fn place(
        &mut self,
        kind: Kind,
        rel: String,
        read: Result<SourceFile, Diagnostic>,
        problems: &mut Diagnostics,
    ) {
        match read {
            Ok(file) => self.add(kind, file),
            Err(problem) => {
                problems.push(problem);
                // A folder with a profile or entry in it is an organiser, read or not.
                if let Kind::Profile(folder) | Kind::Entry(folder) = &kind {
                    self.organiser(folder);
                }
                self.unreadable.insert(rel);
            }
        }
    }

    /// Adds a file that was read, where a whole read puts it.
    fn add(&mut self, kind: Kind, file: SourceFile) {
        match kind {
            Kind::Site => self.site = Some(file),
            Kind::CalendarLock => self.calendar_lock = Some(file),
            Kind::Profile(folder) => self.organiser(&folder).profile = Some(file),
            Kind::Entry(folder) => in_order(&mut self.organiser(&folder).entries, file),
            Kind::Memo => in_order(&mut self.memos, file),
            Kind::Page => in_order(&mut self.pages, file),
            Kind::Series => in_order(&mut self.series, file),
            Kind::Static(_) => {}
        }
    }

    /// The organiser of `folder`, added in its place if there is none yet.
    fn organiser(&mut self, folder: &str) -> &mut OrganiserSources {
        let at = place_of(&self.organisers, |o| o.folder.as_str().cmp(folder));
        if self.organisers.get(at).is_none_or(|o| o.folder != folder) {
            let organiser = OrganiserSources {
                folder: folder.to_string(),
                ..Default::default()
            };
            self.organisers.insert(at, Arc::new(organiser));
        }
        Arc::make_mut(&mut self.organisers[at])
    }
}

/// Puts `file` among `files` where a whole read finds it.
fn in_order(files: &mut Vec<SourceFile>, file: SourceFile) {
    let at = place_of(files, |f| walk_order(&f.rel, &file.rel));
    files.insert(at, file);
}

/// Where an item goes among `items`, which are in order, `order` comparing each with it: at
/// the end, found at once, when it comes after them all, as every file of a whole read does.
fn place_of<T>(items: &[T], order: impl Fn(&T) -> std::cmp::Ordering) -> usize {
    match items.last() {
        Some(last) if order(last).is_lt() => items.len(),
        _ => items.partition_point(|item| order(item).is_lt()),
    }
}

/// Whether the file `file` is `rel` or lies in the folder `rel`.
fn within(file: &str, rel: &str) -> bool {
    file.strip_prefix(rel)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The order of a walk sorted by file name: by each folder's name in turn, so that
/// `a/x.md` comes before `a-b/x.md`.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Hidden files, editor swap and backup files: never content, and they come and go while a
/// partner edits.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

/// A Markdown file, whatever the case of its extension: `.md`, `.MD`, `.markdown`.
fn is_markdown(name: &str) -> bool {
    let name = name.to_lowercase();
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// A file where the site has no place for it. In the folders partners write in it is an error,
/// since it looks like an entry that would silently be missing from the programme: a text saved
/// by Notepad as `.md.txt`, a Word document.
fn misplaced(rel: &str) -> Diagnostic {
    let parts: Vec<&str> = rel.split('/').collect();
    let name = parts.last().copied().unwrap_or_default();
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let written = matches!(
        parts.as_slice(),
        ["content", "programme" | "memos" | "pages", ..]
    );
    let help = match (extension.as_str(), parts.as_slice()) {
        ("txt", _) if written => text!("misplaced_txt", name = name.trim_end_matches(".txt")),
        ("docx" | "doc" | "odt" | "rtf" | "pages", _) if written => text!("misplaced_document"),
        ("jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "pdf", _) => text!("misplaced_static"),
        (_, ["content", "programme", _]) => text!("misplaced_programme"),
        (_, ["content", "programme", ..]) => text!("misplaced_entry_folder"),
        (_, ["content", "memos", ..]) => text!("misplaced_memo"),
        _ => text!("misplaced_help"),
    };
    let diagnostic = match written {
        true => Diagnostic::error(rel, text!("misplaced_written")),
        false => Diagnostic::warning(rel, text!("misplaced")),
    };
    diagnostic.with_help(help)
}

/// A link in the content folder is not followed: it could publish any file of the computer,
/// and the calendar record must never be written through one.
fn link(rel: &str) -> Diagnostic {
    if rel == CALENDAR_LOCK_FILE {
        return Diagnostic::error(rel, text!("record_link")).with_help(text!("record_link_help"));
    }
    Diagnostic::warning(rel, text!("content_link")).with_help(text!("content_link_help"))
}

/// How long a file must have stood unchanged before its text is taken from the cache by its
/// size and times alone: a file written twice within the clock's resolution keeps its time.
const SETTLED: std::time::Duration = std::time::Duration::from_secs(2);

/// Reads a text file; `limited` to [`MAX_TEXT_BYTES`] when a person writes it.
fn read_text(
    rel: &str,
    path: &Path,
    limited: bool,
    cache: Option<&Cache>,
) -> Result<SourceFile, Diagnostic> {
    let cannot_read = |error: std::io::Error| {
        Diagnostic::error(rel, text!("file_unreadable", error = error))
            .with_help(text!("file_unreadable_help"))
    };
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    let size = meta.len();
    if limited && size > MAX_TEXT_BYTES {
        let megabytes = format!("{:.1}", size as f64 / 1_000_000.0);
        return Err(
            Diagnostic::error(rel, text!("file_too_large", size = megabytes))
                .with_span(first_line(path))
                .with_help(text!("file_too_large_help")),
        );
    }
    let settled = meta
        .modified()
        .ok()
        .and_then(|time| time.elapsed().ok())
        .is_some_and(|age| age > SETTLED);
    let key = cache.filter(|_| settled).map(|cache| {
        let f = Fingerprint::default()
            .text("file")
            .text(&path.to_string_lossy())
            .number(size);
        (cache, times(&meta, f).finish())
    });
    let read = || read_new(rel, path, cannot_read);
    match cache {
        // Fingerprinted before it is kept, so that each save takes the fingerprint with the text.
        Some(_) => cached(key, || read().inspect(|file| _ = file.digest())),
        None => read(),
    }
}

/// Adds the file's modification time, and where the system has them its inode and change
/// time: a file replaced by another of the same size and modification time is told apart.
fn times(meta: &std::fs::Metadata, f: Fingerprint) -> Fingerprint {
    let nanos = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    let f = f.number(nanos);
    #[cfg(unix)]
    let f = {
        use std::os::unix::fs::MetadataExt;
        f.number(meta.ino())
            .number(meta.ctime() as u64)
            .number(meta.ctime_nsec() as u64)
    };
    f
}

/// Reads and decodes a file.
fn read_new(
    rel: &str,
    path: &Path,
    cannot_read: impl Fn(std::io::Error) -> Diagnostic,
) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    // simdutf8: the standard library's check is slow on Finnish text, whose ä and ö break up
    // its runs of ASCII.
    let text = match simdutf8::compat::from_utf8(&bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(error) => {
            let valid = error.valid_up_to();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let lossy = String::from_utf8_lossy(&bytes).into_owned();
            let line = prefix.matches('\n').count() + 1;
            return Err(Diagnostic::error(rel, text!("file_not_utf8"))
                .with_span(Span::line(&lossy, line))
                .with_help(text!("file_not_utf8_help")));
        }
    };
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    Ok(SourceFile::new(rel, text))
}

/// The first line of a file too large to read whole, to show where the report points.
fn first_line(path: &Path) -> Span {
    use std::io::Read;
    let mut start = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(200).read_to_end(&mut start);
    }
    let text = String::from_utf8_lossy(&start);
    Span::line(text.split('\n').next().unwrap_or_default(), 1)
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Already in its written form where paths are separated by `/`.
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(rel) = rel.to_str()
    {
        return rel.to_string();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    /// A file of `text`, last modified a minute ago: settled, so the cache may hold it.
    fn settled(path: &Path, text: &str) {
        std::fs::write(path, text).unwrap();
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60))
            .unwrap();
    }

    #[test]
    fn reading_again_what_changed_equals_reading_everything() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, bytes: &[u8]| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        let entry = "---\ntitle: Kahvila\n---\n".as_bytes();
        write("content/site.yaml", b"title: Viikko\n");
        write("content/programme/a/_index.md", b"---\nname: A\n---\n");
        write("content/programme/a/x.md", entry);
        write("content/programme/a-b/x.md", entry);
        write("content/memos/2025/m.md", entry);
        write("content/static/img/a.png", b"png");
        std::fs::create_dir_all(root.join("themes/oma")).unwrap();
        let whole = || {
            let (sources, diagnostics) = load(root).unwrap();
            format!("{sources:#?}\n{:#?}", diagnostics.sorted())
        };
        let mut last = load(root).unwrap();
        let mut step = |changed: &[&str], change: &dyn Fn()| {
            change();
            let changed = changed.iter().map(|rel| root.join(rel)).collect();
            let again = reload(root, std::mem::take(&mut last), &changed, None);
            let again = again.expect("files changed, not folders");
            let shown = format!("{:#?}\n{:#?}", again.0, again.1.clone().sorted());
            assert_eq!(shown, whole(), "after {changed:?}");
            last = again;
        };
        step(&["content/programme/a/x.md"], &|| {
            write("content/programme/a/x.md", b"---\ntitle: Kirjasto\n---\n")
        });
        step(&["content/programme/0-alku/uusi.md"], &|| {
            write("content/programme/0-alku/uusi.md", entry)
        });
        step(&["content/programme/a-b/a.md"], &|| {
            write("content/programme/a-b/a.md", entry)
        });
        // Walked folder by folder: `2025/` before `2025-syksy/`, though `-` sorts before `/`.
        step(
            &["content/memos/2025-syksy/m.md", "content/memos/2024/m.md"],
            &|| {
                write("content/memos/2025-syksy/m.md", entry);
                write("content/memos/2024/m.md", entry);
            },
        );
        step(&["content/programme/d/_index.md"], &|| {
            write("content/programme/d/_index.md", b"\xff\xfe")
        });
        step(&["content/programme/a/muistiinpanot.txt"], &|| {
            write("content/programme/a/muistiinpanot.txt", b"notes")
        });
        step(
            &["content/static/img/0.png", "content/programme/a/.x.md.swp"],
            &|| {
                write("content/static/img/0.png", b"png");
                write("content/programme/a/.x.md.swp", b"swap");
            },
        );
        step(&["content/programme/0-alku"], &|| {
            std::fs::remove_dir_all(root.join("content/programme/0-alku")).unwrap()
        });
        step(&["content/programme/d/_index.md"], &|| {
            write("content/programme/d/_index.md", b"---\nname: D\n---\n")
        });
        step(
            &[
                "content/memos/2025/m.md",
                "content/programme/a/muistiinpanot.txt",
            ],
            &|| {
                std::fs::remove_file(root.join("content/memos/2025/m.md")).unwrap();
                std::fs::remove_file(root.join("content/programme/a/muistiinpanot.txt")).unwrap();
            },
        );
        step(
            &["content/programme/a/x.md", "content/programme/a/z.md"],
            &|| {
                let to = root.join("content/programme/a/z.md");
                std::fs::rename(root.join("content/programme/a/x.md"), to).unwrap()
            },
        );
        // A folder made or moved in is read whole: the watcher may not name what is in it.
        std::fs::create_dir_all(root.join("content/programme/e")).unwrap();
        write("content/programme/e/x.md", entry);
        let folder = [root.join("content/programme/e")].into_iter().collect();
        assert!(reload(root, last, &folder, None).is_none());
    }

    #[test]
    fn a_settled_file_is_taken_from_the_cache_until_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        settled(&path, "yksi");
        let cache = Cache::default();
        let read = |cache: &Cache| read_text("a.md", &path, true, Some(cache)).unwrap();
        assert_eq!(&*read(&cache).text, "yksi");
        let cache = cache.successor();
        assert_eq!(&*read(&cache).text, "yksi");
        assert_eq!(cache.reused(), 1, "an unchanged file is not read again");
        // The same size and modification time, written again: its change time tells.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::fs::write(&path, "kaks").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        let cache = cache.successor();
        assert_eq!(&*read(&cache).text, "kaks");
        // Just written, it is read whatever its times.
        std::fs::write(&path, "kolm").unwrap();
        assert_eq!(&*read(&cache.successor()).text, "kolm");
    }
}
