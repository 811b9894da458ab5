//! `content/site.yaml`: the settings every other file is read against.

use super::*;

pub(super) const SITE_KEYS: [&str; 11] = [
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
pub(super) fn unknown_theme(fields: &mut Fields, theme: &str, themes: &[String]) {
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

pub(super) fn read_week(fields: &mut Fields, config: &mut Config) {
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
pub(super) fn read_terms(fields: &mut Fields, key: &str) -> Vec<Term> {
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
pub(super) const MAX_TERMS: usize = 60;
