//! Pages from the model through the theme's templates. Each page is an independent job, so they
//! render in parallel, and each file goes to a [`Sink`] as soon as it is made: the site is never
//! held whole in memory.

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tera::Context;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::Failure;
use crate::cache::{Cache, Fingerprint, cached};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds::Feed;
use crate::model::*;
use crate::output::{OutputFile, Sink};
use crate::theme::Theme;
use crate::view::{Views, object};

pub mod embeds;
mod paper;
mod places;

/// The pages an earlier week's site has: its programme, by day, organiser and audience, and
/// its calendars.
const EDITION_PAGES: [&str; 17] = [
    "embed.html",
    "embed-fragment.html",
    "changes.html",
    "changes.xml",
    "print.html",
    "poster.html",
    "municipalities.html",
    "municipality.html",
    "index.html",
    "programme.html",
    "organisers.html",
    "audiences.html",
    "day.html",
    "entry.html",
    "organiser.html",
    "audience.html",
    "calendar.html",
];

/// One page to make: the template, where it goes, and the values it shows.
struct Job<'a> {
    template: &'static str,
    path: String,
    /// Borrowed from the model where it can be: the preview lists every page on each save.
    title: Cow<'a, str>,
    /// Made when the page is rendered, in parallel, so that they never all live at once.
    values: Box<dyn FnOnce() -> Value + Send + 'a>,
    /// The calendar feed the page offers to subscribers; the whole programme when `None`.
    feed: Option<Offered<'a>>,
    /// A fingerprint of everything `values` is made from, when it can be told without making
    /// them: the values of a page that is kept need not be made.
    inputs: Option<Box<dyn FnOnce() -> u64 + Send + 'a>>,
}

/// A page's calendar feed. An entry's is named only when its page is made: the preview lists
/// every page on each save, a page and a poster for each entry.
enum Offered<'a> {
    Named(String),
    OfEntry(&'a Entry),
}

impl Offered<'_> {
    fn path(&self) -> Cow<'_, str> {
        match self {
            Offered::Named(path) => path.into(),
            Offered::OfEntry(entry) => crate::feeds::entry_feed(entry).into(),
        }
    }
}

impl Job<'_> {
    /// The file the page is written to: a folder's `index.html`, or the path itself.
    fn file(&self) -> String {
        file_of(self.path.clone())
    }
}

fn file_of(mut path: String) -> String {
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    path
}

/// The sitemap, which lists the other pages.
const SITEMAP: &str = "sitemap.xml";

/// A kind of an entry's row ([`Pages::row`]): its template, the values it is given as `e`, and
/// its place among the entry's rows.
struct Row {
    slot: usize,
    template: &'static str,
    values: fn(&Site, &Views, usize) -> Value,
}

const ROW_KINDS: usize = 2;

/// The parts [`Pages::jobs`] lists the pages in.
const PARTS: usize = 4;

/// An entry's card as each kind of listing shows it: under a time heading of a day's page,
/// under a time heading below a day heading (the programme and audience pages), and with its
/// date (an organiser's page). Made once per entry, when a page first needs it.
pub type Card = Result<[Arc<str>; 3], Diagnostic>;

const ON_DAY: usize = 0;
const UNDER_DAY: usize = 1;
const DATED: usize = 2;

/// Room for the cards of `site`'s entries, indexed like `site.entries`.
pub fn card_slots(site: &Site) -> Vec<OnceLock<Card>> {
    (0..site.entries.len()).map(|_| OnceLock::new()).collect()
}

/// The pages of a site: all of them for a build, or one at a time as the preview asks.
pub struct Pages<'a> {
    site: &'a Site,
    theme: &'a Theme,
    feeds: &'a [Feed],
    views: Views<'a>,
    /// What every page shows besides its own values.
    common: Context,
    /// The fingerprint of `common` and everything else all pages are made from.
    base: u64,
    cache: Option<&'a Cache>,
    cards: &'a [OnceLock<Card>],
    /// Each entry's rows ([`Pages::row`]), by [`Row::slot`], made when first needed.
    rows: Vec<[OnceLock<Arc<str>>; ROW_KINDS]>,
    /// The first failure of a row's template, which leaves the row empty.
    row_error: OnceLock<Diagnostic>,
    /// Each entry's [`Pages::entry_key`], made when first needed.
    entry_keys: Vec<OnceLock<u64>>,
    organiser_keys: Vec<OnceLock<u64>>,
    memo_keys: Vec<OnceLock<u64>>,
    /// The fingerprint of what an entry's views read of the site besides the entry's own.
    site_key: u64,
    /// The fingerprint of what every page's navigation shows, whichever page it is on.
    nav_key: u64,
    stats: OnceLock<crate::stats::Stats>,
    /// Feed titles by path.
    titles: HashMap<&'a str, &'a str>,
}

/// Renders every page of `site` into `sink`, then its data files: a whole build of an earlier
/// week, whose feeds the caller writes.
pub fn render(
    site: &Site,
    theme: &Theme,
    feeds: &[Feed],
    sink: &dyn Sink,
    cache: Option<&Cache>,
) -> Result<(), Failure> {
    let cards = card_slots(site);
    let pages = Pages::new(site, theme, feeds, &cards, cache);
    pages.render_pages(sink)?;
    pages.render_data(sink)
}

impl<'a> Pages<'a> {
    pub fn new(
        site: &'a Site,
        theme: &'a Theme,
        feeds: &'a [Feed],
        cards: &'a [OnceLock<Card>],
        cache: Option<&'a Cache>,
    ) -> Pages<'a> {
        let views = Views::new(site, &theme.words);
        let assets = asset_urls(site, theme);
        let common = json!({"site": views.site(), "assets": assets, "t": theme.words.as_map()});
        let base = Fingerprint::default()
            .text(crate::identity())
            .value(&common)
            .number(theme.fingerprint)
            .finish();
        let nav_key = Fingerprint::default().value(&views.nav("")).finish();
        let titles = feeds
            .iter()
            .map(|f| (f.path.as_str(), f.title.as_str()))
            .collect();
        // Not the day: no view keyed by the model reads it (a test builds on another day).
        let site_key = Fingerprint::default()
            .number(base)
            .debug(&site.config)
            .finish();
        Pages {
            site,
            theme,
            feeds,
            views,
            common: Context::from_value(common).unwrap_or_default(),
            base,
            cache,
            cards,
            rows: (0..site.entries.len())
                .map(|_| Default::default())
                .collect(),
            row_error: OnceLock::new(),
            entry_keys: (0..site.entries.len()).map(|_| OnceLock::new()).collect(),
            organiser_keys: (0..site.organisers.len())
                .map(|_| OnceLock::new())
                .collect(),
            memo_keys: (0..site.memos.len()).map(|_| OnceLock::new()).collect(),
            site_key,
            nav_key,
            stats: OnceLock::new(),
            titles,
        }
    }

    fn stats(&self) -> &crate::stats::Stats {
        self.stats
            .get_or_init(|| crate::stats::stats(self.site, self.views.t))
    }

    /// A fingerprint of everything entry `i`'s card, page and poster show: the entry, its
    /// organiser, memos and series, its changes, and what all pages share. Made from the model
    /// itself, so that a page that is kept costs no views. Indexes into the site's lists are
    /// left out: an entry added before it moves them, not what its pages show.
    fn entry_key(&self, i: usize) -> u64 {
        *self.entry_keys[i].get_or_init(|| {
            let site = self.site;
            let entry = &site.entries[i];
            // The bodies as they are: through JSON, escaped a character at a time, they were
            // most of the time every build spent on the keys.
            let own = Entry {
                organiser: 0,
                memos: Vec::new(),
                body_html: Arc::from(""),
                body_text: Arc::from(""),
                ..(**entry).clone()
            };
            let series = site
                .series
                .iter()
                .find(|s| Some(&s.key) == entry.series.as_ref());
            let changes = site.changes.iter().filter(|c| c.id == entry.id);
            let f = Fingerprint::default()
                .number(self.site_key)
                .number(self.organiser_key(entry.organiser))
                .serialized(&own)
                .text(&entry.body_html)
                .text(&entry.body_text)
                .debug(&series)
                .debug(&changes.collect::<Vec<_>>())
                .number(entry.memos.len() as u64);
            let memos = entry.memos.iter().map(|&m| self.memo_key(m));
            memos.fold(f, Fingerprint::number).finish()
        })
    }

    /// Every entry's [`Pages::entry_key`], by index: what the exports know each entry's parts
    /// by.
    pub fn entry_keys(&self) -> Vec<u64> {
        let keys = (0..self.entry_keys.len()).into_par_iter();
        keys.map(|i| self.entry_key(i)).collect()
    }

    /// Organiser `o` as [`Pages::entry_key`] takes it, without its entries: once, not once
    /// for each of its entries.
    fn organiser_key(&self, o: usize) -> u64 {
        *self.organiser_keys[o].get_or_init(|| {
            let own = Organiser {
                entries: Vec::new(),
                ..self.site.organisers[o].clone()
            };
            Fingerprint::default().debug(&own).finish()
        })
    }

    /// Memo `m` as [`Pages::entry_key`] takes it, by the id of its entry, not its index.
    fn memo_key(&self, m: usize) -> u64 {
        *self.memo_keys[m].get_or_init(|| {
            let own = Memo {
                event: None,
                ..self.site.memos[m].clone()
            };
            Fingerprint::default().debug(&own).finish()
        })
    }

    /// `f` with the keys of `entries`, in their order, and the site's: for a page that shows
    /// each of them as made from the entry and the site alone.
    fn with_entries(&self, f: Fingerprint, entries: &[usize]) -> Fingerprint {
        let f = f.number(self.site_key).number(entries.len() as u64);
        entries.iter().fold(f, |f, &e| f.number(self.entry_key(e)))
    }

    /// `f` with what [`Views::day`] shows of `day` when it keeps the entries `keep` accepts:
    /// each time heading and the keys of the entries under it, for a listing of cards.
    fn with_day(&self, f: Fingerprint, day: &Day, keep: &dyn Fn(usize) -> bool) -> Fingerprint {
        let kept = |f: Fingerprint, entries: &[usize]| {
            let entries: Vec<usize> = entries.iter().copied().filter(|&e| keep(e)).collect();
            self.with_entries(f, &entries)
        };
        let f = kept(f.debug(&day.date), &day.all_day);
        day.slots.iter().fold(f, |f, slot| {
            kept(f.debug(&(slot.start, slot.continued)), &slot.entries)
        })
    }

    /// The cache key of something made from what all pages share and the inputs `add` adds.
    fn key(&self, add: impl FnOnce(Fingerprint) -> Fingerprint) -> Key<'a> {
        self.cache.map(|cache| {
            (
                cache,
                add(Fingerprint::default().number(self.base)).finish(),
            )
        })
    }

    /// Every page, in parallel.
    pub fn render_pages(&self, sink: &dyn Sink) -> Result<(), Failure> {
        // Every card first, in parallel: listing pages then only join them.
        self.all_cards().map_err(Failure::Content)?;
        let mut jobs = self.jobs();
        jobs.push(self.sitemap(&jobs));
        // Each thread keeps one context with what all pages share, and lends it to each page.
        let mut failures: Vec<Failure> = jobs
            .into_par_iter()
            .map_init(
                || self.common.clone(),
                |context, job| self.render_job(context, job, sink),
            )
            .flatten()
            .collect();
        // Known once the sheets are made.
        failures.extend(
            self.row_error
                .get()
                .map(|e| Failure::Content(e.clone().into())),
        );
        Failure::gather(failures)
    }

    /// The page written to `file`, into `sink`; `None` when no page is.
    pub fn render_one(&self, file: &str, sink: &dyn Sink) -> Option<Result<(), Failure>> {
        // A file is one page's, or the check failed: the first part that has it is its.
        let job = match file {
            SITEMAP => self.sitemap(&self.jobs()),
            _ => (0..PARTS).find_map(|n| self.part(n).into_iter().find(|j| j.file() == file))?,
        };
        let mut context = self.common.clone();
        if let Some(failure) = self.render_job(&mut context, job, sink) {
            return Some(Err(failure));
        }
        // A broken card template shows on the first page with cards.
        Some(
            match self.card_error().or_else(|| self.row_error.get().cloned()) {
                Some(problem) => Err(Failure::Content(Diagnostics::from(problem))),
                None => Ok(()),
            },
        )
    }

    /// The files of every page, in the order they are made.
    pub fn files(&self) -> Vec<String> {
        let files = |jobs: Vec<Job>| jobs.into_iter().map(|job| file_of(job.path)).collect();
        let mut files = self.by_part(files);
        files.push(SITEMAP.to_string());
        files
    }

    /// Files made from the model without a template, and the theme's assets. An earlier
    /// week's site shares the current week's.
    pub fn render_data(&self, sink: &dyn Sink) -> Result<(), Failure> {
        if self.site.config.edition.is_some() {
            return Ok(());
        }
        let files = data_files(self.site, &self.views, self.stats(), self.cache);
        for file in files.into_iter().chain(self.assets()) {
            sink.put(file)?;
        }
        Ok(())
    }

    /// The theme's assets and the site's QR code: what every page loads.
    pub fn assets(&self) -> Vec<OutputFile> {
        let theme = self.theme.assets.iter().map(|(name, bytes)| OutputFile {
            path: format!("assets/{name}"),
            bytes: Arc::new(bytes.clone()),
        });
        let qr = crate::qr::svg(&self.site.config.absolute(""), None);
        let qr = OutputFile {
            path: crate::qr::SITE_FILE.into(),
            bytes: qr.into_bytes().into(),
        };
        theme.chain(std::iter::once(qr)).collect()
    }

    fn render_job(&self, context: &mut Context, job: Job, sink: &dyn Sink) -> Option<Failure> {
        let file = job.file();
        let feed = job.feed.as_ref().map(Offered::path);
        let feed = feed
            .as_deref()
            .filter(|f| self.titles.contains_key(f) || f.starts_with("ohjelma/"));
        let feed = feed.unwrap_or(crate::feeds::WHOLE);
        let feed_title = self.titles.get(feed).copied().unwrap_or(&job.title);
        let make_views = || {
            let nav = self.views.nav(&job.path);
            let mut page = self.views.page(&job.title, &job.path, None);
            page["feed"] = json!({"url": self.site.config.link(feed), "title": feed_title});
            (nav, page)
        };
        // The values, or what makes them once the page is known to need them. A page known by
        // its inputs is known by what its navigation and head are made from, not by them: the
        // 20,000 entry pages and posters an edit keeps at 10,000 entries made them for nothing.
        let (key, values, views) = match job.inputs {
            Some(inputs) => {
                let key = Fingerprint::default()
                    .number(self.site_key)
                    .number(self.nav_key)
                    .text(job.template)
                    .text(&job.path)
                    .text(&job.title)
                    .text(feed)
                    .text(feed_title)
                    .number(inputs());
                (key.finish(), Err(job.values), None)
            }
            None => {
                let (nav, page) = make_views();
                let values = (job.values)();
                let key = Fingerprint::default()
                    .number(self.base)
                    .text(job.template)
                    .value(&nav)
                    .value(&page)
                    .value(&values);
                (key.finish(), Ok(values), Some((nav, page)))
            }
        };
        // Unchanged since the previous build, whose page is still in place.
        if sink.keep(&file, key) {
            return None;
        }
        let values = values.unwrap_or_else(|make| make());
        let (nav, page) = views.unwrap_or_else(make_views);
        let html = cached(self.cache.map(|cache| (cache, key)), || {
            let lent = lend(context, values, [("nav", nav), ("page", page)]);
            let mut html = Vec::with_capacity(PAGE_SIZE);
            let rendered = self.theme.tera.render_to(job.template, context, &mut html);
            for key in lent {
                context.remove(&key);
            }
            rendered.map(|()| Arc::new(html))
        });
        match html {
            Ok(html) => sink
                .put_made(
                    OutputFile {
                        path: file,
                        bytes: html,
                    },
                    key,
                )
                .err()
                .map(Failure::from),
            Err(error) => Some(Failure::Content(Diagnostics::from(
                crate::theme::template_error(&self.site.config.theme, &error),
            ))),
        }
    }

    /// Entry `i`'s card in `style` (`ON_DAY`, `UNDER_DAY`, `DATED`); empty if the card
    /// template failed, which [`Pages::card_error`] tells.
    fn card(&self, i: usize, style: usize) -> String {
        let card = self.cards[i].get_or_init(|| self.make_card(&mut self.common.clone(), i));
        card.as_ref()
            .map_or_else(|_| String::new(), |c| c[style].to_string())
    }

    fn all_cards(&self) -> Result<(), Diagnostics> {
        (0..self.cards.len()).into_par_iter().for_each_init(
            || self.common.clone(),
            |context, i| {
                self.cards[i].get_or_init(|| self.make_card(context, i));
            },
        );
        // A broken card template fails every entry alike: its first error says it all.
        self.card_error()
            .map_or(Ok(()), |e| Err(Diagnostics::from(e)))
    }

    /// Entry `i`'s row of kind `row` in a list that holds nearly every entry (a printed sheet,
    /// an embeddable list): made once for every list the entry is in, and kept by the entry's
    /// key. Empty if the template failed, which is kept to be reported.
    fn row(&self, context: &mut Context, row: &Row, i: usize) -> String {
        let slot = &self.rows[i][row.slot];
        if let Some(made) = slot.get() {
            return made.to_string();
        }
        let key = self.key(|f| f.text(row.template).number(self.entry_key(i)));
        let made = cached(key, || {
            context.insert("e", &(row.values)(self.site, &self.views, i));
            let html = self.theme.tera.render(row.template, context)?;
            Ok::<_, tera::Error>(Arc::<str>::from(html.trim()))
        });
        match made {
            Ok(made) => slot.get_or_init(|| made).to_string(),
            Err(error) => {
                let theme = &self.site.config.theme;
                let _ = self
                    .row_error
                    .set(crate::theme::template_error(theme, &error));
                String::new()
            }
        }
    }

    fn card_error(&self) -> Option<Diagnostic> {
        self.cards
            .iter()
            .find_map(|c| c.get().and_then(|c| c.as_ref().err()).cloned())
    }

    fn make_card(&self, context: &mut Context, i: usize) -> Card {
        let all_day = self.site.entries[i].is_all_day();
        let entry = self.key(|f| f.text("card").number(self.entry_key(i)));
        // Made and put into the context once, before the first card of this entry that is
        // rendered: none is when the cache has them all.
        let mut made = false;
        let mut card = |level: u8, show_date: bool| {
            let variant = u64::from(level) * 2 + u64::from(show_date);
            let key = entry.map(|(cache, k)| {
                (
                    cache,
                    Fingerprint::default().number(k).number(variant).finish(),
                )
            });
            cached(key, || {
                if !std::mem::replace(&mut made, true) {
                    // Moved in: `insert` would copy it by serializing it again.
                    let e = Context::from_value(object([("e", self.views.card(i))]));
                    context.extend(e.unwrap_or_default());
                }
                context.insert("level", &level);
                context.insert("show_date", &show_date);
                self.theme
                    .tera
                    .render("card.html", context)
                    .map(Arc::<str>::from)
            })
            .map_err(|error| crate::theme::template_error(&self.site.config.theme, &error))
        };
        let on_day = card(3, all_day)?;
        let under_day = card(4, all_day)?;
        let dated = if all_day {
            on_day.clone()
        } else {
            card(3, true)?
        };
        Ok([on_day, under_day, dated])
    }

    /// Every page of the site; making the list renders nothing.
    fn jobs(&self) -> Vec<Job<'_>> {
        self.by_part(|jobs| jobs)
    }

    /// `each` of every part's jobs, in the parts' order. The parts at once, each on a core of
    /// its own, and what it makes of them there: the preview lists every page's file on each
    /// save, and the two largest parts have a job for each entry.
    fn by_part<'s, T: Send>(&'s self, each: impl Fn(Vec<Job<'s>>) -> Vec<T> + Sync) -> Vec<T> {
        let parts: Vec<Vec<T>> = (0..PARTS)
            .into_par_iter()
            .map(|n| each(self.part(n)))
            .collect();
        parts.into_iter().flatten().collect()
    }

    /// Part `n` of [`Pages::jobs`]: a page is looked for part by part, and most that are asked
    /// for (an entry's, a day's) are in the first.
    fn part(&self, n: usize) -> Vec<Job<'_>> {
        let (site, views, t) = (self.site, &self.views, self.views.t);
        let edition = site.config.edition.is_some();
        let mut jobs = match n {
            0 => {
                let mut jobs = self.week_jobs();
                jobs.push(Job {
                    template: "calendar.html",
                    path: "kalenteri/".into(),
                    title: t.get("nav_calendars").into(),
                    values: Box::new(move || json!({"groups": views.feed_groups(self.feeds)})),
                    feed: None,
                    inputs: None,
                });
                jobs.extend(places::jobs(self));
                jobs
            }
            1 => paper::jobs(self),
            2 => {
                let mut jobs = embeds::jobs(self);
                jobs.extend(self.archive_jobs());
                jobs.extend(report_jobs(self));
                jobs
            }
            _ => Vec::from_iter((!edition).then(|| Job {
                template: "editions.html",
                path: "arkisto/".into(),
                title: t.get("editions_title").into(),
                values: Box::new(move || json!({"editions": views.editions()})),
                feed: None,
                inputs: None,
            })),
        };
        // An earlier week's site has its programme's pages; the rest of the site is shared.
        if edition {
            jobs.retain(|job| EDITION_PAGES.contains(&job.template));
        }
        jobs
    }

    /// The sitemap of the pages `jobs` make: apart from them, since only a whole build needs its
    /// list, and the preview lists the pages on every save.
    fn sitemap(&self, jobs: &[Job]) -> Job<'a> {
        let urls: Vec<String> = jobs
            .iter()
            .filter(|j| j.path.is_empty() || j.path.ends_with('/'))
            .map(|j| self.site.config.absolute(&j.path))
            .collect();
        Job {
            template: SITEMAP,
            path: SITEMAP.into(),
            title: "".into(),
            values: Box::new(move || json!({"urls": urls})),
            feed: None,
            inputs: None,
        }
    }

    /// The week's own pages: its programme by day, entry, series, organiser and audience.
    fn week_jobs(&self) -> Vec<Job<'_>> {
        let (site, views) = (self.site, &self.views);
        let mut jobs = vec![
            Job {
                template: "index.html",
                path: String::new(),
                title: site.config.title.as_str().into(),
                values: Box::new(
                    move || json!({"week": views.week(), "after": views.after_week(), "memos": (0..site.memos.len().min(3)).map(|m| views.memo_card(m)).collect::<Vec<_>>(), "series": views.next_sessions(&|e| self.card(e, DATED))}),
                ),
                feed: None,
                inputs: None,
            },
            Job {
                template: "programme.html",
                path: "ohjelma/".into(),
                title: views.t.get("full_programme").into(),
                values: Box::new(move || programme(site, views, &|e| self.card(e, UNDER_DAY))),
                feed: None,
                inputs: None,
            },
            Job {
                template: "organisers.html",
                path: "jarjestajat/".into(),
                title: views.t.get("nav_organisers").into(),
                values: Box::new(
                    move || json!({"organisers": (0..site.organisers.len()).map(|o| views.organiser(o)).collect::<Vec<_>>()}),
                ),
                feed: None,
                inputs: None,
            },
            Job {
                template: "audiences.html",
                path: "kohderyhma/".into(),
                title: views.t.get("nav_audiences").into(),
                values: Box::new(move || audiences(site, views)),
                feed: None,
                inputs: None,
            },
            Job {
                template: "memos.html",
                path: "muistiot/".into(),
                title: views.t.get("memos").into(),
                values: Box::new(move || json!({"years": views.memo_years()})),
                feed: None,
                inputs: None,
            },
            Job {
                template: "instructions.html",
                path: "ohjeet/".into(),
                title: views.t.get("instructions_title").into(),
                values: Box::new(move || crate::instructions::view(site, views.t)),
                feed: None,
                inputs: None,
            },
            Job {
                template: "form.html",
                path: "ilmoita/".into(),
                title: views.t.get("form_title").into(),
                values: Box::new(move || crate::form::view(site, views.t)),
                feed: None,
                inputs: None,
            },
            Job {
                template: "changes.html",
                path: "muutokset/".into(),
                title: views.t.get("changes_title").into(),
                values: Box::new(move || json!({"changes": views.changes()})),
                feed: None,
                inputs: None,
            },
            Job {
                template: "changes.xml",
                path: "muutokset/atom.xml".into(),
                title: views.t.get("changes_title").into(),
                values: Box::new(move || {
                    let changes = views.changes();
                    let updated = changes
                        .first()
                        .map_or_else(|| json!(null), |c| c["datetime"].clone());
                    json!({"changes": changes, "updated": updated})
                }),
                feed: None,
                inputs: None,
            },
            Job {
                template: "mine.html",
                path: "oma-ohjelma/".into(),
                title: views.t.get("my_programme").into(),
                values: Box::new(move || json!({"host": site.config.host()})),
                feed: None,
                inputs: None,
            },
            Job {
                template: "404.html",
                path: "404.html".into(),
                title: views.t.get("not_found").into(),
                values: Box::new(move || json!({})),
                feed: None,
                inputs: None,
            },
        ];
        for (i, day) in site.days.iter().enumerate() {
            if day.entry_count() == 0 {
                continue;
            }
            let neighbour = |d: Option<&Day>| {
                d.map(|d| json!({"url": site.config.link(&d.path()), "label": views.lang.date(d.date)}))
            };
            let previous = i.checked_sub(1).and_then(|p| site.days.get(p));
            let next = site.days.get(i + 1);
            jobs.push(Job {
                template: "day.html",
                path: day.path(),
                title: views.lang.long_date(day.date).into(),
                feed: Some(Offered::Named(crate::feeds::day_feed(day.date))),
                inputs: Some(Box::new(move || {
                    let f = Fingerprint::default().debug(&previous.map(|d| d.date));
                    let f = f.debug(&next.map(|d| d.date));
                    self.with_day(f, day, &|_| true).finish()
                })),
                values: Box::new(move || {
                    let view = views.day(day, &|_| true, &|e| self.card(e, ON_DAY));
                    object([
                        ("day", view.unwrap_or_default()),
                        ("previous", neighbour(previous).into()),
                        ("next", neighbour(next).into()),
                    ])
                }),
            });
        }
        jobs.reserve(site.entries.len());
        for (i, entry) in site.entries.iter().enumerate() {
            jobs.push(Job {
                template: "entry.html",
                path: entry.path.clone(),
                title: entry.title.as_str().into(),
                values: Box::new(move || object([("entry", views.entry(i))])),
                feed: Some(Offered::OfEntry(entry)),
                inputs: Some(Box::new(move || self.entry_key(i))),
            });
        }
        for (i, series) in site.series.iter().enumerate() {
            jobs.push(Job {
                template: "series.html",
                path: series.path(),
                title: series.name.as_str().into(),
                values: Box::new(move || {
                    object([("series", views.series(i, &|e| self.card(e, DATED)))])
                }),
                feed: Some(Offered::Named(crate::feeds::series_feed(&series.key))),
                inputs: None,
            });
        }
        for (i, organiser) in site.organisers.iter().enumerate() {
            jobs.push(Job {
                template: "organiser.html",
                path: organiser.path(),
                title: organiser.name.as_str().into(),
                values: Box::new(move || {
                    let mut view = views.organiser(i);
                    let entries: Vec<String> = organiser
                        .entries
                        .iter()
                        .map(|&e| self.card(e, DATED))
                        .collect();
                    view["entries"] = entries.into();
                    object([("organiser", view)])
                }),
                feed: Some(Offered::Named(crate::feeds::organiser_feed(organiser))),
                inputs: Some(Box::new(move || {
                    let f = Fingerprint::default().number(self.organiser_key(i));
                    self.with_entries(f, &organiser.entries).finish()
                })),
            });
        }
        for (a, audience) in site.config.audiences.iter().enumerate() {
            let reaches = move |e: usize| site.entries[e].reaches(a, &site.config);
            let days = move || -> Vec<Value> {
                site.days
                    .iter()
                    .filter_map(|d| views.day(d, &reaches, &|e| self.card(e, UNDER_DAY)))
                    .collect()
            };
            jobs.push(Job {
                template: "audience.html",
                path: format!("kohderyhma/{}/", audience.key),
                title: audience.label.as_str().into(),
                values: Box::new(move || {
                    object([
                        (
                            "audience",
                            json!({"key": audience.key, "label": audience.label}),
                        ),
                        ("days", days().into()),
                    ])
                }),
                feed: Some(Offered::Named(crate::feeds::audience_feed(&audience.key))),
                inputs: Some(Box::new(move || {
                    let f = Fingerprint::default()
                        .text(&audience.key)
                        .text(&audience.label);
                    let days = site.days.iter();
                    days.fold(f, |f, d| self.with_day(f, d, &reaches)).finish()
                })),
            });
        }
        for (i, memo) in site.memos.iter().enumerate() {
            jobs.push(Job {
                template: "memo.html",
                path: memo.path.clone(),
                title: memo.title.as_str().into(),
                values: Box::new(move || object([("memo", views.memo(i))])),
                feed: None,
                inputs: None,
            });
        }
        for page in &site.pages {
            jobs.push(Job {
                template: "page.html",
                path: page.path(),
                title: page.title.as_str().into(),
                values: Box::new(move || json!({"body": page.body_html})),
                feed: None,
                inputs: None,
            });
        }
        jobs
    }

    /// The memo archive by theme, the points for decision-makers, statistics and search.
    fn archive_jobs(&self) -> Vec<Job<'_>> {
        let (site, views) = (self.site, &self.views);
        let themes = crate::view::themes(site);
        let list = json!({"themes": themes.iter().map(|t| json!({"label": t.label, "url": site.config.link(&crate::view::theme_path(&t.slug)), "count": t.memos.len()})).collect::<Vec<_>>()});
        let mut jobs = vec![
            Job {
                template: "themes.html",
                path: "muistiot/teemat/".into(),
                title: views.t.get("memos_by_theme").into(),
                values: Box::new(move || list),
                feed: None,
                inputs: None,
            },
            Job {
                template: "points.html",
                path: "viestit/".into(),
                title: views.t.get("points").into(),
                values: Box::new(move || json!({"groups": views.points()})),
                feed: None,
                inputs: None,
            },
            Job {
                template: "stats.html",
                path: "tilastot/".into(),
                title: views.t.get("stats").into(),
                values: Box::new(move || json!({"stats": views.stats(self.stats())})),
                feed: None,
                inputs: None,
            },
            Job {
                template: "search.html",
                path: "haku/".into(),
                title: views.t.get("search").into(),
                values: Box::new(|| object([("chunk", SEARCH_CHUNK.into())])),
                feed: None,
                inputs: None,
            },
            Job {
                template: "atom.xml",
                path: "muistiot/atom.xml".into(),
                title: "".into(),
                values: Box::new(move || atom(site, views)),
                feed: None,
                inputs: None,
            },
        ];
        for theme in themes {
            jobs.push(Job {
            template: "theme.html",
            path: crate::view::theme_path(&theme.slug),
            title: format!("{}: {}", views.t.get("theme"), theme.label).into(),
            values: Box::new(move || json!({"theme": {"label": theme.label, "memos": theme.memos.iter().map(|&m| views.memo_card(m)).collect::<Vec<_>>()}})),
            feed: None,
            inputs: None,
        });
        }
        jobs
    }
}

/// Room for most pages, so that rendering one rarely grows its buffer.
const PAGE_SIZE: usize = 16 * 1024;

/// Moves a page's values (an object) and `more` into `context`, without copying them: the
/// values of a listing page are large. Keys the context has already (what all pages share) win.
/// Returns the keys added, for the caller to take out after rendering.
fn lend<const N: usize>(
    context: &mut Context,
    values: Value,
    more: [(&str, Value); N],
) -> Vec<String> {
    let Value::Object(mut values) = values else {
        return Vec::new();
    };
    for (key, value) in more {
        values.insert(key.to_string(), value);
    }
    values.retain(|key, _| !context.contains_key(key));
    let keys = values.keys().cloned().collect();
    context.extend(Context::from_value(Value::Object(values)).unwrap_or_default());
    keys
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
                site.config.root_link(&format!("assets/{name}"))
            )),
        );
    }
    Value::Object(urls)
}

/// The cache, and the fingerprint of the inputs of what is looked up in it, when there is one.
type Key<'a> = Option<(&'a Cache, u64)>;

/// The report for the funder of each year's week: `raportti/<year>/`.
fn report_jobs<'a>(pages: &'a Pages) -> Vec<Job<'a>> {
    let (site, views) = (pages.site, &pages.views);
    std::iter::once(site)
        .chain(&site.editions)
        .map(|week| {
            let year = week.config.edition.unwrap_or(site.config.week.start.year());
            Job {
                template: "report.html",
                path: format!("raportti/{year}/"),
                title: format!("{} {year}", views.t.get("report_title")).into(),
                values: Box::new(
                    move || json!({"report": views.report(week, year, pages.stats())}),
                ),
                feed: None,
                inputs: None,
            }
        })
        .collect()
}

/// Without JavaScript the search page lists everything; the script narrows the list.
/// Documents per file of the search's listing: the first results of a query come from one or two.
const SEARCH_CHUNK: usize = 250;

/// The search's listing, `haku/kohteet/<n>.json`: per document, in the index's order (entries,
/// then memos), its address, title and a line of detail, `SEARCH_CHUNK` to a file.
fn search_listing(site: &Site, views: &Views) -> Vec<OutputFile> {
    let entries = site.entries.iter().map(|e| {
        let when = views.when(&e.when);
        let field = |key: &str| when[key].as_str().unwrap_or_default().to_string();
        let time = if e.is_all_day() {
            String::new()
        } else {
            field("time")
        };
        let title = match views.t.status(e.status) {
            "" => e.title.clone(),
            status => format!("{status}: {}", e.title),
        };
        let detail = format!("{} {time}", field("date"));
        let organiser = &site.organisers[e.organiser].name;
        json!([
            site.config.link(&e.path),
            title,
            format!("{} · {organiser}", detail.trim())
        ])
    });
    let memos = (0..site.memos.len()).map(|m| {
        let card = views.memo_card(m);
        json!([card["url"], card["title"], card["date"]])
    });
    let docs: Vec<Value> = entries.chain(memos).collect();
    docs.chunks(SEARCH_CHUNK)
        .enumerate()
        .map(|(n, chunk)| OutputFile {
            path: format!("haku/kohteet/{n}.json"),
            // Strings in arrays: serializing cannot fail.
            bytes: serde_json::to_vec(chunk).unwrap_or_default().into(),
        })
        .collect()
}

fn atom(site: &Site, views: &Views) -> Value {
    let stamp = |date: jiff::civil::Date| {
        date.to_zoned(site.config.tz.clone())
            .map(|z| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
            .unwrap_or_default()
    };
    let memos: Vec<Value> = site
        .memos
        .iter()
        .enumerate()
        .map(|(i, memo)| {
            let mut card = views.memo_card(i);
            let points: String = memo
                .points
                .iter()
                .map(|p| format!("<li>{}</li>", crate::theme::escape_html(p)))
                .collect();
            let points = if points.is_empty() {
                points
            } else {
                format!(
                    "<h2>{}</h2><ul>{points}</ul>",
                    crate::theme::escape_html(views.t.get("points"))
                )
            };
            card["absolute"] = json!(site.config.absolute(&memo.path));
            card["updated"] = json!(stamp(memo.date));
            card["content"] = json!(format!("{points}{}", memo.body_html));
            card
        })
        .collect();
    let updated = site
        .memos
        .first()
        .map_or_else(|| stamp(site.config.week.start), |m| stamp(m.date));
    json!({"memos": memos, "updated": updated})
}

/// Files made from the model without a template: spreadsheets and the search index.
fn data_files(
    site: &Site,
    views: &Views,
    stats: &crate::stats::Stats,
    cache: Option<&Cache>,
) -> Vec<OutputFile> {
    let t = views.t;
    let mut points = vec![
        ["theme", "point", "discussion_memo", "date", "address"]
            .map(|k| t.get(k).to_string())
            .to_vec(),
    ];
    for group in views.points() {
        for point in group["points"].as_array().into_iter().flatten() {
            let memo = &point["memo"];
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            points.push(vec![
                text(&group["label"]),
                text(&point["text"]),
                text(&memo["title"]),
                text(&memo["datetime"]),
                site.config.absolute(
                    text(&memo["url"])
                        .strip_prefix(site.config.base_path.as_str())
                        .unwrap_or_default(),
                ),
            ]);
        }
    }
    let words = crate::search::index(site, cache).into_iter();
    let index = words.map(|(path, bytes)| OutputFile {
        path,
        bytes: bytes.into(),
    });
    let mut files = vec![
        OutputFile {
            path: "tilastot.csv".into(),
            bytes: crate::stats::csv(stats, t).into(),
        },
        OutputFile {
            path: "viestit.csv".into(),
            bytes: crate::stats::csv_bytes(&points).into(),
        },
        OutputFile {
            path: "nyt.json".into(),
            bytes: now_and_next(site).into(),
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                site.config.absolute("sitemap.xml")
            )
            .into_bytes()
            .into(),
        },
    ];
    files.extend(index.chain(search_listing(site, views)));
    files
}

/// Timed entries for the home page's "now and next", read by the script during the week.
fn now_and_next(site: &Site) -> Vec<u8> {
    let lang = site.config.lang;
    let list: Vec<Value> = site
        .entries
        .iter()
        .filter(|e| e.status != Status::Cancelled)
        .filter_map(|e| match &e.when {
            When::Timed { start, end } => {
                // An entry with no set end is taken to go on until the end of its day.
                let until = end.as_ref().map_or_else(
                    || start.date().tomorrow().ok().and_then(|d| d.to_zoned(start.time_zone().clone()).ok()),
                    |end| Some(end.clone()),
                )?;
                Some(json!({
                    "s": start.timestamp().as_second(), "e": until.timestamp().as_second(),
                    "t": e.title, "u": site.config.link(&e.path), "w": lang.time_span(start, end.as_ref()),
                }))
            }
            When::AllDay { .. } => None,
        })
        .collect();
    serde_json::to_vec(&list).unwrap_or_default()
}

fn programme(site: &Site, views: &Views, card: &dyn Fn(usize) -> String) -> Value {
    let days: Vec<Value> = site
        .days
        .iter()
        .filter_map(|d| views.day(d, &|_| true, card))
        .collect();
    object([("days", days.into()), ("filters", filters(site))])
}

/// The choices of the programme filter, each with the entries it would keep counted.
fn filters(site: &Site) -> Value {
    let config = &site.config;
    let count = |keep: &dyn Fn(&Entry) -> bool| site.entries.iter().filter(|e| keep(e)).count();
    let audiences: Vec<Value> = config.audiences.iter().enumerate().map(|(i, t)| json!({"key": t.key, "label": t.label, "count": count(&|e| e.reaches(i, config))})).filter(|v| v["count"] != 0).collect();
    let formats: Vec<Value> = config.formats.iter().enumerate().map(|(i, t)| json!({"key": t.key, "label": t.label, "count": count(&|e| e.format == Some(i))})).filter(|v| v["count"] != 0).collect();
    let municipalities: Vec<Value> = site
        .municipalities()
        .iter()
        .map(|m| json!({"key": m.slug, "label": m.name, "count": m.entries.len(), "url": config.link(&m.path())}))
        .collect();
    let days: Vec<Value> = site
        .days
        .iter()
        .map(|d| json!({"key": d.date.to_string(), "label": site.config.lang.date(d.date), "count": d.entry_count(), "url": config.link(&d.path())}))
        .collect();
    json!({"audiences": audiences, "formats": formats, "municipalities": municipalities, "days": days})
}

fn audiences(site: &Site, views: &Views) -> Value {
    let list: Vec<Value> = site
        .config
        .audiences
        .iter()
        .enumerate()
        .map(|(a, t)| json!({"label": t.label, "url": views.site.config.link(&format!("kohderyhma/{}/", t.key)), "count": site.entries.iter().filter(|e| e.reaches(a, &site.config)).count()}))
        .collect();
    json!({"audiences": list})
}
