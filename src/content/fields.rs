//! Typed reading of one YAML mapping from a partner's file. Every problem is collected, not
//! returned at the first one, and points at the key's line in the file; keys that nobody asked
//! for are reported at the end with the nearest allowed name. A field may be written under its
//! English, Finnish or Swedish name (see `names.rs`).

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::frontmatter;
use super::names;
use crate::diagnostics::{Diagnostic, Span, did_you_mean};
use crate::load::SourceFile;
use crate::messages::Text;
use crate::times::Lang;

/// The YAML part of a file: its text, where it starts in the file, and the language the site's
/// reports name fields in.
#[derive(Clone, Copy)]
pub struct Yaml<'a> {
    pub file: &'a SourceFile,
    pub text: &'a str,
    pub offset: usize,
    pub lang: Lang,
}

impl<'a> Yaml<'a> {
    /// Parses the YAML into a mapping (an empty text is an empty mapping).
    pub fn parse(self) -> Result<Fields<'a>, Diagnostic> {
        if let Some(at) = too_deep(self.text) {
            return Err(self.error_at(
                at,
                text!("yaml_too_deep", levels = MAX_NESTING),
                text!("yaml_too_deep_help"),
            ));
        }
        if let Some(at) = tab_in_indent(self.text) {
            let column = self.column(at);
            return Err(self.error_at(
                at,
                text!("yaml_tab", column = column),
                text!("yaml_tab_help"),
            ));
        }
        let text = plain_quotes(self.text);
        let value: Value = if text.trim().is_empty() {
            Value::Mapping(Mapping::new())
        } else {
            serde_yaml::from_str(&text).map_err(|error| self.syntax_error(&error))?
        };
        match value {
            Value::Mapping(map) => Ok(Fields::new(self, Vec::new(), map)),
            Value::Null => Ok(Fields::new(self, Vec::new(), Mapping::new())),
            _ => Err(self.error_at(0, text!("yaml_not_fields"), text!("yaml_not_fields_help"))),
        }
    }

    fn error_at(self, at: usize, message: Text, help: Text) -> Diagnostic {
        Diagnostic::error(&self.file.rel, message)
            .with_span(Span::at(&self.file.text, self.offset + at, 1))
            .with_help(help)
    }

    /// The 1-based column, in characters, of byte `at` of the YAML.
    fn column(self, at: usize) -> usize {
        let start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text[start..at].chars().count() + 1
    }

    /// serde_yaml's error, in plain words, at its line.
    fn syntax_error(self, error: &serde_yaml::Error) -> Diagnostic {
        let message = error.to_string();
        let Some(location) = error.location() else {
            return self.whole_file_error(&message);
        };
        let line_start = crate::diagnostics::line_offset(self.text, location.line());
        let line = self.text[line_start..].lines().next().unwrap_or_default();
        let column = line
            .char_indices()
            .nth(location.column().saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let at = line_start + column;
        // Some slips YAML notices only on the line after them.
        let above = (location.line() > 1).then(|| {
            let start = crate::diagnostics::line_offset(self.text, location.line() - 1);
            (start, self.text[start..].lines().next().unwrap_or_default())
        });
        let glued = [Some((line_start, line)), above]
            .into_iter()
            .flatten()
            .find_map(|(start, line)| Some((start, no_space_after_colon(line)?)));
        let (message, help, at) = if let Some((start, (colon, key, shown))) = glued {
            (
                text!("yaml_no_space", field = key),
                text!("yaml_no_space_help", line = shown),
                start + colon,
            )
        } else if message.starts_with("mapping values are not allowed") {
            match above.and_then(|(_, above)| indented_under(above, line)) {
                Some(shown) => (
                    text!("yaml_indented"),
                    text!("yaml_indented_help", line = shown),
                    line_start + depth(line),
                ),
                None => (text!("yaml_colon_in_value"), quote_hint(line), at),
            }
        } else if let Some(key) = duplicate_key(&message) {
            let second = self
                .text
                .match_indices(&format!("{key}:"))
                .filter(|(i, _)| *i == 0 || self.text.as_bytes()[i - 1] == b'\n')
                .nth(1)
                .map_or(at, |(i, _)| i);
            (
                text!("yaml_twice", field = key),
                text!("yaml_twice_help", field = key),
                second,
            )
        } else if message.contains("cannot start any token") {
            let c = line[column..].chars().next().unwrap_or(' ');
            (text!("yaml_bad_start", character = c), quote_hint(line), at)
        } else if message.contains("did not find expected") || message.contains("end of the stream")
        {
            match text_after_quote(line) {
                Some((problem, help)) => (problem, help, at),
                None => (text!("yaml_unclosed"), text!("yaml_unclosed_help"), at),
            }
        } else {
            (text!("yaml_unreadable"), text!("yaml_unreadable_help"), at)
        };
        self.error_at(at, message, help)
    }

    /// Errors serde_yaml gives without a position, pointed at the line that causes them.
    fn whole_file_error(self, message: &str) -> Diagnostic {
        let lines = || {
            self.text.split_inclusive('\n').scan(0, |at, line| {
                let start = *at;
                *at += line.len();
                Some((start, line))
            })
        };
        let (found, problem, help) = if message.contains("more than one document") {
            (
                lines()
                    .filter(|(_, l)| l.starts_with("---") || l.starts_with("..."))
                    .last(),
                text!("yaml_two_documents"),
                text!("yaml_two_documents_help"),
            )
        } else if message.contains("limit exceeded") {
            (
                lines().find(|(_, l)| l.contains('*') || l.contains('&')),
                text!("yaml_aliases"),
                text!("yaml_aliases_help"),
            )
        } else {
            (
                None,
                text!("yaml_unreadable"),
                text!("yaml_unreadable_help"),
            )
        };
        let at = found.map_or(0, |(at, _)| at);
        let line = Span::at(&self.file.text, self.offset + at, 0).line;
        Diagnostic::error(&self.file.rel, problem)
            .with_span(Span::line(&self.file.text, line))
            .with_help(help)
    }

    /// The span of the key at `path` in the file, falling back to outer keys, then the first line.
    pub fn span(self, path: &[&str]) -> Span {
        (1..=path.len())
            .rev()
            .find_map(|n| frontmatter::find_key(self.text, &path[..n]))
            .map_or_else(
                || Span::at(&self.file.text, self.offset.saturating_sub(4), 3),
                |(at, len)| Span::at(&self.file.text, self.offset + at, len),
            )
    }

    fn value_span(self, path: &[&str], value: &str) -> Span {
        match frontmatter::find_value(self.text, path, value) {
            Some((at, len)) => Span::at(&self.file.text, self.offset + at, len),
            None => self.span(path),
        }
    }
}

/// The key serde_yaml names in `duplicate entry with key "end"`.
fn duplicate_key(message: &str) -> Option<&str> {
    let rest = message.split_once("duplicate entry with key \"")?.1;
    rest.split('"').next()
}

/// Characters that cannot be seen, which a paste from the web or a word processor brings into a
/// field's name: zero-width spaces and joiners, direction marks, a soft hyphen, a byte order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// Word's quotes around a whole value (`title: ”SO sotessa: toimeentulo”`) as the YAML quotes
/// they were meant to be. Each is replaced by spaces and a `"` of the same length in bytes, so
/// every position in the text stays where it was.
fn plain_quotes(yaml: &str) -> Cow<'_, str> {
    const OPENING: [char; 4] = ['“', '”', '„', '«'];
    const CLOSING: [char; 3] = ['”', '“', '»'];
    if !yaml.contains(OPENING) {
        return Cow::Borrowed(yaml);
    }
    let mut out = String::with_capacity(yaml.len());
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let value_at = match body.trim_start().strip_prefix("- ") {
            Some(_) => body.find("- ").map(|i| i + 2),
            None => body.find(": ").map(|i| i + 2),
        };
        let rewritten = value_at.and_then(|at| {
            let value = body[at..].trim();
            let start = at + (body[at..].len() - body[at..].trim_start().len());
            let open = value.chars().next().filter(|c| OPENING.contains(c))?;
            let close = value.chars().next_back().filter(|c| CLOSING.contains(c))?;
            let inner = &value[open.len_utf8()..value.len() - close.len_utf8()];
            if value.chars().count() < 2 || inner.contains(['"', '\\']) {
                return None;
            }
            Some(format!(
                "{}{}\"{inner}\"{}{}",
                &body[..start],
                " ".repeat(open.len_utf8() - 1),
                " ".repeat(close.len_utf8() - 1),
                &line[start + value.len()..]
            ))
        });
        out.push_str(rewritten.as_deref().unwrap_or(line));
    }
    Cow::Owned(out)
}

/// Where a line's indentation holds a tab, which YAML does not allow and no one can see.
fn tab_in_indent(yaml: &str) -> Option<usize> {
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..indent].find('\t') {
            return Some(at + tab);
        }
        at += line.len();
    }
    None
}

/// The commonest slip: a title like `Webinaari: digituki`, whose second colon YAML reads as a
/// new field. Show the line as it should be written.
fn quote_hint(line: &str) -> Text {
    match line.split_once(':') {
        Some((key, value)) if !value.trim().is_empty() => text!(
            "yaml_quote_help",
            line = format!(
                "{}: \"{}\"",
                key.trim_end(),
                value.trim().replace('"', "\\\"")
            )
        ),
        _ => text!("yaml_unreadable_help"),
    }
}

/// How many bytes of white space `line` starts with.
fn depth(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The items of a list that YAML read as more of `item`'s text, being indented deeper than the
/// item that starts it: where each starts, its text, and its line lined up with that item.
fn deeper_items<'t>(yaml: &'t str, item: &str) -> Vec<(usize, &'t str, String)> {
    let mut found = Vec::new();
    let mut first: Option<&str> = None;
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end();
        match body.trim_start().strip_prefix("- ") {
            Some(rest) => match first {
                Some(first)
                    if depth(body) > depth(first) && item.contains(&format!(" - {rest}")) =>
                {
                    let shown = format!("{}- {rest}", &first[..depth(first)]);
                    found.push((at + depth(body), rest, shown));
                }
                Some(_) => {}
                None => first = Some(body),
            },
            None if body.trim().is_empty() => {}
            None => first = None,
        }
        at += line.len();
    }
    found
}

/// A field written without the space after its colon (`title:Aamukahvit`), which YAML reads as
/// text rather than a field: where the colon is, the field's name, and the line as it should be
/// written. An address on a line of its own (`https://…`) is not one.
fn no_space_after_colon(line: &str) -> Option<(usize, &str, String)> {
    let indent = &line[..depth(line)];
    let (key, value) = line.trim_start().split_once(':')?;
    let named = key.starts_with(char::is_alphabetic)
        && key.chars().all(|c| c.is_alphanumeric() || c == '_');
    let glued = value.starts_with(|c: char| !c.is_whitespace()) && !value.starts_with("//");
    (named && glued && !line.contains(": ")).then(|| {
        (
            indent.len() + key.len(),
            key,
            format!("{indent}{key}: {value}"),
        )
    })
}

/// A field indented deeper than the field with a value above it (`name: Kirjasto` over
/// `   municipality: Pori`): YAML reads it as more of that value. The line lined up with the one
/// above.
fn indented_under(above: &str, line: &str) -> Option<String> {
    let (_, value) = above.split_once(": ")?;
    let has_value = !value.trim().is_empty();
    (has_value && depth(line) > depth(above) && line.trim_start().contains(": "))
        .then(|| format!("{}{}", &above[..depth(above)], line.trim_start()))
}

/// A quoted value with text after its closing quote (`title: "Aamukahvit" ja keskustelu`), or
/// ended early by a quote inside it (`title: "Elokuva "Äiti" ja keskustelu"`): YAML reads only up
/// to that quote, then finds no field in the rest. The problem, and the line as it should be
/// written.
fn text_after_quote(line: &str) -> Option<(Text, Text)> {
    let (key, value) = line.split_once(": ")?;
    let (key, value) = (key.trim_end(), value.trim());
    // An escape would be taken apart here: left to the general message.
    if value.contains('\\') {
        return None;
    }
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let close = closing_quote(value, quote)?;
    let rest = value[close + 1..].trim();
    // A comment may follow a value.
    if rest.is_empty() || rest.starts_with('#') {
        return None;
    }
    let write = |text: &str| format!("{key}: {}", quoted(text));
    if value.ends_with(quote) {
        let inner = &value[1..value.len() - 1];
        return Some((
            text!("yaml_inner_quote", quote = quote),
            text!("yaml_inner_quote_help", line = write(inner)),
        ));
    }
    let inner = match quote {
        '\'' => value[1..close].replace("''", "'"),
        _ => value[1..close].to_string(),
    };
    Some((
        text!("yaml_after_quote", text = rest),
        text!(
            "yaml_after_quote_help",
            end = write(&format!("{inner}{}", value[close + 1..].trim_end())),
            keep = write(value)
        ),
    ))
}

/// Where the quotes that open `value` close; `''` inside single quotes is a quote of the text.
fn closing_quote(value: &str, quote: char) -> Option<usize> {
    let mut chars = value.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c != quote {
            continue;
        }
        match chars.peek() {
            Some((_, '\'')) if quote == '\'' => {
                chars.next();
            }
            _ => return Some(i),
        }
    }
    None
}

/// `text` as a quoted YAML value: in double quotes, or single ones when it has a `"`.
fn quoted(text: &str) -> String {
    match text.contains('"') {
        false => format!("\"{text}\""),
        true => format!("'{}'", text.replace('\'', "''")),
    }
}

/// A mapping being read: the keys taken so far and the problems found.
pub struct Fields<'a> {
    yaml: Yaml<'a>,
    /// The names of the groups this mapping is inside, as written.
    path: Vec<String>,
    map: Mapping,
    /// The keys read, as written.
    used: BTreeSet<String>,
    /// Required fields found missing (each with the other fields that would do instead),
    /// reported at the end unless a misspelt key explains them.
    missing: Vec<(Vec<&'static str>, String)>,
    problems: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    fn new(yaml: Yaml<'a>, path: Vec<String>, map: Mapping) -> Fields<'a> {
        let mut fields = Fields {
            yaml,
            path,
            map: Mapping::new(),
            used: BTreeSet::new(),
            missing: Vec::new(),
            problems: Vec::new(),
        };
        // A name with an invisible character is reported once and read without it, so that
        // the field is not also reported as missing.
        for (key, value) in map {
            let written = scalar_text(&key);
            let Some((at, c)) = written.char_indices().find(|(_, c)| invisible(*c)) else {
                fields.map.insert(key, value);
                continue;
            };
            let clean: String = written.chars().filter(|c| !invisible(*c)).collect();
            let position = written[..at].chars().count() + 1;
            fields.error(
                &written,
                text!(
                    "key_invisible",
                    field = clean,
                    code = format!("U+{:04X}", c as u32),
                    position = position
                ),
                text!("key_invisible_help", field = clean),
            );
            fields.map.insert(Value::String(clean), value);
        }
        fields
    }

    pub fn lang(&self) -> Lang {
        self.yaml.lang
    }

    /// Names fields in `lang` from now on: site.yaml says its language in itself.
    pub fn set_lang(&mut self, lang: Lang) {
        self.yaml.lang = lang;
    }

    /// A date alone (`2026-11-16`, `ma 16.11.2026`, `16.11.`), read as announcements write it.
    pub fn date(&mut self, key: &str, context: &super::when::Context) -> Option<jiff::civil::Date> {
        let text = self.text(key)?;
        match super::when::read(&text, context) {
            Ok(super::when::Written {
                start: super::when::Moment::Day(date),
                end: None,
                ..
            }) => Some(date),
            Ok(_) => {
                self.error(
                    key,
                    text!("expected_date", text = text),
                    text!("when_date_help"),
                );
                None
            }
            Err(problem) => {
                self.error(key, problem.message, problem.help);
                None
            }
        }
    }

    /// Whether a problem was already reported for `key` (so a "missing" error would repeat it).
    pub fn reported(&self, key: &str) -> bool {
        let field = self.field_name(&self.written(key));
        self.problems
            .iter()
            .any(|p| p.field.as_deref() == Some(field.as_str()))
    }

    /// The name `key` was written under, or its name in the site's language.
    fn written(&self, key: &str) -> String {
        self.map
            .keys()
            .map(scalar_text)
            .find(|written| names::names(key, written))
            .unwrap_or_else(|| names::shown(key, self.yaml.lang).to_string())
    }

    fn full_path<'k>(&'k self, written: &'k str) -> Vec<&'k str> {
        self.path
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(written))
            .collect()
    }

    fn field_name(&self, written: &str) -> String {
        self.full_path(written).join(".")
    }

    /// Reports a problem with the field `key` of this mapping.
    pub fn error(&mut self, key: &str, message: Text, help: Text) {
        self.report(Diagnostic::error(&self.yaml.file.rel, message), key, help);
    }

    pub fn warning(&mut self, key: &str, message: Text, help: Text) {
        self.report(Diagnostic::warning(&self.yaml.file.rel, message), key, help);
    }

    fn report(&mut self, diagnostic: Diagnostic, key: &str, help: Text) {
        let written = self.written(key);
        let span = self.yaml.span(&self.full_path(&written));
        let field = self.field_name(&written);
        self.problems
            .push(diagnostic.with_field(field).with_span(span).with_help(help));
    }

    /// Reports a problem with one item of the list or value under `key`.
    pub fn error_at_value(&mut self, key: &str, value: &str, message: Text, help: Text) {
        let written = self.written(key);
        let span = self.yaml.value_span(&self.full_path(&written), value);
        let diagnostic = Diagnostic::error(&self.yaml.file.rel, message)
            .with_field(self.field_name(&written))
            .with_span(span)
            .with_help(help);
        self.problems.push(diagnostic);
    }

    /// Takes the raw value of `key`, under any of its names, marking it as known. A YAML `null`
    /// (`key:` with nothing after it) counts as absent, unless what follows the colon is a
    /// `#`, which YAML reads as a comment where the person meant text.
    fn take(&mut self, key: &str) -> Option<Value> {
        let mut found = self
            .map
            .iter()
            .map(|(k, v)| (scalar_text(k), v.clone()))
            .filter(|(written, _)| names::names(key, written));
        let (written, value) = found.next()?;
        let second = found.next();
        drop(found);
        self.used.insert(written.clone());
        if let Some((other, _)) = second {
            self.used.insert(other.clone());
            self.error(
                &other,
                text!("key_twice", field = other, first = written),
                text!("key_twice_help", field = other, first = written),
            );
        }
        self.check_comment(&written, &value);
        match value {
            Value::Null => None,
            value => Some(value),
        }
    }

    /// A value whose text YAML took for a comment: `summary: #sosiaalityö` is empty to YAML,
    /// and `title: Ilta #2` is `Ilta`. Either would publish less than was written.
    fn check_comment(&mut self, written: &str, value: &Value) {
        if !matches!(value, Value::Null | Value::String(_)) {
            return;
        }
        let Some((at, len)) = frontmatter::find_key(self.yaml.text, &self.full_path(written))
        else {
            return;
        };
        let line = self.yaml.text[at..].lines().next().unwrap_or_default();
        let after = line[len..]
            .trim_start()
            .strip_prefix(':')
            .unwrap_or_default()
            .trim();
        let quoted = after.starts_with(['"', '\'']);
        let cut = after.starts_with('#') || (!quoted && after.contains(" #"));
        if cut {
            let line = format!("{written}: \"{}\"", after.replace('"', "\\\""));
            self.error(
                written,
                text!("value_comment", field = written),
                text!("yaml_quote_help", line = line),
            );
        }
    }

    /// Text: a string, or a number or boolean written without quotes.
    pub fn text(&mut self, key: &str) -> Option<String> {
        let text = match self.take(key)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                let written = self.written(key);
                self.error(
                    key,
                    text!("expected_text"),
                    text!("expected_text_help", field = written),
                );
                return None;
            }
        };
        let text = text.trim().to_string();
        (!text.is_empty()).then_some(text)
    }

    pub fn required_text(&mut self, key: &'static str, example: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_none() && !self.reported(key) {
            self.missing(key, example);
        }
        text
    }

    /// Notes a required field that is not there; [`Fields::finish`] reports it.
    pub fn missing(&mut self, key: &'static str, example: &str) {
        self.missing_one_of(&[key], example);
    }

    /// Notes that one of `keys` is required and none is there; the first is the one reported.
    pub fn missing_one_of(&mut self, keys: &[&'static str], example: &str) {
        self.missing.push((keys.to_vec(), example.to_string()));
    }

    /// A list of text items; a single text counts as a list of one.
    pub fn list(&mut self, key: &str) -> Vec<String> {
        let items = match self.take(key) {
            None => return Vec::new(),
            Some(Value::Sequence(items)) => items,
            Some(single) => vec![single],
        };
        let mut list = Vec::new();
        for item in items {
            match item {
                Value::String(s) if let Some(items) = self.deeper_items(key, &s) => {
                    list.extend(items);
                }
                Value::String(s) if !s.trim().is_empty() => list.push(s.trim().to_string()),
                Value::Number(n) => list.push(n.to_string()),
                Value::Null | Value::String(_) => {}
                Value::Mapping(map) if map.len() == 1 => {
                    let (k, v) = map
                        .iter()
                        .next()
                        .map(|(k, v)| (scalar_text(k), scalar_text(v)))
                        .unwrap_or_default();
                    self.error_at_value(
                        key,
                        &k,
                        text!("item_colon", item = format!("{k}: {v}")),
                        text!("item_colon_help", item = format!("{k}: {v}")),
                    );
                }
                _ => {
                    let written = self.written(key);
                    self.error(
                        key,
                        text!("item_not_text"),
                        text!("item_not_text_help", field = written),
                    );
                }
            }
        }
        list
    }

    /// Reports each item of `item`, a list item as YAML read it, that was written on a line of
    /// its own but indented deeper than the items above (`- kaikki` over `  - nuoret`), which
    /// makes it more of their text (`kaikki - nuoret`). The items meant, when there was one.
    fn deeper_items(&mut self, key: &str, item: &str) -> Option<Vec<String>> {
        if !item.contains("- ") {
            return None;
        }
        // YAML joins the lines with a space, or with a line break over an empty line.
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        let folded = deeper_items(self.yaml.text, &item);
        if folded.is_empty() {
            return None;
        }
        let written = self.written(key);
        for (at, part, line) in &folded {
            let diagnostic = self
                .yaml
                .error_at(
                    *at,
                    text!("item_deeper", item = part, read = &item),
                    text!("item_deeper_help", line = line),
                )
                .with_field(self.field_name(&written));
            self.problems.push(diagnostic);
        }
        Some(item.split(" - ").map(str::to_string).collect())
    }

    /// A list of short words (audiences, tags): also written on one line with commas
    /// (`kaikki, nuoret`), as people write lists.
    pub fn words(&mut self, key: &str) -> Vec<String> {
        self.list(key)
            .iter()
            .flat_map(|item| item.split(',').map(str::trim).filter(|w| !w.is_empty()))
            .map(str::to_string)
            .collect()
    }

    /// A whole number, e.g. a count of participants.
    pub fn count(&mut self, key: &str) -> Option<u32> {
        let value = self.take(key)?;
        let parsed = match &value {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if parsed.is_none() {
            let written = self.written(key);
            self.error(
                key,
                text!("expected_number"),
                text!("expected_number_help", field = written),
            );
        }
        parsed
    }

    /// A web address; only `http` and `https` are published, so no `javascript:` or file link
    /// can reach a resident's browser.
    pub fn url(&mut self, key: &str) -> Option<String> {
        let text = self.text(key)?;
        self.checked_url(key, text)
    }

    /// `text`, read from `key`, when it is an address that can be published.
    pub fn checked_url(&mut self, key: &str, text: String) -> Option<String> {
        match check_url(&text) {
            Ok(()) => Some(text),
            Err(problem) => {
                self.error(key, problem.with("text", &text), text!("url_help"));
                None
            }
        }
    }

    pub fn email(&mut self, key: &str) -> Option<String> {
        let text = self.text(key)?;
        if is_email(&text) {
            Some(text)
        } else {
            self.error(
                key,
                text!("not_an_email", text = text),
                text!("not_an_email_help"),
            );
            None
        }
    }

    /// A nested group of fields (`place: {name, address}`), read with its own known keys.
    pub fn group(&mut self, key: &str) -> Option<Fields<'a>> {
        match self.take(key)? {
            Value::Mapping(map) => {
                let mut path = self.path.clone();
                path.push(self.written(key));
                Some(Fields::new(self.yaml, path, map))
            }
            _ => {
                let written = self.written(key);
                self.error(
                    key,
                    text!("expected_group"),
                    text!("expected_group_help", field = written),
                );
                None
            }
        }
    }

    /// The raw value of `key`, for a field that may be written in more than one shape (a place
    /// as a name alone, or as a group).
    pub fn value(&mut self, key: &str) -> Option<Value> {
        self.take(key)
    }

    /// Whether `key` is written, under any of its names.
    pub fn has(&self, key: &str) -> bool {
        self.map.keys().any(|k| names::names(key, &scalar_text(k)))
    }

    /// Whether `key` is written as text, not as a group or a list.
    pub fn holds_text(&self, key: &str) -> bool {
        self.map
            .iter()
            .any(|(k, v)| names::names(key, &scalar_text(k)) && v.is_string())
    }

    /// A nested group made from a value already taken.
    pub fn group_of(&self, key: &str, map: Mapping) -> Fields<'a> {
        let mut path = self.path.clone();
        path.push(self.written(key));
        Fields::new(self.yaml, path, map)
    }

    /// The keys and values of a mapping, for vocabularies (`key: label`).
    pub fn pairs(&mut self, key: &str) -> Option<Vec<(String, Value)>> {
        match self.take(key)? {
            Value::Mapping(map) => {
                Some(map.into_iter().map(|(k, v)| (scalar_text(&k), v)).collect())
            }
            _ => {
                let written = self.written(key);
                self.error(
                    key,
                    text!("expected_pairs"),
                    text!("expected_pairs_help", field = written),
                );
                None
            }
        }
    }

    /// Ends reading: reports keys nobody asked for (with the nearest allowed name) and required
    /// fields that are missing, except one a misspelt key was meant to be.
    pub fn finish(mut self, known: &[&'static str]) -> Vec<Diagnostic> {
        let unknown: Vec<String> = self
            .map
            .keys()
            .map(scalar_text)
            .filter(|key| !self.used.contains(key))
            .collect();
        let all = names::all(known);
        let mut meant = Vec::new();
        for key in unknown {
            let help = match did_you_mean(&key, all.iter().copied()) {
                Some(near) => {
                    meant.extend(known.iter().filter(|k| names::names(k, near)));
                    text!("did_you_mean", name = near)
                }
                None => {
                    let list = known
                        .iter()
                        .map(|k| format!("`{}`", names::shown(k, self.yaml.lang)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    text!("fields_here", list = list)
                }
            };
            let field = self.field_name(&key);
            self.error(&key, text!("unknown_field", field = field), help);
        }
        for (keys, example) in std::mem::take(&mut self.missing) {
            if keys.iter().any(|key| meant.contains(key)) {
                continue;
            }
            let key = keys[0];
            let name = names::shown(key, self.yaml.lang);
            let field = self.field_name(name);
            let span = self
                .yaml
                .span(&self.path.iter().map(String::as_str).collect::<Vec<_>>());
            self.problems.push(
                Diagnostic::error(&self.yaml.file.rel, text!("missing", field = field))
                    .with_field(field)
                    .with_span(span)
                    .with_help(text!("missing_help", line = format!("{name}: {example}"))),
            );
        }
        self.problems
    }

    pub fn absorb(&mut self, problems: Vec<Diagnostic>) {
        self.problems.extend(problems);
    }
}

/// How deep brackets may nest in front matter. A partner writes a list, at most a list in a
/// group; deeper nesting is a mistake, and the parser takes seconds on thousands of levels.
const MAX_NESTING: usize = 16;

/// Where brackets first nest deeper than [`MAX_NESTING`], outside quotes and comments. A quote
/// or comment is taken to end with its line: a quote left open must not hide what follows.
fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut comment = false;
    let mut previous = '\n';
    let mut chars = yaml.char_indices();
    while let Some((at, c)) = chars.next() {
        let starts_value = previous.is_whitespace() || "[{,:".contains(previous);
        match (quote, c) {
            (_, '\n') => (quote, comment) = (None, false),
            _ if comment => {}
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if starts_value => quote = Some(c),
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(at);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::from("?"),
    }
}

/// Whether `text` is an e-mail address, one that a `mailto:` link can carry.
pub fn is_email(text: &str) -> bool {
    text.split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.contains('@'))
        && !text.contains(char::is_whitespace)
        && !text.contains(['<', '>', '"', ',', ';', ':', '?', '&', '#'])
}

/// Whether `text` is meant as a web address rather than words about one (`Teams`): it has a
/// scheme or starts with `www.`, or it is a single word with letters and a dot, a slash, a colon
/// or an `@` (not a date, `10.11.`, nor a phone number).
pub fn is_address(text: &str) -> bool {
    let text = text.trim().trim_end_matches('.').to_lowercase();
    let word = !text.contains(char::is_whitespace) && text.contains(char::is_alphabetic);
    text.contains("://")
        || text.starts_with("www.")
        || (word && text.contains(['.', '/', ':', '@']))
}

/// Checks that a text is an absolute `http(s)` URL with a host and nothing that could break out
/// of an attribute.
pub fn check_url(text: &str) -> Result<(), Text> {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| text!("url_scheme"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Err(text!("url_no_host"));
    }
    if text.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"'`".contains(c)) {
        return Err(text!("url_characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(yaml: &str) -> SourceFile {
        SourceFile::new("content/programme/a/b.md", format!("---\n{yaml}---\n"))
    }

    fn fields(source: &SourceFile) -> Result<Fields<'_>, Diagnostic> {
        let end = source.text.len() - 4;
        Yaml {
            file: source,
            text: &source.text[4..end],
            offset: 4,
            lang: Lang::Fi,
        }
        .parse()
    }

    fn words(problem: &Diagnostic) -> String {
        problem.words(Lang::Fi)
    }

    #[test]
    fn unknown_keys_point_at_their_line_with_a_suggestion() {
        let source = file("title: A\nstrat: 2026-11-17 14:00\n");
        let mut fields = fields(&source).unwrap();
        assert_eq!(fields.text("title").as_deref(), Some("A"));
        let problems = fields.finish(&["title", "start"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].span.as_ref().unwrap().line, 3);
        assert!(
            words(&problems[0]).contains("`start`"),
            "{}",
            words(&problems[0])
        );
    }

    #[test]
    fn finnish_names_are_read_and_a_misspelt_one_is_not_also_missing() {
        let source = file("otsikko: Ilta\nkohderyhmä: kaikki, nuoret\notsikk: x\n");
        let mut fields = fields(&source).unwrap();
        assert_eq!(fields.text("title").as_deref(), Some("Ilta"));
        assert_eq!(fields.words("audience"), ["kaikki", "nuoret"]);
        fields.missing("summary", "Lyhyesti");
        let problems = fields.finish(&["title", "audience", "summary"]);
        let report: Vec<String> = problems.iter().map(words).collect();
        assert_eq!(problems.len(), 2, "{report:#?}");
        assert!(
            report[0].contains("tuntematon kenttä `otsikk`"),
            "{}",
            report[0]
        );
        assert!(report[1].contains("`tiivistelmä` puuttuu"), "{}", report[1]);
    }

    #[test]
    fn a_field_under_both_names_is_an_error() {
        let source = file("title: A\notsikko: B\n");
        let mut fields = fields(&source).unwrap();
        fields.text("title");
        let problems = fields.finish(&["title"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].span.as_ref().unwrap().line, 3);
    }

    #[test]
    fn an_invisible_character_in_a_name_is_named_and_the_field_still_read() {
        let source = file("ti\u{200B}tle: A\n");
        let mut fields = fields(&source).unwrap();
        assert_eq!(fields.text("title").as_deref(), Some("A"));
        let problems = fields.finish(&["title"]);
        assert_eq!(problems.len(), 1);
        assert!(
            words(&problems[0]).contains("U+200B"),
            "{}",
            words(&problems[0])
        );
    }

    #[test]
    fn text_that_yaml_reads_as_a_comment_is_an_error_with_the_line_to_write() {
        for (yaml, line) in [
            (
                "summary: #sosiaalityö päivä\n",
                "summary: \"#sosiaalityö päivä\"",
            ),
            ("title: Ilta #2\n", "title: \"Ilta #2\""),
        ] {
            let source = file(yaml);
            let mut fields = fields(&source).unwrap();
            let key = yaml.split(':').next().unwrap();
            fields.text(key);
            let problems = fields.finish(&[if key == "title" { "title" } else { "summary" }]);
            assert_eq!(problems.len(), 1, "{yaml}");
            assert!(
                words(&problems[0]).contains(line),
                "{}",
                words(&problems[0])
            );
        }
        let source = file("title: \"Ilta #2\"\n");
        let mut fields = fields(&source).unwrap();
        assert_eq!(fields.text("title").as_deref(), Some("Ilta #2"));
        assert!(fields.finish(&["title"]).is_empty());
    }

    #[test]
    fn word_quotes_around_a_value_are_quotes() {
        let source = file("title: ”SO sotessa: toimeentulo”\ntags:\n  - „a: b“\n");
        let mut fields = fields(&source).unwrap();
        assert_eq!(
            fields.text("title").as_deref(),
            Some("SO sotessa: toimeentulo")
        );
        assert_eq!(fields.list("tags"), ["a: b"]);
    }

    #[test]
    fn syntax_errors_are_in_plain_words_at_their_line() {
        let source = file("title: A\nplace: {name: x\n");
        let error = fields(&source).err().unwrap();
        assert!(error.span.as_ref().unwrap().line >= 3);
        let source = file("title: Webinaari: digituki\n");
        let error = fields(&source).err().unwrap();
        assert!(
            words(&error).contains("title: \"Webinaari: digituki\""),
            "{}",
            words(&error)
        );
        let source = file("place:\n\tname: x\n");
        let error = fields(&source).err().unwrap();
        assert!(words(&error).contains("sarkain"), "{}", words(&error));
        assert_eq!(error.span.as_ref().unwrap().line, 3);
        let source = file("title: A\nend: 1\nend: 2\n");
        let error = fields(&source).err().unwrap();
        assert_eq!(error.span.as_ref().unwrap().line, 4, "{}", words(&error));
    }

    #[test]
    fn a_missing_space_or_a_deeper_indent_is_named_at_its_line() {
        for (yaml, line, expected) in [
            (
                "title:Aamukahvit\nstart: 2026-11-17 14:00\n",
                2,
                "`title: Aamukahvit`",
            ),
            (
                "title: A\nonline:https://meet.example.fi/a\nend: 2026-11-17 15:00\n",
                3,
                "`online: https://meet.example.fi/a`",
            ),
            (
                "title: A\nplace:\n  name: Kirjasto\n   municipality: Pori\n",
                5,
                "`  municipality: Pori`",
            ),
            (
                "summary: Lue lisää\n  https://example.fi\nstart: Webinaari: digituki\n",
                4,
                "`start: \"Webinaari: digituki\"`",
            ),
        ] {
            let source = file(yaml);
            let error = fields(&source).err().unwrap();
            let report = words(&error);
            assert!(
                report.contains(expected),
                "{yaml}: {expected} not in\n{report}"
            );
            assert_eq!(error.span.as_ref().unwrap().line, line, "{report}");
            // The line offered, in place of the line reported, reads.
            let wrong = yaml.lines().nth(line - 2).unwrap();
            let fixed = yaml.replace(wrong, expected.trim_matches('`'));
            assert!(fields(&file(&fixed)).is_ok(), "{fixed}");
        }
    }

    #[test]
    fn words_about_a_meeting_are_not_taken_for_an_address() {
        for words in [
            "Teams",
            "Teams, linkki lähetetään ilmoittautuneille",
            "Zoom.",
            "10.11.",
            "044-123/4567",
        ] {
            assert!(!is_address(words), "{words}");
        }
        for address in [
            "https://meet.example.fi/a",
            "www.example.fi",
            "meet.example.fi/a",
            "javascript:alert(1)",
            "matti@example.fi",
        ] {
            assert!(is_address(address), "{address}");
        }
    }

    #[test]
    fn a_list_item_indented_deeper_is_named_at_its_line() {
        let yaml = "audience:\n- kaikki\n  - nuoret\n\n  - ikaantyneet\ntags:\n- Pori - Rauma\n";
        let source = file(yaml);
        let mut fields = fields(&source).unwrap();
        assert_eq!(
            fields.words("audience"),
            ["kaikki", "nuoret", "ikaantyneet"]
        );
        // ` - ` inside an item of its own line is text.
        assert_eq!(fields.list("tags"), ["Pori - Rauma"]);
        let problems = fields.finish(&["audience", "tags"]);
        let reports: Vec<(usize, String)> = problems
            .iter()
            .map(|p| (p.span.as_ref().unwrap().line, words(p)))
            .collect();
        assert_eq!(reports.len(), 2, "{reports:#?}");
        for ((line, report), item) in reports.iter().zip(["nuoret", "ikaantyneet"]) {
            assert_eq!(
                *line,
                yaml.lines().position(|l| l.ends_with(item)).unwrap() + 2
            );
            assert!(
                report.contains("`kaikki - nuoret - ikaantyneet`"),
                "{report}"
            );
            assert!(
                report.contains(&format!("samasta kohdasta: `- {item}`")),
                "{report}"
            );
        }
        // Written as offered, the list reads as three items.
        let fixed = file(&yaml.replace("  - ", "- "));
        let mut fields = super::tests::fields(&fixed).unwrap();
        assert_eq!(
            fields.words("audience"),
            ["kaikki", "nuoret", "ikaantyneet"]
        );
        assert_eq!(fields.list("tags"), ["Pori - Rauma"]);
        assert!(fields.finish(&["audience", "tags"]).is_empty());
    }

    #[test]
    fn text_after_a_closing_quote_is_named_with_the_lines_to_write() {
        for (yaml, expected) in [
            (
                "title: \"Aamukahvit\" ja keskustelu\nstart: 2026-11-17 14:00\n",
                vec![
                    "jää `ja keskustelu`",
                    "`title: \"Aamukahvit ja keskustelu\"`",
                    "`title: '\"Aamukahvit\" ja keskustelu'`",
                ],
            ),
            (
                "title: \"Elokuva \"Äiti\" ja keskustelu\"\n",
                vec!["`\"`", "`title: 'Elokuva \"Äiti\" ja keskustelu'`"],
            ),
            (
                "summary: 'Rock'n'roll-ilta'\n",
                vec!["`'`", "`summary: \"Rock'n'roll-ilta\"`"],
            ),
            (
                "place:\n  name: 'Kirjasto', Pori\n",
                vec!["jää `, Pori`", "`  name: \"Kirjasto, Pori\"`"],
            ),
        ] {
            let source = file(yaml);
            let error = fields(&source).err().unwrap();
            let report = words(&error);
            for text in expected {
                assert!(report.contains(text), "{yaml}: {text} not in\n{report}");
                // A line offered to write is itself readable.
                if let Some(line) = text.strip_prefix('`').filter(|t| t.contains(": ")) {
                    let line = line.trim_end_matches('`').trim_start();
                    assert!(fields(&file(&format!("{line}\n"))).is_ok(), "{line}");
                }
            }
            let line = yaml.lines().position(|l| l.contains(['\'', '"'])).unwrap();
            assert_eq!(error.span.as_ref().unwrap().line, line + 2, "{report}");
        }
        // A comment after the quotes, and quotes that close at the end, are fine.
        for yaml in [
            "title: \"Ilta\" # vahvistamatta\n",
            "title: 'Rock''n''roll'\n",
        ] {
            assert!(fields(&file(yaml)).is_ok(), "{yaml}");
        }
    }

    #[test]
    fn refuses_script_and_relative_urls() {
        assert!(check_url("https://example.fi/a?b=1").is_ok());
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url("JAVASCRIPT://x").is_err());
        assert!(check_url("www.example.fi").is_err());
        assert!(check_url("https://").is_err());
        assert!(check_url("https://example.fi/\"onmouseover=x").is_err());
    }
}
