//! viikko: a static site generator for an event week.
//!
//! The data flows load → validate → model → render → write; [`build`] runs it once and `serve`
//! runs it again on every change.

// A problem report is a cold path taken once per bad file; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

#[macro_use]
pub mod messages;

pub mod cache;
pub mod changes;
pub mod content;
pub mod diagnostics;
pub mod exports;
pub mod feeds;
pub mod form;
pub mod ics;
pub mod instructions;
pub mod load;
pub mod markdown;
pub mod model;
pub mod new;
pub mod output;
pub mod published;
pub mod qr;
pub mod render;
pub mod revisions;
pub mod search;
pub mod serve;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod times;
pub mod translations;
pub mod view;
pub mod vtimezone;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Diagnostics};

/// What a finished build made.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub unchanged: usize,
    pub entries: usize,
    pub memos: usize,
    /// Warnings: problems that did not stop the build.
    pub diagnostics: Diagnostics,
    /// Files with errors that `--keep-going` published at their last good version or left out.
    pub held_back: HeldBack,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum Failure {
    /// Problems in the content or theme, each with its file and line; nothing was written.
    Content(Diagnostics),
    /// The file system refused (unreadable content folder, output not writable).
    Io(String),
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Failure {
        Failure::Io(error.to_string())
    }
}

impl Failure {
    /// Shows content problems in `lang`.
    fn in_language(self, lang: times::Lang) -> Failure {
        match self {
            Failure::Content(problems) => Failure::Content(problems.in_language(lang)),
            io => io,
        }
    }

    /// The failures of parallel work as one: the first I/O error, else every content problem.
    pub fn gather(failures: Vec<Failure>) -> Result<(), Failure> {
        let mut problems = Diagnostics::default();
        for failure in failures {
            match failure {
                Failure::Io(message) => return Err(Failure::Io(message)),
                Failure::Content(found) => problems.extend(found.iter().cloned()),
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Failure::Content(problems.sorted())),
        }
    }
}

/// Loads and checks the site under `root` and its theme, without writing anything.
pub fn check(root: &Path) -> Result<(model::Site, Diagnostics), Failure> {
    check_with(root, None, None, None).map(|checked| (checked.site, checked.diagnostics))
}

/// The settings of the site under `root` (the defaults where `site.yaml` lacks them).
pub fn settings(root: &Path) -> Result<model::Config, Failure> {
    let (sources, _) = load::load(root).map_err(|e| Failure::Io(e.to_string()))?;
    Ok(content::settings(&sources))
}

/// The organisers of the site under `root`: each one's folder and name.
pub fn organisers(root: &Path) -> Result<Vec<(String, String)>, Failure> {
    let (sources, _) = load::load(root).map_err(|e| Failure::Io(e.to_string()))?;
    Ok(content::organisers(&sources))
}

/// A site that passed its checks, with what it was made from.
struct Checked {
    site: model::Site,
    theme: theme::Theme,
    diagnostics: Diagnostics,
    /// The content as the build read it, with `--keep-going`'s replacements.
    sources: load::Sources,
    held_back: HeldBack,
}

pub use published::Published;

/// What `--keep-going` did with the files that have errors.
#[derive(Debug, Default, Clone)]
pub struct HeldBack {
    /// Published at their last good version.
    pub kept: Vec<String>,
    /// Never published well, so left out.
    pub left_out: Vec<String>,
    /// Their problems, to be fixed.
    pub problems: Diagnostics,
}

impl HeldBack {
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.left_out.is_empty()
    }
}

/// [`check`], keeping the compiled theme, and taking each file's parsed and rendered form from
/// `cache` when its text is unchanged. With `previous` (`--keep-going`), a file that has errors
/// is checked again at the version `previous` holds, or left out if it holds none; anything
/// else that has errors (the settings, the theme) still stops the build.
fn check_with(
    root: &Path,
    loaded: Option<(load::Sources, Diagnostics)>,
    cache: Option<&cache::Cache>,
    previous: Option<&Published>,
) -> Result<Checked, Failure> {
    let (mut sources, load_problems) = match loaded {
        Some(loaded) => loaded,
        None => load::load_cached(root, cache).map_err(|e| Failure::Io(e.to_string()))?,
    };
    // The theme compiles while the content is read, and its problems are reported with the
    // content's: one run shows them all.
    let settings = content::settings(&sources);
    let ((mut site, mut found), theme) = rayon::join(
        || content::validate(&sources, cache),
        || theme::load(root, &settings.theme, settings.lang.code(), cache),
    );
    let language = |problems: Diagnostics| problems.sorted().in_language(settings.lang);
    let theme = match theme {
        Ok(theme) => theme,
        Err(theme_problems) => {
            let mut problems = load_problems;
            problems.extend(found.iter().chain(theme_problems.iter()).cloned());
            return Err(Failure::Content(language(problems)));
        }
    };
    let mut held_back = HeldBack::default();
    loop {
        let mut problems = Diagnostics::default();
        let current = load_problems.iter().chain(found.iter());
        problems.extend(current.filter(|d| !held(&held_back, &d.file)).cloned());
        let problems = language(problems);
        match site {
            Some(site) if !problems.has_errors() => {
                held_back.problems = language(std::mem::take(&mut held_back.problems));
                return Ok(Checked {
                    site,
                    theme,
                    diagnostics: problems,
                    sources,
                    held_back,
                });
            }
            _ => {}
        }
        let Some(previous) = previous else {
            return Err(Failure::Content(problems));
        };
        let broken: std::collections::BTreeSet<String> = problems
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.file.clone())
            .collect();
        for rel in &broken {
            let text = previous.get(rel).map(String::as_str);
            if held(&held_back, rel) || !sources.replace(rel, text) {
                return Err(Failure::Content(problems));
            }
            match text {
                Some(_) => held_back.kept.push(rel.clone()),
                None => held_back.left_out.push(rel.clone()),
            }
        }
        held_back.problems.extend(
            problems
                .iter()
                .filter(|d| broken.contains(&d.file))
                .cloned(),
        );
        (site, found) = content::validate(&sources, cache);
    }
}

/// Whether `--keep-going` replaced or left out the file `rel`.
fn held(held_back: &HeldBack, rel: &str) -> bool {
    held_back
        .kept
        .iter()
        .chain(&held_back.left_out)
        .any(|f| f == rel)
}

/// How a build differs between `viikko build` and the preview server.
#[derive(Debug, Clone)]
pub struct Options {
    /// Save the calendar record (`content/calendar.lock`) when events changed. The preview
    /// server does not, so that previewing never bumps what subscribers will see.
    pub update_record: bool,
    /// When changed events are stamped as modified.
    pub now: jiff::Timestamp,
    /// Publish at this origin (`http://127.0.0.1:1111`) instead of `base_url`'s, keeping its
    /// path, so the preview's links work as the published site's will.
    pub origin: Option<String>,
    /// The output of the previous build: the SEQUENCEs its feeds published are never lowered,
    /// even when the calendar record lost them.
    pub published: Option<PathBuf>,
    /// `--keep-going`: publish what is valid, each broken file at its version in `previous` (or
    /// left out), instead of refusing the build.
    pub keep_going: bool,
    /// What the previous build published; `build` reads it from the output.
    pub previous: Option<std::sync::Arc<Published>>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            update_record: true,
            now: revisions::build_time(),
            origin: None,
            published: None,
            keep_going: false,
            previous: None,
        }
    }
}

/// A site rendered into a sink.
pub struct Rendered {
    pub site: model::Site,
    pub record: revisions::Revisions,
    pub diagnostics: Diagnostics,
    pub held_back: HeldBack,
    pub pages: usize,
    pub files: usize,
}

/// load → validate → render: every file of the site, into `sink`. Pages in `cache` are taken
/// from it rather than rendered again.
pub fn render_site(
    root: &Path,
    options: &Options,
    sink: &dyn output::Sink,
    cache: Option<&cache::Cache>,
) -> Result<Rendered, Failure> {
    render_loaded(root, None, options, sink, cache)
}

/// A site checked and modelled, ready to render: a build renders all of it at once, the preview
/// each page when it is asked for.
pub struct Prepared {
    pub site: model::Site,
    theme: theme::Theme,
    feeds: Vec<feeds::Feed>,
    pub diagnostics: Diagnostics,
    pub held_back: HeldBack,
    /// The content as read, with `--keep-going`'s replacements.
    sources: load::Sources,
    cards: Vec<std::sync::OnceLock<render::Card>>,
}

/// load → validate → model: the site under `root`, ready to render, from the content as `load`
/// read it when given. Parsed files are taken from `cache` when their text is unchanged.
pub fn prepare(
    root: &Path,
    loaded: Option<(load::Sources, Diagnostics)>,
    options: &Options,
    cache: Option<&cache::Cache>,
) -> Result<Prepared, Failure> {
    let empty = Published::new();
    let keep_going = options
        .keep_going
        .then(|| options.previous.as_deref().unwrap_or(&empty));
    let Checked {
        mut site,
        theme,
        mut diagnostics,
        sources,
        held_back,
    } = check_with(root, loaded, cache, keep_going)?;
    if let Some(output) = &options.published {
        diagnostics.extend(keep_published_sequences(&mut site, output));
    }
    if let Some(origin) = &options.origin {
        let url = format!("{origin}{}", site.config.base_path);
        site.config.set_base_url(&url);
    }
    site.today = options.now.to_zoned(site.config.tz.clone()).date();
    let whole = site.config.clone();
    for edition in &mut site.editions {
        edition.config.place_edition(&whole);
        edition.today = site.today;
    }
    // Independent, and each a pass over every entry: the preview does both on every save.
    let (changes, feeds) = rayon::join(
        || changes::detect(&site, &site.revisions, options.now),
        || feeds::feeds(&site, &theme.words),
    );
    site.changes = changes;
    let cards = render::card_slots(&site);
    Ok(Prepared {
        site,
        theme,
        feeds,
        diagnostics,
        held_back,
        sources,
        cards,
    })
}

impl Prepared {
    /// The text of every file partners write, as this build publishes it.
    pub fn published(&self) -> Published {
        published::of(&self.sources)
    }

    /// The site's pages, to render all at once or one by one.
    pub fn pages<'a>(&'a self, cache: Option<&'a cache::Cache>) -> render::Pages<'a> {
        render::Pages::new(&self.site, &self.theme, &self.feeds, &self.cards, cache)
    }

    /// The text of every file partners write, in the output for a later `--keep-going`.
    pub fn put_published(&self, sink: &dyn output::Sink) -> std::io::Result<()> {
        published::put(&self.sources, sink)
    }

    /// Feeds, the search index and assets. Returns the calendar record as the feeds now stand.
    /// With the entries' `keys` ([`render::Pages::entry_keys`]), the feeds take each unchanged
    /// entry's event from the previous build's calendar of the whole week.
    pub fn render_rest(
        &self,
        pages: &render::Pages,
        keys: Option<&[u64]>,
        options: &Options,
        sink: &dyn output::Sink,
    ) -> Result<revisions::Revisions, Failure> {
        let site = &self.site;
        let words = &self.theme.words;
        let lang = site.config.lang;
        let previous = &site.revisions;
        let (data, record) = rayon::join(
            || pages.render_data(sink),
            || feeds::write(site, &self.feeds, previous, keys, options.now, words, sink),
        );
        data.map_err(|failure| failure.in_language(lang))?;
        record.map_err(Failure::from)
    }

    /// Open data, the schedule and each earlier week whole: made once the calendar `record` is,
    /// since they carry each entry's last change. Returns the record with the earlier weeks'.
    /// With the entries' `keys` ([`render::Pages::entry_keys`]), the exports take each
    /// unchanged entry's part from the previous build's file.
    pub fn render_late(
        &self,
        mut record: revisions::Revisions,
        keys: Option<&[u64]>,
        options: &Options,
        sink: &dyn output::Sink,
    ) -> Result<revisions::Revisions, Failure> {
        let site = &self.site;
        let words = &self.theme.words;
        let lang = site.config.lang;
        exports::write(site, &record, keys, words, sink)?;
        // Each earlier week: its pages and feeds under `<year>/`, with its entries' record.
        for edition in &site.editions {
            let year = edition.config.edition.unwrap_or_default();
            let prefixed = output::Prefixed::new(sink, format!("{year}/"));
            let feeds = feeds::feeds(edition, words);
            render::render(edition, &self.theme, &feeds, &prefixed, None)
                .map_err(|failure| failure.in_language(lang))?;
            let written = feeds::write(
                edition,
                &feeds,
                &site.revisions,
                None,
                options.now,
                words,
                &prefixed,
            )?;
            exports::write(edition, &written, None, words, &prefixed)?;
            record.take_entries_of(written, edition.entries.iter().map(|e| e.id.as_str()));
        }
        Ok(record)
    }
}

/// [`render_site`], from the content as `load` read it when given.
fn render_loaded(
    root: &Path,
    loaded: Option<(load::Sources, Diagnostics)>,
    options: &Options,
    sink: &dyn output::Sink,
    cache: Option<&cache::Cache>,
) -> Result<Rendered, Failure> {
    let mut prepared = prepare(root, loaded, options, cache)?;
    let lang = prepared.site.config.lang;
    let sink = output::Ledger::new(sink);
    // The sources are in the model now, and in this file: let go before anything is rendered
    // (a quarter of a gigabyte at 50,000 entries).
    prepared.put_published(&sink)?;
    prepared.sources = load::Sources::default();
    let pages = prepared.pages(cache);
    let keys = pages.entry_keys();
    // Pages and the rest are independent: each fills the cores while the other waits on its
    // parts.
    let (rendered, record) = rayon::join(
        || pages.render_pages(&sink),
        || prepared.render_rest(&pages, Some(&keys), options, &sink),
    );
    rendered.map_err(|failure| failure.in_language(lang))?;
    // The cards are in the listings now; the exports below are the largest files.
    drop(pages);
    prepared.cards = Vec::new();
    let settled = cache.map(cache::Cache::settle);
    // After the pages, so that the largest files are not all made at once; what the cache let
    // go is freed beside them.
    let (record, ()) = rayon::join(
        || prepared.render_late(record?, Some(&keys), options, &sink),
        move || drop(settled),
    );
    let record = record?;
    let (pages, files) = (
        sink.pages.load(Ordering::Relaxed),
        sink.files.load(Ordering::Relaxed),
    );
    let collisions = sink.collisions(&prepared.site);
    if collisions.has_errors() {
        return Err(Failure::Content(collisions.sorted().in_language(lang)));
    }
    Ok(Rendered {
        site: prepared.site,
        record,
        diagnostics: prepared.diagnostics,
        held_back: prepared.held_back,
        pages,
        files,
    })
}

/// The whole pipeline: load → validate → render → write into `output`. Only files whose bytes
/// changed are written (staged beside the output, moved in once the build succeeded), and only
/// files the site no longer has are removed; the calendar record is saved just before, so a
/// record that cannot be saved publishes nothing. When nothing the output depends on changed
/// since the last build, and the output is as that build left it, there is nothing to do.
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let output = write::claim(root, output).map_err(Failure::Io)?;
    let cannot_write =
        |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", output.display()));
    let manifest = write::manifest_path(root, &output);
    // The output made ready (an interrupted build's journal finished, the previous manifest
    // read) beside reading the sources: a build with nothing to do is mostly these two.
    let (update, loaded) = rayon::join(
        || write::Update::new(&output, &manifest),
        || load::load(root),
    );
    let update = update.map_err(cannot_write)?;
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            update.abandon();
            return Err(Failure::Io(e.to_string()));
        }
    };
    let lock = loaded.0.calendar_lock.as_ref().map(|f| f.text.to_string());
    let content = self::inputs(root, &loaded.0, options);
    let inputs = |lock: Option<&str>| with_record(content.clone(), lock);
    let before = inputs(lock.as_deref());
    if let Some(report) = unchanged(&update, &output, &before, &loaded.0, started) {
        update.abandon();
        return Ok(report);
    }
    let previous = options
        .keep_going
        .then(|| published::read(&output))
        .flatten()
        .map(std::sync::Arc::new);
    let options = Options {
        published: Some(output.clone()),
        previous,
        ..options.clone()
    };
    // What earlier builds made that lasts (entry files as read, rendered bodies, cards, search
    // words): an edit costs what it changed there.
    let cache = cache::Cache::open(&write::kept_path(root));
    // The build, and the calendar record's text when this build saved a new one.
    let finish = || {
        let rendered = render_loaded(root, Some(loaded), &options, &update, Some(&cache))?;
        update
            .add_statics(&rendered.site.statics)
            .map_err(cannot_write)?;
        let mut saved = None;
        if options.update_record && rendered.record != *rendered.site.revisions {
            let path = root.join(load::CALENDAR_LOCK_FILE);
            let text = rendered.record.to_text();
            write::replace_file(&path, text.as_bytes())
                .map_err(|e| Failure::Io(format!("cannot save {}: {e}", path.display())))?;
            saved = Some(text);
        }
        Ok((rendered, saved))
    };
    match finish() {
        Ok((rendered, saved)) => {
            // A build with warnings or files held back is made again next time, so that they
            // are reported again. The record is an input as this build saved it.
            let quiet = rendered.diagnostics.is_empty() && rendered.held_back.is_empty();
            let lock = saved.or(lock);
            let stored = match quiet {
                true => format!(
                    "{} {} {} {} {}",
                    inputs(lock.as_deref()),
                    rendered.pages,
                    rendered.files + rendered.site.statics.len(),
                    rendered.site.entries.len(),
                    rendered.site.memos.len()
                ),
                false => "-".to_string(),
            };
            let mut report = Report::new(&rendered, 0, started);
            // The model is let go beside the commit: freeing it alone took a tenth of a second
            // at the end of a build of 50,000 entries.
            let (unchanged, ()) = rayon::join(|| update.commit(&stored), move || drop(rendered));
            report.unchanged = unchanged.map_err(cannot_write)?;
            report.elapsed = started.elapsed();
            Ok(report)
        }
        Err(failure) => {
            update.abandon();
            Err(failure)
        }
    }
}

/// The report of a build that has nothing to do: the manifest says the output was made from
/// these very inputs, by a build without warnings, and every file is as it left it.
fn unchanged(
    update: &write::Update,
    output: &Path,
    inputs: &str,
    sources: &load::Sources,
    started: Instant,
) -> Option<Report> {
    let stored = update.previous().inputs.as_deref()?;
    let mut fields = stored.split(' ');
    if fields.next()? != inputs {
        return None;
    }
    let mut count = || fields.next()?.parse::<usize>().ok();
    let (pages, files, entries, memos) = (count()?, count()?, count()?, count()?);
    if !update.previous().intact(output) {
        return None;
    }
    let lang = content::settings(sources).lang;
    Some(Report {
        pages,
        files,
        unchanged: files,
        entries,
        memos,
        diagnostics: Diagnostics::default().in_language(lang),
        held_back: HeldBack::default(),
        elapsed: started.elapsed(),
    })
}

/// A fingerprint of everything a build's output is made from: every file of the content and of
/// the themes, the program itself, the options, and the day (the home page changes once the
/// week is over).
/// The calendar record is added last, by [`with_record`]: the build may change it.
///
/// Files are known by their size and time, as `make` knows them.
fn inputs(root: &Path, sources: &load::Sources, options: &Options) -> write::Hasher {
    let mut hash = write::Hasher::default();
    let mut add = |text: &str| add_text(&mut hash, text);
    let stamp = |path: &Path| {
        let meta = std::fs::symlink_metadata(path).ok();
        let time = meta.as_ref().and_then(|m| m.modified().ok());
        let time = time.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        format!("{:?} {:?}", meta.map(|m| m.len()), time)
    };
    add(identity());
    let settings = content::settings(sources);
    add(&options.now.to_zoned(settings.tz.clone()).date().to_string());
    add(&format!("{} {}", options.keep_going, options.update_record));
    for file in sources.site.iter().chain(sources.written()) {
        add(&file.rel);
        add(&file.text);
    }
    for file in &sources.statics {
        add(&file.output);
        add(&stamp(&file.path));
    }
    sources.unreadable.iter().for_each(|rel| add(rel));
    let themes = walkdir::WalkDir::new(root.join("themes")).sort_by_file_name();
    for item in themes.into_iter().flatten() {
        add(&item.path().to_string_lossy());
        add(&stamp(item.path()));
    }
    hash
}

/// This program, as an input of what it makes: its version, and the size and time of its file,
/// so that a rebuilt program never takes a page made by another for its own.
pub fn identity() -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe().ok();
        let meta = exe.and_then(|exe| std::fs::metadata(exe).ok());
        let time = meta.as_ref().and_then(|m| m.modified().ok());
        let time = time.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        let size = meta.map(|m| m.len());
        format!("{} {size:?} {time:?}", env!("CARGO_PKG_VERSION"))
    })
}

/// The fingerprint of the inputs `content` with the calendar record `lock`.
fn with_record(mut content: write::Hasher, lock: Option<&str>) -> String {
    add_text(&mut content, lock.unwrap_or_default());
    write::hex(content.finish().as_bytes())
}

// With its length first, so that ("ab", "c") and ("a", "bc") differ.
fn add_text(hash: &mut write::Hasher, text: &str) {
    hash.update(&(text.len() as u64).to_le_bytes());
    hash.update(text.as_bytes());
}

/// Raises the calendar record to the SEQUENCEs the previous output published, with a warning
/// when the record had lost any.
fn keep_published_sequences(site: &mut model::Site, output: &Path) -> Option<Diagnostic> {
    let feed = write::published(output, feeds::WHOLE)?;
    let host = site.config.host();
    let raised = std::sync::Arc::make_mut(&mut site.revisions).raise_to_published(&feed, host);
    (raised > 0).then(|| {
        Diagnostic::warning(
            load::CALENDAR_LOCK_FILE,
            text!("record_raised", count = raised, feed = feeds::WHOLE),
        )
        .with_help(text!("record_raised_help"))
    })
}

impl Report {
    pub fn new(rendered: &Rendered, unchanged: usize, started: Instant) -> Report {
        Report {
            pages: rendered.pages,
            files: rendered.files + rendered.site.statics.len(),
            unchanged,
            entries: rendered.site.entries.len(),
            memos: rendered.site.memos.len(),
            diagnostics: rendered.diagnostics.clone(),
            held_back: rendered.held_back.clone(),
            elapsed: started.elapsed(),
        }
    }
}
