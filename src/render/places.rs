//! A page per municipality (`kunta/<slug>/`), their list, and the page of entries anyone can
//! join online (`verkossa/`): the municipality filter as pages, so that it works without
//! JavaScript and can be linked to.

use serde_json::{Value, json};

use super::{Job, Pages, UNDER_DAY};
use crate::cache::Fingerprint;
use crate::model::*;
use crate::view::object;

/// The page of the entries anyone can join online, wherever they live.
pub const ONLINE: &str = "verkossa/";

pub(super) fn jobs<'a>(pages: &'a Pages) -> Vec<Job<'a>> {
    let (site, views) = (pages.site, &pages.views);
    let municipalities = site.municipalities();
    let list: Vec<_> = municipalities
        .iter()
        .map(|m| json!({"label": m.name, "url": site.config.link(&m.path()), "count": m.entries.len()}))
        .collect();
    let online_count = site.entries.iter().filter(|e| e.is_online()).count();
    let online = match online_count {
        0 => Value::Null,
        count => json!({"url": site.config.link(ONLINE), "count": count}),
    };
    let list_online = online.clone();
    let mut jobs = vec![Job {
        template: "municipalities.html",
        path: "kunta/".into(),
        title: views.t.get("municipalities").into(),
        values: Box::new(move || json!({"municipalities": list, "online": list_online})),
        feed: None,
        inputs: None,
    }];
    for municipality in municipalities {
        let title = municipality.name.clone().into();
        let path = municipality.path();
        let municipality = std::sync::Arc::new(municipality);
        let own = municipality.clone();
        let (link, own_link) = (online.clone(), online.clone());
        jobs.push(Job {
            template: "municipality.html",
            path,
            title,
            values: Box::new(move || page(pages, &Place::of(&municipality, link))),
            feed: None,
            inputs: Some(Box::new(move || inputs(pages, &Place::of(&own, own_link)))),
        });
    }
    // Listed once, not on each municipality's page: at 10,000 entries they were a third of the
    // programme, three megabytes on each of 21 pages, mostly of events from elsewhere.
    if online_count > 0 {
        let label = views.t.get("online_anywhere");
        let place = move || Place {
            label,
            count: online_count,
            here: Box::new(|e| site.entries[e].is_online()),
            online: Value::Null,
        };
        jobs.push(Job {
            template: "municipality.html",
            path: ONLINE.into(),
            title: label.into(),
            values: Box::new(move || page(pages, &place())),
            feed: None,
            inputs: Some(Box::new(move || inputs(pages, &place()))),
        });
    }
    jobs
}

/// Whether entry `e` is in `municipality`. By index: a name made a slug for each entry, on each
/// page, was a tenth of an edit's pages.
fn here(municipality: &Municipality, e: usize) -> bool {
    municipality.entries.binary_search(&e).is_ok()
}

/// A page of entries by day: a municipality's, or the online entries'.
struct Place<'p> {
    label: &'p str,
    count: usize,
    here: Box<dyn Fn(usize) -> bool + 'p>,
    /// The link to [`ONLINE`] with its count; null on that page, or when no entry is online.
    online: Value,
}

impl Place<'_> {
    fn of(municipality: &Municipality, online: Value) -> Place<'_> {
        Place {
            label: &municipality.name,
            count: municipality.entries.len(),
            here: Box::new(move |e| here(municipality, e)),
            online,
        }
    }
}

/// What [`page`] is made from: its heading, each of its days' cards, each made from the entry
/// and the site alone, and the link to the online page.
fn inputs(pages: &Pages, place: &Place) -> u64 {
    let f = Fingerprint::default()
        .text(place.label)
        .number(place.count as u64)
        .value(&place.online);
    let days = pages.site.days.iter();
    days.fold(f, |f, d| pages.with_day(f, d, &place.here))
        .finish()
}

/// The entries `here` accepts, by day, and the link to the online page.
fn page(pages: &Pages, place: &Place) -> Value {
    let (site, views) = (pages.site, &pages.views);
    let days: Vec<_> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &place.here, &|e| pages.card(e, UNDER_DAY)))
        .collect();
    object([
        (
            "municipality",
            json!({"label": place.label, "count": place.count}),
        ),
        ("days", days.into()),
        ("online", place.online.clone()),
    ])
}
