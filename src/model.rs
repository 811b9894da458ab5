//! The site as plain data: built once by validation, read by every output (pages, feeds,
//! statistics). Times are already in the site's zone, vocabularies already checked, Markdown
//! already rendered; nothing downstream re-checks or fails on content.

use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::times::Lang;

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub organisers: Vec<Organiser>,
    /// In programme order: by start, then title, then id.
    /// Shared: the preview keeps each entry between saves while its file and body are unchanged.
    pub entries: Vec<std::sync::Arc<Entry>>,
    /// Newest first.
    pub memos: Vec<Memo>,
    pub pages: Vec<Page>,
    /// Series of sessions held all year (SO sotessa), each written once in `content/series/`.
    pub series: Vec<Series>,
    /// Every day that has entries, in order.
    pub days: Vec<Day>,
    /// The earlier weeks, each a site of its own entries, newest first.
    pub editions: Vec<Site>,
    pub statics: Vec<crate::load::StaticFile>,
    /// The calendar record as the content holds it, before this build.
    /// Shared with the preview's cache, which keeps it from save to save (a record of every
    /// entry).
    pub revisions: std::sync::Arc<crate::revisions::Revisions>,
    /// The day of the build, in the site's zone: what is past and what is next.
    pub today: Date,
    /// The changes since the programme was first published, oldest first, this build's with them.
    pub changes: Vec<crate::revisions::Change>,
}

impl Site {
    /// The municipalities entries are held in, by name, each with its entries: those that
    /// differ only in case are one.
    pub fn municipalities(&self) -> Vec<Municipality> {
        // Each name made a slug once, not each entry's: the pages list them several times
        // a build, and the preview on every save.
        let mut by_name: foldhash::HashMap<&str, Vec<usize>> = Default::default();
        for (i, entry) in self.entries.iter().enumerate() {
            if let Some(name) = entry.municipality() {
                by_name.entry(name).or_default().push(i);
            }
        }
        let mut names: Vec<(&str, Vec<usize>)> = by_name.into_iter().collect();
        // As the entries first name them: the first spelling of a municipality is its name.
        names.sort_unstable_by_key(|(_, entries)| entries[0]);
        let mut found: std::collections::BTreeMap<String, Municipality> = Default::default();
        for (name, entries) in names {
            let slug = crate::slug::slugify(name);
            if slug.is_empty() {
                continue;
            }
            found
                .entry(slug.clone())
                .or_insert_with(|| Municipality {
                    slug,
                    name: name.to_string(),
                    entries: Vec::new(),
                })
                .entries
                .extend(entries);
        }
        let mut found: Vec<Municipality> = found.into_values().collect();
        found.iter_mut().for_each(|m| m.entries.sort_unstable());
        found
    }

    /// Whether `entry` is a session of one of the site's series (held all year).
    pub fn is_session(&self, entry: &Entry) -> bool {
        entry
            .series
            .as_ref()
            .is_some_and(|key| self.series.iter().any(|s| s.key == *key))
    }
}

/// A municipality as the programme lists it: `kunta/<slug>/`.
#[derive(Debug, Clone)]
pub struct Municipality {
    pub slug: String,
    pub name: String,
    /// Indexes into `Site::entries`, in programme order.
    pub entries: Vec<usize>,
}

impl Municipality {
    pub fn path(&self) -> String {
        format!("kunta/{}/", self.slug)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`: `https://example.fi/rsv/`.
    pub base_url: String,
    /// The path part of `base_url`, ending in `/`: `/rsv/`. Links inside the site start with it.
    pub base_path: String,
    pub lang: Lang,
    pub tz_name: String,
    pub tz: TimeZone,
    pub week: Week,
    pub audiences: Vec<Term>,
    /// The audiences that mean everyone (`kaikki`): an entry for them is listed under every
    /// audience.
    pub everyone: Vec<usize>,
    pub formats: Vec<Term>,
    /// Optional labels for series keys (`so-sotessa: SO sotessa`); without them any key is allowed.
    pub series: Vec<Term>,
    pub theme: String,
    pub contact: Option<Contact>,
    /// The earlier weeks the site keeps, by year, newest first.
    pub earlier: Vec<(i16, Week)>,
    /// Next year's week, when its dates are known: the home page shows them once this one is over.
    pub next: Option<Week>,
    /// The year of an earlier week this is, in the site that publishes it under `<year>/`.
    pub edition: Option<i16>,
    /// The path of the whole site, where the pages every year shares are (memos, statistics).
    pub root_path: String,
}

impl Config {
    /// An absolute URL for a path inside the site (`ohjelma/` → `https://example.fi/rsv/ohjelma/`).
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Moves the site to another address (`https://example.fi/rsv/`), keeping links consistent.
    pub fn set_base_url(&mut self, url: &str) {
        let url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        self.base_path = rest.find('/').map_or("/".into(), |i| rest[i..].to_string());
        self.base_url = url;
        if self.edition.is_none() {
            self.root_path = self.base_path.clone();
        }
    }

    /// The site of the earlier week of `year`; its address is under the whole site's,
    /// `<year>/`, set with [`Config::place_edition`].
    pub fn of_edition(&self, year: i16, week: Week) -> Config {
        let mut config = self.clone();
        config.edition = Some(year);
        config.week = week;
        config.earlier = Vec::new();
        config
    }

    /// Puts an earlier week's site at `<year>/` under the whole site, `whole`.
    pub fn place_edition(&mut self, whole: &Config) {
        let year = self.edition.unwrap_or_default();
        self.root_path = whole.base_path.clone();
        self.set_base_url(&format!("{}{year}/", whole.base_url));
    }

    /// The earlier week an entry on `day` belongs to: the one whose week holds it, else the
    /// one of its year.
    pub fn edition_of(&self, day: Date) -> Option<i16> {
        let within = |w: &Week| w.start <= day && day <= w.end;
        if within(&self.week) {
            return None;
        }
        self.earlier
            .iter()
            .find(|(_, w)| within(w))
            .or_else(|| self.earlier.iter().find(|(y, _)| *y == day.year()))
            .map(|(y, _)| *y)
    }

    /// A link to a page the whole site shares, from any year's pages.
    pub fn root_link(&self, path: &str) -> String {
        format!("{}{path}", self.root_path)
    }

    /// A root-relative link for a path inside the site (`ohjelma/` → `/rsv/ohjelma/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The host of the base URL, which makes calendar UIDs unique to this site.
    pub fn host(&self) -> &str {
        let rest = self.base_url.split_once("://").map_or("", |(_, r)| r);
        rest.split(['/', ':']).next().unwrap_or(rest)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Week {
    pub start: Date,
    pub end: Date,
}

impl Week {
    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
}

/// An entry of a vocabulary (`audiences`, `formats`) from `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct Organiser {
    /// The folder name under `content/programme/`.
    pub folder: String,
    pub slug: String,
    pub name: String,
    pub website: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub municipality: Option<String>,
    pub body_html: std::sync::Arc<str>,
    /// Indexes into `Site::entries`, in programme order.
    pub entries: Vec<usize>,
    pub source: String,
}

impl Organiser {
    pub fn path(&self) -> String {
        format!("ohjelma/{}/", self.slug)
    }
}

// Serialized for the cache of `viikko build` (`cache.rs`), as read from its file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// `<organiser folder>/<file stem>`, as written in memos' `event`.
    pub id: String,
    /// The output path below the base: `ohjelma/<organiser>/<entry>/`.
    pub path: String,
    pub organiser: usize,
    /// The organiser's folder under `content/programme/`.
    pub folder: String,
    pub title: String,
    pub summary: Option<String>,
    pub when: When,
    pub place: Option<Place>,
    pub online: Option<Online>,
    /// Indexes into `Config::audiences`, in the vocabulary's order.
    pub audiences: Vec<usize>,
    /// Index into `Config::formats`.
    pub format: Option<usize>,
    pub language: String,
    pub price: Option<String>,
    pub registration: Option<Registration>,
    pub accessibility: Option<String>,
    pub status: Status,
    pub series: Option<String>,
    /// A series session's preliminary theme.
    pub theme: Option<String>,
    pub feedback: Option<String>,
    pub attendance: Option<u32>,
    pub tags: Vec<String>,
    pub body_html: std::sync::Arc<str>,
    /// The description as plain text, for calendar feeds and summaries.
    pub body_text: std::sync::Arc<str>,
    /// Indexes into `Site::memos` of the memos written about this entry.
    pub memos: Vec<usize>,
    pub source: String,
}

impl Entry {
    /// The days the entry appears on: each day an all-day entry spans, the start day of a timed one
    /// (and the following days a long timed entry reaches into).
    pub fn days(&self) -> Vec<Date> {
        let (first, last) = match &self.when {
            When::AllDay { first, last } => (*first, *last),
            When::Timed { start, end: None } => (start.date(), start.date()),
            When::Timed {
                start,
                end: Some(end),
            } => {
                let last = if end.time() == jiff::civil::Time::midnight() {
                    end.date().yesterday().unwrap_or(end.date())
                } else {
                    end.date()
                };
                (start.date(), last.max(start.date()))
            }
        };
        first
            .series(jiff::ToSpan::day(1))
            .take_while(|d| *d <= last)
            .collect()
    }

    pub fn is_all_day(&self) -> bool {
        matches!(self.when, When::AllDay { .. })
    }

    pub fn first_day(&self) -> Date {
        match &self.when {
            When::AllDay { first, .. } => *first,
            When::Timed { start, .. } => start.date(),
        }
    }

    /// Whether the entry is listed for audience `a`: written for it, or for everyone.
    pub fn reaches(&self, a: usize, config: &Config) -> bool {
        self.audiences
            .iter()
            .any(|x| *x == a || config.everyone.contains(x))
    }

    pub fn is_online(&self) -> bool {
        self.online.is_some() || self.status == Status::MovedOnline
    }

    /// The address to join online, when one is published.
    pub fn online_link(&self) -> Option<&str> {
        match &self.online {
            Some(Online::Link(url)) => Some(url),
            _ => None,
        }
    }

    /// How to join online, when no address is published.
    pub fn online_told(&self) -> Option<&str> {
        match &self.online {
            Some(Online::Told(text)) => Some(text),
            _ => None,
        }
    }

    pub fn is_on_site(&self) -> bool {
        self.place.is_some() && self.status != Status::MovedOnline
    }

    pub fn municipality(&self) -> Option<&str> {
        self.place.as_ref().and_then(|p| p.municipality.as_deref())
    }
}

/// A series of sessions (`content/series/<key>.md`). Its sessions are entries like any other,
/// each with the id `<key>/<date>`, which stays the same however the series' rule changes.
#[derive(Debug, Clone)]
pub struct Series {
    pub key: String,
    pub name: String,
    pub chair: Option<String>,
    pub organiser: usize,
    pub body_html: std::sync::Arc<str>,
    pub source: String,
}

impl Series {
    pub fn path(&self) -> String {
        format!("sarja/{}/", self.key)
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum When {
    /// `end` is `None` for an entry with no set end (`klo 18.30 alkaen`).
    Timed { start: Zoned, end: Option<Zoned> },
    /// Inclusive dates.
    AllDay { first: Date, last: Date },
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Place {
    pub name: Option<String>,
    pub address: Option<String>,
    pub municipality: Option<String>,
    /// Latitude and longitude, for a map link that needs no search.
    pub coordinates: Option<(f64, f64)>,
}

/// How to join an entry online.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Online {
    /// The meeting's address.
    Link(String),
    /// What the organiser wrote instead of an address that is sent later, or only to those who
    /// register (`Teams, linkki lähetetään ilmoittautuneille`).
    Told(String),
}

impl Online {
    /// The address, or the words in its place.
    pub fn text(&self) -> &str {
        match self {
            Online::Link(text) | Online::Told(text) => text,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Registration {
    /// A web address, or a `mailto:` one.
    pub url: Option<String>,
    pub deadline: Option<Date>,
    pub note: Option<String>,
}

impl Registration {
    /// The e-mail address to register by, when that is how.
    pub fn email(&self) -> Option<&str> {
        self.url.as_deref()?.strip_prefix("mailto:")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Scheduled,
    Cancelled,
    Postponed,
    MovedOnline,
}

impl Status {
    pub const ALL: [(&'static str, Status); 4] = [
        ("scheduled", Status::Scheduled),
        ("cancelled", Status::Cancelled),
        ("postponed", Status::Postponed),
        ("moved-online", Status::MovedOnline),
    ];

    pub fn key(self) -> &'static str {
        Status::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("scheduled", |(k, _)| k)
    }
}

#[derive(Debug, Clone)]
pub struct Memo {
    /// The year folder and file stem: `2026/asunnottomuus`.
    pub id: String,
    /// `muistiot/<year>/<slug>/`.
    pub path: String,
    pub year: i16,
    pub title: String,
    pub date: Date,
    /// Index into `Site::entries`.
    pub event: Option<usize>,
    /// The entry id as written in `event`.
    pub event_id: Option<String>,
    pub themes: Vec<String>,
    pub participants: Option<u32>,
    pub points: Vec<String>,
    pub body_html: std::sync::Arc<str>,
    pub body_text: std::sync::Arc<str>,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub body_html: std::sync::Arc<str>,
    pub source: String,
}

impl Page {
    pub fn path(&self) -> String {
        format!("{}/", self.slug)
    }
}

#[derive(Debug, Clone)]
pub struct Day {
    pub date: Date,
    /// All-day entries on this day, in programme order.
    pub all_day: Vec<usize>,
    /// Timed entries grouped by their start time on this day.
    pub slots: Vec<Slot>,
}

impl Day {
    pub fn path(&self) -> String {
        day_path(self.date)
    }

    pub fn entry_count(&self) -> usize {
        self.all_day.len() + self.slots.iter().map(|s| s.entries.len()).sum::<usize>()
    }

    /// The entries on this day, all-day, timed and continued, in the site's order.
    pub fn entries(&self) -> Vec<usize> {
        let timed = self.slots.iter().flat_map(|s| &s.entries);
        let mut entries: Vec<usize> = self.all_day.iter().chain(timed).copied().collect();
        entries.sort_unstable();
        entries
    }
}

pub fn day_path(date: Date) -> String {
    format!("paiva/{date}/")
}

#[derive(Debug, Clone)]
pub struct Slot {
    /// The start time; entries that began on an earlier day and continue have the day's start.
    pub start: jiff::civil::Time,
    pub continued: bool,
    pub entries: Vec<usize>,
}
