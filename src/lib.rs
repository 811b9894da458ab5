//! viikko: a static site generator for an event week.
//!
//! The data flows load → validate → model → render → write; [`build`] runs it once and `serve`
//! runs it again on every change.

// A problem report is a cold path taken once per bad file; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

pub mod cache;
pub mod diagnostics;
pub mod feeds;
pub mod fields;
pub mod frontmatter;
pub mod ics;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod revisions;
pub mod search;
pub mod serve;
pub mod slug;
pub mod stats;
pub mod theme;
pub mod times;
pub mod translations;
pub mod validate;
pub mod view;
pub mod vtimezone;
pub mod write;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    check_with(root, None).map(|(site, _, problems)| (site, problems))
}

/// [`check`], keeping the compiled theme, and taking each file's parsed and rendered form from
/// `cache` when its text is unchanged.
fn check_with(
    root: &Path,
    cache: Option<&cache::Cache>,
) -> Result<(model::Site, theme::Theme, Diagnostics), Failure> {
    let (sources, mut problems) = load::load(root).map_err(|e| Failure::Io(e.to_string()))?;
    // The theme compiles while the content is read, and its problems are reported with the
    // content's: one run shows them all.
    let settings = validate::settings(&sources);
    let ((site, found), theme) = rayon::join(
        || validate::validate(&sources, cache),
        || theme::load(root, &settings.theme, settings.lang.code(), cache),
    );
    problems.extend(found.iter().cloned());
    let theme = theme.map_err(|found| problems.extend(found.iter().cloned()));
    let problems = problems.sorted();
    match (site, theme) {
        (Some(site), Ok(theme)) if !problems.has_errors() => Ok((site, theme, problems)),
        _ => Err(Failure::Content(problems)),
    }
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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            update_record: true,
            now: revisions::build_time(),
            origin: None,
            published: None,
        }
    }
}

/// A site rendered into a sink.
pub struct Rendered {
    pub site: model::Site,
    pub record: revisions::Revisions,
    pub diagnostics: Diagnostics,
    pub pages: usize,
    pub files: usize,
}

/// Counts what passes through to the sink, for the report, and keeps a second file for a path
/// from replacing the first: a page or a content file that would take the place of one the site
/// makes itself is an error, not a silent replacement.
struct Counted<'a> {
    sink: &'a dyn render::Sink,
    pages: AtomicUsize,
    files: AtomicUsize,
    paths: Mutex<HashSet<String>>,
    collisions: Mutex<Vec<String>>,
}

impl Counted<'_> {
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

    /// The problems of files that would replace others, naming both.
    fn collisions(self, site: &model::Site) -> Diagnostics {
        let paths = self.paths.into_inner().unwrap_or_default();
        let mut problems = Diagnostics::default();
        for path in self.collisions.into_inner().unwrap_or_default() {
            let page = site
                .pages
                .iter()
                .find(|p| format!("{}index.html", p.path()) == path);
            problems.push(match page {
                Some(page) => Diagnostic::error(
                    &page.source,
                    format!("this page would replace the site's own page `{path}`"),
                )
                .with_help("rename the file"),
                None => Diagnostic::error(
                    load::SITE_FILE,
                    format!("two parts of the site make the file `{path}`"),
                ),
            });
        }
        for file in site.statics.iter().filter(|f| paths.contains(&f.output)) {
            problems.push(
                Diagnostic::error(
                    format!("content/static/{}", file.output),
                    format!(
                        "this file would replace the site's own file `{}`",
                        file.output
                    ),
                )
                .with_help(
                    "rename or move the file: content/static/ is for images and documents \
                     that the site does not make itself",
                ),
            );
        }
        problems
    }
}

impl render::Sink for Counted<'_> {
    fn put(&self, file: render::OutputFile) -> std::io::Result<()> {
        if !self.first(&file.path) {
            return Ok(());
        }
        if file.path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.sink.put(file)
    }

    fn put_parts(&self, path: String, parts: &[&[u8]]) -> std::io::Result<()> {
        if !self.first(&path) {
            return Ok(());
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.sink.put_parts(path, parts)
    }
}

/// load → validate → render: every file of the site, into `sink`. Pages in `cache` are taken
/// from it rather than rendered again.
pub fn render_site(
    root: &Path,
    options: &Options,
    sink: &dyn render::Sink,
    cache: Option<&cache::Cache>,
) -> Result<Rendered, Failure> {
    let (mut site, theme, mut diagnostics) = check_with(root, cache)?;
    let published = options.published.as_deref();
    if let Some(feed) = published.and_then(|o| write::published(o, feeds::WHOLE)) {
        let raised = site.revisions.raise_to_published(&feed, site.config.host());
        if raised > 0 {
            diagnostics.push(
                Diagnostic::warning(
                    load::CALENDAR_LOCK_FILE,
                    format!(
                        "{raised} entries had a lower SEQUENCE here than in the published \
                         calendar {}; their numbering continues from the published one",
                        feeds::WHOLE
                    ),
                )
                .with_help(
                    "commit content/calendar.lock with the content, so that every build \
                     continues the same numbering",
                ),
            );
        }
    }
    if let Some(origin) = &options.origin {
        let url = format!("{origin}{}", site.config.base_path);
        site.config.set_base_url(&url);
    }
    let feeds = feeds::feeds(&site, &theme.words);
    let sink = Counted {
        sink,
        pages: AtomicUsize::new(0),
        files: AtomicUsize::new(0),
        paths: Mutex::default(),
        collisions: Mutex::default(),
    };
    // Pages and feeds are independent: each fills the cores while the other waits on its parts.
    let (pages, record) = rayon::join(
        || render::render(&site, &theme, &feeds, &sink, cache),
        || {
            feeds::write(
                &site,
                &feeds,
                &site.revisions,
                options.now,
                &theme.words,
                &sink,
            )
        },
    );
    pages?;
    let record = record?;
    let (pages, files) = (
        sink.pages.load(Ordering::Relaxed),
        sink.files.load(Ordering::Relaxed),
    );
    let collisions = sink.collisions(&site);
    if collisions.has_errors() {
        return Err(Failure::Content(collisions.sorted()));
    }
    Ok(Rendered {
        site,
        record,
        diagnostics,
        pages,
        files,
    })
}

/// The whole pipeline: load → validate → render → write into `output`. Files are written into a
/// staging folder as they are rendered, which replaces `output` only when the build succeeded;
/// the calendar record is saved just before, so a record that cannot be saved publishes nothing.
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let output = write::claim(root, output).map_err(Failure::Io)?;
    let cannot_write =
        |e: std::io::Error| Failure::Io(format!("cannot write {}: {e}", output.display()));
    let staging = write::Staging::new(&output).map_err(cannot_write)?;
    let options = Options {
        published: Some(output.clone()),
        ..options.clone()
    };
    let finish = || {
        let rendered = render_site(root, &options, &staging, None)?;
        staging
            .add_statics(&rendered.site.statics)
            .map_err(cannot_write)?;
        if options.update_record && rendered.record != rendered.site.revisions {
            let path = root.join(load::CALENDAR_LOCK_FILE);
            write::replace_file(&path, rendered.record.to_text().as_bytes())
                .map_err(|e| Failure::Io(format!("cannot save {}: {e}", path.display())))?;
        }
        Ok(rendered)
    };
    match finish() {
        Ok(rendered) => {
            let unchanged = staging.commit().map_err(cannot_write)?;
            Ok(Report::new(&rendered, unchanged, started))
        }
        Err(failure) => {
            staging.abandon();
            Err(failure)
        }
    }
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
            elapsed: started.elapsed(),
        }
    }
}
