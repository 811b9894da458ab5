//! The week as a frab/pretalx schedule (`schedule.json`, `schedule.xml`), which schedule apps
//! (Giggity, EventFahrplan) and info-beamer screens read: the conference with its days, each
//! place a room, each entry an event with a stable UUID.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::model::{Entry, Site, Status, When};
use crate::output::{OutputFile, Sink};
use crate::revisions::Revisions;
use crate::translations::Translations;

/// Writes the schedule of `site`, whose entries' last changes `record` holds, in both formats.
pub fn write(
    site: &Site,
    record: &Revisions,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    let schedule = schedule(site, record, t);
    // One after the other, each let go once written: the largest files of a large site.
    let json = to_json(&schedule);
    put(sink, "schedule.json", json)?;
    put(sink, "schedule.xml", to_xml(&schedule).into_bytes())
}

fn put(sink: &dyn Sink, path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
    sink.put(OutputFile {
        path: path.into(),
        bytes: bytes.into(),
    })
}

struct Schedule {
    version: String,
    title: String,
    acronym: String,
    start: String,
    end: String,
    time_zone: String,
    url: String,
    rooms: Vec<String>,
    days: Vec<Day>,
}

struct Day {
    index: usize,
    date: String,
    start: String,
    end: String,
    /// By room, in the order of `Schedule::rooms`.
    rooms: Vec<(String, Vec<Event>)>,
}

struct Event {
    guid: String,
    id: u32,
    date: String,
    start: String,
    duration: String,
    end: String,
    room: String,
    slug: String,
    url: String,
    title: String,
    subtitle: String,
    track: Option<String>,
    kind: String,
    language: String,
    abstract_: String,
    description: String,
    person: String,
    links: Vec<(String, String)>,
}

fn schedule(site: &Site, record: &Revisions, t: &Translations) -> Schedule {
    let config = &site.config;
    let tz = &config.tz;
    let year = config.week.start.year();
    let acronym = format!("{}{year}", super::source(site).replace('-', "_"));
    let at = |date: jiff::civil::Date, time: jiff::civil::Time| {
        date.to_datetime(time)
            .to_zoned(tz.clone())
            .map(|z| super::iso(&z))
            .unwrap_or_default()
    };
    let mut ids = std::collections::BTreeSet::new();
    // Rooms in the order first met, and each one's place in that order.
    let mut rooms: Vec<String> = Vec::new();
    let mut room_order: HashMap<String, usize> = HashMap::new();
    let week: Vec<jiff::civil::Date> = config
        .week
        .start
        .series(jiff::ToSpan::day(1))
        .take_while(|d| *d <= config.week.end)
        .collect();
    let mut days = Vec::new();
    for (n, &date) in week.iter().enumerate() {
        let mut by_room: Vec<(String, Vec<Event>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for entry in &site.entries {
            let Some(event) = event(site, t, entry, date, &acronym, &mut ids, &at) else {
                continue;
            };
            if !room_order.contains_key(&event.room) {
                room_order.insert(event.room.clone(), rooms.len());
                rooms.push(event.room.clone());
            }
            match index.get(&event.room) {
                Some(&i) => by_room[i].1.push(event),
                None => {
                    index.insert(event.room.clone(), by_room.len());
                    by_room.push((event.room.clone(), vec![event]));
                }
            }
        }
        days.push(Day {
            index: n + 1,
            date: date.to_string(),
            start: at(date, jiff::civil::Time::midnight()),
            end: at(date, jiff::civil::time(23, 59, 59, 0)),
            rooms: by_room,
        });
    }
    for day in &mut days {
        day.rooms
            .sort_by_key(|(room, _)| room_order.get(room).copied());
    }
    let version = site
        .entries
        .iter()
        .filter_map(|e| record.get(&e.id))
        .map(|r| r.modified)
        .max()
        .map_or_else(String::new, |m| m.strftime("%Y-%m-%d %H:%M").to_string());
    Schedule {
        version,
        title: config.title.clone(),
        acronym,
        start: config.week.start.to_string(),
        end: config.week.end.to_string(),
        time_zone: config.tz_name.clone(),
        url: config.absolute(""),
        rooms,
        days,
    }
}

/// The entry as an event of `date`: a timed entry on the day it starts, an all-day one on each
/// of its days. `None` when it is not on that day.
fn event(
    site: &Site,
    t: &Translations,
    entry: &Entry,
    date: jiff::civil::Date,
    acronym: &str,
    ids: &mut std::collections::BTreeSet<u32>,
    at: &dyn Fn(jiff::civil::Date, jiff::civil::Time) -> String,
) -> Option<Event> {
    let config = &site.config;
    let url = config.absolute(&entry.path);
    let (start_at, start, minutes, end, key) = match &entry.when {
        When::Timed { start, end } => {
            if start.date() != date {
                return None;
            }
            let minutes = end
                .as_ref()
                .and_then(|end| start.until(end).ok())
                .and_then(|span| span.total(jiff::Unit::Minute).ok())
                .map_or(0, |m| m.max(0.0) as i64);
            let end = end.as_ref().map_or_else(|| super::iso(start), super::iso);
            (
                super::iso(start),
                start.strftime("%H:%M").to_string(),
                minutes,
                end,
                url.clone(),
            )
        }
        When::AllDay { first, last } => {
            if date < *first || date > *last {
                return None;
            }
            let key = match date == *first {
                true => url.clone(),
                false => format!("{url}#{date}"),
            };
            let midnight = jiff::civil::Time::midnight();
            let end = at(date, jiff::civil::time(23, 59, 59, 0));
            (at(date, midnight), "00:00".to_string(), 24 * 60, end, key)
        }
    };
    let guid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, key.as_bytes());
    // A stable number from the UUID, made unique in the rare case two meet.
    let mut id = (u32::from_be_bytes(guid.as_bytes()[..4].try_into().unwrap_or_default())
        & 0x7fff_ffff)
        .max(1);
    while !ids.insert(id) {
        id = id % 0x7fff_ffff + 1;
    }
    let place = entry
        .place
        .as_ref()
        .filter(|_| entry.status != Status::MovedOnline);
    let room = match place {
        Some(p) => [p.name.as_deref(), p.municipality.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        None => t.get("online").to_string(),
    };
    let room = if room.is_empty() {
        t.get("online").to_string()
    } else {
        room
    };
    let leaf = entry
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("tapahtuma");
    let title = match t.status(entry.status) {
        "" => entry.title.clone(),
        status => format!("{status}: {}", entry.title),
    };
    let links = entry
        .registration
        .as_ref()
        .and_then(|r| r.url.clone())
        .map(|u| (u, t.get("registration").to_string()))
        .into_iter()
        .collect();
    Some(Event {
        guid: guid.to_string(),
        id,
        date: start_at,
        start,
        duration: format!("{}:{:02}", minutes / 60, minutes % 60),
        end,
        room,
        slug: format!("{acronym}-{id}-{}", crate::slug::slugify(leaf)),
        url,
        title,
        subtitle: entry.summary.clone().unwrap_or_default(),
        track: track(site, entry),
        kind: entry
            .format
            .map_or("other".to_string(), |f| config.formats[f].key.clone()),
        language: entry.language.clone(),
        abstract_: entry
            .summary
            .clone()
            .unwrap_or_else(|| crate::markdown::excerpt(&entry.body_text, 300)),
        description: entry.body_text.to_string(),
        person: site.organisers[entry.organiser].name.clone(),
        links,
    })
}

/// The series an entry belongs to, by its name, else its first audience: what a schedule app
/// colours and filters by.
fn track(site: &Site, entry: &Entry) -> Option<String> {
    let config = &site.config;
    match entry.series.as_deref() {
        Some(key) => Some(
            config
                .series
                .iter()
                .find(|s| s.key == key)
                .map(|s| s.label.clone())
                .or_else(|| {
                    site.series
                        .iter()
                        .find(|s| s.key == key)
                        .map(|s| s.name.clone())
                })
                .unwrap_or_else(|| key.to_string()),
        ),
        None => entry
            .audiences
            .first()
            .map(|&a| config.audiences[a].label.clone()),
    }
}

fn to_json(s: &Schedule) -> Vec<u8> {
    let room_guid = |name: &str| {
        uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_URL,
            format!("{}#{name}", s.url).as_bytes(),
        )
        .to_string()
    };
    let event = |e: &Event| -> Value {
        json!({
            "guid": e.guid, "id": e.id, "date": e.date, "start": e.start, "end": e.end,
            "duration": e.duration, "room": e.room, "slug": e.slug, "url": e.url,
            "title": e.title, "subtitle": e.subtitle, "track": e.track, "type": e.kind,
            "language": e.language, "abstract": e.abstract_, "description": e.description,
            "persons": [{"name": e.person}],
            "links": e.links.iter().map(|(url, title)| json!({"type": "web", "url": url, "title": title})).collect::<Vec<_>>(),
        })
    };
    let days: Vec<Value> = s
        .days
        .iter()
        .map(|d| {
            let rooms: serde_json::Map<String, Value> = d
                .rooms
                .iter()
                .map(|(room, events)| (room.clone(), events.iter().map(event).collect()))
                .collect();
            json!({"index": d.index, "date": d.date, "day_start": d.start, "day_end": d.end, "rooms": rooms})
        })
        .collect();
    let schedule = json!({
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "viikko", "version": env!("CARGO_PKG_VERSION")},
        "schedule": {
            "version": s.version,
            "base_url": s.url,
            "conference": {
                "acronym": s.acronym, "title": s.title, "start": s.start, "end": s.end,
                "daysCount": s.days.len(), "timeslot_duration": "00:15",
                "time_zone_name": s.time_zone, "url": s.url,
                "rooms": s.rooms.iter().map(|r| json!({"name": r, "guid": room_guid(r)})).collect::<Vec<_>>(),
                "days": days,
            },
        },
    });
    serde_json::to_vec(&schedule).unwrap_or_default()
}

fn to_xml(s: &Schedule) -> String {
    use std::fmt::Write;
    let x = escape;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n");
    let _ = writeln!(
        out,
        "  <generator name=\"viikko\" version=\"{}\"/>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "  <version>{}</version>", x(&s.version));
    let _ = writeln!(
        out,
        "  <conference>\n    <title>{}</title>\n    <acronym>{}</acronym>\n    <start>{}</start>\n    <end>{}</end>\n    <days>{}</days>\n    <timeslot_duration>00:15</timeslot_duration>\n    <base_url>{}</base_url>\n    <time_zone_name>{}</time_zone_name>\n  </conference>",
        x(&s.title),
        x(&s.acronym),
        s.start,
        s.end,
        s.days.len(),
        x(&s.url),
        x(&s.time_zone)
    );
    for d in &s.days {
        let _ = writeln!(
            out,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            d.index, d.date, d.start, d.end
        );
        for (room, events) in &d.rooms {
            let _ = writeln!(out, "    <room name=\"{}\">", x(room));
            for e in events {
                let _ = writeln!(out, "      <event id=\"{}\" guid=\"{}\">", e.id, e.guid);
                for (tag, value) in [
                    ("room", &e.room),
                    ("title", &e.title),
                    ("subtitle", &e.subtitle),
                    ("type", &e.kind),
                    ("date", &e.date),
                    ("start", &e.start),
                    ("duration", &e.duration),
                    ("abstract", &e.abstract_),
                    ("slug", &e.slug),
                ] {
                    let _ = writeln!(out, "        <{tag}>{}</{tag}>", x(value));
                }
                let _ = writeln!(
                    out,
                    "        <track>{}</track>",
                    x(e.track.as_deref().unwrap_or(""))
                );
                let _ = writeln!(
                    out,
                    "        <persons><person>{}</person></persons>",
                    x(&e.person)
                );
                let _ = writeln!(out, "        <language>{}</language>", x(&e.language));
                let _ = writeln!(
                    out,
                    "        <description>{}</description>",
                    x(&e.description)
                );
                out.push_str("        <links>");
                for (url, title) in &e.links {
                    let _ = write!(out, "<link href=\"{}\">{}</link>", x(url), x(title));
                }
                out.push_str("</links>\n");
                let _ = writeln!(out, "        <url>{}</url>\n      </event>", x(&e.url));
            }
            out.push_str("    </room>\n");
        }
        out.push_str("  </day>\n");
    }
    out.push_str("</schedule>\n");
    out
}

/// Text for XML: its five special characters escaped, and characters XML 1.0 cannot hold left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
