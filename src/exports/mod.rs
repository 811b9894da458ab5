//! The programme for other systems, made from the model beside the pages and feeds: open data in
//! the event shape of Linked Events (`data/`), and the frab/pretalx schedule that schedule apps
//! and screens read (`schedule.json`, `schedule.xml`).

mod frab;
mod linked_events;

use crate::model::{Entry, Site, When};
use crate::output::Sink;
use crate::revisions::Revisions;
use crate::translations::Translations;

/// Writes every export of `site`, whose entries' last changes `record` holds.
pub fn write(
    site: &Site,
    record: &Revisions,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    // At once: each is mostly one thread's work at its end, and at 50,000 entries the two
    // together still stay under the peak that the pages reach.
    let (data, schedule) = rayon::join(
        || linked_events::write(site, record, t, sink),
        || frab::write(site, record, t, sink),
    );
    data.and(schedule)
}

/// An entry's start and end in ISO 8601 with the offset of the site's zone; the dates alone for
/// an all-day entry.
fn iso_times(entry: &Entry) -> (String, Option<String>) {
    match &entry.when {
        When::Timed { start, end } => (iso(start), end.as_ref().map(iso)),
        When::AllDay { first, last } => (first.to_string(), Some(last.to_string())),
    }
}

/// A time in ISO 8601 with its UTC offset: `2026-11-17T14:00:00+02:00`.
fn iso(time: &jiff::Zoned) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Who publishes the data, as other systems name a source: the site's path (`rsv`), or its
/// host when it is published at the root.
fn source(site: &Site) -> String {
    let path = site.config.root_path.trim_matches('/');
    match path.rsplit('/').next() {
        Some(last) if !last.is_empty() => crate::slug::slugify(last),
        _ => crate::slug::slugify(site.config.host()),
    }
}
