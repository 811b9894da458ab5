//! The entry form (`ilmoita/`), made from the site: its organisers, audiences and formats, its
//! fields' names in the site's language and its weekdays. A script on the page composes the
//! entry file as the person types, as a partner would write it; without the script the page
//! shows the same file as a template to copy.

use serde_json::{Value, json};

use crate::content::names;
use crate::model::Site;
use crate::times::Lang;
use crate::translations::Translations;

/// The fields the form writes, in the order of the file.
const FIELDS: [&str; 14] = [
    "title",
    "time",
    "place",
    "name",
    "address",
    "municipality",
    "online",
    "audience",
    "format",
    "summary",
    "price",
    "registration",
    "accessibility",
    "organiser",
];

pub fn view(site: &Site, t: &Translations) -> Value {
    let lang = site.config.lang;
    let field_names: serde_json::Map<String, Value> = FIELDS
        .iter()
        .map(|key| (key.to_string(), json!(names::shown(key, lang))))
        .collect();
    let weekdays: Vec<&str> = [
        jiff::civil::Weekday::Monday,
        jiff::civil::Weekday::Tuesday,
        jiff::civil::Weekday::Wednesday,
        jiff::civil::Weekday::Thursday,
        jiff::civil::Weekday::Friday,
        jiff::civil::Weekday::Saturday,
        jiff::civil::Weekday::Sunday,
    ]
    .into_iter()
    .map(|day| lang.weekday(day, false))
    .collect();
    let (clock, from) = match lang {
        Lang::Fi => ("klo ", "alkaen"),
        Lang::Sv => ("kl. ", "från"),
        Lang::En => ("", "from"),
    };
    let settings = json!({
        "names": field_names,
        "weekdays": weekdays,
        "clock": clock,
        "from": from,
        "lang": lang.code(),
        "contact": site.config.contact.as_ref().map(|c| c.email.clone()),
        "messages": {
            "title": t.get("form_need_title"),
            "organiser": t.get("form_need_organiser"),
            "date": t.get("form_need_date"),
            "outside": t.get("form_outside_week"),
            "end": t.get("form_end_before_start"),
            "where": t.get("form_need_where"),
            "municipality": t.get("form_no_municipality"),
            "place_online": t.get("form_place_online"),
            "audience": t.get("form_need_audience"),
            "url": t.get("form_need_url"),
            "copied": t.get("form_copied"),
            "ready": t.get("form_ready"),
            "missing": t.get("form_missing"),
        },
        "week": {"start": site.config.week.start.to_string(), "end": site.config.week.end.to_string()},
        "online_place_words": crate::content::ONLINE_PLACE_WORDS,
    });
    let instructions = crate::instructions::view(site, t);
    json!({
        // Embedded as JSON in the page: every `<` escaped, so no value can end the script.
        "settings": settings.to_string().replace('<', "\\u003c"),
        "organisers": site.organisers.iter().map(|o| json!({"folder": o.folder, "name": o.name})).collect::<Vec<_>>(),
        "audiences": site.config.audiences.iter().map(|a| json!({"key": a.key, "label": a.label})).collect::<Vec<_>>(),
        "formats": site.config.formats.iter().map(|f| json!({"key": f.key, "label": f.label})).collect::<Vec<_>>(),
        "template": instructions["file"],
        "week_start": site.config.week.start.to_string(),
        "week_end": site.config.week.end.to_string(),
    })
}
