//! The model as templates see it: ready-made values (formatted Finnish times, URLs, labels), so
//! templates only lay them out. Each function answers one question a page asks.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::model::*;
use crate::times::Lang;
use crate::translations::Translations;

pub struct Views<'a> {
    pub site: &'a Site,
    pub lang: Lang,
    pub t: &'a Translations,
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site, t: &'a Translations) -> Views<'a> {
        Views {
            site,
            lang: site.config.lang,
            t,
        }
    }

    fn link(&self, path: &str) -> String {
        self.site.config.link(path)
    }

    /// What every page shows: the site's name, navigation, where its assets are.
    pub fn site(&self) -> Value {
        let config = &self.site.config;
        json!({
            "title": config.title,
            "description": config.description,
            "lang": self.lang.code(),
            "base": config.base_path,
            "root": config.root_path,
            "edition": config.edition.map(|year| year.to_string()),
            "has_editions": !self.site.editions.is_empty() || config.edition.is_some(),
            "base_url": config.base_url,
            "home": self.link(""),
            "qr": crate::qr::svg(&config.absolute(""), Some(&format!("QR: {}", config.absolute("")))),
            // On every page's print footer: one file, not a copy in each page.
            "qr_file": crate::qr::SITE_FILE,
            "week": self.lang.date_range(config.week.start, config.week.end),
            "week_start": config.week.start.to_string(),
            "week_end": config.week.end.to_string(),
            "contact": config.contact.as_ref().map(|c| json!({"name": c.name, "email": c.email})),
            "pages": self.site.pages.iter().map(|p| json!({"title": p.title, "url": config.root_link(&p.path())})).collect::<Vec<_>>(),
        })
    }

    /// Once the week is over (by the build's date): where it leads now, and next year's dates
    /// when known. `null` before and during the week.
    pub fn after_week(&self) -> Value {
        let config = &self.site.config;
        if self.site.today <= config.week.end || config.edition.is_some() {
            return Value::Null;
        }
        let year = config.week.start.year();
        json!({
            "ended": self.lang.date(config.week.end),
            "report": self.site.config.root_link(&format!("raportti/{year}/")),
            "next": config.next.map(|w| self.lang.date_range(w.start, w.end)),
        })
    }

    /// The navigation, with the section of `path` marked current.
    pub fn nav(&self, path: &str) -> Value {
        let mut items = vec![
            ("nav_programme", "ohjelma/"),
            ("nav_organisers", "jarjestajat/"),
            ("nav_audiences", "kohderyhma/"),
            ("nav_memos", "muistiot/"),
            ("nav_calendars", "kalenteri/"),
        ];
        if self.site.pages.iter().any(|p| p.slug == "tietoa") {
            items.push(("nav_about", "tietoa/"));
        }
        let current =
            |url: &str| path.starts_with(url) || (url == "ohjelma/" && path.starts_with("paiva/"));
        // The memos and the pages are the whole site's, whichever year's page links to them.
        let shared = |url: &str| url == "muistiot/" || url == "tietoa/";
        let config = &self.site.config;
        Value::Array(
            items
                .into_iter()
                .map(|(key, url)| {
                    let href = if shared(url) {
                        config.root_link(url)
                    } else {
                        self.link(url)
                    };
                    json!({"label": self.t.get(key), "url": href, "current": current(url)})
                })
                .collect(),
        )
    }

    pub fn page(&self, title: &str, path: &str, description: Option<&str>) -> Value {
        json!({
            "title": title,
            "path": path,
            "url": self.link(path),
            "canonical": self.site.config.absolute(path),
            "description": description.unwrap_or(&self.site.config.description),
            "site_name": self.site.config.title,
        })
    }

    fn term(&self, terms: &[Term], index: usize, section: Option<&str>) -> Value {
        let term = &terms[index];
        json!({
            "key": term.key,
            "label": term.label,
            "url": section.map(|s| self.link(&format!("{s}/{}/", term.key))),
        })
    }

    /// An entry as a line of a schedule or listing.
    pub fn card(&self, index: usize) -> Value {
        let entry = &self.site.entries[index];
        let organiser = &self.site.organisers[entry.organiser];
        let config = &self.site.config;
        json!({
            "id": entry.id,
            "url": self.link(&entry.path),
            "title": entry.title,
            "summary": entry.summary,
            "when": self.when(&entry.when),
            "organiser": {"name": organiser.name, "url": self.link(&organiser.path())},
            "place": self.place(entry),
            "address": entry.place.as_ref().filter(|_| entry.status != Status::MovedOnline).and_then(|p| p.address.as_deref()),
            "place_full": self.place_full(entry),
            "online_url": self.online_url(entry),
            "online_told": entry.online_told(),
            "municipality": entry.municipality(),
            "online": entry.is_online(),
            "on_site": entry.is_on_site(),
            "audiences": entry.audiences.iter().map(|&a| self.term(&config.audiences, a, Some("kohderyhma"))).collect::<Vec<_>>(),
            "format": entry.format.map(|f| self.term(&config.formats, f, None)),
            "status": {"key": entry.status.key(), "label": self.t.status(entry.status)},
            "cancelled": entry.status == Status::Cancelled,
            "series": entry.series,
            "series_page": entry.series.as_deref().and_then(|key| {
                let series = self.site.series.iter().find(|s| s.key == key)?;
                Some(json!({"name": series.name, "url": self.link(&series.path())}))
            }),
            "theme": entry.theme,
            "lang": (entry.language != self.lang.code()).then_some(&entry.language),
            "filter": self.filter_keys(entry),
        })
    }

    /// The values the filter script matches on, as data attributes.
    fn filter_keys(&self, entry: &Entry) -> Value {
        let config = &self.site.config;
        json!({
            "audiences": (0..config.audiences.len()).filter(|&a| entry.reaches(a, config)).map(|a| config.audiences[a].key.as_str()).collect::<Vec<_>>().join(" "),
            "format": entry.format.map(|f| config.formats[f].key.as_str()).unwrap_or(""),
            "municipality": entry.municipality().map(crate::slug::slugify).unwrap_or_default(),
            "days": entry.days().iter().map(Date::to_string).collect::<Vec<_>>().join(" "),
            "mode": match (entry.is_on_site(), entry.is_online()) {
                (true, true) => "paikan-paalla verkossa",
                (false, true) => "verkossa",
                _ => "paikan-paalla",
            },
        })
    }

    /// An entry's language named in the site's, for the languages the theme names.
    fn language_name(&self, code: &str) -> Option<&str> {
        let key = format!("language_{}", code.split('-').next().unwrap_or(code));
        self.t.as_map().get(&key).map(String::as_str)
    }

    /// The sessions of series `i`, in order.
    fn sessions(&self, key: &str) -> Vec<usize> {
        let mut sessions: Vec<usize> = (0..self.site.entries.len())
            .filter(|&e| self.site.entries[e].series.as_deref() == Some(key))
            .collect();
        sessions.sort_by_key(|&e| self.site.entries[e].first_day());
        sessions
    }

    /// A series page: what it is and who chairs it, the next session, those to come, those
    /// held with their themes, participants and memos' points, and participation over time.
    pub fn series(&self, i: usize, card: &dyn Fn(usize) -> String) -> Value {
        let series = &self.site.series[i];
        let today = self.site.today;
        let sessions = self.sessions(&series.key);
        let (past, coming): (Vec<usize>, Vec<usize>) = sessions
            .iter()
            .partition(|&&e| self.site.entries[e].first_day() < today);
        let held: Vec<Value> = past
            .iter()
            .rev()
            .map(|&e| {
                let entry = &self.site.entries[e];
                let points: Vec<&String> = entry
                    .memos
                    .iter()
                    .flat_map(|&m| &self.site.memos[m].points)
                    .collect();
                let memos: Vec<Value> = entry
                    .memos
                    .iter()
                    .map(|&m| json!({"title": self.site.memos[m].title, "url": self.site.config.root_link(&self.site.memos[m].path)}))
                    .collect();
                json!({
                    "card": card(e), "theme": entry.theme, "participants": entry.attendance,
                    "points": points, "memos": memos,
                })
            })
            .collect();
        let counted: Vec<(Date, u32)> = past
            .iter()
            .filter_map(|&e| {
                let entry = &self.site.entries[e];
                entry.attendance.map(|n| (entry.first_day(), n))
            })
            .collect();
        let most = counted.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let chart: Vec<Value> = counted
            .iter()
            .map(|(day, n)| {
                json!({"label": self.lang.bare_date(*day), "value": n, "percent": u64::from(*n) * 100 / u64::from(most)})
            })
            .collect();
        let organiser = &self.site.organisers[series.organiser];
        json!({
            "name": series.name,
            "chair": series.chair,
            "body": series.body_html,
            "organiser": {"name": organiser.name, "url": self.site.config.link(&organiser.path())},
            "next": coming.first().map(|&e| card(e)),
            "coming": coming.iter().skip(1).map(|&e| card(e)).collect::<Vec<_>>(),
            "held": held,
            "chart": chart,
            "feed": self.site.config.link(&crate::feeds::series_feed(&series.key)),
        })
    }

    /// Every week the site keeps: the current one and the earlier ones, with their figures.
    pub fn editions(&self) -> Vec<Value> {
        let config = &self.site.config;
        let week = |site: &Site| {
            self.lang
                .date_range(site.config.week.start, site.config.week.end)
        };
        let mut all = vec![json!({
            "year": config.week.start.year(), "week": week(self.site), "url": self.link(""),
            "entries": self.site.entries.iter().filter(|e| e.series.is_none() || e.first_day() >= config.week.start && e.first_day() <= config.week.end).count(),
            "current": true,
        })];
        all.extend(self.site.editions.iter().map(|edition| {
            let year = edition.config.edition.unwrap_or_default();
            json!({
                "year": year, "week": week(edition), "url": config.link(&format!("{year}/")),
                "entries": edition.entries.len(), "current": false,
            })
        }));
        all
    }

    /// The report of the week of `year` (`week` is its site): its figures and charts, its
    /// organisers, the points for decision-makers by theme, and the series' sessions that year.
    /// `all` is the figures of this site, every year's.
    pub fn report(&self, week: &Site, year: i16, all: &crate::stats::Stats) -> Value {
        let words = Views::new(week, self.t);
        let earlier;
        let stats = if std::ptr::eq(week, self.site) {
            all
        } else {
            earlier = crate::stats::stats(week, self.t);
            &earlier
        };
        let is_session = |e: &Entry| {
            e.series
                .as_ref()
                .is_some_and(|k| self.site.series.iter().any(|s| s.key == *k))
        };
        let mut organisers: Vec<(String, usize)> = week
            .organisers
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    o.entries
                        .iter()
                        .filter(|&&e| !is_session(&week.entries[e]))
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        organisers.sort();
        let sessions: Vec<Value> = self
            .site
            .entries
            .iter()
            .filter(|e| is_session(e) && e.first_day().year() == year && e.status != Status::Cancelled)
            .map(|e| json!({"date": self.lang.date(e.first_day()), "title": e.title, "theme": e.theme, "participants": e.attendance}))
            .collect();
        let year_row = all.years.iter().find(|y| y.year == year);
        json!({
            "year": year,
            "week": self.lang.date_range(week.config.week.start, week.config.week.end),
            "stats": words.stats(stats),
            "organisers": organisers.iter().map(|(name, n)| json!({"name": name, "entries": n})).collect::<Vec<_>>(),
            "points": self.points_of(year),
            "sessions": sessions,
            "memos": year_row.as_ref().map_or(0, |y| y.memos),
            "memo_participants": year_row.as_ref().map_or(0, |y| y.participants),
        })
    }

    /// The next session of each series, for the home page.
    pub fn next_sessions(&self, card: &dyn Fn(usize) -> String) -> Vec<Value> {
        self.site
            .series
            .iter()
            .filter_map(|series| {
                let next = self
                    .sessions(&series.key)
                    .into_iter()
                    .find(|&e| self.site.entries[e].first_day() >= self.site.today)?;
                Some(json!({
                    "name": series.name,
                    "url": self.site.config.link(&series.path()),
                    "next": card(next),
                }))
            })
            .collect()
    }

    /// Where an entry is held, by name and municipality; `None` once it moved online.
    pub fn place(&self, entry: &Entry) -> Option<String> {
        let place = entry.place.as_ref()?;
        let name = [place.name.as_deref(), place.municipality.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        (!name.is_empty() && entry.status != Status::MovedOnline).then_some(name)
    }

    /// Where an entry is held, with its address; `None` once it moved online.
    pub fn place_full(&self, entry: &Entry) -> Option<String> {
        let place = entry.place.as_ref()?;
        let parts = [
            place.name.as_deref(),
            place.address.as_deref(),
            place.municipality.as_deref(),
        ];
        (entry.status != Status::MovedOnline)
            .then(|| parts.into_iter().flatten().collect::<Vec<_>>().join(", "))
    }

    /// The address to follow an entry online; `None` once it is cancelled.
    pub fn online_url<'e>(&self, entry: &'e Entry) -> Option<&'e str> {
        entry
            .online_link()
            .filter(|_| entry.status != Status::Cancelled)
    }

    /// An entry's day and time as a list shows them: `ti 17.11.` and `klo 14–15.30`.
    pub fn date_and_time(&self, when: &When) -> (String, String) {
        match when {
            When::Timed { start, end } => (
                self.lang.date(start.date()),
                self.lang.time_span(start, end.as_ref()),
            ),
            When::AllDay { first, last } => (
                self.lang.date_range(*first, *last),
                self.t.get("all_day_time").to_string(),
            ),
        }
    }

    /// When an entry happens, in every form a page needs.
    pub fn when(&self, when: &When) -> Value {
        let (date, time) = self.date_and_time(when);
        match when {
            When::Timed { start, end } => json!({
                "all_day": false,
                "date": date,
                "time": time,
                "start": start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "end": end.as_ref().map(|end| end.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
                "start_date": start.date().to_string(),
            }),
            When::AllDay { first, last } => json!({
                "all_day": true,
                "date": date,
                "time": time,
                "start": first.to_string(),
                "end": last.to_string(),
                "start_date": first.to_string(),
            }),
        }
    }

    /// Everything about one entry, for its own page.
    pub fn entry(&self, index: usize) -> Value {
        let entry = &self.site.entries[index];
        let organiser = &self.site.organisers[entry.organiser];
        let mut card = self.card(index);
        let detail = json!({
            "body": entry.body_html,
            "place_detail": entry.place.as_ref().map(|p| json!({
                "name": p.name, "address": p.address, "municipality": p.municipality,
                "gone": entry.status == Status::MovedOnline,
                "map": map_link(p),
                "geo": p.coordinates.map(|(lat, lon)| format!("geo:{lat},{lon}")),
            })),
            "postponed": entry.status == Status::Postponed,
            "previous_time": self.previous_time(entry),
            "add": self.add_event(entry),
            "star": self.star(entry),
            "online_url": entry.online_link(),
            "online_told": entry.online_told(),
            "price": entry.price.as_deref().unwrap_or(self.t.get("free")),
            "free": entry.price.is_none(),
            "registration": entry.registration.as_ref().map(|r| json!({
                "url": r.url,
                "email": r.email(),
                "deadline": r.deadline.map(|d| self.lang.date(d)),
                "deadline_date": r.deadline.map(|d| d.to_string()),
                "note": r.note,
            })),
            "accessibility": entry.accessibility,
            "feedback": entry.feedback,
            "attendance": entry.attendance,
            "tags": entry.tags,
            "language_name": self.language_name(&entry.language),
            "memos": entry.memos.iter().map(|&m| self.memo_card(m)).collect::<Vec<_>>(),
            "organiser_email": organiser.email,
            "organiser_phone": organiser.phone,
            "organiser_website": organiser.website,
            "days": entry.days().iter().map(|d| json!({"label": self.lang.date(*d), "url": self.link(&day_path(*d))})).collect::<Vec<_>>(),
        });
        merge(&mut card, detail);
        card["json_ld"] = Value::String(self.json_ld(index));
        let when = self.when(&entry.when);
        let summary = entry.summary.clone().unwrap_or_else(|| {
            format!(
                "{} {}, {}",
                when["date"].as_str().unwrap_or_default(),
                when["time"].as_str().unwrap_or_default(),
                organiser.name
            )
        });
        card["description"] = Value::String(summary);
        card
    }

    /// schema.org `Event` for search engines, as a script-safe JSON string.
    pub fn json_ld(&self, index: usize) -> String {
        let entry = &self.site.entries[index];
        let config = &self.site.config;
        let organiser = &self.site.organisers[entry.organiser];
        let (start, end) = match &entry.when {
            When::Timed { start, end } => (
                start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                end.as_ref()
                    .map(|end| end.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()),
            ),
            When::AllDay { first, last } => (first.to_string(), Some(last.to_string())),
        };
        let status = match entry.status {
            Status::Scheduled => "EventScheduled",
            Status::Cancelled => "EventCancelled",
            Status::Postponed => "EventPostponed",
            Status::MovedOnline => "EventMovedOnline",
        };
        let mode = match (entry.is_on_site(), entry.is_online()) {
            (true, true) => "MixedEventAttendanceMode",
            (false, true) => "OnlineEventAttendanceMode",
            _ => "OfflineEventAttendanceMode",
        };
        let mut locations = Vec::new();
        if let Some(place) = entry.place.as_ref().filter(|_| entry.is_on_site()) {
            locations.push(json!({
                "@type": "Place",
                "name": place.name.as_deref().or(place.address.as_deref()),
                "address": {"@type": "PostalAddress", "streetAddress": place.address, "addressLocality": place.municipality, "addressCountry": "FI"},
            }));
        }
        match &entry.online {
            Some(Online::Link(url)) => {
                locations.push(json!({"@type": "VirtualLocation", "url": url}));
            }
            Some(Online::Told(text)) => {
                locations.push(json!({"@type": "VirtualLocation", "name": text}));
            }
            None => {}
        }
        let url = config.absolute(&entry.path);
        let mut event = json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": entry.title,
            "startDate": start,
            "endDate": end,
            "eventStatus": format!("https://schema.org/{status}"),
            "eventAttendanceMode": format!("https://schema.org/{mode}"),
            "location": if locations.len() == 1 { locations.pop().unwrap_or_default() } else { Value::Array(locations) },
            "organizer": {"@type": "Organization", "name": organiser.name, "url": organiser.website.clone().unwrap_or_else(|| config.absolute(&organiser.path()))},
            "inLanguage": entry.language,
            "audience": entry.audiences.iter().map(|&a| json!({"@type": "Audience", "audienceType": config.audiences[a].label})).collect::<Vec<_>>(),
            "description": entry.summary.clone().unwrap_or_else(|| crate::markdown::excerpt(&entry.body_text, 300)),
            "url": url,
        });
        event["isAccessibleForFree"] = json!(entry.price.is_none());
        if entry.price.is_none() {
            event["offers"] = json!({"@type": "Offer", "price": 0, "priceCurrency": "EUR", "url": url, "availability": "https://schema.org/InStock"});
        }
        strip_nulls(&mut event);
        // No `<` at all inside the script element: neither `</script>` nor `<!--` in a title can
        // end it or change how the browser reads it.
        serde_json::to_string(&event)
            .unwrap_or_default()
            .replace('<', "\\u003c")
    }

    /// A day's schedule of rendered `cards`, keeping only the entries `keep` accepts; `None`
    /// when none is left.
    pub fn day(
        &self,
        day: &Day,
        keep: &dyn Fn(usize) -> bool,
        card: &dyn Fn(usize) -> String,
    ) -> Option<Value> {
        let cards = |indexes: &[usize]| -> Vec<String> {
            indexes
                .iter()
                .filter(|&&i| keep(i))
                .map(|&i| card(i))
                .collect()
        };
        let all_day = cards(&day.all_day);
        let slots: Vec<Value> = day
            .slots
            .iter()
            .filter_map(|slot| {
                let entries = cards(&slot.entries);
                (!entries.is_empty()).then(|| {
                    let time = match slot.continued {
                        true => self.t.get("continued").to_string(),
                        false => self.lang.time(slot.start),
                    };
                    object([
                        ("time", time.into()),
                        ("datetime", slot.start.strftime("%H:%M").to_string().into()),
                        ("continued", slot.continued.into()),
                        ("entries", entries.into()),
                    ])
                })
            })
            .collect();
        let count = all_day.len()
            + slots
                .iter()
                .map(|s| s["entries"].as_array().map_or(0, Vec::len))
                .sum::<usize>();
        (count > 0).then(|| {
            object([
                ("date", day.date.to_string().into()),
                ("label", self.lang.long_date(day.date).into()),
                ("short", self.lang.date(day.date).into()),
                ("url", self.link(&day.path()).into()),
                ("count", count.into()),
                ("all_day", all_day.into()),
                ("slots", slots.into()),
            ])
        })
    }

    /// Every day of the week (and any day outside it that has entries) with its number of entries.
    pub fn week(&self) -> Vec<Value> {
        let week = self.site.config.week;
        let mut dates: Vec<Date> = week
            .start
            .series(jiff::ToSpan::day(1))
            .take_while(|d| *d <= week.end)
            .collect();
        dates.extend(
            self.site
                .days
                .iter()
                .map(|d| d.date)
                .filter(|d| !week.contains(*d)),
        );
        dates.sort();
        dates
            .into_iter()
            .map(|date| {
                let day = self.site.days.iter().find(|d| d.date == date);
                json!({
                    "date": date.to_string(),
                    "label": self.lang.long_date(date),
                    "short": self.lang.date(date),
                    "url": day.map(|d| self.link(&d.path())),
                    "count": day.map_or(0, Day::entry_count),
                })
            })
            .collect()
    }

    pub fn organiser(&self, index: usize) -> Value {
        let organiser = &self.site.organisers[index];
        json!({
            "name": organiser.name,
            "url": self.link(&organiser.path()),
            "website": organiser.website,
            "email": organiser.email,
            "phone": organiser.phone,
            "municipality": organiser.municipality,
            "body": organiser.body_html,
            "count": organiser.entries.len(),
            "folder": organiser.folder,
            "embed": self.embed(&crate::render::embeds::organiser_path(organiser)),
        })
    }

    /// What a partner needs to show an embed on its own pages: its address, the fragment's,
    /// and the origin its height messages come from.
    fn embed(&self, path: &str) -> Value {
        let config = &self.site.config;
        let url = config.absolute(path);
        let origin = config
            .base_url
            .trim_end_matches(&config.base_path)
            .to_string();
        json!({
            "url": url,
            "fragment": format!("{url}{}", crate::render::embeds::FRAGMENT),
            "origin": origin,
        })
    }

    pub fn memo_card(&self, index: usize) -> Value {
        let memo = &self.site.memos[index];
        json!({
            "title": memo.title,
            "url": self.site.config.root_link(&memo.path),
            "date": self.lang.date(memo.date),
            "datetime": memo.date.to_string(),
            "year": memo.year,
            "themes": self.theme_links(&memo.themes),
            "participants": memo.participants,
            "points": memo.points,
        })
    }

    pub fn memo(&self, index: usize) -> Value {
        let memo = &self.site.memos[index];
        let mut card = self.memo_card(index);
        merge(
            &mut card,
            json!({
                "body": memo.body_html,
                "event": memo.event.map(|e| self.card(e)),
            }),
        );
        card
    }

    /// Memos grouped by year, newest year first.
    pub fn memo_years(&self) -> Vec<Value> {
        let mut years: Vec<(i16, Vec<Value>)> = Vec::new();
        for (i, memo) in self.site.memos.iter().enumerate() {
            match years.last_mut() {
                Some((year, list)) if *year == memo.year => list.push(self.memo_card(i)),
                _ => years.push((memo.year, vec![self.memo_card(i)])),
            }
        }
        years.sort_by_key(|y| std::cmp::Reverse(y.0));
        years
            .into_iter()
            .map(|(year, memos)| json!({"year": year, "memos": memos}))
            .collect()
    }
}

impl Views<'_> {
    /// The calendar page's list: each feed with its https and webcal addresses.
    pub fn feed_groups(&self, feeds: &[crate::feeds::Feed]) -> Vec<Value> {
        crate::feeds::by_group(feeds)
            .into_values()
            .map(|(group, feeds)| {
                let feeds: Vec<Value> = feeds
                    .iter()
                    .map(|f| {
                        let https = self.site.config.absolute(&f.path);
                        let webcal = format!("webcal://{}", https.split_once("://").map_or(https.as_str(), |(_, r)| r));
                        json!({
                            "title": f.title, "url": https, "webcal": webcal, "count": f.entries.len(), "id": crate::slug::slugify(&f.path),
                            "google": format!("https://calendar.google.com/calendar/r?cid={}", query_encode(&webcal)),
                            "outlook": format!("https://outlook.live.com/calendar/0/addfromweb?url={}&name={}", query_encode(&https), query_encode(&f.title)),
                        })
                    })
                    .collect();
                json!({"title": self.t.get(group), "id": crate::slug::slugify(self.t.get(group)), "feeds": feeds})
            })
            .collect()
    }
}

/// Memo themes: each with its memos (newest first), by label.
pub struct Theme {
    pub slug: String,
    pub label: String,
    pub memos: Vec<usize>,
}

pub fn themes(site: &Site) -> Vec<Theme> {
    let mut themes: std::collections::BTreeMap<String, Theme> = std::collections::BTreeMap::new();
    for (i, memo) in site.memos.iter().enumerate() {
        for label in &memo.themes {
            let slug = crate::slug::slugify(label);
            if slug.is_empty() {
                continue;
            }
            let theme = themes.entry(slug.clone()).or_insert_with(|| Theme {
                slug,
                label: label.clone(),
                memos: Vec::new(),
            });
            if !theme.memos.contains(&i) {
                theme.memos.push(i);
            }
        }
    }
    themes.into_values().collect()
}

pub fn theme_path(slug: &str) -> String {
    format!("muistiot/teemat/{slug}/")
}

impl Views<'_> {
    pub fn theme_links(&self, labels: &[String]) -> Vec<Value> {
        labels
            .iter()
            .map(|l| json!({"label": l, "url": self.site.config.root_link(&theme_path(&crate::slug::slugify(l)))}))
            .collect()
    }

    /// Every memo's points under each of its themes (memos without a theme under "Muut"),
    /// newest first.
    pub fn points(&self) -> Vec<Value> {
        let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
        // Themes are one whatever their capitals: the first spelling names the group.
        let mut by_slug: BTreeMap<String, usize> = BTreeMap::new();
        let mut add = |label: &str, value: Value| {
            let group = *by_slug
                .entry(crate::slug::slugify(label))
                .or_insert_with(|| {
                    groups.push((label.to_string(), Vec::new()));
                    groups.len() - 1
                });
            groups[group].1.push(value);
        };
        for (i, memo) in self.site.memos.iter().enumerate() {
            let themes: Vec<&str> = if memo.themes.is_empty() {
                vec!["Muut"]
            } else {
                memo.themes.iter().map(String::as_str).collect()
            };
            for point in &memo.points {
                for theme in &themes {
                    add(theme, json!({"text": point, "memo": self.memo_card(i)}));
                }
            }
        }
        groups.sort_by_key(|(label, _)| (label == "Muut", label.to_lowercase()));
        groups
            .into_iter()
            .map(|(label, points)| json!({"label": label, "id": crate::slug::slugify(&label), "points": points}))
            .collect()
    }

    /// The points for decision-makers of the memos of `year`, by theme.
    fn points_of(&self, year: i16) -> Vec<Value> {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for memo in self.site.memos.iter().filter(|m| m.year == year) {
            let themes: Vec<&str> = match memo.themes.is_empty() {
                true => vec!["Muut"],
                false => memo.themes.iter().map(String::as_str).collect(),
            };
            for point in &memo.points {
                for theme in &themes {
                    groups
                        .entry(theme.to_string())
                        .or_default()
                        .push(point.clone());
                }
            }
        }
        groups
            .into_iter()
            .map(|(theme, points)| json!({"theme": theme, "points": points}))
            .collect()
    }

    pub fn stats(&self, stats: &crate::stats::Stats) -> Value {
        let row = |r: &crate::stats::Row, max: u64| {
            json!({
                "label": r.label, "entries": r.entries, "reported": r.reported,
                "unreported": r.unreported(), "attendance": r.attendance,
                "percent": if max == 0 { 0.0 } else { (r.attendance as f64 * 1000.0 / max as f64).round() / 10.0 },
            })
        };
        let breakdowns: Vec<Value> = stats
            .breakdowns
            .iter()
            .map(|b| {
                let max = b.rows.iter().map(|r| r.attendance).max().unwrap_or(0);
                json!({"key": b.key, "title": b.title, "overlapping": b.overlapping, "rows": b.rows.iter().map(|r| row(r, max)).collect::<Vec<_>>()})
            })
            .collect();
        let most = stats
            .years
            .iter()
            .map(|y| y.attendance + y.session_attendance)
            .max()
            .unwrap_or(0)
            .max(1);
        let years: Vec<Value> = stats
            .years
            .iter()
            .map(|y| {
                let value = y.attendance + y.session_attendance;
                json!({
                    "year": y.year, "entries": y.entries, "organisers": y.organisers, "reported": y.reported,
                    "attendance": y.attendance, "sessions": y.sessions, "session_attendance": y.session_attendance,
                    "memos": y.memos, "participants": y.participants, "points": y.points,
                    "label": y.year.to_string(), "value": value, "percent": value * 100 / most,
                })
            })
            .collect();
        json!({
            "total": row(&stats.total, stats.total.attendance),
            "cancelled": stats.cancelled,
            "memos": stats.memos,
            "memo_participants": stats.memo_participants,
            "breakdowns": breakdowns,
            "years": years,
            "missing": stats.missing,
        })
    }
}

impl Views<'_> {
    /// Links that add the event to Google Calendar and Outlook.com through their add-event
    /// pages, where a downloaded .ics does not work (Android).
    fn add_event(&self, entry: &Entry) -> Value {
        let utc = |z: &jiff::Zoned| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
        let iso = |z: &jiff::Zoned| z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        let (google_dates, outlook_dates) = match &entry.when {
            When::Timed { start, end } => {
                let end = end.as_ref().unwrap_or(start);
                (
                    format!("{}/{}", utc(start), utc(end)),
                    format!("startdt={}&enddt={}", iso(start), iso(end)),
                )
            }
            When::AllDay { first, last } => {
                let after = last.tomorrow().unwrap_or(*last);
                (
                    format!("{}/{}", first.strftime("%Y%m%d"), after.strftime("%Y%m%d")),
                    format!("startdt={first}&enddt={after}&allday=true"),
                )
            }
        };
        let details = format!(
            "{}\n\n{}",
            entry
                .summary
                .clone()
                .unwrap_or_else(|| crate::markdown::excerpt(&entry.body_text, 300)),
            self.site.config.absolute(&entry.path)
        );
        let title = query_encode(&entry.title);
        let place = query_encode(&crate::feeds::location(entry).unwrap_or_default());
        let details = query_encode(details.trim());
        json!({
            "google": format!("https://calendar.google.com/calendar/render?action=TEMPLATE&text={title}&dates={google_dates}&details={details}&location={place}"),
            "outlook": format!("https://outlook.live.com/calendar/0/action/compose?rru=addevent&subject={title}&{outlook_dates}&body={details}&location={place}"),
        })
    }

    /// What the star button keeps of an entry in the browser, for "my programme".
    fn star(&self, entry: &Entry) -> String {
        let (start, end, all_day) = match &entry.when {
            When::Timed { start, end } => (
                start.timestamp().to_string(),
                end.as_ref().map(|e| e.timestamp().to_string()),
                false,
            ),
            When::AllDay { first, last } => (
                first.to_string(),
                Some(last.tomorrow().unwrap_or(*last).to_string()),
                true,
            ),
        };
        json!({
            "id": entry.id, "title": entry.title, "url": self.site.config.absolute(&entry.path),
            "day": entry.first_day().to_string(), "label": self.lang.date(entry.first_day()),
            "time": self.when(&entry.when)["time"], "start": start, "end": end, "allDay": all_day,
            "location": crate::feeds::location(entry), "cancelled": entry.status == Status::Cancelled,
            "status": Some(self.t.status(entry.status)).filter(|s| !s.is_empty()),
        })
        .to_string()
    }
}

impl Views<'_> {
    /// The changes since the programme was first published, newest first, for the changes page
    /// and its feed.
    pub fn changes(&self) -> Vec<Value> {
        let site = self.site;
        let config = &site.config;
        let by_id: std::collections::HashMap<&str, usize> = site
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        site.changes
            .iter()
            .rev()
            .map(|change| {
                let entry = by_id.get(change.id.as_str()).map(|&i| &site.entries[i]);
                let at = change.at.to_zoned(config.tz.clone());
                let key = match change.kind.as_str() {
                    "new" => "change_new",
                    "time" => "change_time",
                    "cancelled" => "change_cancelled",
                    "postponed" => "change_postponed",
                    "moved-online" => "change_moved_online",
                    "scheduled" => "change_scheduled",
                    // A kind a later version wrote: shown as written.
                    other => other,
                };
                let label = self.t.get(key).to_string();
                let detail = match (change.kind.as_str(), entry) {
                    ("time", Some(entry)) => self.time_change(change, entry),
                    _ => None,
                };
                let url = entry.map(|e| config.absolute(&e.path));
                json!({
                    "date": self.lang.date(at.date()),
                    "datetime": at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                    "title": entry.map_or(change.id.as_str(), |e| e.title.as_str()),
                    "url": entry.map(|e| self.link(&e.path)),
                    "absolute": url,
                    "id": format!("{}#muutos-{}-{}", url.as_deref().unwrap_or(&config.absolute("muutokset/")), change.at.as_second(), change.kind),
                    "kind": change.kind,
                    "label": label,
                    "detail": detail,
                    "when": entry.map(|e| self.when(&e.when)),
                })
            })
            .collect()
    }

    /// "previously Tue 17.11., 14:00; now Wed 18.11., 14–15.30" for a time change.
    fn time_change(&self, change: &crate::revisions::Change, entry: &Entry) -> Option<String> {
        let before = self.previous_time_of(change)?;
        let now = self.when(&entry.when);
        let now = format!(
            "{} {}",
            now["date"].as_str().unwrap_or_default(),
            now["time"].as_str().unwrap_or_default()
        );
        Some(format!(
            "{} {before}; {} {}",
            self.t.get("earlier_time"),
            self.t.get("now_time"),
            now.trim()
        ))
    }

    fn previous_time_of(&self, change: &crate::revisions::Change) -> Option<String> {
        let when = crate::changes::read_start(change.before.as_deref()?, &self.site.config)?;
        Some(match &when {
            When::Timed { start, .. } => format!(
                "{} {}",
                self.lang.date(start.date()),
                self.lang.time(start.time())
            ),
            When::AllDay { first, .. } => self.lang.date(*first),
        })
    }

    /// The time an entry had before its last change of time, when it has changed since the
    /// programme was published.
    fn previous_time(&self, entry: &Entry) -> Option<String> {
        let change = self
            .site
            .changes
            .iter()
            .rev()
            .find(|c| c.id == entry.id && c.kind == "time")?;
        (change.before.as_deref() != Some(crate::changes::state(entry).start.as_str()))
            .then(|| self.previous_time_of(change))
            .flatten()
    }
}

/// A map of the place: by its coordinates when it has them, else a search for its address.
fn map_link(place: &Place) -> Option<String> {
    if let Some((lat, lon)) = place.coordinates {
        return Some(format!(
            "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
        ));
    }
    let address: Vec<&str> = [place.address.as_deref(), place.municipality.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    let query = match (place.address.as_deref(), address.is_empty()) {
        (None, _) | (_, true) => return None,
        _ => address.join(", "),
    };
    Some(format!(
        "https://www.openstreetmap.org/search?query={}",
        query_encode(&query)
    ))
}

/// A value for a URL's query string: everything but unreserved characters percent-encoded.
pub fn query_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A JSON object of `fields`, moved in. `json!` would copy each value by serializing it again,
/// which for a listing is every card it holds.
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}
