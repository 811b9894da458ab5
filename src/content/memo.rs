//! A discussion memo: `content/memos/<year>/<memo>.md`.

use super::*;

pub(super) const MEMO_KEYS: [&str; 6] =
    ["title", "date", "event", "themes", "participants", "points"];

pub(super) fn read_memo(file: &SourceFile, config: &Config) -> Read<Memo> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, config.lang, &mut problems) else {
        return (None, problems);
    };
    let year_folder = file.dir().rsplit('/').next().unwrap_or_default();
    let year = year_folder
        .parse::<i16>()
        .ok()
        .filter(|y| year_folder.len() == 4 && *y > 1900);
    let title = fields.required_text("title", "SO sotessa -keskustelu: asuminen");
    let date = fields.date("date", &when_context(config, None));
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
        themes: fields.words("themes"),
        participants: fields.count("participants"),
        points: fields.list("points"),
        body_html: "".into(),
        body_text: "".into(),
        source: file.rel.clone(),
    };
    if year.is_none() {
        fields.error(
            "date",
            text!("memo_folder", folder = year_folder),
            text!("memo_folder_help"),
        );
    } else if date.is_some_and(|d| d.year() != memo.year) {
        fields.warning(
            "date",
            text!(
                "memo_other_year",
                date = config.lang.bare_date(memo.date),
                folder = year_folder
            ),
            text!("memo_other_year_help", year = memo.date.year()),
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
    sessions: &[String],
    lang: Lang,
    problems: &mut Diagnostics,
) {
    // Looked up by folder and name, and only those the memos name: comparing each memo's
    // event with every entry's took a tenth of the preview's check at 50,000 entries, and a
    // set of every entry still a twentieth. The list is made only for suggestions.
    let named: foldhash::HashSet<(&str, &str)> = memos
        .iter()
        .filter_map(|m| m.value.event_id.as_deref()?.split_once('/'))
        .collect();
    let entries: foldhash::HashSet<(&str, &str)> = sources
        .organisers
        .iter()
        .flat_map(|o| o.entries.iter().map(|e| (o.folder.as_str(), e.stem())))
        .filter(|id| named.contains(id))
        .collect();
    let is_entry = |event: &str| {
        event
            .split_once('/')
            .is_some_and(|id| entries.contains(&id))
    };
    for memo in memos {
        let Some(event) = &memo.value.event_id else {
            continue;
        };
        if is_entry(event) || sessions.contains(event) {
            continue;
        }
        let mut ids: Vec<String> = sources
            .organisers
            .iter()
            .flat_map(|o| {
                o.entries
                    .iter()
                    .map(move |e| format!("{}/{}", o.folder, e.stem()))
            })
            .collect();
        ids.extend(sessions.iter().cloned());
        let mut near: Vec<(f64, &str)> = ids
            .iter()
            .map(|id| (strsim::jaro_winkler(event, id), id.as_str()))
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let suggestions = backticked_list(near.iter().take(3).map(|(_, id)| *id));
        let mut diagnostic = Diagnostic::error(&memo.file.rel, text!("memo_event", event = event))
            .with_field(names::shown("event", lang))
            .with_help(text!("memo_event_help", nearest = suggestions));
        let split = frontmatter::split(&memo.file).ok();
        let found = split.and_then(|split| {
            let names = names::all(&["event"]);
            let key = names
                .iter()
                .find_map(|name| frontmatter::find_key(split.yaml, &[name]))?;
            Some((split.yaml_offset + key.0, key.1))
        });
        if let Some((at, len)) = found {
            diagnostic = diagnostic.with_span(Span::at(&memo.file.text, at, len));
        }
        problems.push(diagnostic);
    }
}
