//! A page per municipality (`kunta/<slug>/`) and their list: the municipality filter as pages,
//! so that it works without JavaScript and can be linked to.

use serde_json::json;

use super::{DATED, Job, Pages, UNDER_DAY};
use crate::cache::Fingerprint;
use crate::model::*;
use crate::view::object;

pub(super) fn jobs<'a>(pages: &'a Pages) -> Vec<Job<'a>> {
    let (site, views) = (pages.site, &pages.views);
    let municipalities = site.municipalities();
    let list: Vec<_> = municipalities
        .iter()
        .map(|m| json!({"label": m.name, "url": site.config.link(&m.path()), "count": m.entries.len()}))
        .collect();
    let mut jobs = vec![Job {
        template: "municipalities.html",
        path: "kunta/".into(),
        title: views.t.get("municipalities").into(),
        values: Box::new(move || json!({"municipalities": list})),
        feed: None,
        inputs: None,
    }];
    for municipality in municipalities {
        let title = municipality.name.clone().into();
        let path = municipality.path();
        let municipality = std::sync::Arc::new(municipality);
        let own = municipality.clone();
        jobs.push(Job {
            template: "municipality.html",
            path,
            title,
            values: Box::new(move || page(pages, &municipality)),
            feed: None,
            inputs: Some(Box::new(move || inputs(pages, &own))),
        });
    }
    jobs
}

/// Whether entry `e` is in `municipality`. By index: a name made a slug for each entry, on each
/// page, was a tenth of an edit's pages.
fn here(municipality: &Municipality, e: usize) -> bool {
    municipality.entries.binary_search(&e).is_ok()
}

/// The entries from elsewhere that anyone can join online from `municipality`.
fn online(site: &Site, municipality: &Municipality) -> Vec<usize> {
    let elsewhere = |i: &usize| {
        let e = &site.entries[*i];
        e.is_online() && !here(municipality, *i) && e.status != Status::Cancelled
    };
    (0..site.entries.len()).filter(elsewhere).collect()
}

/// What [`page`] is made from: the municipality, each of its days' cards and those of its
/// online entries, each made from the entry and the site alone.
fn inputs(pages: &Pages, municipality: &Municipality) -> u64 {
    let f = Fingerprint::default()
        .text(&municipality.name)
        .number(municipality.entries.len() as u64);
    let here = |e| here(municipality, e);
    let f = pages
        .site
        .days
        .iter()
        .fold(f, |f, d| pages.with_day(f, d, &here));
    let online = online(pages.site, municipality);
    pages.with_entries(f, &online).finish()
}

/// The municipality's entries by day, then those anyone can join online from there.
fn page(pages: &Pages, municipality: &Municipality) -> serde_json::Value {
    let (site, views) = (pages.site, &pages.views);
    let here = |e| here(municipality, e);
    let days: Vec<_> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &here, &|e| pages.card(e, UNDER_DAY)))
        .collect();
    let online = online(site, municipality).into_iter();
    let online: Vec<String> = online.map(|i| pages.card(i, DATED)).collect();
    object([
        (
            "municipality",
            json!({"label": municipality.name, "count": municipality.entries.len()}),
        ),
        ("days", days.into()),
        ("online", online.into()),
    ])
}
