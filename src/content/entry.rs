//! A programme entry: `content/programme/<organiser>/<entry>.md`.

use super::*;

pub(super) const ENTRY_KEYS: [&str; 18] = [
    "title",
    "summary",
    "time",
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

/// Reads an entry; `has_profile` when its organiser's profile was read, `week_known` when the
/// settings were (so that "outside the week" means something).
pub(super) fn read_entry(
    file: &SourceFile,
    (has_profile, week_known): (bool, bool),
    config: &Config,
) -> Read<Entry> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, config.lang, &mut problems) else {
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
    let online = read_online(&mut fields);
    if place.is_none()
        && online.is_none()
        && !fields.reported("place")
        && !fields.reported("online")
    {
        let example = match config.lang {
            Lang::Sv => {
                "{namn: Björneborgs stadsbibliotek, adress: Gallen-Kallelas gata 2, kommun: Björneborg}"
            }
            Lang::En => {
                "{name: Pori City Library, address: Gallen-Kallelan katu 2, municipality: Pori}"
            }
            Lang::Fi => {
                "{nimi: Porin kaupunginkirjasto, osoite: Gallen-Kallelan katu 2, kunta: Pori}"
            }
        };
        fields.missing("place", example);
    }
    let audiences = read_audiences(&mut fields, config);
    let format = read_format(&mut fields, config);
    let language = read_language(&mut fields, config);
    let entry = Entry {
        id: format!("{folder}/{stem}"),
        path: format!("ohjelma/{}/{}/", slugify(&folder), slugify(&stem)),
        organiser: 0,
        folder: folder.clone(),
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
        registration: read_registration(&mut fields, config),
        accessibility: fields.text("accessibility"),
        status: read_status(&mut fields),
        series: read_series(&mut fields, config),
        theme: None,
        feedback: fields.url("feedback"),
        attendance: fields.count("attendance"),
        tags: fields.words("tags"),
        body_html: "".into(),
        body_text: "".into(),
        memos: Vec::new(),
        source: file.rel.clone(),
    };
    if let Some(when) = when.as_ref().filter(|_| week_known) {
        warn_outside_week(&mut fields, when, config);
    }
    if let Some(place) = &entry.place
        && place.municipality.is_none()
        && entry.status != Status::MovedOnline
    {
        warn_no_municipality(&mut fields, place);
    }
    if slugify(&stem).is_empty() {
        fields.error(
            "title",
            text!("file_name_empty", name = format!("{stem}.md")),
            text!("file_name_empty_help"),
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

/// When the entry takes place: the whole notation in `time` (`aika`), or `start` (which may
/// hold a range too) and maybe `end`.
pub(super) fn read_when(fields: &mut Fields, config: &Config) -> Option<When> {
    let context = when_context(config, None);
    let time = fields.text("time");
    let start = fields.text("start");
    let end = fields.text("end");
    let (key, text) = match (time, start) {
        (Some(_), Some(_)) => {
            fields.error(
                "start",
                text!("when_time_and_start"),
                text!("when_time_and_start_help"),
            );
            return None;
        }
        (Some(text), None) => ("time", text),
        (None, Some(text)) => ("start", text),
        (None, None) => {
            if !fields.reported("time") && !fields.reported("start") {
                let example = format!("{} klo 14–15.30", config.lang.date(config.week.start));
                fields.missing_one_of(&["time", "start"], &example);
            }
            return None;
        }
    };
    let mut written = match when::read(&text, &context) {
        Ok(written) => written,
        Err(problem) => {
            fields.error(key, problem.message, problem.help);
            return None;
        }
    };
    if let Some(end) = end {
        if key == "time" || written.end.is_some() || written.open {
            let shown = names::shown(key, config.lang);
            fields.error(
                "end",
                text!("when_end_twice", field = shown),
                text!("when_end_twice_help", field = shown),
            );
            return None;
        }
        let context = when::Context {
            day: written.start.date(),
            time_alone: !matches!(written.start, when::Moment::Day(_)),
            ..context
        };
        match when::read(&end, &context) {
            Ok(when::Written {
                start,
                end: None,
                open: false,
            }) => written.end = Some(start),
            Ok(_) => {
                fields.error(
                    "end",
                    text!("when_end_range", text = end),
                    text!("when_end_range_help"),
                );
                return None;
            }
            Err(problem) => {
                fields.error("end", problem.message, problem.help);
                return None;
            }
        }
    }
    let end_key = if key == "time" { "time" } else { "end" };
    placed(fields, written, (key, end_key), config)
}

/// The written start and end placed in the site's time zone, checked to go forward.
pub(super) fn placed(
    fields: &mut Fields,
    written: when::Written,
    (key, end_key): (&str, &str),
    config: &Config,
) -> Option<When> {
    use when::Moment;
    let lang = config.lang;
    match (written.start, written.end) {
        (Moment::Day(first), None) => Some(When::AllDay { first, last: first }),
        (Moment::Day(first), Some(Moment::Day(last))) if last >= first => {
            Some(When::AllDay { first, last })
        }
        (Moment::Day(first), Some(Moment::Day(last))) => {
            fields.error(
                end_key,
                text!(
                    "when_backwards",
                    start = lang.bare_date(first),
                    end = lang.bare_date(last)
                ),
                text!("when_backwards_days_help", start = lang.bare_date(first)),
            );
            None
        }
        (Moment::Day(_), Some(_)) | (_, Some(Moment::Day(_))) => {
            fields.error(
                end_key,
                text!("when_mixed_fields"),
                text!("when_mixed_help"),
            );
            None
        }
        (start, end) => {
            let start = zoned(fields, key, start, config)?;
            let end = match end {
                Some(end) => Some(zoned(fields, end_key, end, config)?),
                None => None,
            };
            if let Some(end) = &end
                && *end <= start
            {
                let shown =
                    |z: &Zoned| format!("{} {}", lang.bare_date(z.date()), lang.time(z.time()));
                fields.error(
                    end_key,
                    text!("when_backwards", start = shown(&start), end = shown(end)),
                    text!("when_backwards_help", start = shown(&start)),
                );
                return None;
            }
            Some(When::Timed { start, end })
        }
    }
}

fn zoned(fields: &mut Fields, key: &str, moment: when::Moment, config: &Config) -> Option<Zoned> {
    match moment {
        when::Moment::Exact(ts) => Some(ts.to_zoned(config.tz.clone())),
        when::Moment::Local(local) => match times::resolve(local, &config.tz, &config.tz_name) {
            Ok(zoned) => Some(zoned),
            Err((message, help)) => {
                fields.error(key, message, help);
                None
            }
        },
        when::Moment::Day(_) => None,
    }
}

/// A place: a group of fields, or its name alone (`paikka: Porin kaupunginkirjasto`).
pub(super) fn read_place(fields: &mut Fields) -> Option<Place> {
    let mut group = match fields.value("place")? {
        serde_yaml::Value::String(name) if names_online(&name) => {
            online_place(fields, "place", name.trim());
            return None;
        }
        serde_yaml::Value::String(name) if !name.trim().is_empty() => {
            return Some(Place {
                name: Some(name.trim().to_string()),
                address: None,
                municipality: None,
                coordinates: None,
            });
        }
        serde_yaml::Value::Mapping(map) => fields.group_of("place", map),
        _ => {
            fields.error("place", text!("expected_group"), text!("place_help"));
            return None;
        }
    };
    let place = Place {
        name: group.text("name"),
        address: group.text("address"),
        municipality: group.text("municipality"),
        coordinates: read_coordinates(&mut group),
    };
    let only_a_name = place.address.is_none() && place.municipality.is_none();
    if let Some(name) = place
        .name
        .as_deref()
        .filter(|n| only_a_name && names_online(n))
    {
        online_place(&mut group, "name", name);
        fields.absorb(group.finish(&["name", "coordinates"]));
        return None;
    }
    if place.name.is_none() && place.address.is_none() {
        group.missing("name", "Porin kaupunginkirjasto");
    }
    let found = group.finish(&["name", "address", "municipality", "coordinates"]);
    fields.absorb(found);
    Some(place)
}

/// A place without its municipality is on no municipality's page, where residents look for what
/// is near them. The warning offers the place as fields: as written, or read from its one line.
pub(super) fn warn_no_municipality(fields: &mut Fields, place: &Place) {
    let lang = fields.lang();
    let name = place.name.as_deref().unwrap_or_default();
    let (name, address, municipality) = match &place.address {
        Some(address) => (name.to_string(), Some(address.clone()), "…".to_string()),
        None => one_line_place(name),
    };
    let mut shown = vec![(names::shown("name", lang), name)];
    shown.extend(address.map(|a| (names::shown("address", lang), a)));
    shown.push((names::shown("municipality", lang), municipality));
    let shown: Vec<String> = shown
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}: {}", flow_value(value)))
        .collect();
    let line = format!("{}: {{{}}}", names::shown("place", lang), shown.join(", "));
    fields.warning(
        "place",
        text!("place_no_municipality"),
        text!("place_no_municipality_help", line = line),
    );
}

/// A place on one line as announcements write it (`Itätuulen asukastupa, Tuulikuja 4, Pori`):
/// its name, its address (the parts with a number) and its municipality (a last part without
/// one, else `…` to fill in).
fn one_line_place(text: &str) -> (String, Option<String>, String) {
    let parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let has_number = |part: &str| part.contains(|c: char| c.is_ascii_digit());
    let (first, rest, municipality) = match parts.as_slice() {
        [first, rest @ .., last] if !has_number(last) => (*first, rest, *last),
        [first, rest @ ..] => (*first, rest, "…"),
        [] => (text, &[][..], "…"),
    };
    let (address, other): (Vec<&str>, Vec<&str>) = rest.iter().partition(|p| has_number(p));
    let name = [first]
        .into_iter()
        .chain(other)
        .collect::<Vec<_>>()
        .join(", ");
    let address = (!address.is_empty()).then(|| address.join(", "));
    (name, address, municipality.to_string())
}

/// A value as it can stand inside `{…}`: quoted when it holds what would end it there.
fn flow_value(value: &str) -> String {
    match value.contains([',', ':', '{', '}', '[', ']', '#', '"', '\'']) {
        true => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        false => value.to_string(),
    }
}

/// Reports `name`, written as the place under `key`, as a way of meeting online.
fn online_place(fields: &mut Fields, key: &str, name: &str) {
    let online = names::shown("online", fields.lang());
    fields.error(
        key,
        text!("place_online", name = name, online = online),
        text!("place_online_help", name = name, online = online),
    );
}

/// A web address, or an e-mail address as a `mailto:` link: `text`, read from `key`.
fn link(fields: &mut Fields, key: &str, text: String) -> Option<String> {
    match fields::is_email(&text) {
        true => Some(format!("mailto:{text}")),
        false => fields.checked_url(key, text),
    }
}

/// `online`: the meeting's address, or, where it has none yet, how to join (`Teams, linkki
/// lähetetään ilmoittautuneille`). What looks like an address must be one.
pub(super) fn read_online(fields: &mut Fields) -> Option<Online> {
    let text = fields.text("online")?;
    if fields::is_address(&text) {
        fields.checked_url("online", text).map(Online::Link)
    } else {
        Some(Online::Told(text))
    }
}

/// The first words of a place that is only a way of meeting online (`paikka: Teams`). Only
/// words that name no place one can go to: not `meet`, nor `internet` (a café).
pub const ONLINE_PLACE_WORDS: [&str; 16] = [
    "teams",
    "teamsissa",
    "microsoft",
    "zoom",
    "zoomissa",
    "webex",
    "skype",
    "verkossa",
    "etänä",
    "etäyhteys",
    "etäyhteydellä",
    "online",
    "webinaari",
    "webinar",
    "distans",
    "digitalt",
];

/// A place named as only a way of meeting online (`paikka: Teams`), which no one can go to: the
/// site would list it among the places, and not among what can be joined from anywhere.
fn names_online(name: &str) -> bool {
    let first = name
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty());
    first.is_some_and(|word| ONLINE_PLACE_WORDS.contains(&word.to_lowercase().as_str()))
}

/// `coordinates: [61.48, 21.79]`: latitude and longitude, in degrees.
fn read_coordinates(group: &mut Fields) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = group
        .words("coordinates")
        .iter()
        .filter_map(|n| n.replace(',', ".").parse().ok())
        .collect();
    match numbers.as_slice() {
        [] => None,
        [lat, lon] if (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon) => {
            Some((*lat, *lon))
        }
        _ => {
            group.error(
                "coordinates",
                text!("coordinates"),
                text!("coordinates_help"),
            );
            None
        }
    }
}

/// Registration: a group of fields, or one line: its address (`ilmoittautuminen: https://…`),
/// an e-mail address to register by, or how to register in words (`10.11. mennessä puh. …`).
pub(super) fn read_registration(fields: &mut Fields, config: &Config) -> Option<Registration> {
    if fields.holds_text("registration") {
        let text = fields.text("registration")?;
        let (url, note) = match fields::is_address(&text) {
            true => (Some(link(fields, "registration", text)?), None),
            false => (None, Some(text)),
        };
        return Some(Registration {
            url,
            deadline: None,
            note,
        });
    }
    let mut group = fields.group("registration")?;
    let url = group.text("url");
    let registration = Registration {
        url: url.and_then(|url| link(&mut group, "url", url)),
        deadline: group.date("deadline", &when_context(config, None)),
        note: group.text("note"),
    };
    let found = group.finish(&["url", "deadline", "note"]);
    fields.absorb(found);
    Some(registration)
}

pub(super) fn read_audiences(fields: &mut Fields, config: &Config) -> Vec<usize> {
    let keys = fields.words("audience");
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
            text!("series_key", key = key),
            text!("term_key_help", key = slugify(&key)),
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
    list: &'static str,
) {
    let allowed = backticked_list(terms.iter().map(|t| t.key.as_str()));
    let list = names::shown(list, fields.lang());
    // `kaikki ammattilaiset`: two keys, written without the comma between them.
    let words: Vec<&str> = key.split_whitespace().collect();
    let several = words.len() > 1 && words.iter().all(|w| term_index(terms, w).is_some());
    let help = match did_you_mean(key, terms.iter().map(|t| t.key.as_str())) {
        _ if several => text!(
            "unknown_term_commas",
            keys = format!("[{}]", words.join(", "))
        ),
        Some(near) => text!(
            "unknown_term_near",
            name = near,
            list = list,
            allowed = allowed
        ),
        None => text!("unknown_term_help", list = list, allowed = allowed),
    };
    let shown = names::shown(field, fields.lang());
    fields.error_at_value(
        field,
        key,
        text!("unknown_term", field = shown, key = key),
        help,
    );
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
            text!("entry_language", code = code),
            text!("entry_language_help"),
        );
        return config.lang.code().to_string();
    }
    code
}

/// The status, in English keys or in Finnish or Swedish words (`peruttu`, `inställd`).
pub(super) fn read_status(fields: &mut Fields) -> Status {
    const WORDS: [(Status, &[&str]); 4] = [
        (
            Status::Scheduled,
            &[
                "scheduled",
                "ajallaan",
                "toteutuu",
                "planerad",
                "enligt_plan",
            ],
        ),
        (
            Status::Cancelled,
            &[
                "cancelled",
                "canceled",
                "peruttu",
                "peruutettu",
                "inställd",
                "inställt",
            ],
        ),
        (
            Status::Postponed,
            &[
                "postponed",
                "siirretty",
                "lykätty",
                "uppskjuten",
                "uppskjutet",
            ],
        ),
        (
            Status::MovedOnline,
            &[
                "moved-online",
                "siirretty verkkoon",
                "verkkoon",
                "flyttad online",
                "flyttat till nätet",
            ],
        ),
    ];
    let Some(text) = fields.text("status") else {
        return Status::Scheduled;
    };
    let folded = names::fold(&text);
    let found = WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| names::fold(w) == folded));
    if let Some((status, _)) = found {
        return *status;
    }
    let words: Vec<&str> = WORDS.iter().flat_map(|(_, w)| w.iter().copied()).collect();
    let shown: Vec<&str> = match fields.lang() {
        Lang::Fi => vec!["peruttu", "siirretty", "siirretty verkkoon"],
        Lang::Sv => vec!["inställd", "uppskjuten", "flyttad online"],
        Lang::En => vec!["cancelled", "postponed", "moved-online"],
    };
    let help = match did_you_mean(&text, words) {
        Some(near) => text!("did_you_mean", name = near),
        None => text!("status_help", words = backticked_list(shown)),
    };
    fields.error("status", text!("status_unknown", text = text), help);
    Status::Scheduled
}

pub(super) fn warn_outside_week(fields: &mut Fields, when: &When, config: &Config) {
    let (week, lang) = (config.week, config.lang);
    let (first, last) = match when {
        When::AllDay { first, last } => (*first, *last),
        When::Timed { start, end } => (
            start.date(),
            end.as_ref().map_or(start.date(), |e| e.date()),
        ),
    };
    // An entry of an earlier week belongs to that week's programme.
    let outside = last < week.start || first > week.end;
    if outside && config.edition_of(first).is_none() {
        let key = if fields.has("time") { "time" } else { "start" };
        fields.warning(
            key,
            text!(
                "when_outside_week",
                date = lang.bare_date(first),
                week = lang.date_range(week.start, week.end)
            ),
            text!("when_outside_week_help"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::one_line_place;

    #[test]
    fn a_place_on_one_line_is_read_as_announcements_write_it() {
        let read = one_line_place;
        let owned = |name: &str, address: Option<&str>, municipality: &str| {
            (
                name.to_string(),
                address.map(str::to_string),
                municipality.to_string(),
            )
        };
        assert_eq!(
            read("Itätuulen asukastupa, Tuulikuja 4, Pori"),
            owned("Itätuulen asukastupa", Some("Tuulikuja 4"), "Pori")
        );
        assert_eq!(read("Kirjasto, Pori"), owned("Kirjasto", None, "Pori"));
        assert_eq!(read("Kirjasto"), owned("Kirjasto", None, "…"));
        assert_eq!(
            read("Kahvila Koivu, yläkerta, Tie 2"),
            owned("Kahvila Koivu, yläkerta", Some("Tie 2"), "…")
        );
    }
}
