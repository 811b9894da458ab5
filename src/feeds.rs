//! iCalendar feeds (RFC 5545, RFC 7986): the whole programme, each day, organiser, audience and
//! series, and one file per entry. Each event is written once and shared by every feed it is in.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Timestamp, Zoned};
use rayon::prelude::*;

use crate::cache::Fingerprint;
use crate::ics::{self, Ics};
use crate::model::*;
use crate::output::{Sink, with_parts};
use crate::revisions::{Revision, Revisions};
use crate::translations::Translations;

/// How often subscribed clients should fetch again; clients may refresh less often.
const REFRESH: &str = "PT4H";

/// A subscribable calendar.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Below the site root: `kalenteri/paiva/2026-11-17.ics`.
    pub path: String,
    pub title: String,
    /// The group it is listed under on the calendar page, as its translation key.
    pub group: &'static str,
    /// Indexes into `Site::entries`, in programme order.
    pub entries: Vec<usize>,
}

pub const WHOLE: &str = "kalenteri/koko-ohjelma.ics";

/// Every subscribable feed; feeds that would be empty are left out (except the whole week).
pub fn feeds(site: &Site, t: &Translations) -> Vec<Feed> {
    let pick = |keep: &dyn Fn(&Entry) -> bool| -> Vec<usize> {
        site.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| keep(e))
            .map(|(i, _)| i)
            .collect()
    };
    // The week, and the series' sessions from then (or from today, if earlier) on; each
    // series' own feed keeps all its sessions.
    let from = site.today.min(site.config.week.start);
    let mut feeds = vec![Feed {
        path: WHOLE.into(),
        title: t.get("full_programme").into(),
        group: "feeds_week",
        entries: pick(&|e| !site.is_session(e) || e.first_day() >= from),
    }];
    let lang = site.config.lang;
    for day in &site.days {
        let date = day.date;
        feeds.push(Feed {
            path: day_feed(date),
            title: lang.long_date(date),
            group: "feeds_days",
            entries: day.entries(),
        });
    }
    for organiser in &site.organisers {
        feeds.push(Feed {
            path: organiser_feed(organiser),
            title: organiser.name.clone(),
            group: "feeds_organisers",
            entries: organiser.entries.clone(),
        });
    }
    for (a, audience) in site.config.audiences.iter().enumerate() {
        feeds.push(Feed {
            path: audience_feed(&audience.key),
            title: audience.label.clone(),
            group: "feeds_audiences",
            entries: pick(&|e| e.reaches(a, &site.config)),
        });
    }
    let mut series: Vec<&str> = site
        .entries
        .iter()
        .filter_map(|e| e.series.as_deref())
        .collect();
    series.sort_unstable();
    series.dedup();
    for key in series {
        let title = site
            .config
            .series
            .iter()
            .find(|t| t.key == key)
            .map_or(key.to_string(), |t| t.label.clone());
        feeds.push(Feed {
            path: series_feed(key),
            title,
            group: "feeds_series",
            entries: pick(&|e| e.series.as_deref() == Some(key)),
        });
    }
    feeds.retain(|f| f.path == WHOLE || !f.entries.is_empty());
    feeds
}

pub fn day_feed(date: Date) -> String {
    format!("kalenteri/paiva/{date}.ics")
}

pub fn organiser_feed(organiser: &Organiser) -> String {
    format!("kalenteri/jarjestaja/{}.ics", organiser.slug)
}

pub fn audience_feed(key: &str) -> String {
    format!("kalenteri/kohderyhma/{key}.ics")
}

pub fn series_feed(key: &str) -> String {
    format!("kalenteri/sarja/{key}.ics")
}

/// The one-event file offered as "add to calendar" on the entry's page.
pub fn entry_feed(entry: &Entry) -> String {
    let slug = entry
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("tapahtuma");
    format!("{}{slug}.ics", entry.path)
}

/// Writes every feed into `sink`. Returns the calendar record they were written with. With the
/// entries' `keys` (their fingerprints, by index), the event of an entry unchanged since the
/// previous build, which publishes its recorded revision, is taken from that build's calendar
/// of the whole week instead of being made again.
pub fn write(
    site: &Site,
    feeds: &[Feed],
    previous: &Revisions,
    keys: Option<&[u64]>,
    now: Timestamp,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<Revisions> {
    let earlier = keys.and_then(|_| sink.earlier(WHOLE));
    // What each event is known by: its entry's key and the revision it publishes.
    let key = |i: usize, revision: &Revision| {
        let key = Fingerprint::default().text("ics").number(keys?[i]);
        Some(key.debug(revision).finish())
    };
    let count = site.entries.len();
    let made = with_parts(count, earlier.as_ref(), |i, reader| {
        let entry = &site.entries[i];
        let state = crate::changes::state(entry);
        // Unchanged, it publishes the recorded revision, which the earlier event shows.
        let kept = previous.get(&entry.id).and_then(|old| {
            let revision = previous.next(&entry.id, &old.hash, state.clone(), now);
            let key = key(i, &revision)?;
            let event = reader?.part(key)?;
            Some(Made {
                revision,
                event,
                key: Some(key),
            })
        });
        kept.unwrap_or_else(|| {
            let body = event_body(site, t, i);
            let hash = crate::revisions::digest(body.as_str());
            let revision = previous.next(&entry.id, &hash, state, now);
            let event = event(site, entry, &revision, &body).into_string();
            let key = key(i, &revision);
            Made {
                revision,
                event: event.into_bytes(),
                key,
            }
        })
    });
    drop(earlier);
    let mut record = Revisions::default();
    for (entry, made) in site.entries.iter().zip(&made) {
        record.insert(entry.id.clone(), made.revision.clone());
    }
    record.keep_missing_from(previous);
    record.changes.clone_from(&site.changes);

    let end = end_of_calendar();
    // Each calendar goes out as its head, the shared events and its end: a feed of the whole
    // week is never copied together in memory.
    let put = |path: String, title: Option<&str>, entries: &[usize]| {
        let head = head(site, title, &path, entries);
        let mut parts: Vec<(Option<u64>, &[u8])> = Vec::with_capacity(entries.len() + 2);
        parts.push((None, head.as_str().as_bytes()));
        parts.extend(
            entries
                .iter()
                .map(|&i| (made[i].key, made[i].event.as_slice())),
        );
        parts.push((None, end.as_str().as_bytes()));
        let bytes: Vec<&[u8]> = parts.iter().map(|&(_, bytes)| bytes).collect();
        sink.put_parts(path.clone(), &bytes)?;
        match path == WHOLE {
            true => sink.mark(&path, &crate::output::marks(&parts)),
            false => Ok(()),
        }
    };
    feeds
        .par_iter()
        .try_for_each(|feed| put(feed.path.clone(), Some(&feed.title), &feed.entries))?;
    // An entry's own file is made from its event, the program and the site's settings (its time
    // zone): all in the event's key, through the entry's. One whose key is unchanged is kept,
    // like the entry's page.
    site.entries
        .par_iter()
        .enumerate()
        .try_for_each(|(i, entry)| {
            let path = entry_feed(entry);
            let Some(key) = made[i].key else {
                return put(path, None, &[i]);
            };
            if sink.keep(&path, key) {
                return Ok(());
            }
            let head = head(site, None, &path, &[i]);
            let bytes = [
                head.as_str().as_bytes(),
                &made[i].event,
                end.as_str().as_bytes(),
            ]
            .concat();
            let file = crate::output::OutputFile {
                path,
                bytes: bytes.into(),
            };
            sink.put_made(file, key)
        })?;
    Ok(record)
}

/// An entry's event as the feeds publish it, with its revision and the key its part of the whole
/// week's calendar is known by.
struct Made {
    revision: Revision,
    event: Vec<u8>,
    key: Option<u64>,
}

/// A calendar up to its first event: for a subscription (`title` given) its name and where it
/// is published; for a single event's file only what importing it needs, so that clients add
/// the event instead of offering a new calendar; and the time zone its events' times refer to.
fn head(site: &Site, title: Option<&str>, path: &str, entries: &[usize]) -> Ics {
    let config = &site.config;
    let mut cal = Ics::new();
    cal.begin("VCALENDAR");
    cal.raw("VERSION", &[], "2.0");
    cal.raw(
        "PRODID",
        &[],
        concat!("-//viikko//viikko ", env!("CARGO_PKG_VERSION"), "//FI"),
    );
    cal.raw("CALSCALE", &[], "GREGORIAN");
    let Some(title) = title else {
        if let Some((from, until)) = timed_span(site, entries) {
            crate::vtimezone::write_vtimezone(&mut cal, &config.tz, &config.tz_name, from, until);
        }
        return cal;
    };
    let name = if title == config.title {
        title.to_string()
    } else {
        format!("{} – {title}", config.title)
    };
    cal.text("NAME", &[], &name);
    cal.text("X-WR-CALNAME", &[], &name);
    if !config.description.is_empty() {
        cal.text("DESCRIPTION", &[], &config.description);
        cal.text("X-WR-CALDESC", &[], &config.description);
    }
    cal.raw("X-WR-TIMEZONE", &[], &config.tz_name);
    cal.raw("URL", &[], &config.absolute(""));
    cal.raw("SOURCE", &[("VALUE", "URI")], &config.absolute(path));
    cal.raw("REFRESH-INTERVAL", &[("VALUE", "DURATION")], REFRESH);
    cal.raw("X-PUBLISHED-TTL", &[], REFRESH);
    if let Some((from, until)) = timed_span(site, entries) {
        crate::vtimezone::write_vtimezone(&mut cal, &config.tz, &config.tz_name, from, until);
    }
    cal
}

fn end_of_calendar() -> Ics {
    let mut end = Ics::new();
    end.end("VCALENDAR");
    end
}

/// The dates a VTIMEZONE must cover: those of the timed events (all-day ones use no zone).
fn timed_span(site: &Site, entries: &[usize]) -> Option<(Date, Date)> {
    let dates = entries.iter().filter_map(|&i| match &site.entries[i].when {
        When::Timed { start, end } => Some((start.date(), end.as_ref().unwrap_or(start).date())),
        When::AllDay { .. } => None,
    });
    dates.fold(None, |span, (s, e)| match span {
        None => Some((s, e)),
        Some((a, b)) => Some((a.min(s), b.max(e))),
    })
}

/// The event with its revision: what clients compare to decide whether to update their copy.
fn event(site: &Site, entry: &Entry, revision: &Revision, body: &Ics) -> Ics {
    let stamp = ics::utc_datetime(&revision.modified);
    let mut event = Ics::new();
    event.begin("VEVENT");
    event.text("UID", &[], &format!("{}@{}", entry.id, site.config.host()));
    event.raw("DTSTAMP", &[], &stamp);
    event.raw("LAST-MODIFIED", &[], &stamp);
    event.raw("SEQUENCE", &[], &revision.sequence.to_string());
    event.append(body);
    event.end("VEVENT");
    event
}

/// Everything an event publishes except its revision; its hash tells whether the entry changed.
fn event_body(site: &Site, t: &Translations, index: usize) -> Ics {
    let entry = &site.entries[index];
    let config = &site.config;
    let mut ics = Ics::new();
    match &entry.when {
        When::Timed { start, end } => {
            local_time(&mut ics, "DTSTART", start, config);
            // With no set end there is no DTEND: RFC 5545 reads such an event as a moment at
            // its start, which is all that is known; the description says "from".
            if let Some(end) = end {
                local_time(&mut ics, "DTEND", end, config);
            }
        }
        When::AllDay { first, last } => {
            ics.raw("DTSTART", &[("VALUE", "DATE")], &ics::date(*first));
            ics.raw(
                "DTEND",
                &[("VALUE", "DATE")],
                &ics::date(last.tomorrow().unwrap_or(*last)),
            );
            // A week-long exhibition should not make the whole week look busy.
            ics.raw("TRANSP", &[], "TRANSPARENT");
        }
    }
    let label = t.status(entry.status);
    let summary = if label.is_empty() {
        entry.title.clone()
    } else {
        format!("{}: {}", label.to_uppercase(), entry.title)
    };
    ics.text("SUMMARY", &[], &summary);
    ics.text("DESCRIPTION", &[], &description(site, t, entry));
    if let Some(location) = location(entry) {
        ics.text("LOCATION", &[], &location);
    }
    ics.raw("URL", &[], &config.absolute(&entry.path));
    let organiser = &site.organisers[entry.organiser];
    if let Some(email) = &organiser.email {
        ics.raw(
            "ORGANIZER",
            &[("CN", &organiser.name)],
            &format!("mailto:{email}"),
        );
    }
    let mut categories: Vec<&str> = entry
        .audiences
        .iter()
        .map(|&a| config.audiences[a].label.as_str())
        .collect();
    categories.extend(entry.format.map(|f| config.formats[f].label.as_str()));
    if !categories.is_empty() {
        ics.text_list("CATEGORIES", &[], &categories);
    }
    let status = match entry.status {
        Status::Cancelled => "CANCELLED",
        Status::Postponed => "TENTATIVE",
        Status::Scheduled | Status::MovedOnline => "CONFIRMED",
    };
    ics.raw("STATUS", &[], status);
    ics
}

/// A wall-clock time with the zone's TZID; a time the clocks pass twice is written in UTC,
/// because with a TZID clients would take the first of the two.
fn local_time(ics: &mut Ics, name: &str, time: &Zoned, config: &Config) {
    let local = time.datetime();
    if config.tz.to_ambiguous_zoned(local).is_ambiguous() {
        ics.raw(name, &[], &ics::utc_datetime(&time.timestamp()));
    } else {
        ics.raw(
            name,
            &[("TZID", &config.tz_name)],
            &ics::local_datetime(&local),
        );
    }
}

const DESCRIPTION_CHARS: usize = 400;

fn description(site: &Site, t: &Translations, entry: &Entry) -> String {
    let mut parts: Vec<String> = Vec::new();
    let label = t.status(entry.status);
    if !label.is_empty() {
        parts.push(format!("{label}."));
    }
    if let When::Timed { start, end: None } = &entry.when {
        parts.push(format!("{}.", site.config.lang.time_from(start.time())));
    }
    if let Some(summary) = &entry.summary {
        parts.push(summary.clone());
    }
    // The start of the text only: each event is repeated in several feeds, calendar apps show
    // a few lines, and the page the description ends with has it all.
    if !entry.body_text.is_empty() {
        parts.push(crate::markdown::excerpt(
            &entry.body_text,
            DESCRIPTION_CHARS,
        ));
    }
    if let Some(online) = &entry.online {
        parts.push(format!("{}: {}", t.get("online_title"), online.text()));
    }
    if let Some(registration) = &entry.registration {
        let mut line = t.get("registration").to_string();
        if let Some(deadline) = registration.deadline {
            line.push_str(&format!(
                " {} {}",
                t.get("by_deadline"),
                site.config.lang.date(deadline)
            ));
        }
        let how = [
            registration.email().or(registration.url.as_deref()),
            registration.note.as_deref(),
        ];
        let how = how.into_iter().flatten().collect::<Vec<_>>().join("\n");
        if !how.is_empty() {
            line.push_str(&format!(": {how}"));
        }
        parts.push(line);
    }
    let price = entry.price.as_deref().unwrap_or(t.get("free"));
    parts.push(format!("{}: {price}", t.get("price")));
    parts.push(site.config.absolute(&entry.path));
    parts.join("\n\n")
}

pub fn location(entry: &Entry) -> Option<String> {
    let place = entry
        .place
        .as_ref()
        .filter(|_| entry.status != Status::MovedOnline);
    let mut parts: Vec<&str> = place
        .map(|p| {
            [
                p.name.as_deref(),
                p.address.as_deref(),
                p.municipality.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect()
        })
        .unwrap_or_default();
    if parts.is_empty() {
        parts.extend(entry.online.as_ref().map(Online::text));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Feeds grouped for the calendar page, in a stable order.
pub fn by_group(feeds: &[Feed]) -> BTreeMap<usize, (&'static str, Vec<&Feed>)> {
    let order = [
        "feeds_week",
        "feeds_days",
        "feeds_organisers",
        "feeds_audiences",
        "feeds_series",
    ];
    let mut groups: BTreeMap<usize, (&'static str, Vec<&Feed>)> = BTreeMap::new();
    for feed in feeds {
        let rank = order
            .iter()
            .position(|g| *g == feed.group)
            .unwrap_or(order.len());
        groups
            .entry(rank)
            .or_insert((feed.group, Vec::new()))
            .1
            .push(feed);
    }
    groups
}
