//! The instructions page for partners (`ohjeet/`), made from the site itself: its own audiences
//! and formats, every field under its name in the site's language, and the time notations with
//! what viikko reads each one as (read by the same code that reads the entries, so the page
//! cannot promise what the build refuses).

use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::content::names;
use crate::content::when::{self, Moment};
use crate::model::Site;
use crate::times::Lang;
use crate::translations::Translations;

/// An entry's fields in the order the page lists them, and whether each is required: `Some(true)`
/// required, `Some(false)` optional, `None` one of `place` and `online` is.
const FIELDS: [(&str, Option<bool>); 16] = [
    ("title", Some(true)),
    ("time", Some(true)),
    ("place", None),
    ("online", None),
    ("audience", Some(true)),
    ("format", Some(false)),
    ("summary", Some(false)),
    ("language", Some(false)),
    ("price", Some(false)),
    ("registration", Some(false)),
    ("accessibility", Some(false)),
    ("status", Some(false)),
    ("series", Some(false)),
    ("feedback", Some(false)),
    ("attendance", Some(false)),
    ("tags", Some(false)),
];

pub fn view(site: &Site, t: &Translations) -> Value {
    let lang = site.config.lang;
    let day = teaching_day(site);
    let example = |key: &str| example(site, t, key, day);
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|(key, required)| {
            let required = match required {
                Some(true) => t.get("instructions_required"),
                Some(false) => t.get("instructions_optional"),
                None => t.get("instructions_place_or_online"),
            };
            json!({
                "name": names::shown(key, lang),
                "key": key,
                "required": required,
                "what": t.get(&format!("field_{key}")),
                "example": format!("{}: {}", names::shown(key, lang), example(key)),
            })
        })
        .collect();
    let file: Vec<String> = ["title", "time", "place", "audience", "format"]
        .iter()
        .map(|key| format!("{}: {}", names::shown(key, lang), example(key)))
        .collect();
    json!({
        "file": format!("---\n{}\n---\n{}\n", file.join("\n"), t.get("example_body")),
        "fields": fields,
        "times": times(site, day),
        "audiences": site.config.audiences.iter().map(|a| json!({"key": a.key, "label": a.label})).collect::<Vec<_>>(),
        "formats": site.config.formats.iter().map(|f| json!({"key": f.key, "label": f.label})).collect::<Vec<_>>(),
        "statuses": statuses(lang),
    })
}

/// The day examples are written on: the week's second day (a Tuesday for a week from Monday).
fn teaching_day(site: &Site) -> Date {
    let week = site.config.week;
    week.start
        .checked_add(1.day())
        .ok()
        .filter(|d| *d <= week.end)
        .unwrap_or(week.start)
}

fn example(site: &Site, t: &Translations, key: &str, day: Date) -> String {
    let config = &site.config;
    let lang = config.lang;
    match key {
        "time" => format!("{} {}", short_date(lang, day), clock_range(lang)),
        "audience" => {
            let keys: Vec<&str> = config
                .audiences
                .iter()
                .take(2)
                .map(|a| a.key.as_str())
                .collect();
            format!("[{}]", keys.join(", "))
        }
        "format" => config
            .formats
            .first()
            .map_or_else(|| "keskustelu".into(), |f| f.key.clone()),
        "series" => config
            .series
            .first()
            .map_or_else(|| "so-sotessa".into(), |s| s.key.clone()),
        "language" => lang.code().into(),
        "status" => statuses(lang)[0].clone(),
        _ => t.get(&format!("example_{key}")).to_string(),
    }
}

/// `ti 17.11.`: a date as announcements write it, without the year.
fn short_date(lang: Lang, day: Date) -> String {
    let weekday = lang.weekday(day.weekday(), false);
    format!("{weekday} {}.{}.", day.day(), day.month())
}

fn clock_range(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => "klo 14–15.30",
        Lang::Sv => "kl. 14–15.30",
        Lang::En => "14:00–15:30",
    }
}

/// The notations, each with what it is read as.
fn times(site: &Site, day: Date) -> Vec<Value> {
    let lang = site.config.lang;
    let next = day.checked_add(1.day()).unwrap_or(day);
    let first = site.config.week.start;
    let last = site
        .config
        .week
        .end
        .min(first.checked_add(4.days()).unwrap_or(first));
    let (d, n) = (short_date(lang, day), short_date(lang, next));
    let (clock, from) = match lang {
        Lang::Fi => ("klo", "alkaen"),
        Lang::Sv => ("kl.", "från"),
        Lang::En => ("", "from"),
    };
    let open = match lang {
        Lang::Fi => format!("{d} {clock} 18.30 {from}"),
        _ => format!("{from} {d} {clock} 18.30"),
    };
    let notations = [
        format!("{d} {}", clock_range(lang)),
        format!(
            "{}.{}. {} 9-11",
            day.day(),
            day.month(),
            if lang == Lang::Fi { "kello" } else { clock }
        ),
        open,
        format!("{d} {clock} 9 – {n} {clock} 16"),
        format!("{}.–{}.{}.", first.day(), last.day(), last.month()),
        d.clone(),
        format!("{} 14:00", day),
    ];
    let context = when::Context {
        week_start: Some(first),
        day: None,
        time_alone: false,
        lang,

        earliest: None,
    };
    notations
        .iter()
        .filter_map(|written| {
            let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
            let read = when::read(&written, &context).ok()?;
            Some(json!({"written": written, "means": meaning(lang, &read, &site.config.tz)}))
        })
        .collect()
}

/// What viikko reads a notation as, in the words the pages use.
fn meaning(lang: Lang, written: &when::Written, tz: &jiff::tz::TimeZone) -> String {
    let zoned = |m: Moment| match m {
        Moment::Local(local) => local.to_zoned(tz.clone()).ok(),
        Moment::Exact(ts) => Some(ts.to_zoned(tz.clone())),
        Moment::Day(_) => None,
    };
    match (written.start, written.end) {
        (Moment::Day(first), None) => lang.date(first),
        (Moment::Day(first), Some(Moment::Day(last))) => lang.date_range(first, last),
        (start, end) => match zoned(start) {
            Some(start) => {
                let end = end.and_then(zoned);
                let time = lang.time_span(&start, end.as_ref());
                match end.is_some_and(|end| end.date() != start.date()) {
                    true => time,
                    false => format!("{}, {time}", lang.date(start.date())),
                }
            }
            None => String::new(),
        },
    }
}

/// The status words a partner writes, in the site's language: the first is for cancelling.
fn statuses(lang: Lang) -> Vec<String> {
    let words: [&str; 3] = match lang {
        Lang::Fi => ["peruttu", "siirretty", "siirretty verkkoon"],
        Lang::Sv => ["inställd", "uppskjuten", "flyttad online"],
        Lang::En => ["cancelled", "postponed", "moved-online"],
    };
    words.iter().map(|w| w.to_string()).collect()
}
