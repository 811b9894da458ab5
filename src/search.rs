//! The search index: for each entry and memo, the distinct words a resident might type, folded
//! the way the search script folds the query (lower case, `ä` → `a`, `ö` → `o`, accents off).
//! Inflected Finnish forms are matched by the script on shared prefixes, so words are kept whole.
//!
//! The index is cut by the first two letters of its words (`haku/sanat/ka.json`): every word the
//! script can match to a query word begins with the query word's first two letters, so a query
//! fetches one small file per word it has, not the index of the whole site.

// Words are short and not chosen by an attacker who could profit from collisions: a fast hash
// suffices, and the order kept does not depend on it.
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::cache::{Cache, Fingerprint, remember};
use crate::model::*;
use crate::slug::fold_latin;
use std::sync::Arc;

/// Where the word files go, each `<two letters>.json`: `{"word": [document numbers]}`, the
/// documents being the entries in order, then the memos. A document whose title has the word
/// is written `-1 - number`, so that the script can list title matches first.
pub const WORDS: &str = "haku/sanat";

/// The word files of the index, as (path, bytes), in the order of their paths.
pub fn index(site: &Site, cache: Option<&Cache>) -> Vec<(String, Vec<u8>)> {
    let docs = documents(site, cache);
    // Each part of the documents is indexed on a core of its own, and the parts joined in
    // their order: each word's postings stay in document order. Tens of millions of postings
    // at 50,000 entries, each found by hash, not by comparing words.
    let shards = docs
        .par_iter()
        .enumerate()
        .fold(Shards::default, |mut shards, (n, (words, in_title))| {
            let n = n as i64;
            // Folded words are ASCII and at least two bytes long.
            for (i, word) in words.split(' ').filter(|w| w.len() >= 2).enumerate() {
                let posting = if i < *in_title { -1 - n } else { n };
                let postings = shards.entry(&word[..2]).or_default().entry(word);
                postings.or_default().push(posting);
            }
            shards
        })
        .reduce(Shards::default, |mut before, after| {
            for (key, words) in after {
                let shard = before.entry(key).or_default();
                for (word, postings) in words {
                    shard.entry(word).or_default().extend(postings);
                }
            }
            before
        });
    let mut shards: Vec<_> = shards.into_iter().collect();
    shards.sort_unstable_by_key(|(key, _)| *key);
    shards
        .into_par_iter()
        .map(|(key, words)| {
            let words: BTreeMap<&str, Vec<i64>> = words.into_iter().collect();
            // Strings and numbers: serializing cannot fail.
            let json = serde_json::to_vec(&words).unwrap_or_default();
            (format!("{WORDS}/{key}.json"), json)
        })
        .collect()
}

/// Each word's postings, by the word's first two letters.
type Shards<'a> = HashMap<&'a str, HashMap<&'a str, Vec<i64>>>;

/// The words of each document, the entries in order, then the memos; and how many of them,
/// from the first, are its title's (words are kept in order of first appearance).
fn documents(site: &Site, cache: Option<&Cache>) -> Vec<(Arc<str>, usize)> {
    let config = &site.config;
    let mut docs: Vec<_> = site
        .entries
        .par_iter()
        .map(|entry| {
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
            // "rauma tiistai": the days it is on, named, for those who search by day.
            let weekdays: Vec<&str> = entry
                .days()
                .iter()
                .map(|d| config.lang.weekday(d.weekday(), true))
                .collect();
            texts.extend(weekdays);
            texts.extend(
                entry
                    .audiences
                    .iter()
                    .map(|&a| config.audiences[a].label.as_str()),
            );
            texts.extend(entry.format.map(|f| config.formats[f].label.as_str()));
            let inputs = |f: Fingerprint| texts.iter().fold(f.text("words"), |f, t| f.text(t));
            let title = words(&[&entry.title]).split_whitespace().count();
            (remember(cache, inputs, || Arc::from(words(&texts))), title)
        })
        .collect();
    for memo in &site.memos {
        let mut texts: Vec<&str> = vec![&memo.title, &memo.body_text];
        texts.extend(memo.themes.iter().map(String::as_str));
        texts.extend(memo.points.iter().map(String::as_str));
        let title = words(&[&memo.title]).split_whitespace().count();
        docs.push((Arc::from(words(&texts)), title));
    }
    docs
}

/// Distinct folded words of two letters or more, space-separated. A word with a
/// letter that does not fold to ASCII is left out: the script could never match it.
pub fn words(texts: &[&str]) -> String {
    // One buffer for all words, so that a 3 KB body costs no allocation per word. Folded words
    // are ASCII, so bytes are enough.
    let mut folded = Vec::with_capacity(texts.iter().map(|t| t.len()).sum());
    for text in texts {
        fold_words(text, &mut folded);
    }
    // In order of first appearance: the script does not care, and a sort was most of the cost.
    // Sized for a text that seldom repeats a word, so that the set never grows.
    let mut seen = HashSet::with_capacity_and_hasher(folded.len() / 6, Default::default());
    let mut words = Vec::with_capacity(folded.len() / 2);
    for word in folded.split(|&b| b == b' ') {
        if word.len() >= 2 && !word.iter().all(u8::is_ascii_digit) && seen.insert(word) {
            if !words.is_empty() {
                words.push(b' ');
            }
            words.extend_from_slice(word);
        }
    }
    String::from_utf8(words).unwrap_or_default()
}

/// Appends each word of `text` to `out` folded to ASCII and followed by a space, leaving out
/// words with a letter that has no ASCII form. One pass over the bytes: most are ASCII and
/// cost a comparison; only the others are decoded and looked up in the case table.
fn fold_words(text: &str, out: &mut Vec<u8>) {
    let mut start = out.len();
    let mut foldable = true;
    let mut i = 0;
    while let Some(&b) = text.as_bytes().get(i) {
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                out.push(b.to_ascii_lowercase());
                continue;
            }
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            if c.is_alphanumeric() {
                foldable = foldable && push_folded(c, out);
                continue;
            }
        }
        end_word(out, &mut start, &mut foldable);
    }
    end_word(out, &mut start, &mut foldable);
}

/// Appends the ASCII form of a non-ASCII letter; false if it has none.
fn push_folded(c: char, out: &mut Vec<u8>) -> bool {
    for c in c.to_lowercase().map(fold_latin) {
        if !c.is_ascii_alphanumeric() {
            return false;
        }
        out.push(c as u8);
    }
    true
}

/// Closes the word begun at `start`: keeps it with a space after, or drops it if not foldable.
fn end_word(out: &mut Vec<u8>, start: &mut usize, foldable: &mut bool) {
    if !*foldable {
        out.truncate(*start);
    } else if out.len() > *start {
        out.push(b' ');
    }
    *start = out.len();
    *foldable = true;
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

    /// The same words the slow way: a word is a run of letters and digits, kept when every
    /// letter folds to ASCII.
    fn reference(texts: &[&str]) -> String {
        let mut seen = std::collections::HashSet::new();
        let mut kept = Vec::new();
        for word in texts
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        {
            let folded: Option<String> = word
                .chars()
                .flat_map(char::to_lowercase)
                .map(fold_latin)
                .map(|c| c.is_ascii_alphanumeric().then_some(c))
                .collect();
            if let Some(word) = folded
                && word.len() >= 2
                && !word.bytes().all(|b| b.is_ascii_digit())
                && seen.insert(word.clone())
            {
                kept.push(word);
            }
        }
        kept.join(" ")
    }

    #[test]
    fn words_agree_with_the_slow_way_on_awkward_text() {
        let texts = [
            "naïve coöperation façade ÉLÉGANT",
            "emoji🙂sana, 🙂 x² ﬁ ß Straße İstanbul",
            "“lainaus” ja ’heittomerkki’ – tab\tja\nrivi",
            "1st 2nd 2026 a1 12:30 a-b ää öö åå ÄÄ",
            "Привет мир kahvila ΑΘΗΝΑ 東京 tervetuloa",
            "",
        ];
        for text in texts {
            assert_eq!(words(&[text]), reference(&[text]), "{text}");
        }
        assert_eq!(words(&texts), reference(&texts));
    }
}
