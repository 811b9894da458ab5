//! Participation figures for the funder's report: from `attendance` on entries and
//! `participants` on memos. Entries without a figure are counted apart, never as zero, and
//! cancelled entries are left out of the figures. The page, the CSV and `viikko stats` all
//! read these same numbers.

use std::collections::BTreeMap;

use crate::model::*;

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
    pub title: &'static str,
    pub rows: Vec<Row>,
    /// An entry can be in several rows (audiences), so the rows do not add up to the total.
    pub overlapping: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRow {
    pub year: i16,
    pub entries: usize,
    pub reported: usize,
    pub attendance: u64,
    pub memos: usize,
    pub participants: u64,
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub total: Row,
    pub cancelled: usize,
    pub memos: usize,
    pub memo_participants: u64,
    pub breakdowns: Vec<Breakdown>,
    pub years: Vec<YearRow>,
}

pub fn stats(site: &Site) -> Stats {
    let held: Vec<&Entry> = site
        .entries
        .iter()
        .filter(|e| e.status != Status::Cancelled)
        .collect();
    let mut total = Row::new("Yhteensä");
    held.iter().for_each(|e| total.add(e));
    let lang = site.config.lang;
    let config = &site.config;
    let breakdowns = vec![
        breakdown(
            "paiva",
            "Päivittäin",
            false,
            &held,
            |e| vec![lang.date(e.first_day())],
            Some(&|e: &Entry| e.first_day().to_string()),
        ),
        breakdown(
            "jarjestaja",
            "Järjestäjittäin",
            false,
            &held,
            |e| vec![site.organisers[e.organiser].name.clone()],
            None,
        ),
        breakdown(
            "kohderyhma",
            "Kohderyhmittäin",
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
            "Tapahtumatyypeittäin",
            false,
            &held,
            |e| {
                vec![
                    e.format
                        .map_or("Ei tyyppiä".into(), |f| config.formats[f].label.clone()),
                ]
            },
            None,
        ),
        breakdown(
            "kunta",
            "Kunnittain",
            false,
            &held,
            |e| {
                vec![
                    e.municipality()
                        .map_or("Vain verkossa".into(), str::to_string),
                ]
            },
            None,
        ),
        breakdown(
            "tapa",
            "Osallistumistavan mukaan",
            false,
            &held,
            |e| vec![mode(e).into()],
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
    }
}

fn mode(entry: &Entry) -> &'static str {
    match (entry.is_on_site(), entry.is_online()) {
        (true, true) => "Paikan päällä ja verkossa",
        (false, true) => "Verkossa",
        _ => "Paikan päällä",
    }
}

/// Rows by label, in the order `order` gives (chronological days) or else by label.
fn breakdown(
    key: &'static str,
    title: &'static str,
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
        title,
        rows: rows.into_values().collect(),
        overlapping,
    }
}

fn years(site: &Site) -> Vec<YearRow> {
    let mut years: BTreeMap<i16, YearRow> = BTreeMap::new();
    let row = |year| YearRow {
        year,
        entries: 0,
        reported: 0,
        attendance: 0,
        memos: 0,
        participants: 0,
    };
    for entry in site
        .entries
        .iter()
        .filter(|e| e.status != Status::Cancelled)
    {
        let year = entry.first_day().year();
        let r = years.entry(year).or_insert_with(|| row(year));
        r.entries += 1;
        if let Some(n) = entry.attendance {
            r.reported += 1;
            r.attendance += u64::from(n);
        }
    }
    for memo in &site.memos {
        let r = years.entry(memo.year).or_insert_with(|| row(memo.year));
        r.memos += 1;
        r.participants += memo.participants.map_or(0, u64::from);
    }
    years.into_values().rev().collect()
}

/// The figures as a spreadsheet: UTF-8 with a byte order mark and `;` between fields, CRLF line
/// ends, as Finnish Excel expects; the same rows as the page.
pub fn csv(stats: &Stats) -> Vec<u8> {
    let mut rows: Vec<Vec<String>> = vec![vec![
        "Ryhmittely".into(),
        "Ryhmä".into(),
        "Tapahtumia".into(),
        "Osallistujamäärä ilmoitettu".into(),
        "Osallistujamäärä puuttuu".into(),
        "Osallistujia".into(),
    ]];
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
    rows.push(line("Kaikki", &stats.total));
    for breakdown in &stats.breakdowns {
        rows.extend(breakdown.rows.iter().map(|r| line(breakdown.title, r)));
    }
    rows.push(vec![]);
    rows.push(vec![
        "Vuosi".into(),
        "Tapahtumia".into(),
        "Osallistujamäärä ilmoitettu".into(),
        "Osallistujia".into(),
        "Muistioita".into(),
        "Keskusteluihin osallistuneita".into(),
    ]);
    for y in &stats.years {
        rows.push(vec![
            y.year.to_string(),
            y.entries.to_string(),
            y.reported.to_string(),
            y.attendance.to_string(),
            y.memos.to_string(),
            y.participants.to_string(),
        ]);
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

/// The figures as the terminal shows them (`viikko stats`).
pub fn text(stats: &Stats) -> String {
    let mut out = String::new();
    let t = &stats.total;
    out.push_str(&format!(
        "Tapahtumia {} (peruttuja lisäksi {}), osallistujia {} ({} tapahtumaa ilmoitti, {} ei ilmoittanut)\n",
        t.entries, stats.cancelled, t.attendance, t.reported, t.unreported()
    ));
    out.push_str(&format!(
        "Muistioita {}, keskusteluihin osallistuneita {}\n",
        stats.memos, stats.memo_participants
    ));
    for breakdown in &stats.breakdowns {
        out.push_str(&format!("\n{}\n", breakdown.title));
        let width = breakdown
            .rows
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0);
        for r in &breakdown.rows {
            let pad = " ".repeat(width - r.label.chars().count());
            out.push_str(&format!(
                "  {}{pad}  {:>4} tapahtumaa  {:>6} osallistujaa  ({} ilman lukua)\n",
                r.label,
                r.entries,
                r.attendance,
                r.unreported()
            ));
        }
    }
    out.push_str("\nVuosittain\n");
    for y in &stats.years {
        out.push_str(&format!(
            "  {}  {:>4} tapahtumaa  {:>6} osallistujaa  {:>3} muistiota  {:>5} keskustelijaa\n",
            y.year, y.entries, y.attendance, y.memos, y.participants
        ));
    }
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
