//! The templates and assets pages are made with. The default theme is compiled into the binary,
//! so any folder with only `content/` builds; a site's `themes/<name>/` overrides templates and
//! assets by name and may extend the default's version as `default/<name>`.

use std::path::Path;

use tera::Tera;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::translations::Translations;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/templates/", $name)))),*]
    };
}

pub const DEFAULT_TEMPLATES: &[(&str, &str)] = embedded!(
    "base.html",
    "macros.html",
    "card.html",
    "index.html",
    "day.html",
    "programme.html",
    "entry.html",
    "organisers.html",
    "organiser.html",
    "audiences.html",
    "audience.html",
    "memos.html",
    "memo.html",
    "page.html",
    "calendar.html",
    "instructions.html",
    "form.html",
    "series.html",
    "editions.html",
    "report.html",
    "themes.html",
    "theme.html",
    "points.html",
    "stats.html",
    "search.html",
    "atom.xml",
    "sitemap.xml",
    "404.html",
    "mine.html",
    "municipalities.html",
    "municipality.html",
    "print.html",
    "print-line.html",
    "poster.html",
    "changes.html",
    "changes.xml",
    "embed.html",
    "embed-list.html",
    "embed-item.html",
    "embed-fragment.html",
);

pub const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
    (
        "viikko.js",
        include_bytes!("../themes/default/static/viikko.js"),
    ),
    (
        "ilmoita.js",
        include_bytes!("../themes/default/static/ilmoita.js"),
    ),
    (
        "upota.css",
        include_bytes!("../themes/default/static/upota.css"),
    ),
    (
        "upota.js",
        include_bytes!("../themes/default/static/upota.js"),
    ),
];

pub struct Theme {
    pub tera: Tera,
    /// The interface's words in the site's language.
    pub words: Translations,
    /// Files published under `assets/`, by name.
    pub assets: Vec<(String, Vec<u8>)>,
    /// Of the templates' names and text: a page made by the same templates from the same values
    /// is the same page.
    pub fingerprint: u64,
}

/// Loads the theme `name`; its compiled templates are taken from `cache` when their text is the
/// same as in the previous build.
pub fn load(
    root: &Path,
    name: &str,
    lang: &str,
    cache: Option<&crate::cache::Cache>,
) -> Result<Theme, Diagnostics> {
    // content::settings accepts only a folder under themes/ (or the built-in default).
    let folder = root.join("themes").join(name);
    let mut problems = Diagnostics::default();
    let own_templates = read_folder(&folder.join("templates"), &mut problems);
    let mut templates: Vec<(String, String)> = Vec::new();
    for (template, text) in DEFAULT_TEMPLATES {
        // Only a site's own templates extend these copies; compiling them for the default theme
        // would double its compile time.
        if !own_templates.is_empty() {
            templates.push((format!("default/{template}"), text.to_string()));
        }
        if !own_templates.iter().any(|(n, _)| n == template) {
            templates.push((template.to_string(), text.to_string()));
        }
    }
    for (template, bytes) in own_templates {
        match String::from_utf8(bytes) {
            Ok(text) => templates.push((template, text)),
            Err(_) => problems.push(
                Diagnostic::error(
                    format!("themes/{name}/templates/{template}"),
                    text!("file_not_utf8"),
                )
                .with_help(text!("file_not_utf8_help")),
            ),
        }
    }
    let mut assets: Vec<(String, Vec<u8>)> = DEFAULT_ASSETS
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    for (asset, bytes) in read_folder(&folder.join("static"), &mut problems) {
        assets.retain(|(n, _)| *n != asset);
        assets.push((asset, bytes));
    }
    assets.sort();

    let fingerprint = templates
        .iter()
        .fold(crate::cache::Fingerprint::default(), |f, (name, text)| {
            f.text(name).text(text)
        })
        .finish();
    let compile = || {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.register_filter("qr", qr_filter);
        tera.add_raw_templates(templates).map(|()| tera)
    };
    let compiled = crate::cache::cached(cache.map(|c| (c, fingerprint)), compile);
    let tera = compiled.unwrap_or_else(|error| {
        problems.push(template_error(name, &error));
        Tera::default()
    });
    let words = Translations::load(root, name, lang).unwrap_or_else(|found| {
        problems.extend(found.iter().cloned());
        Translations::default()
    });
    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Theme {
        tera,
        words,
        assets,
        fingerprint,
    })
}

/// `{{ url | qr(label="…") | safe }}`: the address as an inline SVG QR code. Made while a page
/// renders, not with its values, so that a page kept from the previous build costs no QR code.
fn qr_filter(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let url = value.as_str().unwrap_or_default();
    let label = args.get("label").and_then(|l| l.as_str()).unwrap_or(url);
    Ok(crate::qr::svg(url, Some(label)).into())
}

fn read_folder(folder: &Path, problems: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    if !folder.is_dir() {
        return files;
    }
    for item in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let Ok(item) = item else { continue };
        let name = item.file_name().to_string_lossy();
        if !item.file_type().is_file() || crate::load::is_ignored(&name) {
            continue;
        }
        let rel = item.path().strip_prefix(folder).unwrap_or(item.path());
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read(item.path()) {
            Ok(bytes) => files.push((rel, bytes)),
            Err(error) => problems.push(Diagnostic::error(
                item.path().display().to_string(),
                text!("file_unreadable", error = error),
            )),
        }
    }
    files
}

/// Tera's own escaping also rewrites `/` as `&#x2F;`, which makes every URL in the pages
/// unreadable; these five are all HTML needs in text and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Runs of plain text are copied whole. The five are ASCII, so each byte found is a character.
    let mut plain = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escaped = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[plain..i]);
        out.push_str(escaped);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
    out
}

/// Tera nests the useful part of a message in its error sources.
pub fn template_error(theme: &str, error: &tera::Error) -> Diagnostic {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    Diagnostic::error(
        format!("themes/{theme}/templates"),
        text!("template_error", error = message),
    )
    .with_help(text!("template_error_help"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_changes_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape_html("<a href=\"/x?a=1&b='2'\">Äö</a>"),
            "&lt;a href=&quot;/x?a=1&amp;b=&#39;2&#39;&quot;&gt;Äö&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn every_default_template_file_is_embedded() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_default_theme_compiles() {
        let root = tempfile::tempdir().unwrap();
        let theme = load(root.path(), "default", "fi", None).unwrap();
        let names: Vec<&str> = theme.tera.get_template_names().collect();
        assert!(names.contains(&"base.html"));
        // Nothing extends the copies without templates of the site's own.
        assert!(!names.contains(&"default/base.html"));
    }
}
