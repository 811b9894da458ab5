//! viikko: a static site generator for an event week.
//!
//! The data flows load → validate → model → render → write; [`build`] runs it once and `serve`
//! runs it again on every change.

// A problem report is a cold path taken once per bad file; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

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

use std::path::Path;
use std::time::{Duration, Instant};

use diagnostics::Diagnostics;

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

/// Loads and checks the site under `root` without writing anything.
pub fn check(root: &Path) -> Result<(model::Site, Diagnostics), Failure> {
    let (sources, mut problems) = load::load(root).map_err(|e| Failure::Io(e.to_string()))?;
    let (site, found) = validate::validate(&sources);
    problems.extend(found.iter().cloned());
    let problems = problems.sorted();
    match site {
        Some(site) if !problems.has_errors() => Ok((site, problems)),
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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            update_record: true,
            now: revisions::build_time(),
            origin: None,
        }
    }
}

/// A rendered site, not yet written.
pub struct Rendered {
    pub site: model::Site,
    pub files: Vec<render::OutputFile>,
    pub record: revisions::Revisions,
    pub diagnostics: Diagnostics,
}

/// load → validate → render: every file of the site, in memory.
pub fn render_site(root: &Path, options: &Options) -> Result<Rendered, Failure> {
    let (mut site, diagnostics) = check(root)?;
    if let Some(origin) = &options.origin {
        let url = format!("{origin}{}", site.config.base_path);
        site.config.set_base_url(&url);
    }
    let theme =
        theme::load(root, &site.config.theme, site.config.lang.code()).map_err(Failure::Content)?;
    let feeds = feeds::feeds(&site, &theme.words);
    let mut files =
        render::render(&site, &theme, &site.config.theme, &feeds).map_err(Failure::Content)?;
    let (calendars, record) =
        feeds::write(&site, &feeds, &site.revisions, options.now, &theme.words);
    files.extend(calendars);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        site,
        files,
        record,
        diagnostics,
    })
}

/// The whole pipeline: load → validate → render → write into `output`.
pub fn build(root: &Path, output: &Path, options: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let rendered = render_site(root, options)?;
    let written = write::write(output, &rendered.files, &rendered.site.statics)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", output.display())))?;
    if options.update_record && rendered.record != rendered.site.revisions {
        let path = root.join(load::CALENDAR_LOCK_FILE);
        std::fs::write(&path, rendered.record.to_text())
            .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(Report::new(&rendered, written, started))
}

impl Report {
    pub fn new(rendered: &Rendered, written: write::Written, started: Instant) -> Report {
        Report {
            pages: rendered
                .files
                .iter()
                .filter(|f| f.path.ends_with(".html"))
                .count(),
            files: written.files,
            unchanged: written.unchanged,
            entries: rendered.site.entries.len(),
            memos: rendered.site.memos.len(),
            diagnostics: rendered.diagnostics.clone(),
            elapsed: started.elapsed(),
        }
    }
}
