//! The preview's cache never changes what is built: after each kind of edit, a rebuild that
//! takes from the cache makes the same files, byte for byte, as one that renders everything.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::sync::Mutex;

use viikko::cache::Cache;
use viikko::output::{OutputFile, Sink};

#[derive(Default)]
struct Files(Mutex<BTreeMap<String, std::sync::Arc<Vec<u8>>>>);

impl Sink for Files {
    fn put(&self, file: OutputFile) -> std::io::Result<()> {
        self.0.lock().unwrap().insert(file.path, file.bytes);
        Ok(())
    }
}

fn build(root: &Path, cache: Option<&Cache>) -> BTreeMap<String, std::sync::Arc<Vec<u8>>> {
    let options = viikko::Options {
        update_record: false,
        now: "2026-11-01T12:00:00Z".parse().unwrap(),
        ..viikko::Options::default()
    };
    let files = Files::default();
    viikko::render_site(root, &options, &files, cache)
        .unwrap_or_else(|failure| panic!("the site builds: {failure:?}"));
    files.0.into_inner().unwrap()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{from} in {}", path.display());
    fs::write(path, text.replace(from, to)).unwrap();
}

/// What is changed, and the change.
type Edit<'a> = (&'static str, Box<dyn Fn() + 'a>);

#[test]
fn a_cached_rebuild_equals_a_fresh_one_after_every_kind_of_edit() {
    let site = site("site");
    let root = site.path();
    let content = root.join("content");
    let cache = Cache::default();
    build(root, Some(&cache));
    let mut cache = cache.successor();
    let edits: Vec<Edit> = vec![
        (
            "an entry's title",
            Box::new(|| {
                edit(
                    &content.join("programme/porin-kaupunki/digituki.md"),
                    "Webinaari: digituki",
                    "Webinaari: digitaidot",
                )
            }),
        ),
        (
            "an entry's body",
            Box::new(|| {
                let path = content.join("programme/sosped-ry/hybridi.md");
                fs::write(&path, read(&path) + "\nUusi kappale.\n").unwrap()
            }),
        ),
        (
            "an audience's label in the settings",
            Box::new(|| {
                edit(
                    &content.join("site.yaml"),
                    "nuoret: Nuoret",
                    "nuoret: Nuoret ja nuoret aikuiset",
                )
            }),
        ),
        (
            "a new entry that others link to",
            Box::new(|| {
                let folder = content.join("programme/sosped-ry");
                fs::write(
                    folder.join("uusi.md"),
                    read(folder.join("hybridi.md")).replace("Hybridikeskustelu", "Uusi tilaisuus"),
                )
                .unwrap();
                let path = folder.join("kesaaika.md");
                fs::write(&path, read(&path) + "\nKatso myös [uusi](uusi.md).\n").unwrap()
            }),
        ),
        (
            "a deleted entry",
            Box::new(|| {
                fs::remove_file(content.join("programme/porin-kaupunki/peruttu.md")).unwrap()
            }),
        ),
        (
            "a newer memo about another entry",
            Box::new(|| {
                let memo = read(content.join("memos/2026/asukaskahvila.md"));
                fs::write(
                    content.join("memos/2026/digituki.md"),
                    memo.replace("2026-11-17", "2026-11-20")
                        .replace("porin-kaupunki/asukaskahvila", "porin-kaupunki/digituki")
                        .replace("Muistio asukaskahvilasta", "Muistio digituesta"),
                )
                .unwrap()
            }),
        ),
        (
            "a memo that no longer names its entry",
            Box::new(|| {
                edit(
                    &content.join("memos/2026/asukaskahvila.md"),
                    "event: porin-kaupunki/asukaskahvila\n",
                    "",
                )
            }),
        ),
        (
            "an organiser listed before the others",
            Box::new(|| {
                let folder = content.join("programme/aaltoset");
                fs::create_dir_all(&folder).unwrap();
                let sosped = content.join("programme/sosped-ry");
                fs::write(
                    folder.join("_index.md"),
                    read(sosped.join("_index.md")).replace("SOSPED ry (testi)", "Aaltoset ry"),
                )
                .unwrap();
                fs::write(
                    folder.join("kerho.md"),
                    read(sosped.join("hybridi.md")).replace("Hybridikeskustelu", "Aaltosten kerho"),
                )
                .unwrap()
            }),
        ),
        (
            "the site's address",
            Box::new(|| {
                edit(
                    &content.join("site.yaml"),
                    "example.fi/rsv",
                    "example.fi/viikko",
                )
            }),
        ),
        (
            "a template",
            Box::new(|| {
                let templates = root.join("themes/default/templates");
                fs::create_dir_all(&templates).unwrap();
                let card = read(repo().join("themes/default/templates/card.html"));
                fs::write(
                    templates.join("card.html"),
                    card.replace("entry-title", "entry-title oma"),
                )
                .unwrap()
            }),
        ),
    ];
    for (what, apply) in edits {
        apply();
        let cached = build(root, Some(&cache));
        assert!(
            cache.reused() > 0,
            "after {what}, nothing was taken from the cache"
        );
        let fresh = build(root, None);
        assert_eq!(
            cached.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "after {what}"
        );
        for (path, bytes) in &fresh {
            assert!(
                cached[path] == *bytes,
                "after {what}, {path} differs from a fresh build"
            );
        }
        cache = cache.successor();
    }
}

/// The preview renders each page when it is asked for: in any order, each equals the page a
/// whole build makes, and only pages are made that way.
#[test]
fn pages_rendered_one_at_a_time_equal_a_whole_build() {
    let site = site("site");
    let root = site.path();
    let whole = build(root, None);
    let options = viikko::Options {
        update_record: false,
        now: "2026-11-01T12:00:00Z".parse().unwrap(),
        ..viikko::Options::default()
    };
    let cache = Cache::default();
    let prepared = viikko::prepare(root, None, &options, Some(&cache)).unwrap();
    let pages = prepared.pages(Some(&cache));
    let list = pages.files();
    assert!(list.len() > 50, "{} pages", list.len());
    let made = Files::default();
    // Entry pages before the listings that hold their cards.
    for file in list.iter().rev() {
        pages.render_one(file, &made).unwrap().unwrap();
    }
    let made = made.0.into_inner().unwrap();
    assert_eq!(made.len(), list.len());
    for file in &list {
        assert!(
            made[file] == whole[file],
            "{file} differs from a whole build"
        );
    }
    for other in [
        "kalenteri/koko-ohjelma.ics",
        "haku/kohteet/0.json",
        "assets/style.css",
    ] {
        assert!(whole.contains_key(other), "{other}");
        assert!(
            pages.render_one(other, &Files::default()).is_none(),
            "{other}"
        );
    }
}

/// The preview keeps each entry between saves while its file and body are unchanged: after a
/// save that changed one entry's title, the model holds the entries of the save before for the
/// rest, not copies of them, and the edited one anew.
#[test]
fn a_save_shares_the_entries_it_did_not_change() {
    let site = site("site");
    let root = site.path();
    let check = |cache: &Cache| {
        let (sources, _) = viikko::load::load(root).unwrap();
        let (site, problems) = viikko::content::validate(&sources, Some(cache));
        site.unwrap_or_else(|| panic!("the site checks: {problems:?}"))
    };
    let cache = Cache::default();
    let before = check(&cache);
    edit(
        &root.join("content/programme/porin-kaupunki/digituki.md"),
        "Webinaari: digituki",
        "Webinaari: digitaidot",
    );
    let after = check(&cache.successor());
    assert_eq!(before.entries.len(), after.entries.len());
    for new in &after.entries {
        let old = before.entries.iter().find(|e| e.id == new.id).unwrap();
        let edited = new.id == "porin-kaupunki/digituki";
        assert_eq!(
            std::sync::Arc::ptr_eq(old, new),
            !edited,
            "{} shared with the save before",
            new.id
        );
        if edited {
            assert_eq!(new.title, "Webinaari: digitaidot");
        }
    }
}
