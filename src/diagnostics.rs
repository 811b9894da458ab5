//! Problems found in the content, reported the way rustc reports them: the file and line, the
//! source line with a caret under the culprit, and a hint saying what to write instead, in the
//! site's language.

use std::fmt;

use crate::messages::Text;
use crate::times::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column (in characters), the length of the
/// culprit in characters, and the text of that line so the report can show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
    pub source_line: String,
}

impl Span {
    /// The span of `len_bytes` bytes starting at byte `offset` of `text`; offsets past the end
    /// or inside a character are clamped so a report never panics.
    pub fn at(text: &str, offset: usize, len_bytes: usize) -> Span {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(text, (offset + len_bytes).min(line_end));
        let len = text[offset..end].chars().count().max(1);
        Span {
            line,
            column,
            len,
            source_line: text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        }
    }

    /// The whole of line `line` (1-based) of `text`, for problems that concern a line.
    pub fn line(text: &str, line: usize) -> Span {
        let offset = line_offset(text, line);
        let len = text[offset..].find('\n').unwrap_or(text.len() - offset);
        Span::at(text, offset, len)
    }
}

/// Byte offset where 1-based line `line` starts; the end of the text if there are fewer lines.
pub fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file as the user knows it: relative to the site root, with forward slashes.
    pub file: String,
    pub span: Option<Span>,
    /// The front-matter field concerned, as the person wrote it (`paikka.nimi`), if any.
    pub field: Option<String>,
    pub message: Text,
    pub help: Option<Text>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, message: impl Into<Text>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            span: None,
            field: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<String>, message: impl Into<Text>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn with_span(mut self, span: Span) -> Diagnostic {
        self.span = Some(span);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<Text>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and terminals turn into a link.
    pub fn location(&self) -> String {
        match &self.span {
            Some(span) => format!("{}:{}:{}", self.file, span.line, span.column),
            None => self.file.clone(),
        }
    }
}

impl Diagnostic {
    /// The report in `lang`, the way rustc shows one.
    pub fn words(&self, lang: Lang) -> String {
        let mut out = String::new();
        let _ = self.write(&mut out, lang);
        out
    }

    fn write(&self, f: &mut impl fmt::Write, lang: Lang) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => text!("label_error"),
            Severity::Warning => text!("label_warning"),
        }
        .words(lang);
        let message = self.message.words(lang);
        match &self.field {
            Some(field) => writeln!(f, "{label}: {field}: {message}")?,
            None => writeln!(f, "{label}: {message}")?,
        }
        let help = self
            .help
            .as_ref()
            .map(|help| (text!("label_help").words(lang), help.words(lang)));
        let Some(span) = &self.span else {
            writeln!(f, "  --> {}", self.file)?;
            if let Some((label, help)) = help {
                writeln!(f, "   = {label}: {help}")?;
            }
            return Ok(());
        };
        let number = span.line.to_string();
        let gutter = " ".repeat(number.len());
        writeln!(f, "{gutter}--> {}", self.location())?;
        writeln!(f, "{gutter} |")?;
        writeln!(f, "{number} | {}", span.source_line)?;
        let before: String = span
            .source_line
            .chars()
            .take(span.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(f, "{gutter} | {before}{}", "^".repeat(span.len))?;
        if let Some((label, help)) = help {
            writeln!(f, "{gutter} = {label}: {help}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Lang::En)
    }
}

/// Every problem of one run, in a stable order: by file, then line, and the language they are
/// shown in.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Diagnostics(Vec<Diagnostic>, Lang);

impl Diagnostics {
    /// Shows the problems in `lang`, the site's language.
    pub fn in_language(mut self, lang: Lang) -> Diagnostics {
        self.1 = lang;
        self
    }

    pub fn lang(&self) -> Lang {
        self.1
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    /// The problems of `files` alone, and how many other files have problems.
    pub fn only(self, files: &[String]) -> (Diagnostics, usize) {
        let (own, rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
            self.0.into_iter().partition(|d| files.contains(&d.file));
        let mut others: Vec<&str> = rest.iter().map(|d| d.file.as_str()).collect();
        others.sort_unstable();
        others.dedup();
        (Diagnostics(own, self.1), others.len())
    }

    /// `2 virhettä, 1 varoitus`, in the report's language.
    pub fn count(&self) -> String {
        let error = match self.errors() {
            1 => text!("count_error_one"),
            n => text!("count_error_many", n = n),
        };
        let warning = match self.warnings() {
            0 => return error.words(self.1),
            1 => text!("count_warning_one"),
            n => text!("count_warning_many", n = n),
        };
        format!("{}, {}", error.words(self.1), warning.words(self.1))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts for reading: files in path order, each file's problems by line; duplicates go.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| {
            let line = |d: &Diagnostic| d.span.as_ref().map_or((0, 0), |s| (s.line, s.column));
            (&a.file, line(a), a.message.key).cmp(&(&b.file, line(b), b.message.key))
        });
        self.0.dedup();
        self
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Diagnostics {
        Diagnostics(vec![diagnostic], Lang::default())
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            diagnostic.write(f, self.1)?;
            writeln!(f)?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to a misspelt `word`, if one is close enough to be a likely
/// intended spelling.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `a`, `b` and `c` — a list of allowed values for a hint.
pub fn backticked_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_finds_line_and_column_in_characters() {
        let text = "---\ntitle: Äiti\nstrat: 2026\n";
        let offset = text.find("strat").unwrap();
        let span = Span::at(text, offset, 5);
        assert_eq!((span.line, span.column, span.len), (3, 1, 5));
        assert_eq!(span.source_line, "strat: 2026");
        let offset = text.find("iti").unwrap();
        assert_eq!(Span::at(text, offset, 3).column, 9);
    }

    #[test]
    fn span_clamps_offsets_outside_the_text_or_inside_a_character() {
        let text = "ä";
        assert_eq!(Span::at(text, 1, 10).column, 1);
        assert_eq!(Span::at(text, 99, 10).line, 1);
        assert_eq!(Span::line("a\nb", 7).line, 2);
    }

    #[test]
    fn renders_like_rustc() {
        let text = "---\nstrat: 2026-11-17 14:00\n---\n";
        let d = Diagnostic::error(
            "content/programme/a/b.md",
            text!("unknown_field", field = "strat"),
        )
        .with_span(Span::at(text, 4, 5))
        .with_help(text!("did_you_mean", name = "start"));
        assert_eq!(
            d.words(Lang::Fi),
            "virhe: tuntematon kenttä `strat`\n \
             --> content/programme/a/b.md:2:1\n  \
             |\n\
             2 | strat: 2026-11-17 14:00\n  \
             | ^^^^^\n  \
             = ohje: tarkoititko `start`?\n"
        );
        assert_eq!(
            d.to_string(),
            "error: unknown field `strat`\n \
             --> content/programme/a/b.md:2:1\n  \
             |\n\
             2 | strat: 2026-11-17 14:00\n  \
             | ^^^^^\n  \
             = help: did you mean `start`?\n"
        );
    }

    #[test]
    fn suggests_the_nearest_spelling_only_when_close() {
        let keys = ["title", "start", "end", "summary"];
        assert_eq!(did_you_mean("strat", keys), Some("start"));
        assert_eq!(did_you_mean("Titel", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
