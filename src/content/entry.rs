//! A programme entry: `content/programme/<organiser>/<entry>.md`.

use super::*;

pub(super) const ENTRY_KEYS: [&str; 17] = [
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

pub(super) fn read_entry(file: &SourceFile, has_profile: bool, config: &Config) -> Read<Entry> {
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

pub(super) fn read_when(fields: &mut Fields, config: &Config) -> Option<When> {
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

pub(super) fn zoned(
    fields: &mut Fields,
    key: &str,
    time: TimeInput,
    config: &Config,
) -> Option<Zoned> {
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

pub(super) fn read_place(fields: &mut Fields) -> Option<Place> {
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

pub(super) fn read_registration(fields: &mut Fields) -> Option<Registration> {
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

pub(super) fn read_audiences(fields: &mut Fields, config: &Config) -> Vec<usize> {
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

pub(super) fn read_format(fields: &mut Fields, config: &Config) -> Option<usize> {
    let key = fields.text("format")?;
    let index = term_index(&config.formats, &key);
    if index.is_none() {
        unknown_term(fields, "format", &key, &config.formats, "formats");
    }
    index
}

pub(super) fn read_series(fields: &mut Fields, config: &Config) -> Option<String> {
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

pub(super) fn term_index(terms: &[Term], key: &str) -> Option<usize> {
    terms.iter().position(|t| t.key == key)
}

pub(super) fn unknown_term(
    fields: &mut Fields,
    field: &str,
    key: &str,
    terms: &[Term],
    list: &str,
) {
    let allowed = backticked_list(terms.iter().map(|t| t.key.as_str()));
    let help = match did_you_mean(key, terms.iter().map(|t| t.key.as_str())) {
        Some(near) => {
            format!("did you mean `{near}`? The {list} are listed in content/site.yaml: {allowed}")
        }
        None => format!("use one of the {list} listed in content/site.yaml: {allowed}"),
    };
    fields.error_at_value(field, key, format!("unknown {field} `{key}`"), help);
}

pub(super) fn read_language(fields: &mut Fields, config: &Config) -> String {
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

pub(super) fn read_status(fields: &mut Fields) -> Status {
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

pub(super) fn warn_outside_week(fields: &mut Fields, when: &When, week: Week) {
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
