//! From raw sources to the model: every field read, typed and checked, every problem of the run
//! collected. When there are errors no `Site` comes out, so nothing half-checked is ever rendered.

pub mod fields;
pub mod frontmatter;

use fields::{Fields, Yaml};

use std::collections::{BTreeMap, HashMap};

use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rayon::prelude::*;

use crate::cache::{Cache, Fingerprint, remember};
use crate::diagnostics::{Diagnostic, Diagnostics, Span, backticked_list, did_you_mean};
use crate::load::{SITE_FILE, SourceFile, Sources};
use crate::markdown::{self, Links};
use crate::model::*;
use crate::slug::slugify;
use crate::times::{self, Lang, TimeInput};

const SITE_KEYS: [&str; 11] = [
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "week",
    "audiences",
    "formats",
    "theme",
    "contact",
    "series",
];
const PROFILE_KEYS: [&str; 5] = ["name", "website", "email", "phone", "municipality"];
const ENTRY_KEYS: [&str; 17] = [
    "title",
    "summary",
    "start",
    "end",
    "place",
    "online",
    "audience",
    "format",
    "language",
    "price",
    "registration",
    "accessibility",
    "status",
    "series",
    "feedback",
    "attendance",
    "tags",
];
const MEMO_KEYS: [&str; 6] = ["title", "date", "event", "themes", "participants", "points"];
const PAGE_KEYS: [&str; 1] = ["title"];

/// Top-level paths the site itself uses; a page may not take them.
pub const RESERVED_PATHS: [&str; 13] = [
    "assets",
    "viestit",
    "ohjelma",
    "paiva",
    "jarjestajat",
    "kohderyhma",
    "muistiot",
    "kalenteri",
    "sarja",
    "haku",
    "tilastot",
    "teemat",
    "static",
];

pub fn validate(sources: &Sources, cache: Option<&Cache>) -> (Option<Site>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let config = read_config(sources, &mut problems);
    // Every entry is read against the settings: without them each would report the same
    // unknown audiences and times, burying the one mistake in site.yaml.
    if !settings_readable(sources) {
        return (None, problems);
    }
    // An entry is read with the settings, which come from this file alone.
    let settings = sources.site.as_ref().map_or("", |f| f.text.as_str());

    let mut organisers = Vec::new();
    let mut drafts = Vec::new();
    for (index, folder) in sources.organisers.iter().enumerate() {
        let unreadable = sources
            .unreadable
            .contains(&format!("content/programme/{}/_index.md", folder.folder));
        organisers.push(read_organiser(folder, unreadable, &mut problems));
        drafts.extend(folder.entries.iter().map(|file| (index, file)));
    }
    let entries: Vec<_> = drafts
        .par_iter()
        .map(|(organiser, file)| {
            let has_profile = organisers[*organiser].is_some();
            let inputs = |f: Fingerprint| {
                f.text("entry")
                    .text(settings)
                    .text(&file.rel)
                    .text(&file.text)
                    .number(u64::from(has_profile))
            };
            remember(cache, inputs, || read_entry(file, has_profile, &config))
        })
        .collect();
    let mut kept = Vec::with_capacity(entries.len());
    for (entry, found) in entries {
        problems.extend(found);
        kept.extend(entry);
    }
    let memos: Vec<_> = sources.memos.iter().map(read_memo).collect();
    let pages: Vec<_> = sources.pages.iter().map(read_page).collect();
    let mut memos_kept = Vec::new();
    for (memo, found) in memos {
        problems.extend(found);
        memos_kept.extend(memo);
    }
    let mut pages_kept = Vec::new();
    for (page, found) in pages {
        problems.extend(found);
        pages_kept.extend(page);
    }
    let organisers: Vec<Draft<Organiser>> = organisers.into_iter().flatten().collect();
    check_memo_events(&memos_kept, sources, &mut problems);

    let targets = publish_paths(
        &organisers,
        &kept,
        &memos_kept,
        &pages_kept,
        sources,
        &mut problems,
    );
    let links = Links {
        targets: &targets,
        base_path: &config.base_path,
    };
    let markdown = Markdown {
        links: &links,
        cache,
        links_fingerprint: cache.map_or(0, |_| links.fingerprint()),
    };
    let organisers = markdown.render_all(organisers, &mut problems, |o, r| o.body_html = r.html);
    let entries = markdown.render_all(kept, &mut problems, |e, r| {
        e.body_html = r.html;
        e.body_text = r.text;
    });
    let memos = markdown.render_all(memos_kept, &mut problems, |m, r| {
        m.body_html = r.html;
        m.body_text = r.text;
    });
    let pages = markdown.render_all(pages_kept, &mut problems, |p, r| p.body_html = r.html);

    let mut site = assemble(config, organisers, entries, memos, pages, sources);
    if let Some(file) = &sources.calendar_lock {
        match crate::revisions::Revisions::parse(file) {
            Ok(revisions) => site.revisions = revisions,
            Err(problem) => problems.push(problem),
        }
    }
    link_memos(&mut site);
    let problems = problems.sorted();
    if problems.has_errors() {
        (None, problems)
    } else {
        (Some(site), problems)
    }
}

/// A model value read from a file whose Markdown body is still to be rendered.
#[derive(Clone)]
struct Draft<T> {
    value: T,
    file: SourceFile,
    body_offset: usize,
    /// False when its fields had errors: the body is still rendered, so its link problems are
    /// reported in the same run, but the value is left out of the site.
    ok: bool,
}

/// How bodies are rendered in this build: with these link targets, and maybe a cache.
struct Markdown<'a> {
    links: &'a Links<'a>,
    cache: Option<&'a Cache>,
    links_fingerprint: u64,
}

impl Markdown<'_> {
    fn render_all<T: Send>(
        &self,
        drafts: Vec<Draft<T>>,
        problems: &mut Diagnostics,
        set: impl Fn(&mut T, markdown::Rendered) + Sync,
    ) -> Vec<T> {
        let rendered: Vec<(Option<T>, Vec<Diagnostic>)> = drafts
            .into_par_iter()
            .map(|mut draft| {
                let inputs = |f: Fingerprint| {
                    f.text("markdown")
                        .number(self.links_fingerprint)
                        .text(&draft.file.rel)
                        .text(&draft.file.text)
                        .number(draft.body_offset as u64)
                };
                let mut out = remember(self.cache, inputs, || {
                    markdown::render(&draft.file, draft.body_offset, self.links)
                });
                let found = std::mem::take(&mut out.problems);
                set(&mut draft.value, out);
                (draft.ok.then_some(draft.value), found)
            })
            .collect();
        rendered
            .into_iter()
            .filter_map(|(value, found)| {
                problems.extend(found);
                value
            })
            .collect()
    }
}

fn parse<'a>(file: &'a SourceFile, problems: &mut Vec<Diagnostic>) -> Option<(Fields<'a>, usize)> {
    let split = match frontmatter::split(file) {
        Ok(split) => split,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let yaml = Yaml {
        file,
        text: split.yaml,
        offset: split.yaml_offset,
    };
    match yaml.parse() {
        Ok(fields) => Some((fields, split.body_offset)),
        Err(problem) => {
            problems.push(problem);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// site.yaml

/// The settings alone, for what must start before the content is checked (the theme); their
/// problems are reported by [`validate`].
pub fn settings(sources: &Sources) -> Config {
    read_config(sources, &mut Diagnostics::default())
}

/// Whether site.yaml is there and its fields can be read, whatever their values.
fn settings_readable(sources: &Sources) -> bool {
    sources.site.as_ref().is_some_and(|file| {
        let yaml = Yaml {
            file,
            text: &file.text,
            offset: 0,
        };
        yaml.parse().is_ok()
    })
}

fn read_config(sources: &Sources, problems: &mut Diagnostics) -> Config {
    let mut config = Config {
        title: String::new(),
        description: String::new(),
        base_url: "http://localhost/".into(),
        base_path: "/".into(),
        lang: Lang::Fi,
        tz_name: "Europe/Helsinki".into(),
        tz: TimeZone::UTC,
        week: Week {
            start: Date::constant(2026, 1, 1),
            end: Date::constant(2026, 1, 1),
        },
        audiences: Vec::new(),
        formats: Vec::new(),
        series: Vec::new(),
        theme: "default".into(),
        contact: None,
    };
    let Some(file) = &sources.site else {
        if sources.unreadable.contains(SITE_FILE) {
            return config;
        }
        problems.push(
            Diagnostic::error(SITE_FILE, "the site has no settings file")
                .with_help("create content/site.yaml with at least `title`, `base_url`, `week` and `audiences` (see README)"),
        );
        return config;
    };
    let yaml = Yaml {
        file,
        text: &file.text,
        offset: 0,
    };
    let mut fields = match yaml.parse() {
        Ok(fields) => fields,
        Err(problem) => {
            problems.push(problem);
            return config;
        }
    };
    config.title = fields
        .required_text("title", "Rakenteellisen sosiaalityön viikko 2026")
        .unwrap_or_default();
    config.description = fields.text("description").unwrap_or_default();
    if let Some(url) = fields.url("base_url") {
        config.set_base_url(&url);
    } else if !fields.reported("base_url") {
        fields.missing("base_url", "https://www.example.fi/viikko/");
    }
    if let Some(code) = fields.text("language") {
        match Lang::from_code(&code) {
            Some(lang) => config.lang = lang,
            None => fields.error(
                "language",
                format!("the site language `{code}` is not supported"),
                "write `fi`, `sv` or `en`",
            ),
        }
    }
    if let Some(name) = fields.text("timezone") {
        config.tz_name = name;
    }
    match jiff::tz::db().get(&config.tz_name) {
        Ok(tz) => config.tz = tz,
        Err(_) => fields.error(
            "timezone",
            format!("`{}` is not a time zone name", config.tz_name),
            "write a name from the time zone database, e.g. `Europe/Helsinki`",
        ),
    }
    read_week(&mut fields, &mut config);
    config.audiences = read_terms(&mut fields, "audiences");
    if config.audiences.is_empty() && !fields.reported("audiences") {
        fields.missing("audiences", "{kaikki: Kaikille avoin}");
    }
    config.formats = read_terms(&mut fields, "formats");
    config.series = read_terms(&mut fields, "series");
    if let Some(theme) = fields.text("theme") {
        match theme == "default" || sources.themes.contains(&theme) {
            true => config.theme = theme,
            false => unknown_theme(&mut fields, &theme, &sources.themes),
        }
    }
    if let Some(mut contact) = fields.group("contact") {
        let name = contact.required_text("name", "Viikon koordinaatio");
        let email = contact.email("email");
        if email.is_none() && contact.text("email").is_none() {
            contact.missing("email", "info@example.fi");
        }
        if let (Some(name), Some(email)) = (name, email) {
            config.contact = Some(Contact { name, email });
        }
        let found = contact.finish(&["name", "email"]);
        fields.absorb(found);
    }
    problems.extend(fields.finish(&SITE_KEYS));
    config
}

/// A theme is a folder under `themes/`, named by its folder name alone: nothing from elsewhere on
/// the computer is published.
fn unknown_theme(fields: &mut Fields, theme: &str, themes: &[String]) {
    let names = themes.iter().map(String::as_str).chain(["default"]);
    let help = if theme.contains(['/', '\\']) {
        "a theme is the name of a folder under themes/: `oma` for themes/oma/".to_string()
    } else if let Some(near) = did_you_mean(theme, names) {
        format!("did you mean `{near}`?")
    } else {
        format!("create themes/{theme}/templates/, or remove `theme` to use the default theme")
    };
    fields.error("theme", format!("there is no theme `{theme}`"), help);
}

fn read_week(fields: &mut Fields, config: &mut Config) {
    let Some(mut week) = fields.group("week") else {
        fields.missing("week", "{start: 2026-11-16, end: 2026-11-22}");
        return;
    };
    let start = week.date("start");
    let end = week.date("end");
    match (start, end) {
        (Some(start), Some(end)) if end >= start => config.week = Week { start, end },
        (Some(_), Some(_)) => week.error(
            "end",
            "the week ends before it starts",
            "`end` is the last day of the week, on or after `start`",
        ),
        (None, _) if week.text("start").is_none() => week.missing("start", "2026-11-16"),
        (_, None) if week.text("end").is_none() => week.missing("end", "2026-11-22"),
        _ => {}
    }
    let found = week.finish(&["start", "end"]);
    fields.absorb(found);
}

/// A vocabulary: `key: Label` lines. Keys appear in URLs, so they must already be slugs.
fn read_terms(fields: &mut Fields, key: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for (term, label) in fields.pairs(key).unwrap_or_default() {
        let label = match label {
            serde_yaml::Value::String(s) => s,
            _ => {
                fields.error_at_value(
                    key,
                    &term,
                    format!("`{term}` needs a label"),
                    format!("write `{term}: Label shown to readers`"),
                );
                continue;
            }
        };
        if slugify(&term) != term {
            fields.error_at_value(
                key,
                &term,
                format!("`{term}` cannot be used as a key: keys appear in web addresses"),
                format!(
                    "write it as `{}` (lower-case letters a–z, digits and `-`)",
                    slugify(&term)
                ),
            );
            continue;
        }
        terms.push(Term { key: term, label });
    }
    if terms.len() > MAX_TERMS {
        fields.error(
            key,
            format!(
                "{} are listed here; a site can have at most {MAX_TERMS}",
                terms.len()
            ),
            "group them into fewer: each one gets a page and a feed, and every page lists them all",
        );
    }
    terms
}

/// The most audiences, formats or series a site may list. A week has a handful; every page
/// lists them all, so thousands would make the site grow with their square.
const MAX_TERMS: usize = 60;

// ---------------------------------------------------------------------------------------------
// Organisers and entries

/// Reads an organiser's profile; `unreadable` when it is there but could not be read (and that
/// was reported).
fn read_organiser(
    folder: &crate::load::OrganiserSources,
    unreadable: bool,
    problems: &mut Diagnostics,
) -> Option<Draft<Organiser>> {
    let rel = format!("content/programme/{}/_index.md", folder.folder);
    let Some(file) = &folder.profile else {
        if unreadable {
            return None;
        }
        problems.push(
            Diagnostic::error(
                &rel,
                format!("the organiser folder `{}` has no profile", folder.folder),
            )
            .with_help(format!(
                "create {rel} with at least:\n---\nname: Organisaation nimi\n---"
            )),
        );
        return None;
    };
    let mut found = Vec::new();
    let parsed = parse(file, &mut found);
    problems.extend(found);
    let (mut fields, body_offset) = parsed?;
    let name = fields.required_text("name", "Organisaation nimi");
    let organiser = Organiser {
        folder: folder.folder.clone(),
        slug: slugify(&folder.folder),
        name: name.clone().unwrap_or_default(),
        website: fields.url("website"),
        email: fields.email("email"),
        phone: fields.text("phone"),
        municipality: fields.text("municipality"),
        body_html: String::new(),
        entries: Vec::new(),
        source: file.rel.clone(),
    };
    problems.extend(fields.finish(&PROFILE_KEYS));
    if organiser.slug.is_empty() {
        problems.push(
            Diagnostic::error(&rel, "the folder name makes an empty web address")
                .with_help("rename the folder with letters, e.g. `porin-kaupunki`"),
        );
    }
    name.map(|_| Draft {
        value: organiser,
        file: file.clone(),
        body_offset,
        ok: true,
    })
}

type Read<T> = (Option<Draft<T>>, Vec<Diagnostic>);

fn read_entry(file: &SourceFile, has_profile: bool, config: &Config) -> Read<Entry> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, &mut problems) else {
        return (None, problems);
    };
    let folder = file
        .dir()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let stem = file.stem().to_string();
    let title = fields.required_text("title", "Tilaisuuden nimi");
    let when = read_when(&mut fields, config);
    let place = read_place(&mut fields);
    let online = fields.url("online");
    if place.is_none()
        && online.is_none()
        && !fields.reported("place")
        && !fields.reported("online")
    {
        fields.missing(
            "place",
            "{name: Porin kaupunginkirjasto, address: Gallen-Kallelan katu 2, municipality: Pori}",
        );
    }
    let audiences = read_audiences(&mut fields, config);
    let format = read_format(&mut fields, config);
    let language = read_language(&mut fields, config);
    let entry = Entry {
        id: format!("{folder}/{stem}"),
        path: format!("ohjelma/{}/{}/", slugify(&folder), slugify(&stem)),
        organiser: 0,
        title: title.unwrap_or_default(),
        summary: fields.text("summary"),
        when: when.clone().unwrap_or(When::AllDay {
            first: config.week.start,
            last: config.week.start,
        }),
        place,
        online,
        audiences,
        format,
        language,
        price: fields.text("price"),
        registration: read_registration(&mut fields),
        accessibility: fields.text("accessibility"),
        status: read_status(&mut fields),
        series: read_series(&mut fields, config),
        feedback: fields.url("feedback"),
        attendance: fields.count("attendance"),
        tags: fields.list("tags"),
        body_html: String::new(),
        body_text: String::new(),
        memos: Vec::new(),
        source: file.rel.clone(),
    };
    if let Some(when) = &when {
        warn_outside_week(&mut fields, when, config.week);
    }
    if slugify(&stem).is_empty() {
        fields.error(
            "title",
            format!("the file name `{stem}.md` makes an empty web address"),
            "rename the file with letters, e.g. `asukaskahvila.md`",
        );
    }
    problems.extend(fields.finish(&ENTRY_KEYS));
    let ok = problems.iter().all(|p| !p.is_error()) && has_profile && when.is_some();
    (
        Some(Draft {
            value: entry,
            file: file.clone(),
            body_offset,
            ok,
        }),
        problems,
    )
}

fn read_when(fields: &mut Fields, config: &Config) -> Option<When> {
    let end = fields.time("end");
    let Some(start) = fields.time("start") else {
        if fields.text("start").is_none() {
            fields.missing("start", "2026-11-17 14:00");
        }
        return None;
    };

    match start {
        TimeInput::Date(first) => {
            let last = match end {
                None => first,
                Some(TimeInput::Date(last)) if last >= first => last,
                Some(TimeInput::Date(_)) => {
                    fields.error(
                        "end",
                        "the entry ends before it starts",
                        "`end` is the last day of the entry, on or after `start`",
                    );
                    return None;
                }
                Some(_) => {
                    fields.error(
                        "end",
                        "`start` is a date without a time, but `end` has a time",
                        "give both a time (`2026-11-17 14:00`) or both only a date (all-day)",
                    );
                    return None;
                }
            };
            Some(When::AllDay { first, last })
        }
        start => {
            let start = zoned(fields, "start", start, config)?;
            let Some(end) = end else {
                if fields.text("end").is_none() {
                    fields.missing("end", "2026-11-17 16:00");
                }
                return None;
            };
            if let TimeInput::Date(_) = end {
                fields.error(
                    "end",
                    "`end` needs a time, because `start` has one",
                    "write e.g. `end: 2026-11-17 16:00`",
                );
                return None;
            }
            let end = zoned(fields, "end", end, config)?;
            if end <= start {
                fields.error(
                    "end",
                    format!(
                        "the entry ends ({}) before it starts ({})",
                        end.strftime("%Y-%m-%d %H:%M"),
                        start.strftime("%Y-%m-%d %H:%M")
                    ),
                    "`end` is when the event finishes, after `start`",
                );
                return None;
            }
            Some(When::Timed { start, end })
        }
    }
}

fn zoned(fields: &mut Fields, key: &str, time: TimeInput, config: &Config) -> Option<Zoned> {
    match time {
        TimeInput::Exact(ts) => Some(ts.to_zoned(config.tz.clone())),
        TimeInput::Local(local) => match times::resolve(local, &config.tz, &config.tz_name) {
            Ok(zoned) => Some(zoned),
            Err((message, help)) => {
                fields.error(key, message, help);
                None
            }
        },
        TimeInput::Date(_) => None,
    }
}

fn read_place(fields: &mut Fields) -> Option<Place> {
    let mut group = fields.group("place")?;
    let place = Place {
        name: group.text("name"),
        address: group.text("address"),
        municipality: group.text("municipality"),
    };
    if place.name.is_none() && place.address.is_none() {
        group.missing("name", "Porin kaupunginkirjasto");
    }
    let found = group.finish(&["name", "address", "municipality"]);
    fields.absorb(found);
    Some(place)
}

fn read_registration(fields: &mut Fields) -> Option<Registration> {
    let mut group = fields.group("registration")?;
    let registration = Registration {
        url: group.url("url"),
        deadline: group.date("deadline"),
        note: group.text("note"),
    };
    let found = group.finish(&["url", "deadline", "note"]);
    fields.absorb(found);
    Some(registration)
}

fn read_audiences(fields: &mut Fields, config: &Config) -> Vec<usize> {
    let keys = fields.list("audience");
    if keys.is_empty() && !fields.reported("audience") {
        fields.missing(
            "audience",
            &format!(
                "[{}]",
                config.audiences.first().map_or("kaikki", |t| &t.key)
            ),
        );
        return Vec::new();
    }
    let mut indexes = Vec::new();
    for key in keys {
        match term_index(&config.audiences, &key) {
            Some(i) => indexes.push(i),
            None if config.audiences.is_empty() => {}
            None => unknown_term(fields, "audience", &key, &config.audiences, "audiences"),
        }
    }
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

fn read_format(fields: &mut Fields, config: &Config) -> Option<usize> {
    let key = fields.text("format")?;
    let index = term_index(&config.formats, &key);
    if index.is_none() {
        unknown_term(fields, "format", &key, &config.formats, "formats");
    }
    index
}

fn read_series(fields: &mut Fields, config: &Config) -> Option<String> {
    let key = fields.text("series")?;
    if !config.series.is_empty() && term_index(&config.series, &key).is_none() {
        unknown_term(fields, "series", &key, &config.series, "series");
        return None;
    }
    if slugify(&key) != key {
        fields.error(
            "series",
            format!("`{key}` cannot be used as a series key"),
            format!("write `{}`", slugify(&key)),
        );
        return None;
    }
    Some(key)
}

fn term_index(terms: &[Term], key: &str) -> Option<usize> {
    terms.iter().position(|t| t.key == key)
}

fn unknown_term(fields: &mut Fields, field: &str, key: &str, terms: &[Term], list: &str) {
    let allowed = backticked_list(terms.iter().map(|t| t.key.as_str()));
    let help = match did_you_mean(key, terms.iter().map(|t| t.key.as_str())) {
        Some(near) => {
            format!("did you mean `{near}`? The {list} are listed in content/site.yaml: {allowed}")
        }
        None => format!("use one of the {list} listed in content/site.yaml: {allowed}"),
    };
    fields.error_at_value(field, key, format!("unknown {field} `{key}`"), help);
}

fn read_language(fields: &mut Fields, config: &Config) -> String {
    let Some(code) = fields.text("language") else {
        return config.lang.code().to_string();
    };
    let valid = code.split('-').enumerate().all(|(i, part)| {
        let n = part.len();
        part.chars().all(|c| c.is_ascii_alphanumeric())
            && if i == 0 {
                (2..=3).contains(&n) && part.chars().all(|c| c.is_ascii_lowercase())
            } else {
                (1..=8).contains(&n)
            }
    });
    if !valid {
        fields.error(
            "language",
            format!("`{code}` is not a language code"),
            "write a two-letter code: `fi`, `sv`, `en`, `se` (North Sámi)…",
        );
        return config.lang.code().to_string();
    }
    code
}

fn read_status(fields: &mut Fields) -> Status {
    let Some(text) = fields.text("status") else {
        return Status::Scheduled;
    };
    if let Some((_, status)) = Status::ALL.iter().find(|(key, _)| *key == text) {
        return *status;
    }
    let keys = Status::ALL.iter().map(|(k, _)| *k);
    let help = match did_you_mean(&text, keys.clone()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("write one of {}", backticked_list(keys)),
    };
    fields.error("status", format!("unknown status `{text}`"), help);
    Status::Scheduled
}

// ---------------------------------------------------------------------------------------------
// Memos and pages

fn read_memo(file: &SourceFile) -> Read<Memo> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, &mut problems) else {
        return (None, problems);
    };
    let year_folder = file.dir().rsplit('/').next().unwrap_or_default();
    let year = year_folder
        .parse::<i16>()
        .ok()
        .filter(|y| year_folder.len() == 4 && *y > 1900);
    let title = fields.required_text("title", "SO sotessa -keskustelu: asuminen");
    let date = fields.date("date");
    if date.is_none() && fields.text("date").is_none() {
        fields.missing("date", "2026-11-18");
    }
    let memo = Memo {
        id: format!("{year_folder}/{}", file.stem()),
        path: format!("muistiot/{year_folder}/{}/", slugify(file.stem())),
        year: year.unwrap_or_default(),
        title: title.unwrap_or_default(),
        date: date.unwrap_or(Date::constant(2000, 1, 1)),
        event: None,
        event_id: fields.text("event"),
        themes: fields.list("themes"),
        participants: fields.count("participants"),
        points: fields.list("points"),
        body_html: String::new(),
        body_text: String::new(),
        source: file.rel.clone(),
    };
    if year.is_none() {
        fields.error(
            "date",
            format!("memos go in a folder named by year, not `{year_folder}`"),
            "move the file to content/memos/<year>/, e.g. content/memos/2026/",
        );
    } else if date.is_some_and(|d| d.year() != memo.year) {
        fields.warning(
            "date",
            format!(
                "the memo is dated {} but lies in the folder {year_folder}",
                memo.date
            ),
            "move it to the folder of its year",
        );
    }
    problems.extend(fields.finish(&MEMO_KEYS));
    let ok = problems.iter().all(|p| !p.is_error());
    (
        Some(Draft {
            value: memo,
            file: file.clone(),
            body_offset,
            ok,
        }),
        problems,
    )
}

fn read_page(file: &SourceFile) -> Read<Page> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, &mut problems) else {
        return (None, problems);
    };
    let page = Page {
        slug: slugify(file.stem()),
        title: fields
            .required_text("title", "Sivun otsikko")
            .unwrap_or_default(),
        body_html: String::new(),
        source: file.rel.clone(),
    };
    if RESERVED_PATHS.contains(&page.slug.as_str()) || page.slug.is_empty() || page.slug == "404" {
        fields.error(
            "title",
            format!(
                "the file name `{}` is taken by the site's own pages",
                file.stem()
            ),
            format!(
                "rename the file; names in use are {}",
                backticked_list(RESERVED_PATHS)
            ),
        );
    }
    problems.extend(fields.finish(&PAGE_KEYS));
    let ok = problems.iter().all(|p| !p.is_error());
    (
        Some(Draft {
            value: page,
            file: file.clone(),
            body_offset,
            ok,
        }),
        problems,
    )
}

// ---------------------------------------------------------------------------------------------
// The whole site

/// Maps every content file to the page it becomes, reporting two files that would make one page.
fn publish_paths(
    organisers: &[Draft<Organiser>],
    entries: &[Draft<Entry>],
    memos: &[Draft<Memo>],
    pages: &[Draft<Page>],
    sources: &Sources,
    problems: &mut Diagnostics,
) -> HashMap<String, String> {
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut targets = HashMap::new();
    let all = organisers
        .iter()
        .map(|o| (&o.file.rel, o.value.path()))
        .chain(entries.iter().map(|e| (&e.file.rel, e.value.path.clone())))
        .chain(memos.iter().map(|m| (&m.file.rel, m.value.path.clone())))
        .chain(pages.iter().map(|p| (&p.file.rel, p.value.path())));
    for (rel, path) in all {
        if let Some(first) = owner.get(&path) {
            problems.push(
                Diagnostic::error(rel, format!("this file and {first} both make the page `{path}`"))
                    .with_help("web addresses ignore capital letters, accents and punctuation; rename one of the files"),
            );
            continue;
        }
        owner.insert(path.clone(), rel.clone());
        targets.insert(rel.clone(), path);
    }
    for file in &sources.statics {
        targets.insert(
            format!("content/static/{}", file.output),
            file.output.clone(),
        );
    }
    targets
}

fn assemble(
    config: Config,
    mut organisers: Vec<Organiser>,
    mut entries: Vec<Entry>,
    mut memos: Vec<Memo>,
    mut pages: Vec<Page>,
    sources: &Sources,
) -> Site {
    organisers.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.folder.cmp(&b.folder))
    });
    let by_folder: HashMap<String, usize> = organisers
        .iter()
        .enumerate()
        .map(|(i, o)| (o.folder.clone(), i))
        .collect();
    entries.sort_by_cached_key(programme_order);
    for (i, entry) in entries.iter_mut().enumerate() {
        let folder = entry.id.split('/').next().unwrap_or_default();
        entry.organiser = by_folder[folder];
        organisers[entry.organiser].entries.push(i);
    }
    memos.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    let days = days(&entries);
    Site {
        config,
        organisers,
        entries,
        memos,
        pages,
        days,
        statics: sources.statics.clone(),
        revisions: Default::default(),
    }
}

fn programme_order(entry: &Entry) -> (Date, u8, jiff::civil::Time, String, String) {
    match &entry.when {
        When::AllDay { first, .. } => (
            *first,
            0,
            jiff::civil::Time::midnight(),
            entry.title.to_lowercase(),
            entry.id.clone(),
        ),
        When::Timed { start, .. } => (
            start.date(),
            1,
            start.time(),
            entry.title.to_lowercase(),
            entry.id.clone(),
        ),
    }
}

fn days(entries: &[Entry]) -> Vec<Day> {
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for date in entry.days() {
            let day = days.entry(date).or_insert_with(|| Day {
                date,
                all_day: Vec::new(),
                slots: Vec::new(),
            });
            match &entry.when {
                When::AllDay { .. } => day.all_day.push(i),
                When::Timed { start, .. } => {
                    let continued = start.date() != date;
                    let time = if continued {
                        jiff::civil::Time::midnight()
                    } else {
                        start.time()
                    };
                    match day
                        .slots
                        .iter_mut()
                        .find(|s| s.start == time && s.continued == continued)
                    {
                        Some(slot) => slot.entries.push(i),
                        None => day.slots.push(Slot {
                            start: time,
                            continued,
                            entries: vec![i],
                        }),
                    }
                }
            }
        }
    }
    let mut days: Vec<Day> = days.into_values().collect();
    for day in &mut days {
        day.slots.sort_by_key(|s| (!s.continued, s.start));
    }
    days
}

fn link_memos(site: &mut Site) {
    let ids: HashMap<&str, usize> = site
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut links = Vec::new();
    for (m, memo) in site.memos.iter().enumerate() {
        if let Some(&e) = memo.event_id.as_deref().and_then(|id| ids.get(id)) {
            links.push((m, e));
        }
    }
    for (m, e) in links {
        site.memos[m].event = Some(e);
        site.entries[e].memos.push(m);
    }
}

/// A memo's `event` must name an entry file, whether or not that entry has problems of its own.
fn check_memo_events(memos: &[Draft<Memo>], sources: &Sources, problems: &mut Diagnostics) {
    let ids: Vec<String> = sources
        .organisers
        .iter()
        .flat_map(|o| {
            o.entries
                .iter()
                .map(move |e| format!("{}/{}", o.folder, e.stem()))
        })
        .collect();
    for memo in memos {
        let Some(event) = &memo.value.event_id else {
            continue;
        };
        if ids.contains(event) {
            continue;
        }
        let mut near: Vec<(f64, &str)> = ids
            .iter()
            .map(|id| (strsim::jaro_winkler(event, id), id.as_str()))
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let suggestions = backticked_list(near.iter().take(3).map(|(_, id)| *id));
        let mut diagnostic = Diagnostic::error(&memo.file.rel, format!("`{event}` names no programme entry"))
            .with_field("event")
            .with_help(format!("an entry id is `<organiser folder>/<file name without .md>`; the nearest are {suggestions}"));
        if let Ok(split) = frontmatter::split(&memo.file) {
            if let Some((at, len)) = frontmatter::find_key(split.yaml, &["event"]) {
                diagnostic =
                    diagnostic.with_span(Span::at(&memo.file.text, split.yaml_offset + at, len));
            }
        }
        problems.push(diagnostic);
    }
}

fn warn_outside_week(fields: &mut Fields, when: &When, week: Week) {
    let (first, last) = match when {
        When::AllDay { first, last } => (*first, *last),
        When::Timed { start, end } => (start.date(), end.date()),
    };
    if last < week.start || first > week.end {
        fields.warning(
            "start",
            format!(
                "the entry is on {first}, outside the week {} – {}",
                week.start, week.end
            ),
            "check the date; the entry is published anyway",
        );
    }
}
