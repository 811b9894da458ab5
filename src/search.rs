//! The search index: for each entry and memo, the distinct words a resident might type, folded
//! the way the search script folds the query (lower case, `ä` → `a`, `ö` → `o`, accents off).
//! Inflected Finnish forms are matched by the script on shared prefixes, so words are kept whole.

use std::collections::HashSet;

use rayon::prelude::*;
use serde_json::json;

use crate::cache::{Cache, Fingerprint, remember};
use crate::model::*;
use crate::slug::fold_latin;

pub const INDEX: &str = "haku/indeksi.json";

pub fn index(site: &Site, cache: Option<&Cache>) -> Vec<u8> {
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
            let inputs = |f: Fingerprint| texts.iter().fold(f.text("words"), |f, t| f.text(t));
            let words = remember(cache, inputs, || words(&texts));
            json!({"id": format!("e{i}"), "w": words})
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

/// Distinct folded words of two letters or more, space-separated. A word with a
/// letter that does not fold to ASCII is left out: the script could never match it.
pub fn words(texts: &[&str]) -> String {
    // One buffer for all words, so that a 3 KB body costs no allocation per word.
    let mut folded = String::new();
    for text in texts {
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let start = folded.len();
            if word.is_ascii() {
                // Most words: no case table or folding needed.
                folded.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                for c in word.chars().flat_map(char::to_lowercase).map(fold_latin) {
                    if !c.is_ascii_alphanumeric() {
                        folded.truncate(start);
                        break;
                    }
                    folded.push(c);
                }
            }
            if folded.len() > start {
                folded.push(' ');
            }
        }
    }
    // In order of first appearance: the script does not care, and a sort was most of the cost.
    let mut seen = HashSet::new();
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| w.len() >= 2 && !w.bytes().all(|b| b.is_ascii_digit()))
        .filter(|w| seen.insert(*w))
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_distinct() {
        assert_eq!(
            words(&["Äitien ääni, äitien ÅSIKT – café", "2026 a Привет 3D"]),
            "aitien aani asikt cafe 3d"
        );
    }
}
