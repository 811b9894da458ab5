//! The search index: for each entry and memo, the distinct words a resident might type, folded
//! the way the search script folds the query (lower case, `ä` → `a`, `ö` → `o`, accents off).
//! Inflected Finnish forms are matched by the script on shared prefixes, so words are kept whole.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde_json::json;

use crate::model::*;
use crate::slug::slugify;

pub const INDEX: &str = "haku/indeksi.json";

pub fn index(site: &Site) -> Vec<u8> {
    let config = &site.config;
    let mut docs: Vec<_> = site
        .entries
        .par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let organiser = &site.organisers[entry.organiser];
            let mut texts: Vec<&str> = vec![&entry.title, &organiser.name, &entry.body_text];
            texts.extend(entry.summary.as_deref());
            if let Some(place) = &entry.place {
                texts.extend(
                    [place.name.as_deref(), place.municipality.as_deref()]
                        .into_iter()
                        .flatten(),
                );
            }
            texts.extend(entry.tags.iter().map(String::as_str));
            texts.extend(
                entry
                    .audiences
                    .iter()
                    .map(|&a| config.audiences[a].label.as_str()),
            );
            texts.extend(entry.format.map(|f| config.formats[f].label.as_str()));
            json!({"id": format!("e{i}"), "w": words(&texts)})
        })
        .collect();
    for (i, memo) in site.memos.iter().enumerate() {
        let mut texts: Vec<&str> = vec![&memo.title, &memo.body_text];
        texts.extend(memo.themes.iter().map(String::as_str));
        texts.extend(memo.points.iter().map(String::as_str));
        docs.push(json!({"id": format!("m{i}"), "w": words(&texts)}));
    }
    serde_json::to_vec(&docs).unwrap_or_default()
}

/// Distinct folded words of two letters or more, space-separated.
pub fn words(texts: &[&str]) -> String {
    let mut set = BTreeSet::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let folded = slugify(word);
            let digits = folded.bytes().all(|b| b.is_ascii_digit());
            if folded.chars().count() >= 2 && !folded.contains('-') && !digits {
                set.insert(folded);
            }
        }
    }
    set.into_iter().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_distinct() {
        assert_eq!(
            words(&["Äitien ääni, äitien ÅSIKT – café"]),
            "aani aitien asikt cafe"
        );
    }
}
