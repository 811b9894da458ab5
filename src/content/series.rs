//! A series of sessions held all year (the SO sotessa discussions): `content/series/<key>.md`,
//! written once. Its sessions come from a rule (every week or every two weeks on a weekday, between
//! two dates, with exceptions) or a list of dates each with its theme, and become entries like
//! any other. Each session's id is `<key>/<date>`, so a change to the rule never changes the id
//! of a session that stays.

use super::*;
use crate::model::Series;

pub(super) const SERIES_KEYS: [&str; 10] = [
    "name",
    "chair",
    "organiser",
    "place",
    "online",
    "audience",
    "format",
    "summary",
    "repeat",
    "sessions",
];

/// A series as read, and its sessions as entries.
pub(super) struct ReadSeries {
    pub series: Draft<Series>,
    /// The organiser's folder, made an index once the organisers are sorted.
    pub organiser: String,
    pub sessions: Vec<Draft<Entry>>,
}

pub(super) fn read_series_file(
    file: &SourceFile,
    config: &Config,
    organisers: &[String],
) -> (Option<ReadSeries>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, config.lang, &mut problems) else {
        return (None, problems);
    };
    let key = slugify(file.stem());
    let name = fields.required_text("name", "SO sotessa -keskustelut");
    let chair = fields.text("chair");
    let organiser = fields.text("organiser");
    if let Some(folder) = &organiser
        && !organisers.contains(folder)
    {
        let help = match did_you_mean(folder, organisers.iter().map(String::as_str)) {
            Some(near) => text!("did_you_mean", name = near),
            None => text!(
                "series_organiser_help",
                folders = backticked_list(organisers.iter().map(String::as_str))
            ),
        };
        fields.error(
            "organiser",
            text!("series_organiser", folder = folder),
            help,
        );
    } else if organiser.is_none() {
        fields.missing(
            "organiser",
            organisers.first().map_or("porin-kaupunki", String::as_str),
        );
    }
    let place = read_place(&mut fields);
    if let Some(place) = place.as_ref().filter(|p| p.municipality.is_none()) {
        warn_no_municipality(&mut fields, place);
    }
    let online = read_online(&mut fields);
    let audiences = read_audiences(&mut fields, config);
    let format = read_format(&mut fields, config);
    let summary = fields.text("summary");
    let mut dates = rule_sessions(&mut fields, config);
    for (date, session) in listed_sessions(&mut fields, config) {
        dates.retain(|(d, _)| *d != date);
        dates.push((date, session));
    }
    dates.sort_by_key(|(date, _)| *date);
    if dates.is_empty() && !fields.reported("repeat") && !fields.reported("sessions") {
        let example = format!(
            "[{} klo 14–15.30: Asuminen]",
            config.lang.date(config.week.start)
        );
        fields.missing_one_of(&["sessions", "repeat"], &example);
    }
    problems.extend(fields.finish(&SERIES_KEYS));
    let ok = problems.iter().all(|p| !p.is_error());
    let name = name.unwrap_or_default();
    let folder = organiser.unwrap_or_default();
    let sessions = dates
        .into_iter()
        .map(|(date, (when, theme))| {
            let title = match &theme {
                Some(theme) => format!("{name}: {theme}"),
                None => name.clone(),
            };
            let entry = Entry {
                id: format!("{key}/{date}"),
                path: format!("sarja/{key}/{date}/"),
                organiser: 0,
                folder: folder.clone(),
                title,
                summary: summary.clone(),
                when,
                place: place.clone(),
                online: online.clone(),
                audiences: audiences.clone(),
                format,
                language: config.lang.code().to_string(),
                price: None,
                registration: None,
                accessibility: None,
                status: Status::Scheduled,
                series: Some(key.clone()),
                theme,
                feedback: None,
                attendance: None,
                tags: Vec::new(),
                body_html: "".into(),
                body_text: "".into(),
                memos: Vec::new(),
                source: file.rel.clone(),
            };
            Draft {
                value: entry,
                file: file.clone(),
                body_offset,
                ok,
            }
        })
        .collect();
    let series = Series {
        key,
        name,
        chair,
        organiser: 0,
        body_html: "".into(),
        source: file.rel.clone(),
    };
    let read = ReadSeries {
        series: Draft {
            value: series,
            file: file.clone(),
            body_offset,
            ok,
        },
        organiser: folder,
        sessions,
    };
    (Some(read), problems)
}

type Session = (When, Option<String>);

/// The sessions of `repeat`: `{every: 2, time: ti klo 14–15.30, from: 12.1.2027, until:
/// 30.6.2027, except: [9.2.2027]}`.
fn rule_sessions(fields: &mut Fields, config: &Config) -> Vec<(Date, Session)> {
    let Some(mut rule) = fields.group("repeat") else {
        return Vec::new();
    };
    let context = when_context(config, None);
    let every = rule.count("every").unwrap_or(1).clamp(1, 52);
    let from = rule.date("from", &context);
    let until = rule.date("until", &context);
    let except: Vec<Date> = rule
        .words("except")
        .iter()
        .filter_map(|d| match when::read(d, &context) {
            Ok(when::Written {
                start: when::Moment::Day(day),
                ..
            }) => Some(day),
            _ => None,
        })
        .collect();
    let time = rule.text("time");
    let mut sessions = Vec::new();
    match (from, until, &time) {
        (Some(from), Some(until), Some(time)) => {
            let (weekday, clock) = match time.split_once(' ') {
                Some((word, rest)) => (when::weekday_named(word), rest.to_string()),
                None => (None, time.clone()),
            };
            let Some(weekday) = weekday else {
                rule.error(
                    "time",
                    text!("series_weekday", text = time),
                    text!("series_weekday_help"),
                );
                fields.absorb(rule.finish(&["every", "time", "from", "until", "except"]));
                return sessions;
            };
            let mut date = match from.weekday() == weekday {
                true => from,
                false => from.nth_weekday(1, weekday).unwrap_or(from),
            };
            while date <= until && sessions.len() < 400 {
                if !except.contains(&date) {
                    let day = when::Context {
                        day: Some(date),
                        ..context
                    };
                    match when::read(&clock, &day) {
                        Ok(written) => {
                            if let Some(when) = placed(&mut rule, written, ("time", "time"), config)
                            {
                                sessions.push((date, (when, None)));
                            }
                        }
                        Err(problem) => {
                            rule.error("time", problem.message, problem.help);
                            break;
                        }
                    }
                }
                date = date
                    .checked_add(jiff::ToSpan::weeks(i64::from(every)))
                    .unwrap_or(until.tomorrow().unwrap_or(until));
            }
        }
        _ => {
            for (key, example) in [
                ("time", "ti klo 14–15.30"),
                ("from", "12.1.2027"),
                ("until", "30.6.2027"),
            ] {
                if !rule.has(key) {
                    rule.missing(key, example);
                }
            }
        }
    }
    let found = rule.finish(&["every", "time", "from", "until", "except"]);
    fields.absorb(found);
    sessions
}

/// The sessions of `sessions`: `- ti 12.1.2027 klo 14–15.30: Asuminen`, or a time alone.
fn listed_sessions(fields: &mut Fields, config: &Config) -> Vec<(Date, Session)> {
    let Some(value) = fields.value("sessions") else {
        return Vec::new();
    };
    let items = match value {
        serde_yaml::Value::Sequence(items) => items,
        other => vec![other],
    };
    let context = when_context(config, None);
    let mut sessions = Vec::new();
    for item in items {
        let (time, theme) = match item {
            serde_yaml::Value::String(time) => (time, None),
            serde_yaml::Value::Mapping(map) if map.len() == 1 => {
                let (k, v) = map.into_iter().next().unwrap_or_default();
                (
                    k.as_str().unwrap_or_default().to_string(),
                    v.as_str()
                        .map(str::to_string)
                        .filter(|t| !t.trim().is_empty()),
                )
            }
            _ => {
                fields.error(
                    "sessions",
                    text!("series_session_item"),
                    text!("series_session_help"),
                );
                continue;
            }
        };
        match when::read(&time, &context) {
            Ok(written) => {
                let Some(date) = written.start.date() else {
                    continue;
                };
                if let Some(when) = placed(fields, written, ("sessions", "sessions"), config) {
                    sessions.push((date, (when, theme)));
                }
            }
            Err(problem) => fields.error_at_value("sessions", &time, problem.message, problem.help),
        }
    }
    sessions
}
