//! A discussion memo: `content/memos/<year>/<memo>.md`.

use super::*;

pub(super) const MEMO_KEYS: [&str; 6] =
    ["title", "date", "event", "themes", "participants", "points"];

pub(super) fn read_memo(file: &SourceFile) -> Read<Memo> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, &mut problems) else {
        return (None, problems);
    };
    let year_folder = file.dir().rsplit('/').next().unwrap_or_default();
    let year = year_folder
        .parse::<i16>()
        .ok()
        .filter(|y| year_folder.len() == 4 && *y > 1900);
    let title = fields.required_text("title", "SO sotessa -keskustelu: asuminen");
    let date = fields.date("date");
    if date.is_none() && fields.text("date").is_none() {
        fields.missing("date", "2026-11-18");
    }
    let memo = Memo {
        id: format!("{year_folder}/{}", file.stem()),
        path: format!("muistiot/{year_folder}/{}/", slugify(file.stem())),
        year: year.unwrap_or_default(),
        title: title.unwrap_or_default(),
        date: date.unwrap_or(Date::constant(2000, 1, 1)),
        event: None,
        event_id: fields.text("event"),
        themes: fields.list("themes"),
        participants: fields.count("participants"),
        points: fields.list("points"),
        body_html: String::new(),
        body_text: String::new(),
        source: file.rel.clone(),
    };
    if year.is_none() {
        fields.error(
            "date",
            format!("memos go in a folder named by year, not `{year_folder}`"),
            "move the file to content/memos/<year>/, e.g. content/memos/2026/",
        );
    } else if date.is_some_and(|d| d.year() != memo.year) {
        fields.warning(
            "date",
            format!(
                "the memo is dated {} but lies in the folder {year_folder}",
                memo.date
            ),
            "move it to the folder of its year",
        );
    }
    problems.extend(fields.finish(&MEMO_KEYS));
    let ok = problems.iter().all(|p| !p.is_error());
    (
        Some(Draft {
            value: memo,
            file: file.clone(),
            body_offset,
            ok,
        }),
        problems,
    )
}

/// A memo's `event` must name an entry file, whether or not that entry has problems of its own.
pub(super) fn check_memo_events(
    memos: &[Draft<Memo>],
    sources: &Sources,
    problems: &mut Diagnostics,
) {
    let ids: Vec<String> = sources
        .organisers
        .iter()
        .flat_map(|o| {
            o.entries
                .iter()
                .map(move |e| format!("{}/{}", o.folder, e.stem()))
        })
        .collect();
    for memo in memos {
        let Some(event) = &memo.value.event_id else {
            continue;
        };
        if ids.contains(event) {
            continue;
        }
        let mut near: Vec<(f64, &str)> = ids
            .iter()
            .map(|id| (strsim::jaro_winkler(event, id), id.as_str()))
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let suggestions = backticked_list(near.iter().take(3).map(|(_, id)| *id));
        let mut diagnostic = Diagnostic::error(&memo.file.rel, format!("`{event}` names no programme entry"))
            .with_field("event")
            .with_help(format!("an entry id is `<organiser folder>/<file name without .md>`; the nearest are {suggestions}"));
        if let Ok(split) = frontmatter::split(&memo.file) {
            if let Some((at, len)) = frontmatter::find_key(split.yaml, &["event"]) {
                diagnostic =
                    diagnostic.with_span(Span::at(&memo.file.text, split.yaml_offset + at, len));
            }
        }
        problems.push(diagnostic);
    }
}
