//! A page per municipality (`kunta/<slug>/`) and their list: the municipality filter as pages,
//! so that it works without JavaScript and can be linked to.

use serde_json::json;

use super::{Cards, Job};
use crate::model::*;
use crate::view::{Views, object};

pub(super) fn jobs<'a>(site: &'a Site, views: &'a Views, cards: &'a Cards) -> Vec<Job<'a>> {
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
    }];
    for municipality in municipalities {
        let title = municipality.name.clone();
        let path = municipality.path();
        jobs.push(Job {
            template: "municipality.html",
            path,
            title,
            values: Box::new(move || page(site, views, cards, &municipality)),
            feed: None,
        });
    }
    jobs
}

/// The municipality's entries by day, then those anyone can join online from there.
fn page(
    site: &Site,
    views: &Views,
    cards: &Cards,
    municipality: &Municipality,
) -> serde_json::Value {
    let here = |e: &Entry| {
        e.municipality().map(crate::slug::slugify).as_deref() == Some(&municipality.slug)
    };
    let days: Vec<_> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &here, &cards.under_day))
        .collect();
    let online: Vec<&str> = (0..site.entries.len())
        .filter(|&i| {
            let e = &site.entries[i];
            e.is_online() && !here(e) && e.status != Status::Cancelled
        })
        .map(|i| cards.dated[i].as_str())
        .collect();
    object([
        (
            "municipality",
            json!({"label": municipality.name, "count": municipality.entries.len()}),
        ),
        ("days", days.into()),
        ("online", online.into()),
    ])
}
