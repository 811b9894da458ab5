//! A questionnaire's answers (Microsoft Forms, Webropol, Google Forms) exported as a spreadsheet
//! or CSV, as entry drafts: one per row. Columns are matched by their field's name (English,
//! Finnish or Swedish) or by a map file of `"Header as in the file": field` lines; columns
//! nobody asked for (ID, completion time, email) are left alone. A row that cannot be read is
//! reported with its column, in the same words as a bad entry file, and nothing is made of it.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader};
use jiff::Zoned;
use jiff::civil::{Date, Time};

use super::{Draft, When};
use crate::content::names;
use crate::content::when::{self, Moment};
use crate::diagnostics::did_you_mean;
use crate::messages::Text;
use crate::model::{Config, Term};
use crate::slug::slugify;

/// The fields a column may hold.
const COLUMNS: [&str; 19] = [
    "id",
    "title",
    "time",
    "date",
    "start",
    "end",
    "place",
    "address",
    "municipality",
    "online",
    "audience",
    "format",
    "summary",
    "description",
    "price",
    "registration",
    "accessibility",
    "status",
    "organiser",
];

/// A cell's text as a person reads it: dates and times from a spreadsheet in the Finnish
/// notation, numbers without a needless `.0`.
pub type Row = Vec<String>;

/// A row that could not be made into an entry: its number (as the spreadsheet shows it), the
/// column, and what was wrong.
#[derive(Debug)]
pub struct BadRow {
    pub row: usize,
    pub column: String,
    pub message: Text,
    pub help: Text,
}

#[derive(Debug, Default)]
pub struct Read {
    pub drafts: Vec<Draft>,
    pub bad: Vec<BadRow>,
    /// Headers no field was found for.
    pub unused: Vec<String>,
}

/// The rows of a spreadsheet (xlsx, xls, ods) or a CSV file, the header first.
pub fn rows(path: &Path) -> Result<Vec<Row>, String> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension == "csv" || extension == "txt" {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        return csv_rows(&bytes);
    }
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("the file has no sheet")?
        .map_err(|e| e.to_string())?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell).collect())
        .collect())
}

/// A CSV as Excel and form tools save it: UTF-8 with or without a byte order mark, or
/// Windows-1252; separated by `;` (Finnish Excel), `,` or tabs.
fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first.matches(*d as char).count())
        .unwrap_or(b',');
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| {
            let record = record.map_err(|e| e.to_string())?;
            Ok(record.iter().map(|c| c.trim().to_string()).collect())
        })
        .collect()
}

/// A spreadsheet cell as text. Excel keeps dates and times as a count of days since 30
/// December 1899, with the time of day as its fraction.
fn cell(data: &Data) -> String {
    match data {
        Data::String(s) => s.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(excel) => excel_date(excel.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    let minutes = ((serial - serial.floor()) * 24.0 * 60.0).round() as i64;
    let time = Time::new((minutes / 60).min(23) as i8, (minutes % 60) as i8, 0, 0)
        .unwrap_or(Time::midnight());
    let clock = format!("{}.{:02}", time.hour(), time.minute());
    if days == 0 {
        return clock;
    }
    let date = Date::constant(1899, 12, 30)
        .checked_add(jiff::Span::new().days(days))
        .unwrap_or(Date::constant(1900, 1, 1));
    let date = format!("{}.{}.{}", date.day(), date.month(), date.year());
    match minutes {
        0 => date,
        _ => format!("{date} klo {clock}"),
    }
}

/// Which field each column holds: by the map file's line for its header, else by the header
/// being a field's name.
pub fn columns(
    header: &[String],
    map: &BTreeMap<String, String>,
) -> (Vec<Option<&'static str>>, Vec<String>) {
    let mut unused = Vec::new();
    let fields = header
        .iter()
        .map(|h| {
            let named = map.get(h.trim()).map_or(h.as_str(), String::as_str);
            let field = COLUMNS.iter().copied().find(|key| names::names(key, named));
            if field.is_none() && !h.trim().is_empty() {
                unused.push(h.trim().to_string());
            }
            field
        })
        .collect();
    (fields, unused)
}

/// Every row after the header as a draft, or as a problem. A row names its organiser in a
/// column, or it is `organiser`'s.
pub fn read(
    rows: &[Row],
    map: &BTreeMap<String, String>,
    source: &str,
    organiser: Option<&str>,
    config: &Config,
) -> Read {
    let mut read = Read::default();
    let Some((header, body)) = rows.split_first() else {
        return read;
    };
    let (fields, unused) = columns(header, map);
    read.unused = unused;
    for (i, row) in body.iter().enumerate() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let number = i + 2;
        let value = |key: &str| {
            fields
                .iter()
                .position(|f| *f == Some(key))
                .and_then(|c| row.get(c))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let header_of = |key: &str| {
            fields
                .iter()
                .position(|f| *f == Some(key))
                .and_then(|c| header.get(c).cloned())
        };
        // A time read with the date column before it names both columns.
        let column = |key: &str| {
            let own = header_of(key).unwrap_or_else(|| names::shown(key, config.lang).to_string());
            match (header_of("date"), key) {
                (Some(date), "time" | "start") if value("date").is_some() => {
                    format!("{date} + {own}")
                }
                _ => own,
            }
        };
        let bad = |key: &str, message: Text, help: Text| BadRow {
            row: number,
            column: column(key),
            message,
            help,
        };
        match draft(&value, config) {
            Ok(Draft {
                organiser: None, ..
            }) if organiser.is_none() => read.bad.push(bad(
                "organiser",
                text!("table_no_organiser"),
                text!("table_no_organiser"),
            )),
            Ok(mut draft) => {
                draft.organiser = draft.organiser.or(organiser.map(str::to_string));
                // A form's answer keeps its ID; without one, the title names the row.
                let id = value("id").unwrap_or_else(|| slugify(&draft.title));
                draft.key = format!("{source}#{id}");
                read.drafts.push(draft);
            }
            Err((key, message, help)) => read.bad.push(bad(key, message, help)),
        }
    }
    read
}

type Problem = (&'static str, Text, Text);

fn draft(value: &dyn Fn(&str) -> Option<String>, config: &Config) -> Result<Draft, Problem> {
    let title = value("title").ok_or((
        "title",
        text!("missing", field = names::shown("title", config.lang)),
        text!("table_title_help"),
    ))?;
    let when = when_of(value, config)?;
    let place = match (value("place"), value("address"), value("municipality")) {
        (None, None, None) => None,
        (name, address, town) => Some(
            [name, address, town]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let online = value("online");
    if let Some(url) = &online
        && crate::content::fields::is_address(url)
        && let Err(problem) = crate::content::fields::check_url(url)
    {
        return Err(("online", problem.with("text", url), text!("url_help")));
    }
    let audiences = match value("audience") {
        Some(cell) => terms(&cell, &config.audiences).map_err(|(word, help)| {
            (
                "audience",
                text!(
                    "unknown_term",
                    field = names::shown("audience", config.lang),
                    key = word
                ),
                help,
            )
        })?,
        None => Vec::new(),
    };
    let format = match value("format") {
        Some(cell) => terms(&cell, &config.formats)
            .map_err(|(word, help)| {
                (
                    "format",
                    text!(
                        "unknown_term",
                        field = names::shown("format", config.lang),
                        key = word
                    ),
                    help,
                )
            })?
            .into_iter()
            .next(),
        None => None,
    };
    let cancelled = value("status").is_some_and(|s| {
        [
            "peruttu",
            "peruutettu",
            "cancelled",
            "canceled",
            "inställd",
            "inställt",
        ]
        .iter()
        .any(|w| names::fold(w) == names::fold(&s))
    });
    Ok(Draft {
        title,
        when: Some(when),
        place,
        online,
        audiences,
        format,
        summary: value("summary"),
        price: value("price"),
        registration: value("registration"),
        accessibility: value("accessibility"),
        cancelled,
        description: value("description").unwrap_or_default(),
        organiser: value("organiser"),
        ..Draft::default()
    })
}

/// The keys of the terms a cell names, by key or label: `kaikki, nuoret` as written in a file,
/// or `Kaikille avoin;Nuoret` as Microsoft Forms writes a multiple choice.
fn terms(cell: &str, terms: &[Term]) -> Result<Vec<String>, (String, Text)> {
    let mut keys = Vec::new();
    for word in cell
        .split([',', ';'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let found = terms.iter().find(|t| {
            t.key == word.to_lowercase() || t.label.to_lowercase() == word.to_lowercase()
        });
        match found {
            Some(term) => keys.push(term.key.clone()),
            None => {
                let allowed =
                    crate::diagnostics::backticked_list(terms.iter().map(|t| t.key.as_str()));
                let near = did_you_mean(
                    word,
                    terms
                        .iter()
                        .flat_map(|t| [t.key.as_str(), t.label.as_str()]),
                );
                let help = match near {
                    Some(near) => text!("did_you_mean", name = near),
                    None => text!("table_terms_help", allowed = allowed),
                };
                return Err((word.to_string(), help));
            }
        }
    }
    Ok(keys)
}

/// When a row's event is: its time column, or start and end (each maybe with a date column
/// before it), read as entry files' times are.
fn when_of(value: &dyn Fn(&str) -> Option<String>, config: &Config) -> Result<When, Problem> {
    let context = when::Context {
        week_start: Some(config.week.start),
        day: None,
        time_alone: false,
        lang: config.lang,

        earliest: None,
    };
    let date = value("date").unwrap_or_default();
    let (key, text) = match (value("time"), value("start")) {
        (Some(time), _) => ("time", format!("{date} {time}")),
        (None, Some(start)) => ("start", format!("{date} {start}")),
        (None, None) if !date.is_empty() => ("date", date.clone()),
        (None, None) => {
            let field = names::shown("time", config.lang);
            return Err((
                "time",
                text!("missing", field = field),
                text!("table_time_help"),
            ));
        }
    };
    let mut written = when::read(text.trim(), &context).map_err(|p| (key, p.message, p.help))?;
    if let Some(end) = value("end") {
        let context = when::Context {
            day: written.start.date(),
            time_alone: !matches!(written.start, Moment::Day(_)),
            ..context
        };
        let end = when::read(&end, &context).map_err(|p| ("end", p.message, p.help))?;
        written.end = Some(end.start);
    }
    let zoned = |key: &'static str, moment: Moment| -> Result<Zoned, Problem> {
        match moment {
            Moment::Exact(ts) => Ok(ts.to_zoned(config.tz.clone())),
            Moment::Local(local) => crate::times::resolve(local, &config.tz, &config.tz_name)
                .map_err(|(message, help)| (key, message, help)),
            Moment::Day(_) => Err((key, text!("when_mixed_fields"), text!("when_mixed_help"))),
        }
    };
    match (written.start, written.end) {
        (Moment::Day(first), None) => Ok(When::AllDay { first, last: first }),
        (Moment::Day(first), Some(Moment::Day(last))) => Ok(When::AllDay {
            first,
            last: last.max(first),
        }),
        (start, end) => {
            let start = zoned(key, start)?;
            let end = end.map(|e| zoned("end", e)).transpose()?;
            if end.as_ref().is_some_and(|e| *e <= start) {
                let shown = |z: &Zoned| {
                    format!(
                        "{} {}",
                        config.lang.bare_date(z.date()),
                        config.lang.time(z.time())
                    )
                };
                let end = end.as_ref().map(shown).unwrap_or_default();
                return Err((
                    "end",
                    text!("when_backwards", start = shown(&start), end = end),
                    text!("when_backwards_help", start = shown(&start)),
                ));
            }
            Ok(When::Timed { start, end })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_dates_and_times() {
        assert_eq!(excel_date(46343.0), "17.11.2026");
        assert_eq!(excel_date(46343.5833333333), "17.11.2026 klo 14.00");
        assert_eq!(excel_date(0.6458333333), "15.30");
    }

    #[test]
    fn a_windows_csv_with_semicolons_is_read() {
        let bytes = b"Otsikko;Aika\r\nP\xe4iv\xe4kahvila;ti 17.11. klo 14\r\n";
        let rows = csv_rows(bytes).unwrap();
        assert_eq!(rows[1], ["Päiväkahvila", "ti 17.11. klo 14"]);
        let bom = "\u{feff}Otsikko,Aika\n\"Ilta, nuoret\",17.11.\n".as_bytes();
        assert_eq!(csv_rows(bom).unwrap()[1], ["Ilta, nuoret", "17.11."]);
    }
}
