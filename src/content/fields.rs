//! Typed reading of one YAML mapping from a partner's file. Every problem is collected, not
//! returned at the first one, and points at the key's line in the file; keys that nobody asked
//! for are reported at the end with the nearest allowed spelling.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::frontmatter;
use crate::diagnostics::{Diagnostic, Span, backticked_list, did_you_mean};
use crate::load::SourceFile;
use crate::times::{self, TimeInput};

/// The YAML part of a file: its text and where it starts in the file.
#[derive(Clone, Copy)]
pub struct Yaml<'a> {
    pub file: &'a SourceFile,
    pub text: &'a str,
    pub offset: usize,
}

impl<'a> Yaml<'a> {
    /// Parses the YAML into a mapping (an empty text is an empty mapping).
    pub fn parse(self) -> Result<Fields<'a>, Diagnostic> {
        if let Some(at) = too_deep(self.text) {
            return Err(Diagnostic::error(
                &self.file.rel,
                format!("the fields are nested more than {MAX_NESTING} levels deep"),
            )
            .with_span(Span::at(&self.file.text, self.offset + at, 1))
            .with_help(
                "a value is text, a list like `[kaikki, nuoret]`, or fields under a field: \
                 check the brackets on this line, or put the text in quotes",
            ));
        }
        let value: Value = if self.text.trim().is_empty() {
            Value::Mapping(Mapping::new())
        } else {
            serde_yaml::from_str(self.text).map_err(|error| self.syntax_error(&error))?
        };
        match value {
            Value::Mapping(map) => Ok(Fields::new(self, Vec::new(), map)),
            Value::Null => Ok(Fields::new(self, Vec::new(), Mapping::new())),
            _ => Err(
                Diagnostic::error(&self.file.rel, "the front matter is not a list of fields")
                    .with_span(Span::at(&self.file.text, self.offset, 0))
                    .with_help("write one field per line: `title: Tilaisuuden nimi`"),
            ),
        }
    }

    fn syntax_error(self, error: &serde_yaml::Error) -> Diagnostic {
        let message = without_position(&error.to_string());
        if error.location().is_none() {
            return self.whole_file_error(&message);
        }
        let mut diagnostic = Diagnostic::error(
            &self.file.rel,
            format!("the fields cannot be read: {message}"),
        )
        .with_help(
            "check the line: each field is `key: value`; put text that contains `: ` or \
             starts with a special character (`*`, `&`, `[`, `{`, `#`, `@`, `|`, `>`) in quotes",
        );
        if let Some(location) = error.location() {
            if message.starts_with("mapping values are not allowed") {
                diagnostic.help = Some(quote_hint(self.text, location.line()));
            }
            let line_start = crate::diagnostics::line_offset(self.text, location.line());
            let column = self.text[line_start..]
                .char_indices()
                .nth(location.column().saturating_sub(1))
                .map_or(0, |(i, _)| i);
            diagnostic = diagnostic.with_span(Span::at(
                &self.file.text,
                self.offset + line_start + column,
                1,
            ));
        }
        diagnostic
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
                "the fields are split in two by this line",
                "a line of three dashes ends the fields: remove it, or put the text after it \
                 in quotes",
            )
        } else if message.contains("limit exceeded") {
            (
                lines().find(|(_, l)| l.contains('*') || l.contains('&')),
                "the fields repeat values too many times",
                "`&name` and `*name` copy a value within the file: write the values out instead",
            )
        } else {
            (
                None,
                "the fields cannot be read",
                "check the line: each field is `key: value`",
            )
        };
        let at = found.map_or(0, |(at, _)| at);
        Diagnostic::error(&self.file.rel, format!("{problem} ({message})"))
            .with_span(Span::line(
                &self.file.text,
                Span::at(&self.file.text, self.offset + at, 0).line,
            ))
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

/// A mapping being read: the keys taken so far and the problems found.
pub struct Fields<'a> {
    yaml: Yaml<'a>,
    path: Vec<String>,
    map: Mapping,
    used: BTreeSet<String>,
    problems: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    fn new(yaml: Yaml<'a>, path: Vec<String>, map: Mapping) -> Fields<'a> {
        Fields {
            yaml,
            path,
            map,
            used: BTreeSet::new(),
            problems: Vec::new(),
        }
    }

    /// Whether a problem was already reported for `key` (so a "missing" error would repeat it).
    pub fn reported(&self, key: &str) -> bool {
        let field = self.field_name(key);
        self.problems
            .iter()
            .any(|p| p.field.as_deref() == Some(field.as_str()))
    }

    fn full_path<'k>(&'k self, key: &'k str) -> Vec<&'k str> {
        self.path
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(key))
            .collect()
    }

    fn field_name(&self, key: &str) -> String {
        self.full_path(key).join(".")
    }

    /// Reports a problem with the field `key` of this mapping.
    pub fn error(&mut self, key: &str, message: impl Into<String>, help: impl Into<String>) {
        let span = self.yaml.span(&self.full_path(key));
        self.push(
            Diagnostic::error(&self.yaml.file.rel, message),
            key,
            span,
            help.into(),
        );
    }

    pub fn warning(&mut self, key: &str, message: impl Into<String>, help: impl Into<String>) {
        let span = self.yaml.span(&self.full_path(key));
        self.push(
            Diagnostic::warning(&self.yaml.file.rel, message),
            key,
            span,
            help.into(),
        );
    }

    /// Reports a problem with one item of the list or value under `key`.
    pub fn error_at_value(&mut self, key: &str, value: &str, message: String, help: String) {
        let span = self.yaml.value_span(&self.full_path(key), value);
        self.push(
            Diagnostic::error(&self.yaml.file.rel, message),
            key,
            span,
            help,
        );
    }

    fn push(&mut self, diagnostic: Diagnostic, key: &str, span: Span, help: String) {
        let mut diagnostic = diagnostic.with_field(self.field_name(key)).with_span(span);
        if !help.is_empty() {
            diagnostic = diagnostic.with_help(help);
        }
        self.problems.push(diagnostic);
    }

    /// Takes the raw value of `key`, marking it as known. A YAML `null` (`key:` with nothing
    /// after it) counts as absent.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.used.insert(key.to_string());
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value.clone()),
        }
    }

    /// Text: a string, or a number or boolean written without quotes.
    pub fn text(&mut self, key: &str) -> Option<String> {
        let text = match self.take(key)? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                self.error(
                    key,
                    "expected text, found a list or a group of fields",
                    format!("write `{key}: some text` on one line"),
                );
                return None;
            }
        };
        let text = text.trim().to_string();
        (!text.is_empty()).then_some(text)
    }

    pub fn required_text(&mut self, key: &str, example: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_none() && !self.reported(key) {
            self.missing(key, example);
        }
        text
    }

    pub fn missing(&mut self, key: &str, example: &str) {
        let field = self.field_name(key);
        let span = self
            .yaml
            .span(&self.path.iter().map(String::as_str).collect::<Vec<_>>());
        let diagnostic = Diagnostic::error(&self.yaml.file.rel, format!("`{field}` is missing"))
            .with_field(field)
            .with_span(span)
            .with_help(format!("add a line `{key}: {example}`"));
        self.problems.push(diagnostic);
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
                Value::String(s) if !s.trim().is_empty() => list.push(s.trim().to_string()),
                Value::Number(n) => list.push(n.to_string()),
                Value::Null => {}
                Value::String(_) => {}
                Value::Mapping(map) if map.len() == 1 => {
                    let (k, v) = map
                        .iter()
                        .next()
                        .map(|(k, v)| (scalar_text(k), scalar_text(v)))
                        .unwrap_or_default();
                    self.error_at_value(
                        key,
                        &k,
                        format!("the item `{k}: {v}` contains `: `, which makes it a field instead of text"),
                        format!("put the item in quotes: `- \"{k}: {v}\"`"),
                    );
                }
                _ => self.error(
                    key,
                    "each item of the list must be text",
                    format!("write `{key}: [first, second]`, or one `- item` per line"),
                ),
            }
        }
        list
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
            self.error(
                key,
                "expected a whole number",
                format!("write a number of people, e.g. `{key}: 25`"),
            );
        }
        parsed
    }

    /// A web address; only `http` and `https` are published, so no `javascript:` or file link
    /// can reach a resident's browser.
    pub fn url(&mut self, key: &str) -> Option<String> {
        let text = self.text(key)?;
        match check_url(&text) {
            Ok(()) => Some(text),
            Err(problem) => {
                self.error(
                    key,
                    format!("`{text}` is not a web address: {problem}"),
                    "write a full address starting with `https://`, e.g. `https://www.example.fi/sivu`",
                );
                None
            }
        }
    }

    pub fn email(&mut self, key: &str) -> Option<String> {
        let text = self.text(key)?;
        let valid = text
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
            && !text.contains(char::is_whitespace)
            && !text.contains(['<', '>', '"', ',', ';', ':']);
        if valid {
            Some(text)
        } else {
            self.error(
                key,
                format!("`{text}` is not an email address"),
                "write an address like `etunimi.sukunimi@example.fi`",
            );
            None
        }
    }

    pub fn time(&mut self, key: &str) -> Option<TimeInput> {
        let text = self.text(key)?;
        match times::parse_time(&text) {
            Ok(time) => Some(time),
            Err(problem) => {
                self.error(key, problem, times::TIME_FORMS);
                None
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<jiff::civil::Date> {
        let text = self.text(key)?;
        match times::parse_date(&text) {
            Ok(date) => Some(date),
            Err(problem) => {
                self.error(
                    key,
                    problem,
                    "write a date like `2026-11-17` or `17.11.2026`",
                );
                None
            }
        }
    }

    /// A nested group of fields (`place: {name, address}`), read with its own known keys.
    pub fn group(&mut self, key: &str) -> Option<Fields<'a>> {
        match self.take(key)? {
            Value::Mapping(map) => {
                let mut path = self.path.clone();
                path.push(key.to_string());
                Some(Fields::new(self.yaml, path, map))
            }
            _ => {
                self.error(
                    key,
                    "expected a group of fields",
                    format!("write the fields indented under `{key}:`, e.g. `{key}: {{name: …}}`"),
                );
                None
            }
        }
    }

    /// The keys and values of a mapping, for vocabularies (`key: label`).
    pub fn pairs(&mut self, key: &str) -> Option<Vec<(String, Value)>> {
        match self.take(key)? {
            Value::Mapping(map) => {
                Some(map.into_iter().map(|(k, v)| (scalar_text(&k), v)).collect())
            }
            _ => {
                self.error(
                    key,
                    "expected a group of `key: label` lines",
                    format!("write one `key: Label` per line, indented under `{key}:`"),
                );
                None
            }
        }
    }

    /// Ends reading: reports keys nobody asked for, merges the problems of a nested group.
    pub fn finish(mut self, known: &[&str]) -> Vec<Diagnostic> {
        let unknown: Vec<String> = self
            .map
            .keys()
            .map(scalar_text)
            .filter(|key| !self.used.contains(key))
            .collect();
        for key in unknown {
            let help = match did_you_mean(&key, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "the fields here are {}",
                    backticked_list(known.iter().copied())
                ),
            };
            let field = self.field_name(&key);
            self.error(&key, format!("unknown field `{field}`"), help);
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

/// The commonest slip: a title like `Webinaari: digituki`, whose second colon YAML reads as a
/// new field. Show the line as it should be written.
fn quote_hint(yaml: &str, line: usize) -> String {
    let text = yaml.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    match text.split_once(": ") {
        Some((key, value)) => format!(
            "a value that contains `: ` must be in quotes: `{key}: \"{}\"`",
            value.trim().replace('"', "\\\"")
        ),
        None => "put text that contains `: ` in quotes".into(),
    }
}

/// serde_yaml puts "at line 3 column 1" in the middle of its message; the report shows the line.
fn without_position(message: &str) -> String {
    let mut message = message.to_string();
    while let Some(at) = message.find(" at line ") {
        let rest = &message[at + " at line ".len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .map_or(message.len(), |i| at + " at line ".len() + i);
        message.replace_range(at..end, "");
    }
    message
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::from("?"),
    }
}

/// Checks that a text is an absolute `http(s)` URL with a host and nothing that could break out
/// of an attribute.
pub fn check_url(text: &str) -> Result<(), &'static str> {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or("only `https://` and `http://` addresses are allowed")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Err("the address has no site name after `https://`");
    }
    if text.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"'`".contains(c)) {
        return Err("the address contains spaces or characters that cannot be in a link");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            rel: "content/programme/a/b.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn unknown_keys_point_at_their_line_with_a_suggestion() {
        let source = file("---\ntitle: A\nstrat: 2026-11-17 14:00\n---\n");
        let yaml = Yaml {
            file: &source,
            text: "title: A\nstrat: 2026-11-17 14:00\n",
            offset: 4,
        };
        let mut fields = yaml.parse().unwrap();
        assert_eq!(fields.text("title").as_deref(), Some("A"));
        let problems = fields.finish(&["title", "start"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].span.as_ref().unwrap().line, 3);
        assert_eq!(problems[0].help.as_deref(), Some("did you mean `start`?"));
    }

    #[test]
    fn syntax_errors_carry_the_file_line() {
        let source = file("---\ntitle: A\nplace: {name: x\n---\n");
        let yaml = Yaml {
            file: &source,
            text: "title: A\nplace: {name: x\n",
            offset: 4,
        };
        let error = yaml.parse().err().unwrap();
        assert!(error.span.unwrap().line >= 3);
        assert!(!error.message.contains(" at line "), "{}", error.message);
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
