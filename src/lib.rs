//! viikko: a static site generator for an event week.
//!
//! The data flows load → validate → model → render → write; [`build`] runs it once and `serve`
//! runs it again on every change.

// A problem report is a cold path taken once per bad file; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

pub mod diagnostics;
pub mod fields;
pub mod frontmatter;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod slug;
pub mod theme;
pub mod times;
pub mod validate;
pub mod view;
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

/// The whole pipeline: load → validate → render → write into `output`.
pub fn build(root: &Path, output: &Path) -> Result<Report, Failure> {
    let started = Instant::now();
    let (site, diagnostics) = check(root)?;
    let theme = theme::load(root, &site.config.theme).map_err(Failure::Content)?;
    let files = render::render(&site, &theme, &site.config.theme).map_err(Failure::Content)?;
    let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
    let written = write::write(output, &files, &site.statics)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", output.display())))?;
    Ok(Report {
        pages,
        files: written.files,
        unchanged: written.unchanged,
        entries: site.entries.len(),
        memos: site.memos.len(),
        diagnostics,
        elapsed: started.elapsed(),
    })
}
