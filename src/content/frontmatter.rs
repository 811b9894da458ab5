//! Splits a Markdown file into its YAML front matter and body, and finds where a key or value of
//! the front matter stands in the file so problems found after parsing can point at it.

use crate::diagnostics::{Diagnostic, Span};
use crate::load::SourceFile;

/// A file split at its `---` fences. Offsets are bytes into the whole file text.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub yaml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

pub fn split(file: &SourceFile) -> Result<Split<'_>, Diagnostic> {
    let text = &*file.text;
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return Err(Diagnostic::error(&file.rel, text!("front_matter_missing"))
            .with_span(Span::line(text, 1))
            .with_help(text!("front_matter_missing_help")));
    }
    let yaml_offset = first_line.len() + 1;
    let mut offset = yaml_offset.min(text.len());
    for line in text[offset..].split_inclusive('\n') {
        let fence = line.trim_end();
        if fence == "---" || fence == "..." {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_offset..offset],
                yaml_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(&file.rel, text!("front_matter_unclosed"))
        .with_span(Span::line(text, 1))
        .with_help(text!("front_matter_unclosed_help")))
}

/// Finds the line of `path` (a key, then keys nested under it) in a YAML text by indentation.
/// serde_yaml does not keep positions, so this reads the text the way a person would; it is
/// only used to point at problems, and falls back to the outer key when it cannot be sure.
/// Returns the byte offset and length of the key.
pub fn find_key(yaml: &str, path: &[&str]) -> Option<(usize, usize)> {
    let mut found = None;
    let mut region = (0, yaml.len());
    let mut parent_indent: Option<usize> = None;
    for key in path {
        let (start, end) = region;
        let mut offset = start;
        let mut hit = None;
        for line in yaml[start..end].split_inclusive('\n') {
            let content = line.trim_start_matches(' ');
            let indent = line.len() - content.len();
            let within = parent_indent.map_or(indent == 0, |p| indent > p);
            let blank = content.trim().is_empty() || content.starts_with('#');
            if !within && !blank && parent_indent.is_some() {
                break;
            }
            let name = content
                .split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']));
            if within && name == Some(key) {
                hit = Some((offset + indent, key.len(), indent, offset + line.len()));
                break;
            }
            offset += line.len();
        }
        let (key_offset, len, indent, after) = hit?;
        found = Some((key_offset, len));
        parent_indent = Some(indent);
        region = (after, yaml.len());
    }
    found
}

/// Finds `value` written under the key `path` (on the key's line, or in a block list below it),
/// for pointing at one wrong item of a list. Falls back to the key.
pub fn find_value(yaml: &str, path: &[&str], value: &str) -> Option<(usize, usize)> {
    let (key_offset, key_len) = find_key(yaml, path)?;
    let key_indent = yaml[..key_offset]
        .rfind('\n')
        .map_or(key_offset, |nl| key_offset - nl - 1);
    let mut offset = key_offset + key_len;
    let mut first = true;
    for line in yaml[offset..].split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if !first
            && !line.trim().is_empty()
            && indent <= key_indent
            && !line.trim_start().starts_with('-')
        {
            break;
        }
        if let Some(at) = find_word(line, value) {
            return Some((offset + at, value.len()));
        }
        first = false;
        offset += line.len();
    }
    Some((key_offset, key_len))
}

/// `word` in `line` standing on its own (not as part of a longer word).
fn find_word(line: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    line.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().next_back();
        let after = line[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("content/pages/a.md", text)
    }

    #[test]
    fn splits_front_matter_from_body() {
        let f = file("---\ntitle: A\n---\nBody\n");
        let s = split(&f).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(&f.text[s.body_offset..], "Body\n");
        assert_eq!(&f.text[s.yaml_offset..s.yaml_offset + 5], "title");
    }

    #[test]
    fn empty_front_matter_and_no_body_are_fine() {
        let f = file("---\n---");
        let s = split(&f).unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn reports_missing_and_unclosed_fences() {
        let e = split(&file("title: A\n")).unwrap_err();
        assert_eq!(e.message.key, "front_matter_missing");
        let e = split(&file("---\ntitle: A\nBody")).unwrap_err();
        assert_eq!(e.message.key, "front_matter_unclosed");
        assert_eq!(e.span.unwrap().line, 1);
        assert!(split(&file("")).is_err());
    }

    #[test]
    fn finds_nested_keys_by_indentation() {
        let yaml = "title: A\nplace:\n  name: Kirjasto\n  municipality: Pori\nname: x\n";
        let (at, len) = find_key(yaml, &["place", "municipality"]).unwrap();
        assert_eq!(&yaml[at..at + len], "municipality");
        let (at, _) = find_key(yaml, &["name"]).unwrap();
        assert_eq!(at, yaml.rfind("name").unwrap());
        let (at, _) = find_key(yaml, &["place", "name"]).unwrap();
        assert_eq!(at, yaml.find("name").unwrap());
        assert!(find_key(yaml, &["registration", "url"]).is_none());
    }

    #[test]
    fn finds_list_values_inline_and_in_blocks() {
        let yaml = "audience: [kaikki, nuoret]\ntags:\n  - nuoret\n  - x\n";
        let (at, _) = find_value(yaml, &["audience"], "nuoret").unwrap();
        assert_eq!(at, yaml.find("nuoret").unwrap());
        let (at, _) = find_value(yaml, &["tags"], "x").unwrap();
        assert_eq!(at, yaml.rfind('x').unwrap());
    }
}
