//! The calendar record (`content/calendar.lock`): for each entry, a hash of what its calendar
//! event publishes, its `SEQUENCE` and when it last changed. Calendar clients update an event
//! they already have only when its SEQUENCE or DTSTAMP moves; keeping these with the content
//! (and in version control) makes them move exactly when the details change, on any machine,
//! and keeps unchanged builds byte-identical.
//!
//! Each line also keeps the event's start and status as last published, and the record keeps a
//! line per change residents should hear about (a new time, a cancellation, a move online, a
//! new entry), which the changes page and feed are made from.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::diagnostics::{Diagnostic, Span};
use crate::load::SourceFile;

const HEADER: &str = "\
# viikko calendar record: keeps calendar updates in step with the content.
# Written by `viikko build`; commit it with the content and do not edit it by hand.
# entry id (spaces written %20), hash of the published event, SEQUENCE, last modified (UTC),
# start, status; then the changes: `!`, when (UTC), entry id, what changed, what it was before
";

/// The highest SEQUENCE: RFC 5545 makes it an integer, which clients read as 32 bits signed.
/// An event at the top stays there rather than wrap to a number clients have already seen.
pub const MAX_SEQUENCE: u32 = i32::MAX as u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub hash: String,
    pub sequence: u32,
    pub modified: Timestamp,
    /// When and how the event was last published; `None` in a record written before it was kept.
    pub state: Option<State>,
}

/// What residents act on: the start (`20261117T120000Z`, or `2026-11-17` all day) and the
/// status (`scheduled`, `cancelled`, `postponed`, `moved-online`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub start: String,
    pub status: String,
}

/// A change to an entry after the programme was first published.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub at: Timestamp,
    pub id: String,
    /// `new`, `time`, or the new status (`cancelled`, `postponed`, `moved-online`, `scheduled`).
    pub kind: String,
    /// For `time`, the start before (as in [`State`]).
    pub before: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions {
    events: BTreeMap<String, Revision>,
    /// Oldest first.
    pub changes: Vec<Change>,
}

impl Revisions {
    pub fn parse(file: &SourceFile) -> Result<Revisions, Diagnostic> {
        let mut record = Revisions::default();
        for (n, line) in file.text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(change) = line.strip_prefix('!') {
                match parse_change(change) {
                    Some(change) => record.changes.push(change),
                    None => return Err(damaged(file, n)),
                }
                continue;
            }
            let parsed = (|| {
                let mut parts = line.split_whitespace();
                let id = crate::slug::percent_decode(parts.next()?)?;
                let hash = parts.next()?.to_string();
                let sequence = parts.next()?.parse::<u32>().ok()?.min(MAX_SEQUENCE);
                let modified = parts.next()?.parse().ok()?;
                let state = match (parts.next(), parts.next()) {
                    (Some(start), Some(status)) => Some(State {
                        start: start.to_string(),
                        status: status.to_string(),
                    }),
                    (None, None) => None,
                    _ => return None,
                };
                parts.next().is_none().then_some((
                    id,
                    Revision {
                        hash,
                        sequence,
                        modified,
                        state,
                    },
                ))
            })();
            let Some((id, revision)) = parsed else {
                return Err(damaged(file, n));
            };
            // Two lines for one entry (a merge that kept both): the higher SEQUENCE wins, so
            // clients never see a number go back.
            record.raise(id, revision);
        }
        // Two branches that each added changes, merged: one list, in order, each change once.
        record.changes.sort();
        record.changes.dedup();
        Ok(record)
    }

    /// Keeps `revision` for `id` unless the record already has a higher SEQUENCE for it.
    fn raise(&mut self, id: String, revision: Revision) {
        match self.events.get(&id) {
            Some(kept) if kept.sequence >= revision.sequence => {}
            _ => {
                self.events.insert(id, revision);
            }
        }
    }

    /// Raises each entry to the SEQUENCE the previous output's feed published for it, for a
    /// record that lost lines (deleted, cut short, an old copy). Such an entry cannot be known
    /// unchanged, so its next build publishes it once more, one SEQUENCE higher: clients see a
    /// harmless update instead of missing every change until the number climbs back. Returns
    /// how many entries were raised.
    pub fn raise_to_published(&mut self, feed: &str, host: &str) -> usize {
        let suffix = format!("@{host}");
        let mut raised = 0;
        for (uid, sequence) in published_sequences(feed) {
            let Some(id) = uid.strip_suffix(&suffix) else {
                continue;
            };
            if self
                .events
                .get(id)
                .is_some_and(|kept| kept.sequence >= sequence)
            {
                continue;
            }
            let revision = Revision {
                hash: String::new(),
                sequence,
                modified: Timestamp::UNIX_EPOCH,
                state: None,
            };
            self.events.insert(id.to_string(), revision);
            raised += 1;
        }
        raised
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.events.get(id)
    }

    /// Whether the record has any event: a programme that was published before.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The revision an event with `hash` publishes: the recorded one when nothing changed, else
    /// the next SEQUENCE stamped `now`.
    pub fn next(&self, id: &str, hash: &str, state: State, now: Timestamp) -> Revision {
        match self.events.get(id) {
            Some(old) if old.hash == hash => Revision {
                state: Some(state),
                ..old.clone()
            },
            Some(old) => Revision {
                hash: hash.to_string(),
                sequence: old.sequence.saturating_add(1).min(MAX_SEQUENCE),
                modified: now,
                state: Some(state),
            },
            None => Revision {
                hash: hash.to_string(),
                sequence: 0,
                modified: now,
                state: Some(state),
            },
        }
    }

    pub fn insert(&mut self, id: String, revision: Revision) {
        self.events.insert(id, revision);
    }

    /// Takes the revisions of `ids` from `other`: the entries another part of the site (an
    /// earlier week) published.
    pub fn take_entries_of<'a>(&mut self, other: Revisions, ids: impl Iterator<Item = &'a str>) {
        for id in ids {
            if let Some(revision) = other.events.get(id) {
                self.events.insert(id.to_string(), revision.clone());
            }
        }
    }

    /// Entries that were removed keep their lines, so an entry that comes back continues from
    /// its last SEQUENCE instead of going back to one clients have already seen.
    pub fn keep_missing_from(&mut self, previous: &Revisions) {
        for (id, revision) in &previous.events {
            self.events
                .entry(id.clone())
                .or_insert_with(|| revision.clone());
        }
    }

    pub fn to_text(&self) -> String {
        let mut text = String::from(HEADER);
        for (id, r) in &self.events {
            let id = escape_id(id);
            text.push_str(&format!("{id} {} {} {}", r.hash, r.sequence, r.modified));
            if let Some(state) = &r.state {
                text.push_str(&format!(" {} {}", state.start, state.status));
            }
            text.push('\n');
        }
        for change in &self.changes {
            let id = escape_id(&change.id);
            text.push_str(&format!("! {} {id} {}", change.at, change.kind));
            if let Some(before) = &change.before {
                text.push_str(&format!(" {before}"));
            }
            text.push('\n');
        }
        text
    }
}

fn damaged(file: &SourceFile, n: usize) -> Diagnostic {
    Diagnostic::error(&file.rel, text!("record_line"))
        .with_span(Span::line(&file.text, n + 1))
        .with_help(text!("record_line_help"))
}

/// A change line after its `!`: when, entry id, what changed, and what it was before.
fn parse_change(line: &str) -> Option<Change> {
    let mut parts = line.split_whitespace();
    let at = parts.next()?.parse().ok()?;
    let id = crate::slug::percent_decode(parts.next()?)?;
    let kind = parts.next()?.to_string();
    let before = parts.next().map(str::to_string);
    parts.next().is_none().then_some(Change {
        at,
        id,
        kind,
        before,
    })
}

/// Each event's UID and SEQUENCE in a feed this program published. A scan of the two lines
/// rather than a full parse: at 10,000 entries the whole-programme feed is 13 MB, which the
/// `ical` parser took 0.2 s to read on every build.
fn published_sequences(feed: &str) -> Vec<(String, u32)> {
    let mut found = Vec::new();
    let mut uid = None;
    let mut lines = feed
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .peekable();
    while let Some(line) = lines.next() {
        if let Some(value) = line.strip_prefix("UID:") {
            // A long UID is folded onto lines that start with a space.
            let mut value = value.to_string();
            while let Some(more) = lines.next_if(|l| l.starts_with(' ')) {
                value.push_str(&more[1..]);
            }
            uid = Some(crate::ics::unescape_text(&value));
        } else if let Some(value) = line.strip_prefix("SEQUENCE:") {
            let sequence = value.trim().parse::<u32>().map(|s| s.min(MAX_SEQUENCE));
            if let (Some(uid), Ok(sequence)) = (uid.take(), sequence) {
                found.push((uid, sequence));
            }
        }
    }
    found
}

/// An entry id as one word of its line: an id is made from file names, which may hold spaces
/// (`Avoin ilta.md`) or anything else a file system allows.
fn escape_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        match c {
            '%' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_whitespace() || c.is_control() => {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// A short hash of a text that records kept in files can compare: 16 hex digits of its SHA-256.
pub fn digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The time a changed event is stamped with: `SOURCE_DATE_EPOCH` when set (reproducible builds),
/// else now, to the second.
pub fn build_time() -> Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or_else(|| {
            Timestamp::from_second(Timestamp::now().as_second()).unwrap_or(Timestamp::UNIX_EPOCH)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            start: "2026-11-17".into(),
            status: "scheduled".into(),
        }
    }

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn sequence_moves_only_when_the_hash_changes() {
        let mut record = Revisions::default();
        let first = record.next("a/b", "h1", state(), at(100));
        assert_eq!((first.sequence, first.modified), (0, at(100)));
        record.insert("a/b".into(), first.clone());
        assert_eq!(record.next("a/b", "h1", state(), at(200)), first);
        let changed = record.next("a/b", "h2", state(), at(300));
        assert_eq!((changed.sequence, changed.modified), (1, at(300)));
    }

    #[test]
    fn round_trips_through_its_text() {
        let mut record = Revisions::default();
        record.insert(
            "porin-kaupunki/kahvila".into(),
            Revision {
                hash: "abc".into(),
                sequence: 3,
                modified: at(1_700_000_000),
                state: Some(State {
                    start: "20261117T120000Z".into(),
                    status: "scheduled".into(),
                }),
            },
        );
        record.changes.push(Change {
            at: at(1_700_000_100),
            id: "porin-kaupunki/Avoin ilta".into(),
            kind: "time".into(),
            before: Some("20261117T120000Z".into()),
        });
        let file = SourceFile::new("content/calendar.lock", record.to_text());
        assert!(file.text.contains(
            "! 2023-11-14T22:15:00Z porin-kaupunki/Avoin%20ilta time 20261117T120000Z\n"
        ));
        assert_eq!(Revisions::parse(&file).unwrap(), record);
    }

    #[test]
    fn a_damaged_line_is_reported_with_its_number() {
        let file = SourceFile::new(
            "content/calendar.lock",
            "# x\na/b h 1 2026-11-01T00:00:00Z\n<<<<<<< HEAD\n",
        );
        assert_eq!(Revisions::parse(&file).unwrap_err().span.unwrap().line, 3);
    }

    #[test]
    fn ids_with_spaces_and_duplicates_read_back_with_the_higher_sequence() {
        let file = SourceFile::new(
            "content/calendar.lock",
            "a/Avoin%20ilta h 5 2026-11-01T00:00:00Z\n\
             a/Avoin%20ilta h 3 2026-11-01T00:00:00Z\n\
             a/b h 4294967295 2026-11-01T00:00:00Z\n",
        );
        let record = Revisions::parse(&file).unwrap();
        assert_eq!(record.get("a/Avoin ilta").unwrap().sequence, 5);
        assert_eq!(record.get("a/b").unwrap().sequence, MAX_SEQUENCE);
        let next = record.next("a/b", "changed", state(), at(1));
        assert_eq!(next.sequence, MAX_SEQUENCE);
        assert!(record.to_text().contains("a/Avoin%20ilta h 5 "));
    }

    #[test]
    fn a_record_is_raised_to_what_a_feed_published() {
        let feed = "BEGIN:VEVENT\r\nUID:porin-kaupunki/hyvin-pitk\u{e4}n-nimen-tilaisuus-jonka-tunn\r\n \
                    iste-taittuu@satakunta.example.fi\r\nSEQUENCE:7\r\nEND:VEVENT\r\n\
                    BEGIN:VEVENT\r\nUID:a/b@satakunta.example.fi\r\nSEQUENCE:1\r\nEND:VEVENT\r\n\
                    BEGIN:VEVENT\r\nUID:a/c@muu.example.fi\r\nSEQUENCE:9\r\nEND:VEVENT\r\n";
        let mut record = Revisions::default();
        record.insert(
            "a/b".into(),
            Revision {
                hash: "h".into(),
                sequence: 3,
                modified: at(1),
                state: None,
            },
        );
        assert_eq!(record.raise_to_published(feed, "satakunta.example.fi"), 1);
        let long = "porin-kaupunki/hyvin-pitkän-nimen-tilaisuus-jonka-tunniste-taittuu";
        assert_eq!(record.get(long).unwrap().sequence, 7);
        assert_eq!(record.get("a/b").unwrap().sequence, 3);
        assert!(record.get("a/c").is_none(), "another site's event");
        // Not known unchanged: its next build publishes it once more, higher.
        assert_eq!(record.next(long, "h", state(), at(2)).sequence, 8);
    }
}
