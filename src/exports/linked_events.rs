//! Open data in the event shape of Linked Events, the City of Helsinki's event API that Finnish
//! event calendars read: `data/tapahtumat.json` (every entry, and each series as the super event
//! of its sessions) and `data/jarjestaja/<organiser>.json`, each `{"meta": …, "data": [events]}`
//! as Linked Events lists them, with their JSON Schema beside them.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

use super::Parts;
use crate::cache::Fingerprint;
use crate::model::{Entry, Site, Status};
use crate::output::{OutputFile, Sink, with_parts};
use crate::revisions::Revisions;
use crate::translations::Translations;

/// The schema every file is valid against, published beside them.
pub const SCHEMA: &str = include_str!("linked-events.schema.json");

/// The list of every event, whose parts the next build takes back.
const ALL: &str = "data/tapahtumat.json";

/// Writes the list of all events and one per organiser. Each event is serialised once and its
/// bytes shared by the files it is in: at 50,000 entries the lists are hundreds of megabytes.
pub fn write(
    site: &Site,
    record: &Revisions,
    parts: &Parts,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    let prefix = super::source(site);
    // Values made here, with text keys: serialising cannot fail.
    fn encode(event: &impl Serialize) -> Vec<u8> {
        serde_json::to_vec(event).unwrap_or_default()
    }
    // Each entry's event, taken from the previous build's list when its entry is unchanged.
    let keys: Vec<Option<u64>> = site
        .entries
        .iter()
        .enumerate()
        .map(|(i, entry)| parts.key("linked-events", i, entry, &prefix))
        .collect();
    let earlier = sink.earlier(ALL);
    let events = with_parts(site.entries.len(), earlier.as_ref(), |i, reader| {
        let kept = keys[i].and_then(|k| reader?.part(k));
        kept.unwrap_or_else(|| encode(&event(site, record, t, &prefix, &site.entries[i])))
    });
    drop(earlier);
    let series: Vec<Vec<u8>> = super_events(site, &prefix).iter().map(encode).collect();
    let all: Vec<(Option<u64>, &[u8])> = keys
        .into_iter()
        .zip(&events)
        .chain(std::iter::repeat(None).zip(&series))
        .map(|(key, event)| (key, event.as_slice()))
        .collect();
    sink.put(OutputFile {
        path: "data/tapahtumat.schema.json".into(),
        bytes: SCHEMA.as_bytes().to_vec().into(),
    })?;
    // The whole list beside the organisers' own: hashing and writing them, hundreds of megabytes
    // at 50,000 entries, was one thread's work at the end of a build.
    let organisers = || {
        site.organisers.par_iter().try_for_each(|organiser| {
            let path = format!("data/jarjestaja/{}.json", organiser.folder);
            // Made from its events alone, whose keys name the program: a list whose events are
            // all unchanged is kept. An empty one, which no key names, is made each time.
            let start = Fingerprint::default().number(organiser.entries.len() as u64);
            let key = organiser
                .entries
                .iter()
                .try_fold(start, |f, &e| Some(f.number(all[e].0?)))
                .filter(|_| !organiser.entries.is_empty())
                .map(|f| f.finish());
            if key.is_some_and(|key| sink.keep(&path, key)) {
                return Ok(());
            }
            let own: Vec<(Option<u64>, &[u8])> = organiser
                .entries
                .iter()
                .map(|&e| (None, events[e].as_slice()))
                .collect();
            match key {
                Some(key) => {
                    let head = head(own.len());
                    let parts: Vec<&[u8]> = list(&head, &own).into_iter().map(|p| p.1).collect();
                    let bytes = parts.concat().into();
                    sink.put_made(OutputFile { path, bytes }, key)
                }
                None => put_list(sink, path, &own),
            }
        })
    };
    let (whole, own) = rayon::join(|| put_list(sink, ALL.into(), &all), organisers);
    whole.and(own)
}

/// `{"meta": …, "data": [events]}`, as Linked Events lists them, written from its parts: each
/// event with its key, if it has one, for the next build to take it from ([`Sink::mark`]).
fn put_list(sink: &dyn Sink, path: String, events: &[(Option<u64>, &[u8])]) -> std::io::Result<()> {
    let head = head(events.len());
    let parts = list(&head, events);
    let bytes: Vec<&[u8]> = parts.iter().map(|&(_, bytes)| bytes).collect();
    sink.put_parts(path.clone(), &bytes)?;
    sink.mark(&path, &crate::output::marks(&parts))
}

/// The parts of a list: `head`, the events (with their keys) between commas, and its end.
fn list<'e>(head: &'e str, events: &[(Option<u64>, &'e [u8])]) -> Vec<(Option<u64>, &'e [u8])> {
    let mut parts = Vec::with_capacity(2 * events.len() + 2);
    parts.push((None, head.as_bytes()));
    for (i, &event) in events.iter().enumerate() {
        if i > 0 {
            parts.push((None, b",".as_slice()));
        }
        parts.push(event);
    }
    parts.push((None, b"]}\n".as_slice()));
    parts
}

/// A list's start, which tells how many events it has.
fn head(count: usize) -> String {
    format!("{{\"meta\":{{\"count\":{count},\"next\":null,\"previous\":null}},\"data\":[")
}

/// A text in the site's language, as Linked Events gives every text: `{"fi": "…"}`.
struct Text<'a> {
    lang: &'a str,
    text: Cow<'a, str>,
}

impl Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(self.lang, &self.text)?;
        map.end()
    }
}

/// An event's fields in the order of their names, as the lists have always had them (a test
/// holds every file to it): serialised straight from the entry, thirty thousand small maps fewer
/// at 10,000 entries.
#[derive(Serialize)]
struct Event<'a> {
    description: Text<'a>,
    end_time: Option<String>,
    event_status: &'static str,
    has_start_time: bool,
    id: String,
    in_language: [Id<'a>; 1],
    info_url: Text<'a>,
    is_virtualevent: bool,
    keywords: Vec<Keyword<'a>>,
    last_modified_time: Option<String>,
    location: Location<'a>,
    name: Text<'a>,
    offers: [Offer<'a>; 1],
    provider: Text<'a>,
    short_description: Option<Text<'a>>,
    start_time: String,
    super_event: Option<Id<'a>>,
    super_event_type: Option<&'static str>,
    virtualevent_url: Option<&'a str>,
}

#[derive(Serialize)]
struct Id<'a> {
    id: Cow<'a, str>,
}

#[derive(Serialize)]
struct Keyword<'a> {
    id: String,
    name: Text<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    address_locality: Option<Text<'a>>,
    id: String,
    name: Option<Text<'a>>,
    position: Option<Point>,
    street_address: Option<Text<'a>>,
}

#[derive(Serialize)]
struct Point {
    coordinates: [f64; 2],
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Offer<'a> {
    description: Option<Text<'a>>,
    info_url: Option<Text<'a>>,
    is_free: bool,
    price: Option<Text<'a>>,
}

fn event<'a>(
    site: &'a Site,
    record: &Revisions,
    t: &'a Translations,
    prefix: &str,
    entry: &'a Entry,
) -> Event<'a> {
    let config = &site.config;
    let lang = config.lang.code();
    let text = move |text: &'a str| Text {
        lang,
        text: text.into(),
    };
    let (start, end) = super::iso_times(entry);
    let organiser = &site.organisers[entry.organiser];
    let keyword = |kind: &str, key: &str, label: &'a str| Keyword {
        id: format!("{prefix}:{kind}:{key}"),
        name: text(label),
    };
    let mut keywords: Vec<Keyword> = entry
        .audiences
        .iter()
        .map(|&a| {
            let audience = &config.audiences[a];
            keyword("kohderyhma", &audience.key, &audience.label)
        })
        .collect();
    keywords.extend(entry.format.map(|f| {
        let format = &config.formats[f];
        keyword("tyyppi", &format.key, &format.label)
    }));
    keywords.extend(entry.series.iter().map(|key| keyword("sarja", key, key)));
    keywords.extend(
        entry
            .tags
            .iter()
            .map(|tag| keyword("avainsana", &crate::slug::slugify(tag), tag)),
    );
    let online = entry.status != Status::Cancelled && entry.online.is_some();
    let location = match (&entry.place, entry.status) {
        (Some(place), status) if status != Status::MovedOnline => {
            let key = [place.name.as_deref(), place.municipality.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Location {
                address_locality: place.municipality.as_deref().map(text),
                id: format!("{prefix}:paikka:{}", crate::slug::slugify(&key)),
                name: place.name.as_deref().map(text),
                position: place.coordinates.map(|(lat, lon)| Point {
                    coordinates: [lon, lat],
                    kind: "Point",
                }),
                street_address: place.address.as_deref().map(text),
            }
        }
        // As Linked Events marks an event held on the internet.
        _ => Location {
            address_locality: None,
            id: format!("{prefix}:internet"),
            name: Some(text(t.get("online"))),
            position: None,
            street_address: None,
        },
    };
    let modified = record
        .get(&entry.id)
        .map(|r| r.modified.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    let registration = entry.registration.as_ref();
    Event {
        description: text(&entry.body_html),
        end_time: end,
        event_status: match entry.status {
            Status::Scheduled => "EventScheduled",
            Status::Cancelled => "EventCancelled",
            Status::Postponed => "EventPostponed",
            Status::MovedOnline => "EventMovedOnline",
        },
        has_start_time: !entry.is_all_day(),
        id: format!("{prefix}:{}", entry.id),
        in_language: [Id {
            id: entry.language.as_str().into(),
        }],
        info_url: Text {
            lang,
            text: config.absolute(&entry.path).into(),
        },
        is_virtualevent: online || entry.status == Status::MovedOnline,
        keywords,
        last_modified_time: modified,
        location,
        name: text(&entry.title),
        offers: [Offer {
            description: registration.and_then(|r| r.note.as_deref()).map(text),
            info_url: registration.and_then(|r| r.url.as_deref()).map(text),
            is_free: entry.price.is_none(),
            price: entry.price.as_deref().map(text),
        }],
        provider: text(&organiser.name),
        short_description: entry.summary.as_deref().map(text),
        start_time: start,
        super_event: entry
            .series
            .as_deref()
            .filter(|_| site.is_session(entry))
            .map(|key| Id {
                id: format!("{prefix}:sarja:{key}").into(),
            }),
        super_event_type: None,
        virtualevent_url: entry
            .online_link()
            .filter(|_| entry.status != Status::Cancelled),
    }
}

/// Each series as Linked Events shows a recurring event: a super event from its first session
/// to its last.
fn super_events(site: &Site, prefix: &str) -> Vec<Value> {
    let lang = site.config.lang.code();
    site.series
        .iter()
        .filter_map(|series| {
            let sessions: Vec<&Entry> = site
                .entries
                .iter()
                .filter(|e| e.series.as_deref() == Some(&series.key) && site.is_session(e))
                .map(|e| &**e)
                .collect();
            let (first, last) = (sessions.first()?, sessions.last()?);
            let organiser = &site.organisers[series.organiser];
            Some(json!({
                "id": format!("{prefix}:sarja:{}", series.key),
                "name": {lang: series.name},
                "short_description": null,
                "description": {lang: series.body_html},
                "info_url": {lang: site.config.absolute(&series.path())},
                "start_time": super::iso_times(first).0,
                "end_time": super::iso_times(last).1.unwrap_or_else(|| super::iso_times(last).0),
                "has_start_time": true,
                "location": null,
                "is_virtualevent": sessions.iter().all(|e| e.is_online()),
                "virtualevent_url": null,
                "keywords": [],
                "in_language": [{"id": lang}],
                "offers": [{"is_free": true, "price": null, "info_url": null, "description": null}],
                "event_status": "EventScheduled",
                "super_event": null,
                "super_event_type": "recurring",
                "provider": {lang: organiser.name},
                "last_modified_time": null,
            }))
        })
        .collect()
}
