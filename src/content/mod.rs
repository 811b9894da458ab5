//! From raw sources to the model: every field read, typed and checked, every problem of the run
//! collected. When there are errors no `Site` comes out, so nothing half-checked is ever rendered.

mod entry;
pub mod fields;
pub mod frontmatter;
pub mod import;
mod memo;
pub mod names;
mod organiser;
mod page;
mod series;
mod site;
pub mod when;

pub use entry::ONLINE_PLACE_WORDS;
use entry::*;
use memo::*;
use organiser::*;
pub use page::RESERVED_PATHS;
use page::*;
use series::*;
pub use site::settings;
use site::*;

use fields::{Fields, Yaml};

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rayon::prelude::*;

use crate::cache::{Cache, Fingerprint, remember};
use crate::diagnostics::{Diagnostic, Diagnostics, Span, backticked_list, did_you_mean};
use crate::load::{SITE_FILE, SourceFile, Sources};
use crate::markdown::{self, Links};
use crate::model::*;
use crate::slug::slugify;
use crate::times::{self, Lang};

pub fn validate(sources: &Sources, cache: Option<&Cache>) -> (Option<Site>, Diagnostics) {
    let mut problems = Diagnostics::default();
    let mut config = read_config(sources, &mut problems);
    // Every entry is read against the settings: without them each would report the same
    // unknown audiences and times, burying the one mistake in site.yaml.
    if !settings_readable(sources) {
        return (None, problems);
    }
    // With the week itself in doubt, "outside the week" would only repeat that.
    let week_known = !problems.has_errors();
    // A series file names a series that entries may name, where site.yaml lists them.
    let series_keys: Vec<String> = sources.series.iter().map(|f| slugify(f.stem())).collect();
    if !config.series.is_empty() {
        for key in &series_keys {
            if term_index(&config.series, key).is_none() {
                let (key, label) = (key.clone(), key.clone());
                config.series.push(Term { key, label });
            }
        }
    }
    // An entry is read with the settings, which come from this file (and the series' names)
    // alone.
    let settings = sources.site.as_ref().map_or("", |f| &*f.text);
    let series_names = series_keys.join(" ");

    // What every entry is read with, hashed once.
    let shared = Fingerprint::default()
        .text("entry")
        .text(settings)
        .text(&series_names)
        .finish();
    let mut organisers = Vec::new();
    let mut drafts = Vec::new();
    for (index, folder) in sources.organisers.iter().enumerate() {
        let unreadable = sources
            .unreadable
            .contains(&format!("content/programme/{}/_index.md", folder.folder));
        organisers.push(read_organiser(folder, unreadable, &config, &mut problems));
        drafts.extend(folder.entries.iter().map(|file| (index, file)));
    }
    let entries: Vec<_> = drafts
        .par_iter()
        .map(|(organiser, file)| {
            let has_profile = organisers[*organiser].is_some();
            let inputs = |f: Fingerprint| {
                f.number(shared)
                    .text(&file.rel)
                    .number(file.digest())
                    .number(u64::from(has_profile))
                    .number(u64::from(week_known))
            };
            let key = inputs(Fingerprint::default()).finish();
            // Kept without its file, which the sources hold: a kept copy held every entry's
            // text until the pages were made (160 MB at 50,000 entries).
            let (draft, problems) = remember(
                cache,
                |f| f.number(key),
                || {
                    let (draft, problems) = read_entry(file, (has_profile, week_known), &config);
                    (draft.map(|d| d.without_file().shared()), problems)
                },
            );
            // The file as read now: one a cache keeps its parse by is the same text.
            let draft = draft.map(|draft| Draft {
                file: (*file).clone(),
                ..draft
            });
            (draft.map(|draft| (draft, Some(key))), problems)
        })
        .collect();
    let mut kept = Vec::with_capacity(entries.len());
    for (entry, found) in entries {
        problems.extend(found);
        kept.extend(entry);
    }
    let memos: Vec<_> = sources
        .memos
        .par_iter()
        .map(|m| {
            let inputs = |f: Fingerprint| {
                f.number(shared)
                    .text("memo")
                    .text(&m.rel)
                    .number(m.digest())
            };
            remember(cache, inputs, || read_memo(m, &config))
        })
        .collect();
    let pages: Vec<_> = sources
        .pages
        .iter()
        .map(|p| read_page(p, config.lang))
        .collect();
    let mut memos_kept = Vec::new();
    for (memo, found) in memos {
        problems.extend(found);
        memos_kept.extend(memo);
    }
    let mut pages_kept = Vec::new();
    for (page, found) in pages {
        problems.extend(found);
        pages_kept.extend(page);
    }
    let organisers: Vec<Draft<Organiser>> = organisers.into_iter().flatten().collect();
    let folders: Vec<String> = organisers.iter().map(|o| o.value.folder.clone()).collect();
    let mut series = Vec::new();
    let mut sessions = Vec::new();
    for file in &sources.series {
        let (read, found) = read_series_file(file, &config, &folders);
        problems.extend(found);
        if let Some(mut read) = read {
            sessions.extend(read.sessions.drain(..).map(Draft::shared));
            series.push(read);
        }
    }
    override_sessions(&mut kept, &mut sessions);
    let session_ids: Vec<String> = sessions.iter().map(|s| s.value.id.clone()).collect();
    check_memo_events(
        &memos_kept,
        sources,
        &session_ids,
        config.lang,
        &mut problems,
    );

    let mut targets = publish_paths(
        &organisers,
        &kept,
        &memos_kept,
        &pages_kept,
        sources,
        &mut problems,
    );
    for read in &series {
        targets.insert(read.series.file.rel.clone(), read.series.value.path());
    }
    let links = Links {
        targets: &targets,
        base_path: &config.base_path,
    };
    let markdown = Markdown {
        links: &links,
        cache,
    };
    let mut organisers =
        markdown.render_all(organisers, &mut problems, |o, r| o.body_html = r.html);
    let mut memos = markdown.render_all(memos_kept, &mut problems, |m, r| {
        m.body_html = r.html;
        m.body_text = r.text;
    });
    let pages = markdown.render_all(pages_kept, &mut problems, |p, r| p.body_html = r.html);
    // In the site's order before the entries are finished, which name both by index.
    organisers.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.folder.cmp(&b.folder))
    });
    memos.sort_by(|a, b| b.date.cmp(&a.date).then(a.id.cmp(&b.id)));
    let indexes = EntryIndexes {
        organisers: organisers
            .iter()
            .enumerate()
            .map(|(i, o)| (o.folder.as_str(), i))
            .collect(),
        memos: memos.iter().enumerate().fold(
            foldhash::HashMap::default(),
            |mut by_event, (m, memo)| {
                if let Some(event) = memo.event_id.as_deref() {
                    by_event.entry(event).or_default().push(m);
                }
                by_event
            },
        ),
    };
    let mut entries = markdown.finish_entries(kept, &indexes, &mut problems);
    let sessions = sessions.into_iter().map(|s| (s, None)).collect();
    entries.extend(markdown.finish_entries(sessions, &indexes, &mut problems));
    let organisers_of_series: Vec<String> = series.iter().map(|r| r.organiser.clone()).collect();
    let series_drafts: Vec<Draft<crate::model::Series>> =
        series.into_iter().map(|r| r.series).collect();
    let series: Vec<(crate::model::Series, String)> = markdown
        .render_all(series_drafts, &mut problems, |s, r| s.body_html = r.html)
        .into_iter()
        .zip(organisers_of_series)
        .collect();
    for (one, _) in &series {
        if let Some(term) = config
            .series
            .iter_mut()
            .find(|t| t.key == one.key && t.label == t.key)
        {
            term.label = one.name.clone();
        }
    }

    // Each earlier week is a site of its own entries; sessions belong to the series, all year.
    let is_session = |e: &Entry| {
        e.series
            .as_ref()
            .is_some_and(|k| series.iter().any(|(s, _)| s.key == *k))
    };
    let mut by_year: BTreeMap<i16, Vec<Arc<Entry>>> = BTreeMap::new();
    let mut current = Vec::with_capacity(entries.len());
    for entry in entries {
        match config
            .edition_of(entry.first_day())
            .filter(|_| !is_session(&entry))
        {
            Some(year) => by_year.entry(year).or_default().push(entry),
            None => current.push(entry),
        }
    }
    let editions: Vec<Site> = config
        .earlier
        .iter()
        .map(|(year, week)| {
            let entries = by_year.remove(year).unwrap_or_default();
            let config = config.of_edition(*year, *week);
            let mut edition = assemble(
                config,
                organisers.clone(),
                entries,
                memos.clone(),
                pages.clone(),
                sources,
            );
            link_memos(&mut edition);
            edition
        })
        .collect();
    let mut site = assemble(config, organisers, current, memos, pages, sources);
    site.editions = editions;
    site.series = series
        .into_iter()
        .map(|(mut one, folder)| {
            one.organiser = site
                .organisers
                .iter()
                .position(|o| o.folder == folder)
                .unwrap_or(0);
            one
        })
        .collect();
    if let Some(file) = &sources.calendar_lock {
        let inputs = |f: Fingerprint| f.text("record").text(&file.rel).number(file.digest());
        let parse = || crate::revisions::Revisions::parse(file).map(std::sync::Arc::new);
        match remember(cache, inputs, parse) {
            Ok(revisions) => site.revisions = revisions,
            Err(problem) => problems.push(problem),
        }
    }
    link_memos(&mut site);
    let problems = problems.sorted();
    if problems.has_errors() {
        (None, problems)
    } else {
        (Some(site), problems)
    }
}

/// A model value read from a file whose Markdown body is still to be rendered.
#[derive(Clone)]
pub(crate) struct Draft<T> {
    value: T,
    file: SourceFile,
    body_offset: usize,
    /// False when its fields had errors: the body is still rendered, so its link problems are
    /// reported in the same run, but the value is left out of the site.
    ok: bool,
}

impl<T> Draft<T> {
    /// The draft with its value shared: the preview's cache and each build's model hold one.
    fn shared(self) -> Draft<Arc<T>> {
        Draft {
            value: Arc::new(self.value),
            file: self.file,
            body_offset: self.body_offset,
            ok: self.ok,
        }
    }

    /// The draft with an empty stand-in for its file, for a reader to put the file back.
    fn without_file(self) -> Draft<T> {
        Draft {
            file: SourceFile::new(String::new(), ""),
            ..self
        }
    }
}

/// What an entry names by index in the site: its organiser, by folder, and the memos about it,
/// by its id.
struct EntryIndexes<'a> {
    organisers: foldhash::HashMap<&'a str, usize>,
    memos: foldhash::HashMap<&'a str, Vec<usize>>,
}

/// How bodies are rendered in this build: with these link targets, and maybe a cache.
struct Markdown<'a> {
    links: &'a Links<'a>,
    cache: Option<&'a Cache>,
}

impl Markdown<'_> {
    fn render_all<T: Send>(
        &self,
        drafts: Vec<Draft<T>>,
        problems: &mut Diagnostics,
        set: impl Fn(&mut T, markdown::Rendered) + Sync,
    ) -> Vec<T> {
        let rendered: Vec<(Option<T>, Vec<Diagnostic>)> = drafts
            .into_par_iter()
            .map(|mut draft| {
                let mut out = self.render(&draft);
                let found = std::mem::take(&mut out.problems);
                set(&mut draft.value, out);
                (draft.ok.then_some(draft.value), found)
            })
            .collect();
        rendered
            .into_iter()
            .filter_map(|(value, found)| {
                problems.extend(found);
                value
            })
            .collect()
    }

    /// Each entry with its body: the entry of the build before when neither its file (`key`,
    /// `None` for a session or an entry that takes a session's place) nor its body changed,
    /// not a copy of it. The preview makes every entry on each save, and copying them was
    /// most of its check.
    fn finish_entries(
        &self,
        drafts: Vec<Keyed>,
        indexes: &EntryIndexes,
        problems: &mut Diagnostics,
    ) -> Vec<Arc<Entry>> {
        let finished: Vec<(Option<Arc<Entry>>, Vec<Diagnostic>)> = drafts
            .into_par_iter()
            .map(|(draft, key)| {
                let (mut body, body_key) = self.render_keyed(&draft);
                let found = std::mem::take(&mut body.problems);
                let read = &draft.value;
                let organiser = indexes.organisers.get(read.folder.as_str()).copied();
                let memos = indexes.memos.get(read.id.as_str());
                let finish = || {
                    Arc::new(Entry {
                        body_html: body.html.clone(),
                        body_text: body.text.clone(),
                        organiser: organiser.unwrap_or_default(),
                        memos: memos.cloned().unwrap_or_default(),
                        ..(**read).clone()
                    })
                };
                let entry = draft.ok.then(|| match (key, body_key) {
                    (Some(key), Some(body_key)) => remember(
                        self.cache,
                        |f| {
                            let f = f.text("finished").number(key).number(body_key);
                            let f = f.debug(&organiser);
                            f.debug(&memos)
                        },
                        finish,
                    ),
                    _ => finish(),
                });
                (entry, found)
            })
            .collect();
        finished
            .into_iter()
            .filter_map(|(entry, found)| {
                problems.extend(found);
                entry
            })
            .collect()
    }

    fn render<T>(&self, draft: &Draft<T>) -> markdown::Rendered {
        self.render_keyed(draft).0
    }

    /// The body of `draft`, or what the cache kept of it: known first by the file's text, which
    /// gives the content files it links to, then by what those are published as. So a body is
    /// rendered again when a file it links to moves, not whenever any file comes or goes.
    /// Returns it with its fingerprint, when there is a cache.
    fn render_keyed<T>(&self, draft: &Draft<T>) -> (markdown::Rendered, Option<u64>) {
        let render = || markdown::render(&draft.file, draft.body_offset, self.links);
        let Some(cache) = self.cache else {
            return (render(), None);
        };
        let text = Fingerprint::default()
            .text("markdown")
            .text(&draft.file.rel)
            .number(draft.file.digest())
            .number(draft.body_offset as u64)
            .finish();
        let mut made = None;
        let links: std::sync::Arc<str> = remember(
            Some(cache),
            |f| f.number(text).text("links"),
            || {
                let rendered = made.insert(render());
                rendered.links.as_str().into()
            },
        );
        let files: Vec<&str> = links.lines().collect();
        let key = Fingerprint::default()
            .number(text)
            .number(self.links.fingerprint(&files))
            .finish();
        let body = remember(
            Some(cache),
            |f| f.number(key),
            || made.take().unwrap_or_else(render),
        );
        (body, Some(key))
    }
}

/// Each organiser's folder and name, as their profiles give them (for matching the names a
/// questionnaire's answers use).
pub fn organisers(sources: &Sources) -> Vec<(String, String)> {
    sources
        .organisers
        .iter()
        .filter_map(|o| {
            let file = o.profile.as_ref()?;
            let (mut fields, _) = parse(file, Lang::Fi, &mut Vec::new())?;
            Some((o.folder.clone(), fields.text("name")?))
        })
        .collect()
}

/// How the site's times are read: the year from its week, reports in its language.
fn when_context(config: &Config, day: Option<Date>) -> when::Context {
    when::Context {
        week_start: Some(config.week.start),
        day,
        time_alone: false,
        lang: config.lang,
        earliest: config.earlier.iter().map(|(year, _)| *year).min(),
    }
}

fn parse<'a>(
    file: &'a SourceFile,
    lang: Lang,
    problems: &mut Vec<Diagnostic>,
) -> Option<(Fields<'a>, usize)> {
    let split = match frontmatter::split(file) {
        Ok(split) => split,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let yaml = Yaml {
        file,
        text: split.yaml,
        offset: split.yaml_offset,
        lang,
    };
    match yaml.parse() {
        Ok(fields) => Some((fields, split.body_offset)),
        Err(problem) => {
            problems.push(problem);
            None
        }
    }
}

// Organisers and entries

type Read<T> = (Option<Draft<T>>, Vec<Diagnostic>);

/// An entry as read, with the fingerprint of what it was read from while that is all it is
/// made from.
type Keyed = (Draft<Arc<Entry>>, Option<u64>);

/// An entry file as read, before its body is rendered: what `viikko build` keeps between runs.
pub(crate) type ReadEntry = Read<Arc<Entry>>;

/// A read entry in the cache's file (without its file, which the reader has), or `None` when
/// it had problems, which the next build must report again.
pub(crate) fn entry_bytes(read: &ReadEntry) -> Option<Vec<u8>> {
    match read {
        (Some(draft), problems) if problems.is_empty() => {
            serde_json::to_vec(&(&draft.value, draft.body_offset, draft.ok)).ok()
        }
        _ => None,
    }
}

/// [`entry_bytes`] read back, with an empty stand-in for its file: [`validate`] puts the file
/// that was read in its place.
pub(crate) fn entry_from_bytes(bytes: &[u8]) -> Option<ReadEntry> {
    let (value, body_offset, ok) = serde_json::from_slice(bytes).ok()?;
    let file = SourceFile::new(String::new(), "");
    let draft = Draft {
        value,
        file,
        body_offset,
        ok,
    };
    Some((Some(draft), Vec::new()))
}

// Memos and pages

// The whole site

/// Maps every content file to the page it becomes, reporting two files that would make one page.
fn publish_paths(
    organisers: &[Draft<Organiser>],
    entries: &[Keyed],
    memos: &[Draft<Memo>],
    pages: &[Draft<Page>],
    sources: &Sources,
    problems: &mut Diagnostics,
) -> markdown::Targets {
    let all: Vec<(&String, String)> = organisers
        .iter()
        .map(|o| (&o.file.rel, o.value.path()))
        .chain(
            entries
                .iter()
                .map(|(e, _)| (&e.file.rel, e.value.path.clone())),
        )
        .chain(memos.iter().map(|m| (&m.file.rel, m.value.path.clone())))
        .chain(pages.iter().map(|p| (&p.file.rel, p.value.path())))
        .collect();
    let mut owner = foldhash::HashMap::with_capacity_and_hasher(all.len(), Default::default());
    // The first file keeps the address; each later one is an error.
    let mut first = vec![true; all.len()];
    for (i, (rel, path)) in all.iter().enumerate() {
        match owner.entry(path.as_str()) {
            std::collections::hash_map::Entry::Occupied(other) => {
                problems.push(
                    Diagnostic::error(
                        *rel,
                        text!("same_address", other = other.get(), path = path),
                    )
                    .with_help(text!("same_address_help")),
                );
                first[i] = false;
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(rel.as_str());
            }
        }
    }
    drop(owner);
    let mut targets = markdown::Targets::default();
    targets.reserve(all.len() + sources.statics.len());
    for ((rel, path), first) in all.into_iter().zip(first) {
        if first {
            targets.insert(rel.clone(), path);
        }
    }
    for file in &sources.statics {
        targets.insert(
            format!("content/static/{}", file.output),
            file.output.clone(),
        );
    }
    targets
}

/// The site of `entries`, with `organisers` and `memos` in the site's order.
fn assemble(
    config: Config,
    mut organisers: Vec<Organiser>,
    mut entries: Vec<Arc<Entry>>,
    memos: Vec<Memo>,
    mut pages: Vec<Page>,
    sources: &Sources,
) -> Site {
    let by_folder: foldhash::HashMap<String, usize> = organisers
        .iter()
        .enumerate()
        .map(|(i, o)| (o.folder.clone(), i))
        .collect();
    entries.par_sort_by_cached_key(programme_order);
    for (i, entry) in entries.iter_mut().enumerate() {
        let organiser = by_folder[entry.folder.as_str()];
        // Copied only when it changed: most are the previous build's, shared with its cache.
        if entry.organiser != organiser {
            Arc::make_mut(entry).organiser = organiser;
        }
        organisers[organiser].entries.push(i);
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    let days = days(&entries);
    Site {
        config,
        organisers,
        entries,
        memos,
        pages,
        series: Vec::new(),
        days,
        editions: Vec::new(),
        statics: sources.statics.clone(),
        revisions: Default::default(),
        today: Date::constant(2000, 1, 1),
        changes: Vec::new(),
    }
}

fn programme_order(entry: &Arc<Entry>) -> (Date, u8, jiff::civil::Time, String, String) {
    match &entry.when {
        When::AllDay { first, .. } => (
            *first,
            0,
            jiff::civil::Time::midnight(),
            entry.title.to_lowercase(),
            entry.id.clone(),
        ),
        When::Timed { start, .. } => (
            start.date(),
            1,
            start.time(),
            entry.title.to_lowercase(),
            entry.id.clone(),
        ),
    }
}

fn days(entries: &[Arc<Entry>]) -> Vec<Day> {
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for date in entry.days() {
            let day = days.entry(date).or_insert_with(|| Day {
                date,
                all_day: Vec::new(),
                slots: Vec::new(),
            });
            match &entry.when {
                When::AllDay { .. } => day.all_day.push(i),
                When::Timed { start, .. } => {
                    let continued = start.date() != date;
                    let time = if continued {
                        jiff::civil::Time::midnight()
                    } else {
                        start.time()
                    };
                    match day
                        .slots
                        .iter_mut()
                        .find(|s| s.start == time && s.continued == continued)
                    {
                        Some(slot) => slot.entries.push(i),
                        None => day.slots.push(Slot {
                            start: time,
                            continued,
                            entries: vec![i],
                        }),
                    }
                }
            }
        }
    }
    let mut days: Vec<Day> = days.into_values().collect();
    for day in &mut days {
        day.slots.sort_by_key(|s| (!s.continued, s.start));
    }
    days
}

/// An entry that names a series and one of its sessions' dates takes that session's place (its
/// own place, a cancellation, a move), keeping the session's id and address. Such an entry is
/// no longer what its file alone makes: its key is let go.
fn override_sessions(entries: &mut [Keyed], sessions: &mut Vec<Draft<Arc<Entry>>>) {
    for (entry, file_key) in entries.iter_mut() {
        let Some(key) = entry.value.series.clone() else {
            continue;
        };
        let day = entry.value.first_day();
        let same = |s: &Draft<Arc<Entry>>| {
            s.value.series.as_deref() == Some(key.as_str()) && s.value.first_day() == day
        };
        if let Some(at) = sessions.iter().position(same) {
            let session = sessions.remove(at);
            let value = Arc::make_mut(&mut entry.value);
            value.id.clone_from(&session.value.id);
            value.path.clone_from(&session.value.path);
            value.theme = value.theme.take().or_else(|| session.value.theme.clone());
            *file_key = None;
        }
    }
}

/// Links each memo to the entry it is about. The entries come with their memos already
/// ([`Markdown::finish_entries`], by id), so only an entry some memo names is looked at: should
/// two share an id, the memo is the last one's, as its `event` says.
fn link_memos(site: &mut Site) {
    // The entries that memos name, not every entry: a few hundred memos, against tens of
    // thousands of entries, and the preview does this on every save.
    let named: foldhash::HashSet<&str> = site
        .memos
        .iter()
        .filter_map(|m| m.event_id.as_deref())
        .collect();
    let mut ids: foldhash::HashMap<&str, usize> = Default::default();
    let mut named_entries = Vec::new();
    if !named.is_empty() {
        for (i, entry) in site.entries.iter().enumerate() {
            if named.contains(entry.id.as_str()) {
                ids.insert(&entry.id, i);
                named_entries.push(i);
            }
        }
    }
    let mut memos: foldhash::HashMap<usize, Vec<usize>> = Default::default();
    for (m, memo) in site.memos.iter_mut().enumerate() {
        if let Some(&e) = memo.event_id.as_deref().and_then(|id| ids.get(id)) {
            memo.event = Some(e);
            memos.entry(e).or_default().push(m);
        }
    }
    for e in named_entries {
        let own = memos.remove(&e).unwrap_or_default();
        if let Some(entry) = site.entries.get_mut(e)
            && entry.memos != own
        {
            Arc::make_mut(entry).memos = own;
        }
    }
}
