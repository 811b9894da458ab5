//! The words of problem reports, in the site's language. A report is made where the problem is
//! found, before anyone knows which language it will be shown in, so it holds a [`Text`]: a key
//! of `themes/default/i18n/messages/<language>.yaml` and the values the words name (the
//! person's field, date, time). The report is put into words when it is shown.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::OnceLock;

use crate::times::Lang;

/// The message files, compiled in; a language is added by adding its file here.
const FILES: [(Lang, &str); 3] = [
    (
        Lang::Fi,
        include_str!("../themes/default/i18n/messages/fi.yaml"),
    ),
    (
        Lang::Sv,
        include_str!("../themes/default/i18n/messages/sv.yaml"),
    ),
    (
        Lang::En,
        include_str!("../themes/default/i18n/messages/en.yaml"),
    ),
];

/// A message to be put into words: its key and the values it names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Text {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

/// `text!("unknown_field", field = key)`: a [`Text`] with its values.
#[macro_export]
macro_rules! text {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Text::new($key)$(.with(stringify!($name), &$value))*
    };
}

impl Text {
    pub fn new(key: &'static str) -> Text {
        Text {
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Display) -> Text {
        self.args.push((name, value.to_string()));
        self
    }

    /// The message in `lang`: the file's words with each `{name}` replaced by its value. A key
    /// missing from a language falls back to Finnish, then to the key itself (the tests rule both
    /// out).
    pub fn words(&self, lang: Lang) -> String {
        let template = catalog(lang)
            .get(self.key)
            .or_else(|| catalog(Lang::Fi).get(self.key))
            .map_or(self.key, String::as_str);
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let value = self.args.iter().find(|(n, _)| *n == name)?;
                Some((close, &value.1))
            });
            match value {
                Some((close, value)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

fn catalog(lang: Lang) -> &'static BTreeMap<String, String> {
    static CATALOGS: OnceLock<Vec<(Lang, BTreeMap<String, String>)>> = OnceLock::new();
    let catalogs = CATALOGS.get_or_init(|| {
        FILES
            .iter()
            .map(|(lang, text)| (*lang, serde_yaml::from_str(text).unwrap_or_default()))
            .collect()
    });
    catalogs
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or(&catalogs[0].1, |(_, c)| c)
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
        let finnish = keys(FILES[0].1);
        for (lang, text) in FILES {
            assert_eq!(keys(text), finnish, "{}.yaml", lang.code());
        }
    }

    /// Every key is used in the code as `text!("<key>"` or `Text::new("<key>")`, and every key
    /// the code uses is in the files.
    #[test]
    fn the_code_and_the_files_name_the_same_keys() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut code = String::new();
        for item in walkdir::WalkDir::new(root.join("src")) {
            let item = item.unwrap();
            if item.file_type().is_file() && item.path() != root.join("src/messages.rs") {
                code.push_str(&std::fs::read_to_string(item.path()).unwrap());
            }
        }
        let finnish = keys(FILES[0].1);
        for key in &finnish {
            let used = code.contains(&format!("text!(\"{key}\""))
                || code.contains(&format!("text!(\n                \"{key}\""))
                || code.contains(&format!("\"{key}\""));
            assert!(used, "`{key}` is in messages/fi.yaml but not used");
        }
        for used in code.split("text!(").skip(1) {
            let key = used.trim_start().trim_start_matches('"');
            let key = &key[..key.find('"').unwrap_or(0)];
            assert!(
                finnish.iter().any(|k| k == key),
                "`{key}` is not in messages/fi.yaml"
            );
        }
    }

    #[test]
    fn fills_in_values_and_leaves_other_braces() {
        let text = Text::new("test_only").with("field", "otsikko");
        assert_eq!(text.words(Lang::Fi), "test_only");
        let mut out = Text::new("x");
        out.args.push(("a", "1".into()));
        assert_eq!(out.words(Lang::Fi), "x");
    }
}
