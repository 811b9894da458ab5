//! Partners' Markdown to safe HTML and to plain text (for feeds and listings).
//!
//! Links to other content files (`../porin-kaupunki/kahvila.md`) become the URLs of their pages,
//! so partners link the way their editor shows files; a link that leads nowhere is an error.
//! Raw HTML is allowed but sanitised: no script, event handlers, frames or script URLs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::utils::TextMergeWithOffset;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::cache::Fingerprint;
use crate::diagnostics::{Diagnostic, Span};
use crate::load::SourceFile;
use crate::slug::slugify;

/// Where each content file is published: `content/programme/a/b.md` → `ohjelma/a/b/`.
pub type Targets = foldhash::HashMap<String, String>;

/// What links between content files are resolved against.
pub struct Links<'a> {
    pub targets: &'a Targets,
    pub base_path: &'a str,
}

impl Links<'_> {
    /// Of what links to `files` (content files, as [`Rendered::links`] names them) resolve to:
    /// a body need not be rendered again while this is unchanged, however many other files come
    /// and go.
    pub fn fingerprint(&self, files: &[&str]) -> u64 {
        let f = Fingerprint::default().text(self.base_path);
        let f = files.iter().fold(f, |f, file| {
            let page = self.targets.get(*file);
            f.text(file).text(page.map_or("\0", String::as_str))
        });
        f.finish()
    }
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: std::sync::Arc<str>,
    pub text: std::sync::Arc<str>,
    pub problems: Vec<Diagnostic>,
    /// The content files its links were looked up as, found or not, one line each.
    pub links: String,
}

impl Rendered {
    /// The body in the cache's file: the HTML's length, the HTML, the text (its links are kept
    /// in a record of their own). `None` when it had problems, which the next build must report
    /// again.
    pub(crate) fn to_bytes(&self) -> Option<Vec<u8>> {
        if !self.problems.is_empty() {
            return None;
        }
        let len = u32::try_from(self.html.len()).ok()?;
        let mut bytes = Vec::with_capacity(4 + self.html.len() + self.text.len());
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(self.html.as_bytes());
        bytes.extend_from_slice(self.text.as_bytes());
        Some(bytes)
    }

    /// [`Rendered::to_bytes`] read back.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Rendered> {
        let (len, rest) = bytes.split_first_chunk::<4>()?;
        let (html, text) = rest.split_at_checked(u32::from_le_bytes(*len) as usize)?;
        Some(Rendered {
            html: simdutf8::basic::from_utf8(html).ok()?.into(),
            text: simdutf8::basic::from_utf8(text).ok()?.into(),
            ..Rendered::default()
        })
    }
}

/// Ids the page templates use themselves; generated heading ids avoid them.
const TEMPLATE_IDS: [&str; 4] = ["sisalto", "haku", "suodata", "ohjelma"];

/// The start of a plain text, at most `max` characters, cut between words and marked with `…`.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => {
            let cut = text[..end].rfind(char::is_whitespace).unwrap_or(end);
            format!("{}…", text[..cut].trim_end())
        }
    }
}

pub fn render(file: &SourceFile, body_offset: usize, links: &Links) -> Rendered {
    let body = &file.text[body_offset.min(file.text.len())..];
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let body = word_bullets(body);
    // Text whole, as written: an address is not cut where `_` or `&` could have been markup.
    let events: Vec<(Event, std::ops::Range<usize>)> =
        TextMergeWithOffset::new(Parser::new_ext(&body, options).into_offset_iter()).collect();

    let mut problems = Vec::new();
    let mut looked_up = String::new();
    let mut raw_html = false;
    let shift = heading_shift(&events);
    let mut ids = HeadingIds::default();
    let mut html_depth = 0;
    // Inside a link, an image or a code block, an address is text.
    let mut linked = 0;
    let mut out = Vec::with_capacity(events.len());
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => linked += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => linked -= 1,
            Event::InlineHtml(html) if html.starts_with("<a ") => linked += 1,
            Event::InlineHtml(html) if html.starts_with("</a") => linked -= 1,
            _ => {}
        }
        let event = match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let wanted = match id {
                    Some(id) => slugify(id),
                    None => slugify(&heading_text(&events[i + 1..])),
                };
                Event::Start(Tag::Heading {
                    level: shifted(*level, shift),
                    id: Some(ids.unique(wanted).into()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                })
            }
            Event::End(TagEnd::Heading(level)) => {
                Event::End(TagEnd::Heading(shifted(*level, shift)))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve(dest_url, file, links, &mut looked_up);
                let dest_url = dest_url.unwrap_or_else(|problem| {
                    let at = body_offset + range.start;
                    problems.push(problem.at(file, at, range.len()));
                    CowStr::from("#")
                });
                Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url,
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve(dest_url, file, links, &mut looked_up);
                let dest_url = dest_url.unwrap_or_else(|problem| {
                    problems.push(problem.at(file, body_offset + range.start, range.len()));
                    CowStr::from("")
                });
                Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url,
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            Event::Text(text) if linked == 0 => {
                push_linked(finnish_quotes(text), &mut out);
                continue;
            }
            Event::Text(text) => Event::Text(finnish_quotes(text)),
            Event::Html(html) | Event::InlineHtml(html) => {
                raw_html = true;
                if nest(&mut html_depth, html) {
                    problems.push(too_deep(file, body_offset + range.start));
                    break;
                }
                event.clone()
            }
            _ => event.clone(),
        };
        out.push(event);
    }

    let text = plain_text(&out);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    if raw_html {
        html = sanitize(&html);
    }
    Rendered {
        html: html.into(),
        text: text.into(),
        problems,
        links: looked_up,
    }
}

/// Lines that start with the bullet a word processor pastes (`• kahvit`) as Markdown list items,
/// which they were meant to be. The dash is padded to the bullet's length, so that every
/// position a problem is reported at stays where it was written.
fn word_bullets(body: &str) -> Cow<'_, str> {
    const BULLETS: [char; 5] = ['•', '◦', '▪', '·', '\u{F0B7}'];
    let bulleted = |line: &str| line.trim_start_matches([' ', '\t']).starts_with(BULLETS);
    if !body.split('\n').any(bulleted) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        let rest = line.trim_start_matches([' ', '\t']);
        let bullet = rest.chars().next().filter(|_| bulleted(line));
        match bullet.filter(|b| rest[b.len_utf8()..].starts_with([' ', '\t'])) {
            Some(bullet) => {
                out.push_str(&line[..line.len() - rest.len()]);
                out.push('-');
                out.push_str(&" ".repeat(bullet.len_utf8() - 1));
                out.push_str(&rest[bullet.len_utf8()..]);
            }
            None => out.push_str(line),
        }
    }
    Cow::Owned(out)
}

/// Text, with the addresses written in it (`https://…`, `www.…`, an e-mail address) as links:
/// a reader expects to follow an address they see, on a phone above all.
fn push_linked<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    // Most text has no address: these searches are fast, the word by word reading is not.
    let any = ["://", "www.", "WWW.", "@"]
        .iter()
        .any(|mark| text.contains(mark));
    let found = match any {
        true => addresses(&text),
        false => Vec::new(),
    };
    if found.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    let piece = |range: std::ops::Range<usize>| Event::Text(text[range].to_string().into());
    let mut at = 0;
    for (start, end, dest) in found {
        if start > at {
            out.push(piece(at..start));
        }
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: dest.into(),
            title: "".into(),
            id: "".into(),
        }));
        out.push(piece(start..end));
        out.push(Event::End(TagEnd::Link));
        at = end;
    }
    if at < text.len() {
        out.push(piece(at..text.len()));
    }
}

/// Where each address in `text` is, and where it leads. A word is one without the punctuation
/// around it (`(www.example.fi).`), keeping a closing bracket it opened itself.
fn addresses(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut at = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let start = at + (word.len() - word.trim_start_matches(['(', '<', '"', '”', '\'']).len());
        at += word.len();
        let mut end = at - (word.len() - word.trim_end().len());
        while let Some(last) = text[start..end].chars().next_back() {
            let opened =
                text[start..end].matches('(').count() >= text[start..end].matches(')').count();
            let trailing = ".,;:!?\"'”>".contains(last) || (last == ')' && !opened);
            if !trailing {
                break;
            }
            end -= last.len_utf8();
        }
        let core = &text[start..end];
        // Every address has a dot or an `@`: most words are passed over here.
        if !core.contains(['.', '@']) {
            continue;
        }
        let starts = |prefix: &str| {
            core.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        let dest = if starts("https://") || starts("http://") {
            core.to_string()
        } else if starts("www.") && core[4..].contains('.') {
            format!("https://{core}")
        } else if crate::content::fields::is_email(core) {
            format!("mailto:{core}")
        } else {
            continue;
        };
        if dest.starts_with("mailto:") || crate::content::fields::check_url(&dest).is_ok() {
            found.push((start, end, dest));
        }
    }
    found
}

/// Moves headings so the body's top level is `h2`: the page title is the only `h1`.
fn heading_shift(events: &[(Event, std::ops::Range<usize>)]) -> i32 {
    let top = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as i32),
            _ => None,
        })
        .min()
        .unwrap_or(2);
    2 - top
}

fn shifted(level: HeadingLevel, shift: i32) -> HeadingLevel {
    match (level as i32 + shift).clamp(2, 6) {
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn heading_text(rest: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in rest {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// The ids given to headings so far. Each repeated heading takes the next free number from
/// where the last one of its name stopped, so a body of many equal headings costs linear time.
struct HeadingIds {
    taken: HashSet<String>,
    next: HashMap<String, usize>,
}

impl Default for HeadingIds {
    fn default() -> HeadingIds {
        HeadingIds {
            taken: TEMPLATE_IDS.iter().map(|s| s.to_string()).collect(),
            next: HashMap::new(),
        }
    }
}

impl HeadingIds {
    fn unique(&mut self, wanted: String) -> String {
        let base = if wanted.is_empty() {
            "otsikko".to_string()
        } else {
            wanted
        };
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            *n += 1;
            let id = format!("{base}-{n}");
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// How deep raw HTML may nest. Real descriptions stay within a dozen levels; the sanitizer's
/// time grows with the square of the depth, so thousands of levels would hold up the build.
const MAX_HTML_DEPTH: usize = 200;

/// Follows the depth of the elements opened and closed in a piece of raw HTML; true when it
/// goes past [`MAX_HTML_DEPTH`]. Elements that close themselves or that HTML closes without
/// an end tag do not count.
fn nest(depth: &mut usize, html: &str) -> bool {
    const UNNESTED: [&str; 22] = [
        "area", "base", "br", "col", "dd", "dt", "embed", "hr", "img", "input", "li", "link",
        "meta", "option", "p", "param", "source", "td", "th", "tr", "track", "wbr",
    ];
    for tag in html.split('<').skip(1) {
        let Some(rest) = tag.strip_prefix('/') else {
            let name: String = tag
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let closed = tag.split('>').next().is_some_and(|t| t.ends_with('/'));
            if !name.is_empty() && !closed && !UNNESTED.contains(&name.as_str()) {
                *depth += 1;
            }
            continue;
        };
        if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            *depth = depth.saturating_sub(1);
        }
    }
    *depth > MAX_HTML_DEPTH
}

fn too_deep(file: &SourceFile, at: usize) -> Diagnostic {
    Diagnostic::error(&file.rel, text!("html_too_deep", levels = MAX_HTML_DEPTH))
        .with_span(Span::at(&file.text, at, 1))
        .with_help(text!("html_too_deep_help"))
}

/// Smart punctuation makes English quotes; Finnish and Swedish use the closing mark on both sides.
fn finnish_quotes<'a>(text: &CowStr<'a>) -> CowStr<'a> {
    if text.contains(['“', '‘']) {
        CowStr::from(text.replace('“', "”").replace('‘', "’"))
    } else {
        text.clone()
    }
}

struct LinkProblem {
    message: crate::messages::Text,
    help: crate::messages::Text,
}

impl LinkProblem {
    fn at(self, file: &SourceFile, offset: usize, len: usize) -> Diagnostic {
        Diagnostic::error(&file.rel, self.message)
            .with_span(Span::at(&file.text, offset, len))
            .with_help(self.help)
    }
}

/// Rewrites a link target: content files to their page URLs, static files to theirs; refuses
/// script URLs and links to files that do not exist. Adds each content file it looks up to
/// `looked_up`, a line each.
fn resolve<'a>(
    url: &CowStr<'a>,
    file: &SourceFile,
    links: &Links,
    looked_up: &mut String,
) -> Result<CowStr<'a>, LinkProblem> {
    let trimmed = url.trim();
    let scheme = trimmed
        .split_once(':')
        .map(|(s, _)| s.to_ascii_lowercase())
        .filter(|s| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !s.is_empty()
        });
    if let Some(scheme) = scheme {
        return match scheme.as_str() {
            "http" | "https" | "mailto" | "tel" => Ok(url.clone()),
            _ => Err(LinkProblem {
                message: text!("link_scheme", scheme = scheme),
                help: text!("link_scheme_help"),
            }),
        };
    }
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('/') {
        return Ok(url.clone());
    }
    let (path, fragment) = match trimmed.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (trimmed, None),
    };
    let target = join(file.dir(), path);
    if let Some(target) = &target {
        looked_up.push_str(target);
        looked_up.push('\n');
    }
    let page = target.as_deref().and_then(|t| links.targets.get(t));
    match page {
        Some(page) => {
            let mut resolved = format!("{}{page}", links.base_path);
            if let Some(fragment) = fragment {
                resolved.push('#');
                resolved.push_str(fragment);
            }
            Ok(resolved.into())
        }
        None => Err(LinkProblem {
            message: text!("link_nowhere", link = trimmed),
            help: text!("link_nowhere_help", folder = file.dir()),
        }),
    }
}

/// `content/programme/a` + `../b/c.md` → `content/programme/b/c.md`; `None` if it climbs out.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    Some(percent_decode(&joined))
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sanitize(html: &str) -> String {
    let footnote_classes = [
        "footnote-reference",
        "footnote-definition",
        "footnote-definition-label",
    ];
    ammonia::Builder::default()
        .add_generic_attributes(["id"])
        .add_allowed_classes("sup", footnote_classes)
        .add_allowed_classes("div", footnote_classes)
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// The text a calendar client shows: paragraphs separated by blank lines, list items as `- `.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    let mut link: Vec<String> = Vec::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak => text.push('\n'),
            Event::Start(Tag::Item) => text.push_str("- "),
            Event::End(TagEnd::Item) => text.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.pop().filter(|u| u.starts_with("http")) {
                    let written = url
                        .trim_start_matches("https://")
                        .trim_start_matches("http://");
                    if !text.ends_with(written) {
                        text.push_str(&format!(" ({url})"));
                    }
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::List(_)
                | TagEnd::CodeBlock
                | TagEnd::Table,
            ) => {
                text.truncate(text.trim_end().len());
                text.push_str("\n\n");
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                text.truncate(text.trim_end_matches([' ', '|']).len());
                text.push('\n');
            }
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_known_by_the_pages_of_the_files_it_links_to_alone() {
        let fingerprint = |pairs: &[(&str, &str)]| {
            let targets: Targets = pairs
                .iter()
                .map(|(file, address)| (file.to_string(), address.to_string()))
                .collect();
            let links = Links {
                targets: &targets,
                base_path: "/rsv/",
            };
            let file = SourceFile::new("content/pages/c.md", "[a](a.md) [x](x.md)");
            let rendered = render(&file, 0, &links);
            assert_eq!(rendered.links, "content/pages/a.md\ncontent/pages/x.md\n");
            let files: Vec<&str> = rendered.links.lines().collect();
            links.fingerprint(&files)
        };
        let a = ("content/pages/a.md", "a/");
        let others = [a, ("content/pages/b.md", "b/")];
        // Another file coming or going does not count; the page of one it links to does, and
        // so does a file it looked for in vain appearing.
        assert_eq!(fingerprint(&[a]), fingerprint(&others));
        assert_ne!(
            fingerprint(&[a]),
            fingerprint(&[("content/pages/a.md", "b/")])
        );
        assert_ne!(
            fingerprint(&[a]),
            fingerprint(&[a, ("content/pages/x.md", "x/")])
        );
        assert_ne!(fingerprint(&[a]), fingerprint(&[]));
    }

    fn render_body(body: &str) -> Rendered {
        let file = SourceFile::new(
            "content/programme/a/b.md",
            format!("---\ntitle: x\n---\n{body}"),
        );
        let mut targets = Targets::default();
        targets.insert(
            "content/programme/a/c.md".to_string(),
            "ohjelma/a/c/".to_string(),
        );
        targets.insert("content/pages/tietoa.md".to_string(), "tietoa/".to_string());
        render(
            &file,
            16,
            &Links {
                targets: &targets,
                base_path: "/rsv/",
            },
        )
    }

    #[test]
    fn addresses_written_as_text_become_links() {
        let body = "Katso www.example.fi/a, (https://fi.wikipedia.org/wiki/Pori_(kaupunki)) tai \
                    kysy matti@example.fi. Ei javascript:alert(1).\n\n\
                    [https://x.example.fi](https://x.example.fi) `https://koodi.example.fi`\n";
        let html = render_body(body).html;
        for link in [
            "<a href=\"https://www.example.fi/a\">www.example.fi/a</a>,",
            "(<a href=\"https://fi.wikipedia.org/wiki/Pori_(kaupunki)\">https://fi.wikipedia.org/wiki/Pori_(kaupunki)</a>)",
            "<a href=\"mailto:matti@example.fi\">matti@example.fi</a>.",
            "<a href=\"https://x.example.fi\">https://x.example.fi</a>",
            "<code>https://koodi.example.fi</code>",
        ] {
            assert!(html.contains(link), "{link} not in {html}");
        }
        assert_eq!(html.matches("<a ").count(), 4, "{html}");
    }

    #[test]
    fn a_word_processors_bullets_are_a_list_and_positions_stay() {
        let r = render_body("Ohjelma:\n\n• kahvit\n  ◦ [x](puuttuu.md)\n");
        assert!(
            r.html
                .contains("<ul>\n<li>kahvit</li>\n<li><a href=\"#\">x</a></li>"),
            "{}",
            r.html
        );
        let span = r.problems[0].span.as_ref().unwrap();
        assert_eq!((span.line, span.column), (7, 5));
        // Not a bullet without the space after it, nor in the middle of a line.
        let html = render_body("•kahvit · keskustelu\n").html;
        assert!(!html.contains("<li>"), "{html}");
    }

    #[test]
    fn excerpts_cut_between_words() {
        assert_eq!(excerpt("lyhyt teksti", 20), "lyhyt teksti");
        assert_eq!(excerpt("yksi kaksi kolme", 12), "yksi kaksi…");
        assert_eq!(excerpt("äääääää", 3), "äää…");
    }

    #[test]
    fn links_to_content_files_become_page_urls() {
        let r = render_body("[c](c.md#ohjelma) ja [tietoa](../../pages/tietoa.md)\n");
        assert!(
            r.html.contains(r#"href="/rsv/ohjelma/a/c/#ohjelma""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="/rsv/tietoa/""#));
        assert!(r.problems.is_empty());
    }

    #[test]
    fn broken_links_and_script_urls_are_errors_with_lines() {
        let r = render_body("ok\n\n[x](puuttuu.md)\n\n[y](javascript:alert(1))\n");
        assert_eq!(r.problems.len(), 2);
        assert_eq!(r.problems[0].span.as_ref().unwrap().line, 6);
        assert_eq!(r.problems[1].span.as_ref().unwrap().line, 8);
        assert!(!r.html.contains("javascript"));
    }

    #[test]
    fn raw_html_is_sanitised_but_ids_and_footnotes_survive() {
        let r = render_body(
            "# Otsikko\n\n<script>alert(1)</script><img src=x onerror=alert(1)><iframe src=\"https://e.fi\"></iframe>\n\nTeksti[^1]\n\n[^1]: Viite\n",
        );
        assert!(
            !r.html.contains("<script")
                && !r.html.contains("onerror")
                && !r.html.contains("iframe")
        );
        assert!(r.html.contains(r#"<h2 id="otsikko">"#), "{}", r.html);
        assert!(r.html.contains("footnote-definition"));
    }

    #[test]
    fn headings_start_at_h2_with_unique_ids() {
        let r = render_body("## Ohjelma\n\n### Lisää\n\n## Ohjelma\n");
        assert!(r.html.contains(r#"<h2 id="ohjelma-2">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h3 id="lisaa">"#));
        assert!(r.html.contains(r#"<h2 id="ohjelma-3">"#));
    }

    #[test]
    fn plain_text_keeps_paragraphs_lists_and_quotes() {
        let r = render_body("Hei \"kaikki\".\n\n- yksi\n- [kaksi](https://e.fi/)\n");
        assert_eq!(&*r.text, "Hei ”kaikki”.\n\n- yksi\n- kaksi (https://e.fi/)");
    }
}
