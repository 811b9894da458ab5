//! The theme's words in the site's language. Every interface string of the pages, feeds and
//! spreadsheets comes from `themes/default/i18n/<language>.yaml` (compiled in); a site theme's
//! `themes/<name>/i18n/<language>.yaml` overrides any of them.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::Status;

/// The default theme's translation files, one per language `site.yaml` may name.
pub const DEFAULT: &[(&str, &str)] = &[
    ("fi", include_str!("../themes/default/i18n/fi.yaml")),
    ("sv", include_str!("../themes/default/i18n/sv.yaml")),
    ("en", include_str!("../themes/default/i18n/en.yaml")),
];

#[derive(Debug, Clone, Default)]
pub struct Translations(BTreeMap<String, String>);

impl Translations {
    /// The default theme's words for `lang`, with the overrides of the site's theme `theme`.
    pub fn load(root: &Path, theme: &str, lang: &str) -> Result<Translations, Diagnostics> {
        let mut problems = Diagnostics::default();
        let default = DEFAULT
            .iter()
            .find(|(code, _)| *code == lang)
            .map_or(DEFAULT[0].1, |(_, text)| text);
        let mut words: BTreeMap<String, String> = serde_yaml::from_str(default).unwrap_or_default();
        let file = format!("themes/{theme}/i18n/{lang}.yaml");
        if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
            match serde_yaml::from_str::<BTreeMap<String, String>>(&text) {
                Ok(own) => {
                    for (key, value) in own {
                        match words.get_mut(&key) {
                            Some(word) => *word = value,
                            None => problems.push(
                                Diagnostic::error(&file, text!("theme_key", key = key))
                                    .with_help(text!("theme_key_help")),
                            ),
                        }
                    }
                }
                Err(error) => {
                    let mut problem = Diagnostic::error(&file, text!("theme_words"))
                        .with_help(text!("theme_words_help"));
                    if let Some(at) = error.location() {
                        problem = problem.with_span(Span::line(&text, at.line()));
                    }
                    problems.push(problem);
                }
            }
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Translations(words))
    }

    /// The text for `key`; a missing key shows as itself, which the tests rule out for the
    /// default theme.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// How a status is shown; nothing for a scheduled entry.
    pub fn status(&self, status: Status) -> &str {
        match status {
            Status::Scheduled => "",
            Status::Cancelled => self.get("status_cancelled"),
            Status::Postponed => self.get("status_postponed"),
            Status::MovedOnline => self.get("status_moved_online"),
        }
    }

    /// All of them, for templates as `t.<key>`.
    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let words: BTreeMap<String, String> = serde_yaml::from_str(text).unwrap();
        words.into_keys().collect()
    }

    #[test]
    fn every_language_has_the_same_keys() {
        let finnish = keys(DEFAULT[0].1);
        for (code, text) in DEFAULT {
            assert_eq!(keys(text), finnish, "{code}.yaml");
        }
    }

    /// Keys are used as `t.<key>` in templates or as `"<key>"` in Rust; an unused key is a
    /// translation nobody sees. (A missing key fails the template, and the build tests catch
    /// one missing in Rust.)
    #[test]
    fn every_key_is_used() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut code = String::new();
        for folder in ["themes/default/templates", "src"] {
            for item in walkdir::WalkDir::new(root.join(folder)) {
                let item = item.unwrap();
                if item.file_type().is_file() {
                    code.push_str(&std::fs::read_to_string(item.path()).unwrap());
                }
            }
        }
        let finnish = keys(DEFAULT[0].1);
        for key in &finnish {
            let used = code.contains(&format!("t.{key}"))
                || code.contains(&format!("\"{key}\""))
                || key
                    .rsplit_once('_')
                    .is_some_and(|(stem, _)| code.contains(&format!("\"{stem}_{{")));
            assert!(used, "`{key}` is in fi.yaml but not used");
        }
    }
}
