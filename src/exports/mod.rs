//! The programme for other systems, made from the model beside the pages and feeds: open data in
//! the event shape of Linked Events (`data/`), and the frab/pretalx schedule that schedule apps
//! and screens read (`schedule.json`, `schedule.xml`).

mod frab;
mod linked_events;

use crate::cache::Fingerprint;
use crate::model::{Entry, Site, When};
use crate::output::Sink;
use crate::revisions::Revisions;
use crate::translations::Translations;

/// Writes every export of `site`, whose entries' last changes `record` holds. `keys` are the
/// entries' fingerprints (the model each is made from), by index, when the exports may take
/// each entry's part from the file the previous build made.
pub fn write(
    site: &Site,
    record: &Revisions,
    keys: Option<&[u64]>,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    let parts = &Parts { keys, record };
    // At once: each is mostly one thread's work at its end, and at 50,000 entries the two
    // together still stay under the peak that the pages reach.
    let (data, schedule) = rayon::join(
        || linked_events::write(site, record, parts, t, sink),
        || frab::write(site, record, parts, t, sink),
    );
    data.and(schedule)
}

/// What an entry's part of an export is known by.
struct Parts<'a> {
    keys: Option<&'a [u64]>,
    record: &'a Revisions,
}

impl Parts<'_> {
    /// The key of entry `i`'s part of the export `kind`, in which it is also made from `more`;
    /// `None` when parts are not kept. The entry's last change is in it: open data shows it.
    fn key(&self, kind: &str, i: usize, entry: &Entry, more: &impl std::fmt::Debug) -> Option<u64> {
        let key = self.keys?.get(i)?;
        let f = Fingerprint::default().text(kind).number(*key);
        Some(f.debug(&self.record.get(&entry.id)).debug(more).finish())
    }
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
