//! A plain page: `content/pages/<page>.md`.

use super::*;

pub(super) const PAGE_KEYS: [&str; 1] = ["title"];

/// Top-level paths the site itself uses; a page may not take them.
pub const RESERVED_PATHS: [&str; 23] = [
    "arkisto",
    "raportti",
    "assets",
    "ilmoita",
    "ohjeet",
    "viestit",
    "ohjelma",
    "paiva",
    "jarjestajat",
    "kohderyhma",
    "muistiot",
    "kalenteri",
    "sarja",
    "haku",
    "tilastot",
    "teemat",
    "static",
    "oma-ohjelma",
    "kunta",
    "verkossa",
    "muutokset",
    "upota",
    "data",
];

pub(super) fn read_page(file: &SourceFile, lang: Lang) -> Read<Page> {
    let mut problems = Vec::new();
    let Some((mut fields, body_offset)) = parse(file, lang, &mut problems) else {
        return (None, problems);
    };
    let page = Page {
        slug: slugify(file.stem()),
        title: fields
            .required_text("title", "Sivun otsikko")
            .unwrap_or_default(),
        body_html: "".into(),
        source: file.rel.clone(),
    };
    if RESERVED_PATHS.contains(&page.slug.as_str()) || page.slug.is_empty() || page.slug == "404" {
        fields.error(
            "title",
            text!("page_name_taken", name = file.stem()),
            text!(
                "page_name_taken_help",
                names = backticked_list(RESERVED_PATHS)
            ),
        );
    }
    problems.extend(fields.finish(&PAGE_KEYS));
    let ok = problems.iter().all(|p| !p.is_error());
    (
        Some(Draft {
            value: page,
            file: file.clone(),
            body_offset,
            ok,
        }),
        problems,
    )
}
