//! The calendar record (`content/calendar.lock`): for each entry, a hash of what its calendar
//! event publishes, its `SEQUENCE` and when it last changed. Calendar clients update an event
//! they already have only when its SEQUENCE or DTSTAMP moves; keeping these with the content
//! (and in version control) makes them move exactly when the details change, on any machine,
//! and keeps unchanged builds byte-identical.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::diagnostics::{Diagnostic, Span};
use crate::load::SourceFile;

const HEADER: &str = "\
# viikko calendar record: keeps calendar updates in step with the content.
# Written by `viikko build`; commit it with the content and do not edit it by hand.
# entry id (spaces written %20), hash of the published event, SEQUENCE, last modified (UTC)
";

/// The highest SEQUENCE: RFC 5545 makes it an integer, which clients read as 32 bits signed.
/// An event at the top stays there rather than wrap to a number clients have already seen.
pub const MAX_SEQUENCE: u32 = i32::MAX as u32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub hash: String,
    pub sequence: u32,
    pub modified: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revisions(BTreeMap<String, Revision>);

impl Revisions {
    pub fn parse(file: &SourceFile) -> Result<Revisions, Diagnostic> {
        let mut record = Revisions::default();
        for (n, line) in file.text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = (|| {
                let mut parts = line.split_whitespace();
                let id = crate::slug::percent_decode(parts.next()?)?;
                let hash = parts.next()?.to_string();
                let sequence = parts.next()?.parse::<u32>().ok()?.min(MAX_SEQUENCE);
                let modified = parts.next()?.parse().ok()?;
                parts.next().is_none().then_some((
                    id,
                    Revision {
                        hash,
                        sequence,
                        modified,
                    },
                ))
            })();
            let Some((id, revision)) = parsed else {
                return Err(Diagnostic::error(&file.rel, text!("record_line"))
                    .with_span(Span::line(&file.text, n + 1))
                    .with_help(text!("record_line_help")));
            };
            // Two lines for one entry (a merge that kept both): the higher SEQUENCE wins, so
            // clients never see a number go back.
            record.raise(id, revision);
        }
        Ok(record)
    }

    /// Keeps `revision` for `id` unless the record already has a higher SEQUENCE for it.
    fn raise(&mut self, id: String, revision: Revision) {
        match self.0.get(&id) {
            Some(kept) if kept.sequence >= revision.sequence => {}
            _ => {
                self.0.insert(id, revision);
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
            if self.0.get(id).is_some_and(|kept| kept.sequence >= sequence) {
                continue;
            }
            let revision = Revision {
                hash: String::new(),
                sequence,
                modified: Timestamp::UNIX_EPOCH,
            };
            self.0.insert(id.to_string(), revision);
            raised += 1;
        }
        raised
    }

    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.0.get(id)
    }

    /// The revision an event with `hash` publishes: the recorded one when nothing changed, else
    /// the next SEQUENCE stamped `now`.
    pub fn next(&self, id: &str, hash: &str, now: Timestamp) -> Revision {
        match self.0.get(id) {
            Some(old) if old.hash == hash => old.clone(),
            Some(old) => Revision {
                hash: hash.to_string(),
                sequence: old.sequence.saturating_add(1).min(MAX_SEQUENCE),
                modified: now,
            },
            None => Revision {
                hash: hash.to_string(),
                sequence: 0,
                modified: now,
            },
        }
    }

    pub fn insert(&mut self, id: String, revision: Revision) {
        self.0.insert(id, revision);
    }

    /// Takes the revisions of `ids` from `other`: the entries another part of the site (an
    /// earlier week) published.
    pub fn take_entries_of<'a>(&mut self, other: Revisions, ids: impl Iterator<Item = &'a str>) {
        for id in ids {
            if let Some(revision) = other.0.get(id) {
                self.0.insert(id.to_string(), revision.clone());
            }
        }
    }

    /// Entries that were removed keep their lines, so an entry that comes back continues from
    /// its last SEQUENCE instead of going back to one clients have already seen.
    pub fn keep_missing_from(&mut self, previous: &Revisions) {
        for (id, revision) in &previous.0 {
            self.0.entry(id.clone()).or_insert_with(|| revision.clone());
        }
    }

    pub fn to_text(&self) -> String {
        let mut text = String::from(HEADER);
        for (id, r) in &self.0 {
            let id = escape_id(id);
            text.push_str(&format!("{id} {} {} {}\n", r.hash, r.sequence, r.modified));
        }
        text
    }
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

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn sequence_moves_only_when_the_hash_changes() {
        let mut record = Revisions::default();
        let first = record.next("a/b", "h1", at(100));
        assert_eq!((first.sequence, first.modified), (0, at(100)));
        record.insert("a/b".into(), first.clone());
        assert_eq!(record.next("a/b", "h1", at(200)), first);
        let changed = record.next("a/b", "h2", at(300));
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
            },
        );
        let file = SourceFile {
            rel: "content/calendar.lock".into(),
            text: record.to_text(),
        };
        assert_eq!(Revisions::parse(&file).unwrap(), record);
    }

    #[test]
    fn a_damaged_line_is_reported_with_its_number() {
        let file = SourceFile {
            rel: "content/calendar.lock".into(),
            text: "# x\na/b h 1 2026-11-01T00:00:00Z\n<<<<<<< HEAD\n".into(),
        };
        assert_eq!(Revisions::parse(&file).unwrap_err().span.unwrap().line, 3);
    }

    #[test]
    fn ids_with_spaces_and_duplicates_read_back_with_the_higher_sequence() {
        let file = SourceFile {
            rel: "content/calendar.lock".into(),
            text: "a/Avoin%20ilta h 5 2026-11-01T00:00:00Z\n\
                   a/Avoin%20ilta h 3 2026-11-01T00:00:00Z\n\
                   a/b h 4294967295 2026-11-01T00:00:00Z\n"
                .into(),
        };
        let record = Revisions::parse(&file).unwrap();
        assert_eq!(record.get("a/Avoin ilta").unwrap().sequence, 5);
        assert_eq!(record.get("a/b").unwrap().sequence, MAX_SEQUENCE);
        let next = record.next("a/b", "changed", at(1));
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
            },
        );
        assert_eq!(record.raise_to_published(feed, "satakunta.example.fi"), 1);
        let long = "porin-kaupunki/hyvin-pitkän-nimen-tilaisuus-jonka-tunniste-taittuu";
        assert_eq!(record.get(long).unwrap().sequence, 7);
        assert_eq!(record.get("a/b").unwrap().sequence, 3);
        assert!(record.get("a/c").is_none(), "another site's event");
        // Not known unchanged: its next build publishes it once more, higher.
        assert_eq!(record.next(long, "h", at(2)).sequence, 8);
    }
}
