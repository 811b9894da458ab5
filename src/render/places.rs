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
    let online = online_link(site);
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
        let link = online.clone();
        let own_link = online.clone();
        jobs.push(Job {
            template: "municipality.html",
            path,
            title,
            values: Box::new(move || {
                let m = &municipality;
                page(pages, &m.name, m.entries.len(), &|e| here(m, e), link)
            }),
            feed: None,
            inputs: Some(Box::new(move || {
                let m = &own;
                inputs(pages, &m.name, m.entries.len(), &|e| here(m, e), &own_link)
            })),
        });
    }
    // Listed once, not on each municipality's page: at 10,000 entries they were a third of the
    // programme, three megabytes on each of 21 pages, mostly of events from elsewhere.
    let count = online_count(site);
    if count > 0 {
        let label = views.t.get("online_anywhere");
        let here = |e: usize| site.entries[e].is_online();
        jobs.push(Job {
            template: "municipality.html",
            path: ONLINE.into(),
            title: label.into(),
            values: Box::new(move || page(pages, label, count, &here, Value::Null)),
            feed: None,
            inputs: Some(Box::new(move || {
                inputs(pages, label, count, &here, &Value::Null)
            })),
        });
    }
    jobs
}

/// Whether entry `e` is in `municipality`. By index: a name made a slug for each entry, on each
/// page, was a tenth of an edit's pages.
fn here(municipality: &Municipality, e: usize) -> bool {
    municipality.entries.binary_search(&e).is_ok()
}

fn online_count(site: &Site) -> usize {
    site.entries.iter().filter(|e| e.is_online()).count()
}

/// The link to [`ONLINE`] with its count; null when no entry is online.
fn online_link(site: &Site) -> Value {
    match online_count(site) {
        0 => Value::Null,
        count => json!({"url": site.config.link(ONLINE), "count": count}),
    }
}

/// What [`page`] is made from: its heading, each of its days' cards, each made from the entry
/// and the site alone, and the link to the online page.
fn inputs(
    pages: &Pages,
    label: &str,
    count: usize,
    here: &dyn Fn(usize) -> bool,
    online: &Value,
) -> u64 {
    let f = Fingerprint::default()
        .text(label)
        .number(count as u64)
        .value(online);
    let days = pages.site.days.iter();
    days.fold(f, |f, d| pages.with_day(f, d, here)).finish()
}

/// The entries `here` accepts, by day, and the link to the online page.
fn page(
    pages: &Pages,
    label: &str,
    count: usize,
    here: &dyn Fn(usize) -> bool,
    online: Value,
) -> Value {
    let (site, views) = (pages.site, &pages.views);
    let days: Vec<_> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, here, &|e| pages.card(e, UNDER_DAY)))
        .collect();
    object([
        ("municipality", json!({"label": label, "count": count})),
        ("days", days.into()),
        ("online", online),
    ])
}
