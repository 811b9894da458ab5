//! A page per municipality (`kunta/<slug>/`) and their list: the municipality filter as pages,
//! so that it works without JavaScript and can be linked to.

use serde_json::json;

use super::{DATED, Job, Pages, UNDER_DAY};
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
        jobs.push(Job {
            template: "municipality.html",
            path,
            title,
            values: Box::new(move || page(pages, &municipality)),
            feed: None,
            inputs: None,
        });
    }
    jobs
}

/// The municipality's entries by day, then those anyone can join online from there.
fn page(pages: &Pages, municipality: &Municipality) -> serde_json::Value {
    let (site, views) = (pages.site, &pages.views);
    let here = |e: &Entry| {
        e.municipality().map(crate::slug::slugify).as_deref() == Some(&municipality.slug)
    };
    let days: Vec<_> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &here, &|e| pages.card(e, UNDER_DAY)))
        .collect();
    let online: Vec<String> = (0..site.entries.len())
        .filter(|&i| {
            let e = &site.entries[i];
            e.is_online() && !here(e) && e.status != Status::Cancelled
        })
        .map(|i| pages.card(i, DATED))
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
