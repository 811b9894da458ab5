//! The programme on paper: the whole week to print (`ohjelma/tulosta/`, and per municipality
//! `kunta/<slug>/tulosta/`) and a poster per entry (`<entry>/juliste/`) for notice boards.

use serde_json::{Value, json};

use super::{Job, Offered, Pages, Row};
use jiff::civil::Date;

use crate::cache::Fingerprint;
use crate::model::*;
use crate::view::{Views, object};

pub const PROGRAMME: &str = "ohjelma/tulosta/";

/// An entry's row on the sheets.
const ROW: Row = Row {
    slot: 0,
    template: "print-line.html",
    values: line,
};

pub(super) fn jobs<'a>(pages: &'a Pages) -> Vec<Job<'a>> {
    let (site, views) = (pages.site, &pages.views);
    let title = views.t.get("print_title").to_string();
    let municipalities = site.municipalities();
    let links: Vec<Value> = municipalities
        .iter()
        .map(
            |m| json!({"label": m.name, "url": site.config.link(&format!("{}tulosta/", m.path()))}),
        )
        .collect();
    let whole = Fingerprint::default()
        .text(&title)
        .value(&Value::from(links.clone()));
    let mut jobs = vec![Job {
        template: "print.html",
        path: PROGRAMME.into(),
        title: title.clone().into(),
        values: Box::new(move || {
            let mut print = programme(pages, &title, &chosen(site, None));
            print["municipalities"] = links.into();
            object([("print", print)])
        }),
        feed: None,
        inputs: Some(Box::new(move || inputs(pages, whole, &chosen(site, None)))),
    }];
    for municipality in municipalities {
        let title = format!("{} – {}", views.t.get("print_title"), municipality.name);
        let own = Fingerprint::default().text(&title).text(&municipality.name);
        let path = format!("{}tulosta/", municipality.path());
        let here = std::sync::Arc::new(municipality.entries);
        let there = here.clone();
        let name = municipality.name;
        jobs.push(Job {
            template: "print.html",
            path,
            title: title.clone().into(),
            values: Box::new(move || {
                let mut print = programme(pages, &title, &chosen(site, Some(&here)));
                print["municipality"] = name.into();
                object([("print", print)])
            }),
            feed: None,
            inputs: Some(Box::new(move || {
                inputs(pages, own, &chosen(site, Some(&there)))
            })),
        });
    }
    jobs.reserve(site.entries.len());
    for (i, entry) in site.entries.iter().enumerate() {
        jobs.push(Job {
            template: "poster.html",
            path: format!("{}juliste/", entry.path),
            title: entry.title.as_str().into(),
            values: Box::new(move || object([("poster", poster(site, views, i))])),
            feed: Some(Offered::OfEntry(entry)),
            inputs: Some(Box::new(move || pages.entry_key(i))),
        });
    }
    jobs
}

/// The week's entries, or those of `only` (in programme order), by day, each day's all-day
/// entries first.
fn chosen(site: &Site, only: Option<&[usize]>) -> Vec<(Date, Vec<usize>)> {
    let keep = |i: &usize| only.is_none_or(|only| only.binary_search(i).is_ok());
    site.days
        .iter()
        .filter(|day| site.config.week.contains(day.date))
        .filter_map(|day| {
            let slots = day.slots.iter().filter(|s| !s.continued);
            let entries: Vec<usize> = day
                .all_day
                .iter()
                .chain(slots.flat_map(|s| &s.entries))
                .copied()
                .filter(keep)
                .collect();
            (!entries.is_empty()).then_some((day.date, entries))
        })
        .collect()
}

/// A sheet of `days`' entries.
fn programme(pages: &Pages, title: &str, days: &[(Date, Vec<usize>)]) -> Value {
    let mut context = pages.common.clone();
    let days: Vec<Value> = days
        .iter()
        .map(|(date, entries)| {
            let lines = entries.iter().map(|&i| pages.row(&mut context, &ROW, i));
            let lines: Vec<Value> = lines.map(Value::from).collect();
            object([
                ("date", date.to_string().into()),
                ("label", pages.views.lang.long_date(*date).into()),
                ("entries", lines.into()),
            ])
        })
        .collect();
    object([("title", title.into()), ("days", days.into())])
}

/// What a sheet is made from besides `f`: its days, and each entry's [`line`], made from the
/// entry and the site alone.
fn inputs(pages: &Pages, f: Fingerprint, days: &[(Date, Vec<usize>)]) -> u64 {
    let f = f.number(days.len() as u64);
    let f = days.iter().fold(f, |f, (date, entries)| {
        pages.with_entries(f.debug(date), entries)
    });
    f.finish()
}

fn poster(site: &Site, views: &Views, i: usize) -> Value {
    let entry = &site.entries[i];
    let mut poster = views.card(i);
    let url = site.config.absolute(&entry.path);
    poster["absolute"] = url.clone().into();
    poster["url"] = site.config.link(&entry.path).into();
    poster["price"] = entry.price.as_deref().unwrap_or(views.t.get("free")).into();
    poster
}

/// What a sheet shows of an entry (`print-line.html`): a few of its card's values, for sheets
/// that list the whole week.
fn line(site: &Site, views: &Views, i: usize) -> Value {
    let entry = &site.entries[i];
    let (_, time) = views.date_and_time(&entry.when);
    let audiences: Vec<Value> = entry
        .audiences
        .iter()
        .map(|&a| json!({"label": site.config.audiences[a].label}))
        .collect();
    json!({
        "title": entry.title,
        "cancelled": entry.status == Status::Cancelled,
        "status": {"label": views.t.status(entry.status)},
        "when": {"all_day": entry.is_all_day(), "time": time},
        "place_full": views.place_full(entry),
        "online": entry.is_online(),
        "online_url": views.online_url(entry),
        "online_told": entry.online_told(),
        "organiser": {"name": site.organisers[entry.organiser].name},
        "audiences": audiences,
    })
}
