//! Other ways in to the same content: a partner's calendar export or a questionnaire's answers,
//! turned into entry files as a partner would write them (Finnish field names, announcement
//! times), so that they are read, checked and edited like any other.
//!
//! Each file made remembers where it came from in a comment line: the event's key in the
//! source and a hash of the file as written. Importing again updates the files it made, and
//! leaves alone any that a person has edited since (unless forced).

pub mod calendar;
pub mod table;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::revisions::digest as hash;
use jiff::Zoned;
use jiff::civil::Date;

use crate::model::Config;
use crate::slug::slugify;
use crate::times::Lang;

/// An entry as an import found it, in the site's time zone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    /// Where it came from, unique within the source (a calendar UID and occurrence, a row).
    pub key: String,
    pub title: String,
    pub when: Option<When>,
    pub place: Option<String>,
    pub online: Option<String>,
    pub audiences: Vec<String>,
    pub format: Option<String>,
    pub summary: Option<String>,
    pub price: Option<String>,
    pub registration: Option<String>,
    pub accessibility: Option<String>,
    pub cancelled: bool,
    pub tags: Vec<String>,
    pub description: String,
    /// The organiser's folder, for a table whose rows name their organisers.
    pub organiser: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum When {
    Timed { start: Zoned, end: Option<Zoned> },
    AllDay { first: Date, last: Date },
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub written: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    /// Edited by a person since they were imported, so left as they are.
    pub kept: Vec<PathBuf>,
    /// Events outside the week, not imported.
    pub outside_week: usize,
}

const ORIGIN: &str = "# tuotu, älä muuta tätä riviä: ";

/// The entry file for `draft`, in the site's language's field names.
pub fn file_text(draft: &Draft, config: &Config) -> String {
    let lang = config.lang;
    let name = |key| super::names::shown(key, lang);
    let mut lines = vec![format!("{}: {}", name("title"), quoted(&draft.title))];
    if let Some(when) = &draft.when {
        lines.extend(when_lines(when, lang, config));
    }
    let mut field = |key, value: &Option<String>| {
        if let Some(value) = value {
            lines.push(format!("{}: {}", name(key), quoted(value)));
        }
    };
    field("place", &draft.place);
    field("online", &draft.online);
    field("summary", &draft.summary);
    field("format", &draft.format);
    field("price", &draft.price);
    field("registration", &draft.registration);
    field("accessibility", &draft.accessibility);
    lines.push(format!(
        "{}: {}",
        name("audience"),
        draft.audiences.join(", ")
    ));
    if draft.cancelled {
        let word = match lang {
            Lang::Fi => "peruttu",
            Lang::Sv => "inställd",
            Lang::En => "cancelled",
        };
        lines.push(format!("{}: {word}", name("status")));
    }
    if !draft.tags.is_empty() {
        let tags: Vec<String> = draft.tags.iter().map(|t| t.replace(',', " ")).collect();
        lines.push(format!("{}: {}", name("tags"), tags.join(", ")));
    }
    format!(
        "---\n{}\n---\n{}\n",
        lines.join("\n"),
        draft.description.trim()
    )
}

/// A value as YAML reads it back unchanged: quoted (with `"` and `\` escaped) whenever it
/// holds anything YAML could take for more than text.
fn quoted(value: &str) -> String {
    let value = value.replace(['\r', '\n'], " ");
    let plain = value
        .chars()
        .all(|c| c.is_alphanumeric() || " .,-–€()/!?':".contains(c))
        && !value.contains(": ")
        && !value.ends_with(':')
        && !value.starts_with(['-', '?', '\'', ' '])
        && !value.ends_with(' ')
        && !value.is_empty()
        && !matches!(
            value.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off"
        )
        && value.parse::<f64>().is_err();
    match plain {
        true => value,
        false => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

/// `aika: ti 17.11.2026 klo 14–15.30`, as partners write it; a time that the clocks make
/// ambiguous is written with its offset instead.
fn when_lines(when: &When, lang: Lang, config: &Config) -> Vec<String> {
    let name = |key| super::names::shown(key, lang);
    match when {
        When::AllDay { first, last } if first == last => {
            vec![format!("{}: {}", name("time"), lang.date(*first))]
        }
        When::AllDay { first, last } => {
            vec![format!(
                "{}: {} – {}",
                name("time"),
                lang.date(*first),
                lang.date(*last)
            )]
        }
        When::Timed { start, end } => {
            let plain = |z: &Zoned| {
                let local = z.datetime();
                let back = crate::times::resolve(local, &config.tz, &config.tz_name);
                back.is_ok_and(|b| b.timestamp() == z.timestamp())
            };
            if !plain(start) || end.as_ref().is_some_and(|e| !plain(e)) {
                let iso = |z: &Zoned| z.strftime("%Y-%m-%dT%H:%M%:z").to_string();
                let mut lines = vec![format!("{}: {}", name("start"), iso(start))];
                lines.extend(end.iter().map(|e| format!("{}: {}", name("end"), iso(e))));
                return lines;
            }
            let span = lang.time_span(start, end.as_ref());
            match end.as_ref().is_some_and(|e| e.date() != start.date()) {
                // `ti 17.11. klo 9 – ke 18.11. klo 16`: the year is the week's.
                true => vec![format!("{}: {span}", name("time"))],
                false => vec![format!(
                    "{}: {} {span}",
                    name("time"),
                    lang.date(start.date())
                )],
            }
        }
    }
}

/// Writes `drafts` into `folder` (an organiser's), each as a file of its own: a new one for a
/// key not seen before, the same file again for a key imported before, unless a person has
/// edited that file since (then it is kept, unless `force`).
pub fn write(
    folder: &Path,
    drafts: &[Draft],
    config: &Config,
    force: bool,
) -> io::Result<Imported> {
    fs::create_dir_all(folder)?;
    let made = made_here(folder)?;
    let mut imported = Imported::default();
    for draft in drafts {
        let text = file_text(draft, config);
        let hash = hash(&text);
        let content = format!("{}{ORIGIN}{} {hash}\n{}", "---\n", draft.key, &text[4..]);
        match made.iter().find(|(key, _, _)| *key == draft.key) {
            Some((_, path, edited)) => {
                let current = fs::read_to_string(path)?;
                if current == content {
                    imported.unchanged.push(path.clone());
                } else if *edited && !force {
                    imported.kept.push(path.clone());
                } else {
                    fs::write(path, content)?;
                    imported.updated.push(path.clone());
                }
            }
            None => {
                let path = free_name(folder, &draft.title, draft.when.as_ref());
                fs::write(&path, content)?;
                imported.written.push(path);
            }
        }
    }
    Ok(imported)
}

/// The files an import made in `folder`: each one's key, path, and whether a person has
/// edited it since.
fn made_here(folder: &Path) -> io::Result<Vec<(String, PathBuf, bool)>> {
    let mut made = Vec::new();
    for item in fs::read_dir(folder)? {
        let path = item?.path();
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let Some(line) = rest.lines().next().and_then(|l| l.strip_prefix(ORIGIN)) else {
            continue;
        };
        let Some((key, recorded)) = line.rsplit_once(' ') else {
            continue;
        };
        let body = &rest[rest.find('\n').map_or(rest.len(), |i| i + 1)..];
        let edited = hash(&format!("---\n{body}")) != recorded;
        made.push((key.to_string(), path, edited));
    }
    made.sort();
    Ok(made)
}

/// `asukaskahvila.md`, or with the date (`asukaskahvila-2026-11-17.md`) or a number when that
/// is taken.
fn free_name(folder: &Path, title: &str, when: Option<&When>) -> PathBuf {
    let stem = match slugify(title) {
        s if s.is_empty() => "tapahtuma".to_string(),
        s => s,
    };
    let date = when.map(|w| match w {
        When::Timed { start, .. } => start.date(),
        When::AllDay { first, .. } => *first,
    });
    let candidates = std::iter::once(stem.clone())
        .chain(date.map(|d| format!("{stem}-{d}")))
        .chain((2..).map(|n| format!("{stem}-{n}")));
    candidates
        .map(|name| folder.join(format!("{name}.md")))
        .find(|path| !path.exists())
        .unwrap_or_else(|| folder.join(format!("{stem}.md")))
}
