//! Pages from the model through the theme's templates. Each page is an independent job, so they
//! render in parallel; the output is a list of files sorted by path, ready to be written.

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tera::Context;

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds::Feed;
use crate::model::*;
use crate::theme::Theme;
use crate::view::Views;

/// A file of the built site: its path below the output folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// One page to make: the template, where it goes, and the values it shows.
struct Job {
    template: &'static str,
    path: String,
    title: String,
    values: Value,
    /// The calendar feed the page offers to subscribers; the whole programme when `None`.
    feed: Option<String>,
}

pub fn render(
    site: &Site,
    theme: &Theme,
    theme_name: &str,
    feeds: &[Feed],
) -> Result<Vec<OutputFile>, Diagnostics> {
    let views = Views::new(site);
    let assets = asset_urls(site, theme);
    let common = json!({"site": views.site(), "assets": assets});
    let mut jobs = jobs(site, &views);
    jobs.push(Job {
        template: "calendar.html",
        path: "kalenteri/".into(),
        title: "Kalenterit".into(),
        values: json!({"groups": views.feed_groups(feeds)}),
        feed: None,
    });
    let titles: HashMap<&str, &str> = feeds
        .iter()
        .map(|f| (f.path.as_str(), f.title.as_str()))
        .collect();
    let rendered: Vec<Result<OutputFile, Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            let file = if job.path.is_empty() || job.path.ends_with('/') {
                format!("{}index.html", job.path)
            } else {
                job.path.clone()
            };
            let mut context = Context::from_value(common.clone()).unwrap_or_default();
            context.insert("nav", &views.nav(&job.path));
            let feed = job
                .feed
                .as_deref()
                .filter(|f| titles.contains_key(f) || f.starts_with("ohjelma/"));
            let feed = feed.unwrap_or(crate::feeds::WHOLE);
            let feed_title = titles.get(feed).copied().unwrap_or(&job.title);
            let mut page = views.page(&job.title, &job.path, None);
            page["feed"] = json!({"url": site.config.link(feed), "title": feed_title});
            context.insert("page", &page);
            if let Value::Object(values) = job.values {
                for (key, value) in values {
                    context.insert(key, &value);
                }
            }
            theme
                .tera
                .render(job.template, &context)
                .map(|html| OutputFile {
                    path: file,
                    bytes: html.into_bytes(),
                })
                .map_err(|error| crate::theme::template_error(theme_name, &error))
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + theme.assets.len());
    let mut problems = Diagnostics::default();
    for result in rendered {
        match result {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.has_errors() {
        return Err(problems.sorted());
    }
    files.extend(theme.assets.iter().map(|(name, bytes)| OutputFile {
        path: format!("assets/{name}"),
        bytes: bytes.clone(),
    }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Asset links carry a hash of their bytes, so browsers never keep a stale stylesheet and
/// servers may cache them forever.
fn asset_urls(site: &Site, theme: &Theme) -> Value {
    let mut urls = serde_json::Map::new();
    for (name, bytes) in &theme.assets {
        let hash = Sha256::digest(bytes);
        let short: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let key = name.replace(['.', '/', '-'], "_");
        urls.insert(
            key,
            json!(format!(
                "{}?v={short}",
                site.config.link(&format!("assets/{name}"))
            )),
        );
    }
    Value::Object(urls)
}

fn jobs(site: &Site, views: &Views) -> Vec<Job> {
    let mut jobs = vec![
        Job {
            template: "index.html",
            path: String::new(),
            title: site.config.title.clone(),
            values: json!({"week": views.week(), "memos": (0..site.memos.len().min(3)).map(|m| views.memo_card(m)).collect::<Vec<_>>()}),
            feed: None,
        },
        Job {
            template: "programme.html",
            path: "ohjelma/".into(),
            title: "Koko ohjelma".into(),
            values: programme(site, views),
            feed: None,
        },
        Job {
            template: "organisers.html",
            path: "jarjestajat/".into(),
            title: "Järjestäjät".into(),
            values: json!({"organisers": (0..site.organisers.len()).map(|o| views.organiser(o)).collect::<Vec<_>>()}),
            feed: None,
        },
        Job {
            template: "audiences.html",
            path: "kohderyhma/".into(),
            title: "Kohderyhmät".into(),
            values: audiences(site, views),
            feed: None,
        },
        Job {
            template: "memos.html",
            path: "muistiot/".into(),
            title: "Keskustelumuistiot".into(),
            values: json!({"years": views.memo_years()}),
            feed: None,
        },
        Job {
            template: "404.html",
            path: "404.html".into(),
            title: "Sivua ei löytynyt".into(),
            values: json!({}),
            feed: None,
        },
    ];
    for (i, day) in site.days.iter().enumerate() {
        let Some(view) = views.day(day, &|_| true) else {
            continue;
        };
        let neighbour = |d: Option<&Day>| {
            d.map(|d| json!({"url": site.config.link(&d.path()), "label": views.lang.date(d.date)}))
        };
        jobs.push(Job {
            template: "day.html",
            path: day.path(),
            title: view["label"].as_str().unwrap_or_default().to_string(),
            feed: Some(crate::feeds::day_feed(day.date)),
            values: json!({"day": view, "previous": neighbour(i.checked_sub(1).and_then(|p| site.days.get(p))), "next": neighbour(site.days.get(i + 1))}),
        });
    }
    for (i, entry) in site.entries.iter().enumerate() {
        jobs.push(Job {
            template: "entry.html",
            path: entry.path.clone(),
            title: entry.title.clone(),
            values: json!({"entry": views.entry(i)}),
            feed: Some(crate::feeds::entry_feed(entry)),
        });
    }
    for (i, organiser) in site.organisers.iter().enumerate() {
        jobs.push(Job {
            template: "organiser.html",
            path: organiser.path(),
            title: organiser.name.clone(),
            values: json!({"organiser": views.organiser(i)}),
            feed: Some(crate::feeds::organiser_feed(organiser)),
        });
    }
    for (a, audience) in site.config.audiences.iter().enumerate() {
        let days: Vec<Value> = site
            .days
            .iter()
            .filter_map(|d| views.day(d, &|e: &Entry| e.audiences.contains(&a)))
            .collect();
        jobs.push(Job {
            template: "audience.html",
            path: format!("kohderyhma/{}/", audience.key),
            title: audience.label.clone(),
            values: json!({"audience": {"key": audience.key, "label": audience.label}, "days": days}),
            feed: Some(crate::feeds::audience_feed(&audience.key)),
        });
    }
    for (i, memo) in site.memos.iter().enumerate() {
        jobs.push(Job {
            template: "memo.html",
            path: memo.path.clone(),
            title: memo.title.clone(),
            values: json!({"memo": views.memo(i)}),
            feed: None,
        });
    }
    for page in &site.pages {
        jobs.push(Job {
            template: "page.html",
            path: page.path(),
            title: page.title.clone(),
            values: json!({"body": page.body_html}),
            feed: None,
        });
    }
    jobs
}

fn programme(site: &Site, views: &Views) -> Value {
    let days: Vec<Value> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &|_| true))
        .collect();
    json!({"days": days, "filters": filters(site)})
}

/// The choices of the programme filter, each with the entries it would keep counted.
fn filters(site: &Site) -> Value {
    let config = &site.config;
    let count = |keep: &dyn Fn(&Entry) -> bool| site.entries.iter().filter(|e| keep(e)).count();
    let audiences: Vec<Value> = config.audiences.iter().enumerate().map(|(i, t)| json!({"key": t.key, "label": t.label, "count": count(&|e| e.audiences.contains(&i))})).filter(|v| v["count"] != 0).collect();
    let formats: Vec<Value> = config.formats.iter().enumerate().map(|(i, t)| json!({"key": t.key, "label": t.label, "count": count(&|e| e.format == Some(i))})).filter(|v| v["count"] != 0).collect();
    let mut municipalities: Vec<&str> = site
        .entries
        .iter()
        .filter_map(Entry::municipality)
        .collect();
    municipalities.sort_by_key(|m| m.to_lowercase());
    municipalities.dedup();
    let municipalities: Vec<Value> = municipalities.iter().map(|m| json!({"key": crate::slug::slugify(m), "label": m, "count": count(&|e| e.municipality() == Some(m))})).collect();
    json!({"audiences": audiences, "formats": formats, "municipalities": municipalities})
}

fn audiences(site: &Site, views: &Views) -> Value {
    let list: Vec<Value> = site
        .config
        .audiences
        .iter()
        .enumerate()
        .map(|(a, t)| json!({"label": t.label, "url": views.site.config.link(&format!("kohderyhma/{}/", t.key)), "count": site.entries.iter().filter(|e| e.audiences.contains(&a)).count()}))
        .collect();
    json!({"audiences": list})
}
