//! The memo archive, the points for decision-makers, participation figures and the search index
//! of the fixture site.

mod common;

use common::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = site("site");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    (site, out)
}

#[test]
fn memos_are_browsable_by_year_and_theme() {
    let (_site, out) = built();
    let archive = read(out.join("muistiot/index.html"));
    let (y2026, y2025) = (
        archive.find(r#"id="v-2026""#).unwrap(),
        archive.find(r#"id="v-2025""#).unwrap(),
    );
    assert!(y2026 < y2025, "newest year first");
    assert!(archive.contains(r#"<a href="/rsv/muistiot/teemat/asuminen/">asuminen</a>"#));
    // "Asuminen" and "asuminen" are one theme, across years.
    let theme = read(out.join("muistiot/teemat/asuminen/index.html"));
    assert!(theme.contains("Muistio asukaskahvilasta") && theme.contains("SO sotessa Raumalla"));
    assert!(
        theme.find("Muistio asukaskahvilasta").unwrap()
            < theme.find("SO sotessa Raumalla").unwrap()
    );
    let nuoret = read(out.join("muistiot/teemat/nuoret/index.html"));
    assert!(!nuoret.contains("Muistio asukaskahvilasta"));
    let themes = read(out.join("muistiot/teemat/index.html"));
    assert!(themes.contains("(2 muistiota)"));
    // A memo outside the week, without an event, is a page like any other.
    let memo = read(out.join("muistiot/2025/rauma/index.html"));
    assert!(
        memo.contains("ke 14.5.2025")
            && memo.contains("11")
            && memo.contains("Kohtaamispaikkoja kaivataan iltaisin.")
    );
}

#[test]
fn the_atom_feed_lists_memos_newest_first() {
    let (_site, out) = built();
    let atom = read(out.join("muistiot/atom.xml"));
    assert!(atom.starts_with("<?xml"));
    let first = atom
        .find("<title>Muistio asukaskahvilasta</title>")
        .unwrap();
    let second = atom.find("<title>SO sotessa Raumalla</title>").unwrap();
    assert!(first < second);
    assert!(atom.contains("<updated>2026-11-17T00:00:00+02:00</updated>"));
    assert!(atom.contains("<published>2025-05-14T00:00:00+03:00</published>"));
    assert!(atom.contains("&lt;li&gt;Nuorten asumisen tukea; enemmän ja aiemmin&lt;/li&gt;"));
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://satakunta.example.fi/rsv/muistiot/2025/rauma/</loc>"));
    assert!(sitemap.contains("<loc>https://satakunta.example.fi/rsv/arkisto/</loc>"));
    assert!(!sitemap.contains("404"));
}

#[test]
fn points_for_decision_makers_are_gathered_by_theme_with_a_csv() {
    let (_site, out) = built();
    let page = read(out.join("viestit/index.html"));
    let asuminen = page.find(r#"id="t-asuminen""#).unwrap();
    let nuoret = page.find(r#"id="t-nuoret""#).unwrap();
    let section = &page[asuminen..nuoret];
    assert!(
        section.find("Asumisneuvontaa tarvitaan lisää.").unwrap()
            < section.find("Nuorten asumisen tukea").unwrap(),
        "newest first"
    );
    assert!(section.contains(r#"<a href="/rsv/muistiot/2026/asukaskahvila/">"#));
    let csv = std::fs::read(out.join("viestit.csv")).unwrap();
    assert!(csv.starts_with(b"\xef\xbb\xbfTeema;Viesti;Keskustelumuistio;P\xc3\xa4iv\xc3\xa4m\xc3\xa4\xc3\xa4r\xc3\xa4;Osoite\r\n"));
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(page.matches(r#"id="t-asuminen""#).count(), 1);
    assert!(csv.contains("asuminen;\"Nuorten asumisen tukea; enemmän ja aiemmin\";SO sotessa Raumalla;2025-05-14;https://satakunta.example.fi/rsv/muistiot/2025/rauma/\r\n"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 2 * 2 + 2 * 2);
}

#[test]
fn statistics_count_attendance_and_missing_figures_apart() {
    let (site, out) = built();
    let csv = String::from_utf8(std::fs::read(out.join("tilastot.csv")).unwrap()).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    // 5 entries held (1 cancelled), 2 reported (24 + 12), 3 without a figure.
    assert!(csv.contains("Kaikki;Yhteensä;5;2;3;36\r\n"), "{csv}");
    assert!(csv.contains("Järjestäjittäin;SOSPED ry (testi);2;1;1;12\r\n"));
    assert!(csv.contains("Kunnittain;Vain verkossa;1;0;1;0\r\n"));
    assert!(csv.contains("Osallistumistavan mukaan;Paikan päällä ja verkossa;1;1;0;12\r\n"));
    // Year; entries; organisers; reported; participants; sessions; their participants; memos;
    // memo participants; points.
    assert!(
        csv.contains("2025;0;0;0;0;0;0;1;11;2\r\n") && csv.contains("2026;5;2;2;36;0;0;1;24;2\r\n")
    );

    let page = read(out.join("tilastot/index.html"));
    assert!(page.contains("<dd>36</dd>") && page.contains("<dd>3 tapahtumasta</dd>"));
    // Each chart says in text the figures its table has.
    let org = &page[page.find(r#"id="s-jarjestaja""#).unwrap()..];
    let org = &org[..org.find("</section>").unwrap()];
    assert!(
        org.contains(
            "<desc id=\"c-jarjestaja-d\">Porin kaupunki: 24; SOSPED ry (testi): 12</desc>"
        ),
        "{org}"
    );
    assert!(org.contains("<th scope=\"row\">Porin kaupunki</th><td>3</td><td>24</td><td>2</td>"));
    assert!(
        org.contains(r#"width="320""#),
        "the largest bar is full width"
    );
    assert!(
        org.contains(r#"width="160""#),
        "half the attendance, half the bar"
    );

    let stats = viikko(&["stats", "--root", site.path().to_str().unwrap()]);
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(
        text.contains("Yhteensä  Tapahtumia 5  Osallistujia 36  Luku ilmoitettu 2  Luku puuttuu 3"),
        "{text}"
    );
    assert!(text.contains("Peruttu: 1"), "{text}");
}

#[test]
fn the_search_index_holds_every_entry_and_memo_folded_in_files_by_first_letters() {
    let (_site, out) = built();
    let listing: serde_json::Value =
        serde_json::from_str(&read(out.join("haku/kohteet/0.json"))).unwrap();
    let docs = listing.as_array().unwrap();
    assert_eq!(docs.len(), 6 + 2);
    assert!(
        docs.iter()
            .all(|d| d[0].as_str().unwrap().starts_with("/rsv/") && d[1] != "")
    );
    let mut words = serde_json::Map::new();
    for file in std::fs::read_dir(out.join("haku/sanat")).unwrap() {
        let path = file.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let shard: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&read(&path)).unwrap();
        for (word, postings) in shard {
            assert!(word.starts_with(&name), "{word} in {name}.json");
            // A document whose title has the word is written -1 - n.
            let postings: Vec<i64> = postings
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_i64().unwrap())
                .collect();
            let numbers: Vec<i64> = postings.iter().map(|&n| n.max(-1 - n)).collect();
            assert!(numbers.iter().all(|&n| n < docs.len() as i64));
            // In document order, however the index was cut between the cores.
            assert!(numbers.is_sorted_by(|a, b| a < b), "{word}: {postings:?}");
            words.insert(word, postings.into());
        }
    }
    assert!(words.contains_key("valokuvanayttely") && words.contains_key("kohtaamispaikkoja"));
    assert!(words.keys().all(|w| w.is_ascii()), "folded");
    // Every document can be found by a word of its title (the last: a status may come first).
    for (n, doc) in docs.iter().enumerate() {
        let title = doc[1].as_str().unwrap().to_lowercase();
        let word = title
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| w.len() > 3 && w.is_ascii())
            .unwrap();
        let in_title = -1 - n as i64;
        assert!(
            words[word].as_array().unwrap().contains(&in_title.into()),
            "{word} → {n}"
        );
    }
    let home = read(out.join("index.html"));
    assert!(
        home.contains(r#"<form class="search" role="search" action="/rsv/haku/" method="get">"#)
    );
}
