//! What changed since the programme was first published: each entry's start and status as the
//! calendar record last saw them, compared with the content. Residents who read or printed the
//! programme see the changes on `muutokset/` and in its Atom feed.

use jiff::Timestamp;
use rayon::prelude::*;

use crate::model::*;
use crate::revisions::{Change, Revisions, State};

/// The entry's start and status as the record keeps them.
pub fn state(entry: &Entry) -> State {
    let start = match &entry.when {
        When::Timed { start, .. } => crate::ics::utc_datetime(&start.timestamp()),
        When::AllDay { first, .. } => first.to_string(),
    };
    State {
        start,
        status: entry.status.key().to_string(),
    }
}

/// The record's changes with those this build finds, oldest first. A record written before
/// starts were kept, or none at all (the first build), finds no changes: the programme is
/// then being published, not changed. A new session of a series is its schedule, not a change.
pub fn detect(site: &Site, previous: &Revisions, now: Timestamp) -> Vec<Change> {
    let published = !previous.is_empty();
    // Each entry on its own: the preview does this on every save.
    let found: Vec<Change> = site
        .entries
        .par_iter()
        .flat_map_iter(|entry| {
            let change = |kind: &str, before: Option<String>| Change {
                at: now,
                id: entry.id.clone(),
                kind: kind.to_string(),
                before,
            };
            let mut changes = Vec::new();
            match previous.get(&entry.id).map(|r| &r.state) {
                None if published && !site.is_session(entry) => changes.push(change("new", None)),
                Some(Some(was)) => {
                    let now_state = state(entry);
                    if was.start != now_state.start {
                        changes.push(change("time", Some(was.start.clone())));
                    }
                    if was.status != now_state.status {
                        changes.push(change(&now_state.status, None));
                    }
                }
                _ => {}
            }
            changes
        })
        .collect();
    let mut changes = previous.changes.clone();
    changes.extend(found);
    changes.sort();
    changes.dedup();
    changes
}

/// A start as the record keeps it, in the site's zone: a time, or the day of an all-day entry.
pub fn read_start(start: &str, config: &Config) -> Option<When> {
    if let Ok(day) = start.parse::<jiff::civil::Date>() {
        return Some(When::AllDay {
            first: day,
            last: day,
        });
    }
    let time = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", start)
        .ok()?
        .to_datetime()
        .ok()?;
    let zoned = time.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(When::Timed {
        start: zoned.with_time_zone(config.tz.clone()),
        end: None,
    })
}
