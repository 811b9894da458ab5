//! Participation figures for the funder's report: from `attendance` on entries and
//! `participants` on memos. Entries without a figure are counted apart, never as zero, and
//! cancelled entries are left out of the figures. The page, the CSV and `viikko stats` all
//! read these same numbers.

use std::collections::BTreeMap;

use crate::model::*;
use crate::translations::Translations;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    /// Entries that took place (not cancelled).
    pub entries: usize,
    /// Of those, how many reported their attendance.
    pub reported: usize,
    pub attendance: u64,
}

impl Row {
    fn new(label: impl Into<String>) -> Row {
        Row {
            label: label.into(),
            entries: 0,
            reported: 0,
            attendance: 0,
        }
    }

    fn add(&mut self, entry: &Entry) {
        self.entries += 1;
        if let Some(n) = entry.attendance {
            self.reported += 1;
            self.attendance += u64::from(n);
        }
    }

    pub fn unreported(&self) -> usize {
        self.entries - self.reported
    }
}

#[derive(Debug, Clone)]
pub struct Breakdown {
    pub key: &'static str,
    pub title: String,
    pub rows: Vec<Row>,
    /// An entry can be in several rows (audiences), so the rows do not add up to the total.
    pub overlapping: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRow {
    pub year: i16,
    /// The week's entries held (sessions of series are counted apart).
    pub entries: usize,
    pub organisers: usize,
    pub reported: usize,
    pub attendance: u64,
    pub sessions: usize,
    pub session_attendance: u64,
    pub memos: usize,
    pub participants: u64,
    pub points: usize,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub total: Row,
    pub cancelled: usize,
    pub memos: usize,
    pub memo_participants: u64,
    pub breakdowns: Vec<Breakdown>,
    pub years: Vec<YearRow>,
    /// Entries and sessions held before today, of every year, without an attendance figure.
    pub missing: usize,
}

/// The week's figures: its entries held, by each grouping. Series' sessions, held all year,
/// are counted year by year instead.
pub fn stats(site: &Site, t: &Translations) -> Stats {
    let held: Vec<&Entry> = site
        .entries
        .iter()
        .filter(|e| e.status != Status::Cancelled && !site.is_session(e))
        .map(|e| &**e)
        .collect();
    let mut total = Row::new(t.get("total"));
    held.iter().for_each(|e| total.add(e));
    let lang = site.config.lang;
    let config = &site.config;
    let breakdowns = vec![
        breakdown(
            "paiva",
            t.get("by_day"),
            false,
            &held,
            |e| vec![lang.date(e.first_day())],
            Some(&|e: &Entry| e.first_day().to_string()),
        ),
        breakdown(
            "jarjestaja",
            t.get("by_organiser"),
            false,
            &held,
            |e| vec![site.organisers[e.organiser].name.clone()],
            None,
        ),
        breakdown(
            "kohderyhma",
            t.get("by_audience"),
            true,
            &held,
            |e| {
                e.audiences
                    .iter()
                    .map(|&a| config.audiences[a].label.clone())
                    .collect()
            },
            None,
        ),
        breakdown(
            "tyyppi",
            t.get("by_format"),
            false,
            &held,
            |e| {
                vec![e.format.map_or(t.get("no_format").into(), |f| {
                    config.formats[f].label.clone()
                })]
            },
            None,
        ),
        breakdown(
            "kunta",
            t.get("by_municipality"),
            false,
            &held,
            |e| {
                vec![
                    e.municipality()
                        .map_or(t.get("online_only").into(), str::to_string),
                ]
            },
            None,
        ),
        breakdown(
            "tapa",
            t.get("by_attending"),
            false,
            &held,
            |e| vec![t.get(mode(e)).into()],
            None,
        ),
    ];
    Stats {
        total,
        cancelled: site.entries.len() - held.len(),
        memos: site.memos.len(),
        memo_participants: site
            .memos
            .iter()
            .filter_map(|m| m.participants)
            .map(u64::from)
            .sum(),
        breakdowns,
        years: years(site),
        missing: missing(site, site.today)
            .iter()
            .map(|(_, _, e)| e.len())
            .sum(),
    }
}

fn mode(entry: &Entry) -> &'static str {
    match (entry.is_on_site(), entry.is_online()) {
        (true, true) => "on_site_and_online",
        (false, true) => "online_title",
        _ => "on_site",
    }
}

/// Rows by label, in the order `order` gives (chronological days) or else by label.
fn breakdown(
    key: &'static str,
    title: &str,
    overlapping: bool,
    entries: &[&Entry],
    labels: impl Fn(&Entry) -> Vec<String>,
    order: Option<&dyn Fn(&Entry) -> String>,
) -> Breakdown {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for entry in entries {
        for label in labels(entry) {
            let sort = order.map_or_else(|| label.to_lowercase(), |o| o(entry));
            rows.entry(sort)
                .or_insert_with(|| Row::new(label))
                .add(entry);
        }
    }
    Breakdown {
        key,
        title: title.to_string(),
        rows: rows.into_values().collect(),
        overlapping,
    }
}

/// Every entry of the site and of its earlier weeks.
pub fn all_entries(site: &Site) -> impl Iterator<Item = &Entry> {
    site.entries
        .iter()
        .chain(site.editions.iter().flat_map(|e| &e.entries))
        .map(|e| &**e)
}

/// Year by year: the weeks' entries, organisers and attendance, the series' sessions, and the
/// memos with their participants and points.
fn years(site: &Site) -> Vec<YearRow> {
    let mut years: BTreeMap<i16, (YearRow, std::collections::BTreeSet<&str>)> = BTreeMap::new();
    let row = |year| {
        let row = YearRow {
            year,
            entries: 0,
            organisers: 0,
            reported: 0,
            attendance: 0,
            sessions: 0,
            session_attendance: 0,
            memos: 0,
            participants: 0,
            points: 0,
        };
        (row, std::collections::BTreeSet::new())
    };
    for entry in all_entries(site).filter(|e| e.status != Status::Cancelled) {
        let year = entry.first_day().year();
        let (r, organisers) = years.entry(year).or_insert_with(|| row(year));
        if site.is_session(entry) {
            r.sessions += 1;
            r.session_attendance += entry.attendance.map_or(0, u64::from);
            continue;
        }
        r.entries += 1;
        organisers.insert(entry.folder.as_str());
        if let Some(n) = entry.attendance {
            r.reported += 1;
            r.attendance += u64::from(n);
        }
    }
    for memo in &site.memos {
        let (r, _) = years.entry(memo.year).or_insert_with(|| row(memo.year));
        r.memos += 1;
        r.participants += memo.participants.map_or(0, u64::from);
        r.points += memo.points.len();
    }
    years
        .into_values()
        .rev()
        .map(|(mut r, organisers)| {
            r.organisers = organisers.len();
            r
        })
        .collect()
}

/// An organiser's name and email, and the dates and titles of its entries missing a figure.
pub type Missing = (String, Option<String>, Vec<(jiff::civil::Date, String)>);

/// The entries and sessions held before `today` (not cancelled) that have no attendance figure,
/// by organiser: its name, email and the entries' dates and titles.
pub fn missing(site: &Site, today: jiff::civil::Date) -> Vec<Missing> {
    let mut by_organiser: BTreeMap<usize, Vec<(jiff::civil::Date, String)>> = BTreeMap::new();
    for entry in all_entries(site) {
        if entry.attendance.is_none()
            && entry.status != Status::Cancelled
            && entry.first_day() < today
        {
            by_organiser
                .entry(entry.organiser)
                .or_default()
                .push((entry.first_day(), entry.title.clone()));
        }
    }
    by_organiser
        .into_iter()
        .map(|(o, mut entries)| {
            entries.sort();
            let organiser = &site.organisers[o];
            (organiser.name.clone(), organiser.email.clone(), entries)
        })
        .collect()
}

/// The figures as a spreadsheet: UTF-8 with a byte order mark and `;` between fields, CRLF line
/// ends, as Finnish Excel expects; the same rows as the page.
pub fn csv(stats: &Stats, t: &Translations) -> Vec<u8> {
    let header = |keys: &[&str]| {
        keys.iter()
            .map(|k| t.get(k).to_string())
            .collect::<Vec<_>>()
    };
    let mut rows = vec![header(&[
        "grouping",
        "group",
        "entries_count",
        "reported",
        "unreported",
        "participants",
    ])];
    let line = |group: &str, row: &Row| {
        vec![
            group.to_string(),
            row.label.clone(),
            row.entries.to_string(),
            row.reported.to_string(),
            row.unreported().to_string(),
            row.attendance.to_string(),
        ]
    };
    rows.push(line(t.get("all"), &stats.total));
    for breakdown in &stats.breakdowns {
        rows.extend(breakdown.rows.iter().map(|r| line(&breakdown.title, r)));
    }
    rows.push(vec![]);
    rows.push(header(&[
        "year",
        "entries_count",
        "nav_organisers",
        "reported",
        "participants",
        "sessions_count",
        "session_participants",
        "memos_short",
        "memo_participants",
        "points_count",
    ]));
    for y in &stats.years {
        rows.push(
            [
                y.year.max(0) as u64,
                y.entries as u64,
                y.organisers as u64,
                y.reported as u64,
                y.attendance,
                y.sessions as u64,
                y.session_attendance,
                y.memos as u64,
                y.participants,
                y.points as u64,
            ]
            .iter()
            .map(|n: &u64| n.to_string())
            .collect(),
        );
    }
    csv_bytes(&rows)
}

pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn csv_field(field: &str) -> String {
    // A leading = + - @ would make a spreadsheet run the cell as a formula.
    let field = if field.starts_with(['=', '+', '-', '@']) && field.parse::<f64>().is_err() {
        format!("'{field}")
    } else {
        field.to_string()
    };
    if field.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// The figures as the terminal shows them (`viikko stats`): the page's tables as text.
pub fn text(stats: &Stats, t: &Translations) -> String {
    let mut tables = vec![(t.get("total"), std::slice::from_ref(&stats.total))];
    tables.extend(
        stats
            .breakdowns
            .iter()
            .map(|b| (b.title.as_str(), b.rows.as_slice())),
    );
    let heads = [
        "entries_count",
        "participants",
        "figure_reported",
        "figure_missing",
    ]
    .map(|k| t.get(k));
    let mut out = String::new();
    for (title, rows) in tables {
        let width = rows
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0);
        out.push_str(&format!("{title}\n"));
        for r in rows {
            let pad = " ".repeat(width - r.label.chars().count());
            let figures = [
                r.entries as u64,
                r.attendance,
                r.reported as u64,
                r.unreported() as u64,
            ];
            let cells: Vec<String> = heads
                .iter()
                .zip(figures)
                .map(|(h, n)| format!("{h} {n}"))
                .collect();
            out.push_str(&format!("  {}{pad}  {}\n", r.label, cells.join("  ")));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{}: {}\n{}: {}, {}: {}\n",
        t.get("status_cancelled"),
        stats.cancelled,
        t.get("memos_count"),
        stats.memos,
        t.get("memo_participants"),
        stats.memo_participants
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_separators_and_defuses_formulas() {
        let bytes = csv_bytes(&[vec![
            "a;b".into(),
            "sa\"no".into(),
            "=SUM(A1)".into(),
            "-5".into(),
        ]]);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}\"a;b\";\"sa\"\"no\";'=SUM(A1);-5\r\n");
    }
}
