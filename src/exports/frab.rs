//! The week as a frab/pretalx schedule (`schedule.json`, `schedule.xml`), which schedule apps
//! (Giggity, EventFahrplan) and info-beamer screens read: the conference with its days, each
//! place a room, each entry an event with a stable UUID.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::OnceLock;

use serde::Serialize;

use super::Parts;
use crate::model::{Entry, Site, Status, When};
use crate::output::{Earlier, Mark, PartReader, Sink};
use crate::revisions::Revisions;
use crate::translations::Translations;

/// Writes the schedule of `site`, whose entries' last changes `record` holds, in both formats.
pub fn write(
    site: &Site,
    record: &Revisions,
    parts: &Parts,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    let schedule = schedule(site, record, parts, t);
    // Both at once, each written as it is made: in a build the largest files of a large site are
    // never held whole.
    let (json, xml) = rayon::join(
        || put(sink, JSON, &schedule, &write_json),
        || put(sink, XML, &schedule, &write_xml),
    );
    json.and(xml)
}

/// Each file of the schedule, and what its events' parts are known by: indexed by `JSON`, `XML`.
const FILES: [(&str, &str); 2] = [("schedule.json", "frab-json"), ("schedule.xml", "frab-xml")];
const JSON: usize = 0;
const XML: usize = 1;

/// Writes the schedule's file `format` with `write`, taking each unchanged event's part from
/// the previous build's file, and marks the events' parts in the new one.
fn put(
    sink: &dyn Sink,
    format: usize,
    schedule: &Schedule,
    write: &(dyn Fn(&Schedule, &mut Events) -> io::Result<()> + Sync),
) -> io::Result<()> {
    let path = FILES[format].0;
    let earlier = sink.earlier(path);
    let mut marks = Vec::new();
    sink.put_written(path.into(), &mut |out| {
        let mut events = Events {
            out: io::BufWriter::with_capacity(BUFFER, out),
            written: 0,
            format,
            earlier: earlier.as_ref().map(Earlier::reader),
            marks: Vec::new(),
        };
        write(schedule, &mut events)?;
        events.flush()?;
        marks = events.marks;
        Ok(())
    })?;
    sink.mark(path, &marks)
}

/// The schedule is written in pieces of a few bytes: they are gathered before they go on.
const BUFFER: usize = 64 * 1024;

/// Where a schedule file is written: counted as it goes, so that each event's part is marked
/// where it is.
struct Events<'a, 'w> {
    out: io::BufWriter<&'w mut dyn Write>,
    written: u64,
    format: usize,
    earlier: Option<PartReader<'a>>,
    marks: Vec<Mark>,
}

impl Write for Events<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.out.write(bytes)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl Events<'_, '_> {
    /// Writes the event of `slot`: its part of the previous build's file when it has one,
    /// else as `write` makes it from the event.
    fn event<'s>(
        &mut self,
        schedule: &Schedule<'s>,
        slot: &Slot<'s>,
        write: &dyn Fn(&mut Self, &Event) -> io::Result<()>,
    ) -> io::Result<()> {
        let start = self.written;
        let key = slot.keys[self.format];
        match key.and_then(|k| self.earlier.as_mut()?.part(k)) {
            Some(bytes) => self.write_all(&bytes)?,
            None => write(self, slot.event.get_or_init(|| event(schedule, slot)))?,
        }
        if let Some(key) = key {
            let len = self.written - start;
            self.marks.push(Mark { key, start, len });
        }
        Ok(())
    }
}

struct Schedule<'a> {
    version: String,
    title: String,
    acronym: String,
    start: String,
    end: String,
    time_zone: String,
    url: String,
    rooms: Vec<String>,
    days: Vec<Day<'a>>,
    /// What the events are made from, when a file needs one.
    site: &'a Site,
    t: &'a Translations,
}

struct Day<'a> {
    index: usize,
    date: String,
    start: String,
    end: String,
    /// By room, in the order of `Schedule::rooms`.
    rooms: Vec<(String, Vec<Slot<'a>>)>,
}

/// An entry on a day of the schedule: what places it, and its event once made.
struct Slot<'a> {
    entry: &'a Entry,
    date: jiff::civil::Date,
    guid: uuid::Uuid,
    id: u32,
    room: String,
    /// What its part of each file (`JSON`, `XML`) is known by.
    keys: [Option<u64>; 2],
    /// Made by the first file that needs it, for both.
    event: OnceLock<Event<'a>>,
}

/// An entry as a schedule's event, borrowing its longer texts from the entry.
struct Event<'a> {
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
    subtitle: &'a str,
    track: Option<String>,
    kind: &'a str,
    language: &'a str,
    abstract_: std::borrow::Cow<'a, str>,
    description: &'a str,
    person: &'a str,
    links: Vec<(String, String)>,
}

fn schedule<'a>(
    site: &'a Site,
    record: &Revisions,
    parts: &Parts,
    t: &'a Translations,
) -> Schedule<'a> {
    let config = &site.config;
    let year = config.week.start.year();
    let acronym = format!("{}{year}", super::source(site).replace('-', "_"));
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
        let mut by_room: Vec<(String, Vec<Slot>)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, entry) in site.entries.iter().enumerate() {
            let Some(slot) = slot(site, t, entry, date, &mut ids, &|id| {
                FILES.map(|(_, kind)| parts.key(kind, i, entry, &(&acronym, date, id)))
            }) else {
                continue;
            };
            if !room_order.contains_key(&slot.room) {
                room_order.insert(slot.room.clone(), rooms.len());
                rooms.push(slot.room.clone());
            }
            match index.get(&slot.room) {
                Some(&i) => by_room[i].1.push(slot),
                None => {
                    index.insert(slot.room.clone(), by_room.len());
                    by_room.push((slot.room.clone(), vec![slot]));
                }
            }
        }
        days.push(Day {
            index: n + 1,
            date: date.to_string(),
            start: at(config, date, jiff::civil::Time::midnight()),
            end: at(config, date, jiff::civil::time(23, 59, 59, 0)),
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
        site,
        t,
    }
}

/// `time` on `date` in the site's zone, in ISO 8601.
fn at(config: &crate::model::Config, date: jiff::civil::Date, time: jiff::civil::Time) -> String {
    date.to_datetime(time)
        .to_zoned(config.tz.clone())
        .map(|z| super::iso(&z))
        .unwrap_or_default()
}

/// The entry's slot on `date`: a timed entry on the day it starts, an all-day one on each of
/// its days. `None` when it is not on that day. `keys` makes its parts' keys from its number.
fn slot<'a>(
    site: &Site,
    t: &Translations,
    entry: &'a Entry,
    date: jiff::civil::Date,
    ids: &mut std::collections::BTreeSet<u32>,
    keys: &dyn Fn(u32) -> [Option<u64>; 2],
) -> Option<Slot<'a>> {
    let on_day = match &entry.when {
        When::Timed { start, .. } => start.date() == date,
        When::AllDay { first, last } => *first <= date && date <= *last,
    };
    if !on_day {
        return None;
    }
    let url = site.config.absolute(&entry.path);
    let key = match &entry.when {
        When::AllDay { first, .. } if date != *first => format!("{url}#{date}"),
        _ => url,
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
    Some(Slot {
        entry,
        date,
        guid,
        id,
        room,
        keys: keys(id),
        event: OnceLock::new(),
    })
}

/// The event of `slot`.
fn event<'a>(schedule: &Schedule<'a>, slot: &Slot<'a>) -> Event<'a> {
    let (site, t, acronym) = (schedule.site, schedule.t, &schedule.acronym);
    let (entry, date) = (slot.entry, slot.date);
    let config = &site.config;
    let url = config.absolute(&entry.path);
    let (start_at, start, minutes, end) = match &entry.when {
        When::Timed { start, end } => {
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
            )
        }
        When::AllDay { .. } => {
            let midnight = jiff::civil::Time::midnight();
            let end = at(config, date, jiff::civil::time(23, 59, 59, 0));
            (
                at(config, date, midnight),
                "00:00".to_string(),
                24 * 60,
                end,
            )
        }
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
    Event {
        guid: slot.guid.to_string(),
        id: slot.id,
        date: start_at,
        start,
        duration: format!("{}:{:02}", minutes / 60, minutes % 60),
        end,
        room: slot.room.clone(),
        slug: format!("{acronym}-{}-{}", slot.id, crate::slug::slugify(leaf)),
        url,
        title,
        subtitle: entry.summary.as_deref().unwrap_or_default(),
        track: track(site, entry),
        kind: entry
            .format
            .map_or("other", |f| config.formats[f].key.as_str()),
        language: &entry.language,
        abstract_: match &entry.summary {
            Some(summary) => summary.into(),
            None => crate::markdown::excerpt(&entry.body_text, 300).into(),
        },
        description: &entry.body_text,
        person: &site.organisers[entry.organiser].name,
        links,
    }
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

/// `value` as JSON. Values made here, with text keys: serialising cannot fail.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The schedule as frab's JSON, written straight from `s`, an event at a time: a `Value` of the
/// whole week would copy every description once more (hundreds of megabytes at 50,000
/// entries). Keys are in alphabetical order, as a JSON object of `serde_json` keeps them.
fn write_json(s: &Schedule, out: &mut Events) -> io::Result<()> {
    let rooms: Vec<RoomJson> = s
        .rooms
        .iter()
        .map(|name| RoomJson {
            guid: uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                format!("{}#{name}", s.url).as_bytes(),
            )
            .to_string(),
            name,
        })
        .collect();
    write!(
        out,
        "{{\"$schema\":\"https://c3voc.de/schedule/schema.json\",\"generator\":{{\"name\":\"viikko\",\"version\":{}}},\"schedule\":{{\"base_url\":{},\"conference\":{{\"acronym\":{},\"days\":[",
        json(&env!("CARGO_PKG_VERSION")),
        json(&s.url),
        json(&s.acronym)
    )?;
    for (n, d) in s.days.iter().enumerate() {
        write!(
            out,
            "{}{{\"date\":{},\"day_end\":{},\"day_start\":{},\"index\":{},\"rooms\":{{",
            if n == 0 { "" } else { "," },
            json(&d.date),
            json(&d.end),
            json(&d.start),
            d.index
        )?;
        // By name, as a JSON object's keys are.
        let mut by_name: Vec<&(String, Vec<Slot>)> = d.rooms.iter().collect();
        by_name.sort_by(|a, b| a.0.cmp(&b.0));
        for (r, (room, slots)) in by_name.into_iter().enumerate() {
            write!(out, "{}{}:[", if r == 0 { "" } else { "," }, json(room))?;
            for (e, slot) in slots.iter().enumerate() {
                if e > 0 {
                    out.write_all(b",")?;
                }
                out.event(s, slot, &|out, e| {
                    serde_json::to_writer(out, &EventJson::from(e)).map_err(io::Error::from)
                })?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}}")?;
    }
    write!(
        out,
        "],\"daysCount\":{},\"end\":{},\"rooms\":{},\"start\":{},\"time_zone_name\":{},\"timeslot_duration\":\"00:15\",\"title\":{},\"url\":{}}},\"version\":{}}}}}",
        s.days.len(),
        json(&s.end),
        json(&rooms),
        json(&s.start),
        json(&s.time_zone),
        json(&s.title),
        json(&s.url),
        json(&s.version)
    )
}

#[derive(Serialize)]
struct RoomJson<'a> {
    guid: String,
    name: &'a str,
}

#[derive(Serialize)]
struct EventJson<'a> {
    #[serde(rename = "abstract")]
    abstract_: &'a str,
    date: &'a str,
    description: &'a str,
    duration: &'a str,
    end: &'a str,
    guid: &'a str,
    id: u32,
    language: &'a str,
    links: Vec<LinkJson<'a>>,
    persons: [PersonJson<'a>; 1],
    room: &'a str,
    slug: &'a str,
    start: &'a str,
    subtitle: &'a str,
    title: &'a str,
    track: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'a str,
    url: &'a str,
}

impl<'a> From<&'a Event<'a>> for EventJson<'a> {
    fn from(e: &'a Event<'a>) -> EventJson<'a> {
        EventJson {
            abstract_: &e.abstract_,
            date: &e.date,
            description: e.description,
            duration: &e.duration,
            end: &e.end,
            guid: &e.guid,
            id: e.id,
            language: e.language,
            links: e
                .links
                .iter()
                .map(|(url, title)| LinkJson {
                    title,
                    kind: "web",
                    url,
                })
                .collect(),
            persons: [PersonJson { name: e.person }],
            room: &e.room,
            slug: &e.slug,
            start: &e.start,
            subtitle: e.subtitle,
            title: &e.title,
            track: e.track.as_deref(),
            kind: e.kind,
            url: &e.url,
        }
    }
}

#[derive(Serialize)]
struct LinkJson<'a> {
    title: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct PersonJson<'a> {
    name: &'a str,
}

/// The schedule as frab's XML, written to `out`.
fn write_xml(s: &Schedule, out: &mut Events) -> io::Result<()> {
    let x = escape;
    out.write_all("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n".as_bytes())?;
    writeln!(
        out,
        "  <generator name=\"viikko\" version=\"{}\"/>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "  <version>{}</version>", x(&s.version))?;
    writeln!(
        out,
        "  <conference>\n    <title>{}</title>\n    <acronym>{}</acronym>\n    <start>{}</start>\n    <end>{}</end>\n    <days>{}</days>\n    <timeslot_duration>00:15</timeslot_duration>\n    <base_url>{}</base_url>\n    <time_zone_name>{}</time_zone_name>\n  </conference>",
        x(&s.title),
        x(&s.acronym),
        s.start,
        s.end,
        s.days.len(),
        x(&s.url),
        x(&s.time_zone)
    )?;
    for d in &s.days {
        writeln!(
            out,
            "  <day index=\"{}\" date=\"{}\" start=\"{}\" end=\"{}\">",
            d.index, d.date, d.start, d.end
        )?;
        for (room, slots) in &d.rooms {
            writeln!(out, "    <room name=\"{}\">", x(room))?;
            for slot in slots {
                out.event(s, slot, &event_xml)?;
            }
            out.write_all("    </room>\n".as_bytes())?;
        }
        out.write_all("  </day>\n".as_bytes())?;
    }
    out.write_all(b"</schedule>\n")
}

/// An event as the schedule's XML gives it, from `<event>` to `</event>` and its line's end.
fn event_xml(out: &mut Events, e: &Event) -> io::Result<()> {
    let x = escape;
    writeln!(out, "      <event id=\"{}\" guid=\"{}\">", e.id, e.guid)?;
    for (tag, value) in [
        ("room", e.room.as_str()),
        ("title", &e.title),
        ("subtitle", e.subtitle),
        ("type", e.kind),
        ("date", &e.date),
        ("start", &e.start),
        ("duration", &e.duration),
        ("abstract", &e.abstract_),
        ("slug", &e.slug),
    ] {
        writeln!(out, "        <{tag}>{}</{tag}>", x(value))?;
    }
    writeln!(
        out,
        "        <track>{}</track>",
        x(e.track.as_deref().unwrap_or(""))
    )?;
    writeln!(
        out,
        "        <persons><person>{}</person></persons>",
        x(e.person)
    )?;
    writeln!(out, "        <language>{}</language>", x(e.language))?;
    writeln!(
        out,
        "        <description>{}</description>",
        x(e.description)
    )?;
    out.write_all("        <links>".as_bytes())?;
    for (url, title) in &e.links {
        write!(out, "<link href=\"{}\">{}</link>", x(url), x(title))?;
    }
    out.write_all("</links>\n".as_bytes())?;
    writeln!(out, "        <url>{}</url>\n      </event>", x(&e.url))
}

/// Text for XML, written where it is formatted: its five special characters escaped, and
/// characters XML 1.0 cannot hold left out. Most texts have none; the rest are copied run by run
/// between the bytes that need care, with nothing allocated (every description is HTML).
struct Escaped<'a>(&'a str);

fn escape(text: &str) -> Escaped<'_> {
    Escaped(text)
}

/// The bytes that start something to escape or leave out. 0xEF leads U+FFFE and U+FFFF, and the
/// 4,000 characters before them (full-width punctuation among them), which are passed on as they
/// are.
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        let mut rest = self.0;
        while let Some(at) = rest.bytes().position(|b| SPECIAL[usize::from(b)]) {
            f.write_str(&rest[..at])?;
            // A special byte is ASCII or leads a character: `at` is a character's start.
            let Some(c) = rest[at..].chars().next() else {
                break;
            };
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                c => f.write_char(c)?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn xml_text_escapes_five_characters_and_leaves_out_what_xml_cannot_hold() {
        assert_eq!(
            escape("Perhekahvila ääkkösin").to_string(),
            "Perhekahvila ääkkösin"
        );
        assert_eq!(
            escape("a & b <c> \"d\" 'e'\tf\ng\r\u{1}h\u{FFFE}\u{FFFF}！ö").to_string(),
            "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;\tf\ng\rh！ö"
        );
    }
}
