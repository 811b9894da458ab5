//! `content/site.yaml`: the settings every other file is read against.

use super::*;

pub(super) const SITE_KEYS: [&str; 14] = [
    "earlier",
    "next",
    "for_everyone",
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

/// The settings alone, for what must start before the content is checked (the theme); their
/// problems are reported by [`validate`].
pub fn settings(sources: &Sources) -> Config {
    read_config(sources, &mut Diagnostics::default())
}

/// Whether site.yaml is there and its fields can be read, whatever their values.
pub(super) fn settings_readable(sources: &Sources) -> bool {
    sources.site.as_ref().is_some_and(|file| {
        let yaml = Yaml {
            file,
            text: &file.text,
            offset: 0,
            lang: Lang::Fi,
        };
        yaml.parse().is_ok()
    })
}

pub(super) fn read_config(sources: &Sources, problems: &mut Diagnostics) -> Config {
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
        everyone: Vec::new(),
        formats: Vec::new(),
        series: Vec::new(),
        theme: "default".into(),
        contact: None,
        earlier: Vec::new(),
        next: None,
        edition: None,
        root_path: "/".into(),
    };
    let Some(file) = &sources.site else {
        if sources.unreadable.contains(SITE_FILE) {
            return config;
        }
        problems.push(
            Diagnostic::error(SITE_FILE, text!("site_missing"))
                .with_help(text!("site_missing_help")),
        );
        return config;
    };
    let yaml = Yaml {
        file,
        text: &file.text,
        offset: 0,
        lang: Lang::Fi,
    };
    let mut fields = match yaml.parse() {
        Ok(fields) => fields,
        Err(problem) => {
            problems.push(problem);
            return config;
        }
    };
    if let Some(code) = fields.text("language") {
        match Lang::from_code(&code) {
            Some(lang) => config.lang = lang,
            None => fields.error(
                "language",
                text!("site_language", code = code),
                text!("site_language_help"),
            ),
        }
    }
    fields.set_lang(config.lang);
    config.title = fields
        .required_text("title", "Rakenteellisen sosiaalityön viikko 2026")
        .unwrap_or_default();
    config.description = fields.text("description").unwrap_or_default();
    if let Some(url) = fields.url("base_url") {
        config.set_base_url(&url);
    } else if !fields.reported("base_url") {
        fields.missing("base_url", "https://www.example.fi/viikko/");
    }
    if let Some(name) = fields.text("timezone") {
        config.tz_name = name;
    }
    match jiff::tz::db().get(&config.tz_name) {
        Ok(tz) => config.tz = tz,
        Err(_) => fields.error(
            "timezone",
            text!("site_timezone", name = config.tz_name),
            text!("site_timezone_help"),
        ),
    }
    if let Some(week) = read_week(&mut fields, "week", true, config.lang) {
        config.week = week;
    }
    config.next = read_week(&mut fields, "next", false, config.lang);
    config.audiences = read_terms(&mut fields, "audiences");
    if config.audiences.is_empty() && !fields.reported("audiences") {
        fields.missing("audiences", "{kaikki: Kaikille avoin}");
    }
    for key in fields.words("for_everyone") {
        match config.audiences.iter().position(|t| t.key == key) {
            Some(i) => config.everyone.push(i),
            None if config.audiences.is_empty() => {}
            None => super::entry::unknown_term(
                &mut fields,
                "for_everyone",
                &key,
                &config.audiences,
                "audiences",
            ),
        }
    }
    config.formats = read_terms(&mut fields, "formats");
    config.series = read_terms(&mut fields, "series");
    if let Some(theme) = fields.text("theme") {
        match theme == "default" || sources.themes.contains(&theme) {
            true => config.theme = theme,
            false => unknown_theme(&mut fields, &theme, &sources.themes),
        }
    }
    config.earlier = read_earlier(&mut fields, config.lang);
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
pub(super) fn unknown_theme(fields: &mut Fields, theme: &str, themes: &[String]) {
    let names = themes.iter().map(String::as_str).chain(["default"]);
    let help = if theme.contains(['/', '\\']) {
        text!("site_theme_path")
    } else if let Some(near) = did_you_mean(theme, names) {
        text!("did_you_mean", name = near)
    } else {
        text!("site_theme_help", theme = theme)
    };
    fields.error("theme", text!("site_theme", theme = theme), help);
}

/// The earlier weeks: `aiemmat: {2025: {alkaa: 2025-11-17, päättyy: 2025-11-23}}`.
fn read_earlier(fields: &mut Fields, lang: Lang) -> Vec<(i16, Week)> {
    let context = super::when::Context {
        week_start: None,
        day: None,
        time_alone: false,
        lang,

        earliest: None,
    };
    let mut earlier = Vec::new();
    for (year, week) in fields.pairs("earlier").unwrap_or_default() {
        let Some(map) = week.as_mapping().cloned() else {
            fields.error_at_value(
                "earlier",
                &year,
                text!("earlier_week", year = year),
                text!("earlier_week_help", year = year),
            );
            continue;
        };
        let mut week = fields.group_of("earlier", map);
        let (start, end) = (week.date("start", &context), week.date("end", &context));
        let found = week.finish(&["start", "end"]);
        fields.absorb(found);
        match (year.parse::<i16>(), start, end) {
            (Ok(y), Some(start), Some(end)) if end >= start && start.year() == y => {
                earlier.push((y, Week { start, end }));
            }
            _ => fields.error_at_value(
                "earlier",
                &year,
                text!("earlier_week", year = year),
                text!("earlier_week_help", year = year),
            ),
        }
    }
    earlier.sort_by_key(|(year, _)| std::cmp::Reverse(*year));
    earlier
}

/// A week's `{start, end}` under `key`; `required` says whether its absence is a problem.
pub(super) fn read_week(
    fields: &mut Fields,
    key: &'static str,
    required: bool,
    lang: Lang,
) -> Option<Week> {
    let Some(mut group) = fields.group(key) else {
        if required {
            fields.missing(key, "{start: 2026-11-16, end: 2026-11-22}");
        }
        return None;
    };
    let context = super::when::Context {
        week_start: None,
        day: None,
        time_alone: false,
        lang,
        earliest: None,
    };
    let start = group.date("start", &context);
    let end = group.date("end", &context);
    let week = match (start, end) {
        (Some(start), Some(end)) if end >= start => Some(Week { start, end }),
        (Some(_), Some(_)) => {
            group.error(
                "end",
                text!("site_week_backwards"),
                text!("site_week_backwards_help"),
            );
            None
        }
        (None, _) if group.text("start").is_none() => {
            group.missing("start", "2026-11-16");
            None
        }
        (_, None) if group.text("end").is_none() => {
            group.missing("end", "2026-11-22");
            None
        }
        _ => None,
    };
    let found = group.finish(&["start", "end"]);
    fields.absorb(found);
    week
}

/// A vocabulary: `key: Label` lines. Keys appear in URLs, so they must already be slugs.
pub(super) fn read_terms(fields: &mut Fields, key: &'static str) -> Vec<Term> {
    let mut terms = Vec::new();
    for (term, label) in fields.pairs(key).unwrap_or_default() {
        let label = match label {
            serde_yaml::Value::String(s) => s,
            _ => {
                fields.error_at_value(
                    key,
                    &term,
                    text!("term_label", term = term),
                    text!("term_label_help", term = term),
                );
                continue;
            }
        };
        if slugify(&term) != term {
            fields.error_at_value(
                key,
                &term,
                text!("term_key", term = term),
                text!("term_key_help", key = slugify(&term)),
            );
            continue;
        }
        terms.push(Term { key: term, label });
    }
    if terms.len() > MAX_TERMS {
        fields.error(
            key,
            text!("terms_too_many", count = terms.len(), max = MAX_TERMS),
            text!("terms_too_many_help"),
        );
    }
    terms
}

/// The most audiences, formats or series a site may list. A week has a handful; every page
/// lists them all, so thousands would make the site grow with their square.
pub(super) const MAX_TERMS: usize = 60;
