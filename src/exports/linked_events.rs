//! Open data in the event shape of Linked Events, the City of Helsinki's event API that Finnish
//! event calendars read: `data/tapahtumat.json` (every entry, and each series as the super event
//! of its sessions) and `data/jarjestaja/<organiser>.json`, each `{"meta": …, "data": [events]}`
//! as Linked Events lists them, with their JSON Schema beside them.

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::model::{Entry, Site, Status};
use crate::output::{OutputFile, Sink};
use crate::revisions::Revisions;
use crate::translations::Translations;

/// The schema every file is valid against, published beside them.
pub const SCHEMA: &str = include_str!("linked-events.schema.json");

/// Writes the list of all events and one per organiser. Each event is serialised once and its
/// bytes shared by the files it is in: at 50,000 entries the lists are hundreds of megabytes.
pub fn write(
    site: &Site,
    record: &Revisions,
    t: &Translations,
    sink: &dyn Sink,
) -> std::io::Result<()> {
    let prefix = super::source(site);
    // Values made here: serialising cannot fail.
    let encode = |event: Value| serde_json::to_vec(&event).unwrap_or_default();
    let events: Vec<Vec<u8>> = site
        .entries
        .par_iter()
        .map(|entry| encode(event(site, record, t, &prefix, entry)))
        .collect();
    let series: Vec<Vec<u8>> = super_events(site, &prefix)
        .into_iter()
        .map(encode)
        .collect();
    let all: Vec<&[u8]> = events.iter().chain(&series).map(Vec::as_slice).collect();
    put_list(sink, "data/tapahtumat.json".into(), &all)?;
    sink.put(OutputFile {
        path: "data/tapahtumat.schema.json".into(),
        bytes: SCHEMA.as_bytes().to_vec().into(),
    })?;
    for organiser in &site.organisers {
        let own: Vec<&[u8]> = organiser
            .entries
            .iter()
            .map(|&e| events[e].as_slice())
            .collect();
        put_list(
            sink,
            format!("data/jarjestaja/{}.json", organiser.folder),
            &own,
        )?;
    }
    Ok(())
}

/// `{"meta": …, "data": [events]}`, as Linked Events lists them, written from its parts.
fn put_list(sink: &dyn Sink, path: String, events: &[&[u8]]) -> std::io::Result<()> {
    let head = format!(
        "{{\"meta\":{{\"count\":{},\"next\":null,\"previous\":null}},\"data\":[",
        events.len()
    );
    let mut parts: Vec<&[u8]> = Vec::with_capacity(2 * events.len() + 2);
    parts.push(head.as_bytes());
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            parts.push(b",");
        }
        parts.push(event);
    }
    parts.push(b"]}\n");
    sink.put_parts(path, &parts)
}

fn event(site: &Site, record: &Revisions, t: &Translations, prefix: &str, entry: &Entry) -> Value {
    let config = &site.config;
    let lang = config.lang.code();
    let text = |s: &str| json!({ lang: s });
    let (start, end) = super::iso_times(entry);
    let organiser = &site.organisers[entry.organiser];
    let mut keywords: Vec<Value> = entry
        .audiences
        .iter()
        .map(|&a| {
            keyword(
                prefix,
                "kohderyhma",
                &config.audiences[a].key,
                &config.audiences[a].label,
                lang,
            )
        })
        .collect();
    keywords.extend(entry.format.map(|f| {
        keyword(
            prefix,
            "tyyppi",
            &config.formats[f].key,
            &config.formats[f].label,
            lang,
        )
    }));
    keywords.extend(
        entry
            .series
            .iter()
            .map(|key| keyword(prefix, "sarja", key, key, lang)),
    );
    keywords.extend(
        entry
            .tags
            .iter()
            .map(|tag| keyword(prefix, "avainsana", &crate::slug::slugify(tag), tag, lang)),
    );
    let online = entry.status != Status::Cancelled && entry.online.is_some();
    let location = match (&entry.place, entry.status) {
        (Some(place), status) if status != Status::MovedOnline => {
            let key = [place.name.as_deref(), place.municipality.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            json!({
                "id": format!("{prefix}:paikka:{}", crate::slug::slugify(&key)),
                "name": place.name.as_deref().map(text),
                "street_address": place.address.as_deref().map(text),
                "address_locality": place.municipality.as_deref().map(text),
                "position": place.coordinates.map(|(lat, lon)| json!({"type": "Point", "coordinates": [lon, lat]})),
            })
        }
        // As Linked Events marks an event held on the internet.
        _ => json!({
            "id": format!("{prefix}:internet"),
            "name": text(t.get("online")),
            "street_address": null,
            "address_locality": null,
            "position": null,
        }),
    };
    let modified = record
        .get(&entry.id)
        .map(|r| r.modified.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    json!({
        "id": format!("{prefix}:{}", entry.id),
        "name": text(&entry.title),
        "short_description": entry.summary.as_deref().map(text),
        "description": text(&entry.body_html),
        "info_url": text(&config.absolute(&entry.path)),
        "start_time": start,
        "end_time": end,
        "has_start_time": !entry.is_all_day(),
        "location": location,
        "is_virtualevent": online || entry.status == Status::MovedOnline,
        "virtualevent_url": entry.online.as_deref().filter(|_| entry.status != Status::Cancelled),
        "keywords": keywords,
        "in_language": [{"id": entry.language}],
        "offers": [{
            "is_free": entry.price.is_none(),
            "price": entry.price.as_deref().map(text),
            "info_url": entry.registration.as_ref().and_then(|r| r.url.as_deref()).map(text),
            "description": entry.registration.as_ref().and_then(|r| r.note.as_deref()).map(text),
        }],
        "event_status": match entry.status {
            Status::Scheduled => "EventScheduled",
            Status::Cancelled => "EventCancelled",
            Status::Postponed => "EventPostponed",
            Status::MovedOnline => "EventMovedOnline",
        },
        "super_event": entry.series.as_deref().filter(|_| site.is_session(entry)).map(|key| json!({"id": format!("{prefix}:sarja:{key}")})),
        "super_event_type": null,
        "provider": text(&organiser.name),
        "last_modified_time": modified,
    })
}

fn keyword(prefix: &str, kind: &str, key: &str, label: &str, lang: &str) -> Value {
    json!({"id": format!("{prefix}:{kind}:{key}"), "name": {lang: label}})
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
