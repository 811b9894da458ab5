//! Pages made to be embedded in partners' own web pages (`upota/<kind>/<key>/`): an organiser's,
//! an audience's, a municipality's or a series' entries as a compact list without the site's
//! header and footer, their links opening the site in the top window; and the same list as a
//! script-free HTML fragment to paste (`…/tapahtumat.html`).

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::{Job, Pages, Row};
use crate::cache::Fingerprint;
use crate::model::*;
use crate::view::{Views, object};

/// The embed of each group: its path under `upota/`, title, full page and entries.
struct Group<'a> {
    path: String,
    title: String,
    page: String,
    entries: Members<'a>,
}

/// A group's entries, found when its embed is made: an audience's are asked of every entry,
/// and the preview lists every page on each save.
type Members<'a> = LazyLock<Vec<usize>, Box<dyn FnOnce() -> Vec<usize> + Send + 'a>>;

fn members<'a>(find: impl FnOnce() -> Vec<usize> + Send + 'a) -> Members<'a> {
    LazyLock::new(Box::new(find))
}

pub const FRAGMENT: &str = "tapahtumat.html";

/// An entry's item in the lists.
const ITEM: Row = Row {
    slot: 1,
    template: "embed-item.html",
    values: item,
};

/// The embed's address for an organiser, for the snippet its page offers.
pub fn organiser_path(organiser: &Organiser) -> String {
    format!("upota/jarjestaja/{}/", organiser.slug)
}

pub(super) fn jobs<'a>(pages: &'a Pages) -> Vec<Job<'a>> {
    let site = pages.site;
    let config = &site.config;
    let mut groups: Vec<Group<'a>> = site
        .organisers
        .iter()
        .map(|o| Group {
            path: organiser_path(o),
            title: o.name.clone(),
            page: o.path(),
            entries: members(|| o.entries.clone()),
        })
        .collect();
    groups.extend(
        config
            .audiences
            .iter()
            .enumerate()
            .map(|(a, audience)| Group {
                path: format!("upota/kohderyhma/{}/", audience.key),
                title: audience.label.clone(),
                page: format!("kohderyhma/{}/", audience.key),
                entries: members(move || {
                    (0..site.entries.len())
                        .filter(|&e| site.entries[e].reaches(a, config))
                        .collect()
                }),
            }),
    );
    groups.extend(site.municipalities().into_iter().map(|m| Group {
        path: format!("upota/{}", m.path()),
        title: m.name.clone(),
        page: m.path(),
        entries: members(move || m.entries),
    }));
    groups.extend(site.series.iter().map(|s| Group {
        path: format!("upota/{}", s.path()),
        title: s.name.clone(),
        page: s.path(),
        entries: members(move || {
            (0..site.entries.len())
                .filter(|&e| site.entries[e].series.as_deref() == Some(&s.key))
                .collect()
        }),
    }));
    let mut jobs = Vec::new();
    for group in groups {
        let (path, title) = (group.path.clone(), group.title.clone());
        let group = std::sync::Arc::new(group);
        let (a, b, c, d) = (group.clone(), group.clone(), group.clone(), group);
        jobs.push(Job {
            template: "embed.html",
            path: path.clone(),
            title: title.clone().into(),
            values: Box::new(move || embed(pages, &a)),
            feed: None,
            inputs: Some(Box::new(move || inputs(pages, &b))),
        });
        jobs.push(Job {
            template: "embed-fragment.html",
            path: format!("{path}{FRAGMENT}"),
            title: title.into(),
            values: Box::new(move || embed(pages, &c)),
            feed: None,
            inputs: Some(Box::new(move || inputs(pages, &d))),
        });
    }
    jobs
}

/// What [`embed`] makes its list from: the group's title and page, and each of its entries,
/// whose [`item`] is made from the entry and the site alone.
fn inputs(pages: &Pages, group: &Group) -> u64 {
    let f = Fingerprint::default().text(&group.title).text(&group.page);
    pages.with_entries(f, &group.entries).finish()
}

fn embed(pages: &Pages, group: &Group) -> Value {
    let mut context = pages.common.clone();
    let entries = group.entries.iter();
    let entries = entries.map(|&i| pages.row(&mut context, &ITEM, i));
    let entries: Vec<Value> = entries.map(Value::from).collect();
    let site = pages.site;
    // Moved in with `object`: `json!` would copy every card by serializing it again.
    object([(
        "embed",
        object([
            ("title", group.title.clone().into()),
            ("page", site.config.absolute(&group.page).into()),
            ("entries", entries.into()),
        ]),
    )])
}

/// What the list shows of an entry (`embed-item.html`): a few of its card's values, since an
/// audience's list holds nearly every entry.
fn item(site: &Site, views: &Views, i: usize) -> Value {
    let entry = &site.entries[i];
    let (date, time) = views.date_and_time(&entry.when);
    json!({
        "absolute": site.config.absolute(&entry.path),
        "title": entry.title,
        "cancelled": entry.status == Status::Cancelled,
        "status": {"label": views.t.status(entry.status)},
        "when": {"date": date, "time": time},
        "place": views.place(entry),
        "online": entry.is_online(),
    })
}
