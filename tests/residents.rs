//! What residents act on, over the sample site: where and when an entry really is, adding it
//! to a calendar, finding it by audience, municipality and day without JavaScript, paper, the
//! week being over, and the changes since the programme was published.

mod common;

use common::*;
use std::fs;
use std::path::Path;

/// A copy of the sample site, built as on `day`.
fn sample(day: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, out, _) = sample_with(day, &[]);
    (dir, out)
}

/// A copy of the sample site with Porin kaupunki's entries `files` (name, text) added, built as
/// on `day`: the folder, the output, and the build's report.
fn sample_with(
    day: &str,
    files: &[(&str, String)],
) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    for (name, text) in files {
        let programme = dir.path().join("content/programme/porin-kaupunki");
        fs::write(programme.join(format!("{name}.md")), text).unwrap();
    }
    let out = dir.path().join("public");
    let report = build_at(dir.path(), &out, day);
    (dir, out, report)
}

fn page(out: &Path, path: &str) -> String {
    read(out.join(path).join("index.html"))
}

/// The text of the `<dd>` after `<dt>{term}</dt>`.
fn fact<'a>(html: &'a str, term: &str) -> &'a str {
    let start = html.find(&format!("<dt>{term}</dt>")).unwrap();
    let dd = &html[start..];
    &dd[dd.find("<dd>").unwrap()..dd.find("</dd>").unwrap()]
}

#[test]
fn a_moved_online_entry_shows_its_old_venue_only_struck_through() {
    let (_dir, out) = sample("2026-11-10");
    let path = "ohjelma/satakunnan-sosiaalialan-osaamiskeskus/verkkoon-siirretty/";
    let html = page(&out, path);
    let place = fact(&html, "Paikka");
    assert!(place.starts_with("<dd><del>Huittisten kaupungintalo, Risto Rytin katu 36"));
    assert!(place.contains("ei enää"), "{place}");
    assert!(
        !place.contains("openstreetmap"),
        "no map to a place it is not in"
    );
    assert!(fact(&html, "Verkossa").contains("https://meet.example.fi/lapsiperheet"));
    // Lists, paper and the event file agree: no venue.
    let day = page(&out, "paiva/2026-11-19/");
    let card = &day[day.find("Lapsiperheköyhyys ja sosiaalityö").unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    assert!(!card.contains("Huittisten kaupungintalo"), "{card}");
    let print = page(&out, "ohjelma/tulosta/");
    let row = &print[print.find("Lapsiperheköyhyys ja sosiaalityö").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        !row.contains("Huittisten kaupungintalo")
            && row.contains("https://meet.example.fi/lapsiperheet"),
        "{row}"
    );
    let ics = read(out.join(path).join("verkkoon-siirretty.ics"));
    assert!(ics.contains("LOCATION:https://meet.example.fi/lapsiperheet"));
}

#[test]
fn a_postponed_entry_marks_its_time() {
    let (_dir, out) = sample("2026-11-10");
    let html = page(&out, "ohjelma/ulvilan-seurakunta/siirretty-ikaantyneet/");
    let time = fact(&html, "Aika");
    assert!(time.starts_with("<dd><del>"), "{time}");
    assert!(time.contains("Siirretty myöhemmäksi") && time.contains("Uusi aika ilmoitetaan"));
}

#[test]
fn add_event_links_carry_utc_times_title_and_place_encoded() {
    let (_dir, out) = sample("2026-11-10");
    let html = page(&out, "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/");
    let link = |host: &str| {
        let at = html.find(&format!("href=\"{host}")).unwrap() + 6;
        html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&")
    };
    let google = link("https://calendar.google.com/calendar/render?");
    // 14–15.30 in Helsinki in November is 12:00–13:30 UTC.
    assert!(
        google.contains("&dates=20261116T120000Z/20261116T133000Z&"),
        "{google}"
    );
    assert!(google.contains(
        "text=Asukaskahvila%20It%C3%A4tuulessa%3A%20mik%C3%A4%20arjessa%20toimii%2C%20mik%C3%A4%20ei%3F&"
    ));
    assert!(google.ends_with("&location=It%C3%A4tuulen%20asukastupa%2C%20Tuulikuja%204%2C%20Pori"));
    let outlook = link("https://outlook.live.com/calendar/0/action/compose?");
    assert!(outlook.contains("&startdt=2026-11-16T12:00:00Z&enddt=2026-11-16T13:30:00Z&"));
    assert!(outlook.contains("subject=Asukaskahvila%20It%C3%A4tuulessa"));
    assert!(
        html.contains(
            "href=\"https://www.openstreetmap.org/search?query=Tuulikuja%204%2C%20Pori\""
        )
    );
}

#[test]
fn the_single_event_file_carries_the_registration_deadline_and_price() {
    let (_dir, out) = sample("2026-11-10");
    let ics = read(out.join(
        "ohjelma/satakunnan-hyvinvointialue/toimeentulo-webinaari/toimeentulo-webinaari.ics",
    ))
    .replace("\r\n ", "");
    assert!(!ics.contains("X-WR-CALNAME") && !ics.contains("REFRESH-INTERVAL"));
    assert!(ics.contains("Ilmoittautuminen viimeistään "), "{ics}");
    assert!(ics.contains("\\n\\nHinta: "), "{ics}");
}

/// An online entry whose link is sent later, to those who register: what the organiser wrote is
/// shown where the link would be, everywhere the entry is, and it is listed with what can be
/// joined from anywhere rather than at a place.
#[test]
fn an_online_entry_without_a_link_says_how_to_join() {
    let told = "Teams, linkki lähetetään ilmoittautuneille";
    let entry = format!(
        "---\notsikko: Etäkahvit\naika: ti 17.11. klo 14–15\nverkossa: {told}\nkohderyhmä: kaikki\n---\nTervetuloa.\n"
    );
    let (_dir, out, _) = sample_with("2026-11-10", &[("etakahvit", entry)]);
    let path = "ohjelma/porin-kaupunki/etakahvit/";
    let html = page(&out, path);
    assert_eq!(fact(&html, "Verkossa"), format!("<dd>{told}"));
    assert!(
        html.contains(&format!(r#"{{"@type":"VirtualLocation","name":"{told}"}}"#)),
        "{html}"
    );
    assert!(html.contains("OnlineEventAttendanceMode"));
    assert!(page(&out, "verkossa/").contains("Etäkahvit"));
    assert!(!page(&out, "kunta/pori/").contains("Etäkahvit"));
    let poster = page(&out, &format!("{path}juliste/"));
    assert!(fact(&poster, "Verkossa").contains(told), "{poster}");
    let print = page(&out, "ohjelma/tulosta/");
    let row = &print[print.find("Etäkahvit").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains(&format!("Verkossa: {told}")));
    let ics = read(out.join(path).join("etakahvit.ics")).replace("\r\n ", "");
    assert!(
        ics.contains("LOCATION:Teams\\, linkki lähetetään ilmoittautuneille"),
        "{ics}"
    );
}

/// Registration as announcements write it: by e-mail, or in words.
#[test]
fn registration_by_e_mail_or_in_words_is_shown_as_written() {
    let entry = |name: &'static str, registration: &str| {
        let text = format!(
            "---\notsikko: Ilta {name}\naika: ti 17.11. klo 18–19\npaikka: {{nimi: Kirjasto, kunta: Pori}}\nkohderyhmä: kaikki\nilmoittautuminen: {registration}\n---\n"
        );
        (name, text)
    };
    let (_dir, out, report) = sample_with(
        "2026-11-10",
        &[
            entry("sahkopostilla", "matti.meikalainen@example.fi"),
            entry("sanoin", "10.11. mennessä puh. 044 123 4567"),
        ],
    );
    assert!(!report.contains("varoitus"), "{report}");
    let email = "matti.meikalainen@example.fi";
    for (name, shown, in_feed) in [
        (
            "sahkopostilla",
            format!("<a href=\"mailto:{email}\">{email}</a>"),
            email,
        ),
        (
            "sanoin",
            "10.11. mennessä puh. 044 123 4567".into(),
            "10.11. mennessä puh. 044 123 4567",
        ),
    ] {
        let path = format!("ohjelma/porin-kaupunki/{name}/");
        assert_eq!(
            fact(&page(&out, &path), "Ilmoittautuminen"),
            format!("<dd>{shown}")
        );
        let ics = read(out.join(&path).join(format!("{name}.ics"))).replace("\r\n ", "");
        assert!(
            ics.contains(&format!("Ilmoittautuminen: {in_feed}\\n")),
            "{ics}"
        );
    }
}

/// A place written on one line has no municipality, so the entry is on no municipality's page:
/// a warning offers the place as fields, which put it there.
#[test]
fn a_place_without_its_municipality_is_warned_with_the_fields_to_write() {
    let entry = |place: &str| {
        format!(
            "---\notsikko: Pilkkukahvit\naika: ti 17.11. klo 14–15\npaikka: {place}\nkohderyhmä: kaikki\n---\n"
        )
    };
    let one_line = entry("Itätuulen asukastupa, Tuulikuja 4, Pori");
    let (dir, out, report) = sample_with("2026-11-10", &[("pilkut", one_line)]);
    let offered = "{nimi: Itätuulen asukastupa, osoite: Tuulikuja 4, kunta: Pori}";
    assert!(
        report.contains("pilkut.md:4:1")
            && report.contains("paikasta puuttuu kunta")
            && report.contains(&format!("`paikka: {offered}`")),
        "{report}"
    );
    let path = "ohjelma/porin-kaupunki/pilkut/";
    assert!(
        page(&out, path).contains("Pilkkukahvit"),
        "published anyway"
    );
    assert!(!page(&out, "kunta/pori/").contains("Pilkkukahvit"));
    let file = dir
        .path()
        .join("content/programme/porin-kaupunki/pilkut.md");
    fs::write(&file, entry(offered)).unwrap();
    let report = build_at(dir.path(), &out, "2026-11-10");
    assert!(!report.contains("varoitus"), "{report}");
    assert!(page(&out, "kunta/pori/").contains("Pilkkukahvit"));
}

#[test]
fn entries_for_everyone_and_municipalities_are_found_without_javascript() {
    let (_dir, out) = sample("2026-11-10");
    // Written for `kaikki` alone: listed for young people too.
    let youth = page(&out, "kohderyhma/nuoret/");
    assert!(youth.contains("Perhepäivä: tietoa ja tekemistä lapsiperheille"));
    let rauma = page(&out, "kunta/rauma/");
    assert!(rauma.contains("Nuorten ääni: mitä haluaisit sanoa päättäjille?"));
    assert!(
        !rauma.contains("Itätuulen asukastupa"),
        "Pori's entries are not Rauma's"
    );
    // Online entries are on a page of their own, which every municipality's page links to.
    let online = &rauma[rauma.find("id=\"verkossa\"").expect("an online section")..];
    assert!(online.contains("href=\"/rsv/verkossa/\""), "{online}");
    assert!(!rauma.contains("Toimeentulotuki 2026: mikä muuttuu?"));
    let online = page(&out, "verkossa/");
    assert!(online.contains("Toimeentulotuki 2026: mikä muuttuu?"));
    assert!(
        !online.contains("Itätuulen asukastupa"),
        "an entry only on site is not online"
    );
    let programme = page(&out, "ohjelma/");
    for link in [
        "/rsv/kunta/rauma/",
        "/rsv/paiva/2026-11-17/",
        "/rsv/kohderyhma/nuoret/",
    ] {
        assert!(programme.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(programme.contains("name=\"verkko\"") && programme.contains("name=\"paiva\""));
}

/// A municipality written in two spellings is one, named as its first entry spells it, and its
/// printed sheet has every entry of either spelling.
#[test]
fn a_municipality_spelt_in_another_case_is_the_same_municipality() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    // The last of Rauma's three entries in the programme.
    let entry = dir
        .path()
        .join("content/programme/rauman-kaupunki/lauantai-nuoret-rauma.md");
    let text = fs::read_to_string(&entry).unwrap();
    fs::write(
        &entry,
        text.replace("municipality: Rauma}", "municipality: RAUMA}"),
    )
    .unwrap();
    let out = dir.path().join("public");
    build_at(dir.path(), &out, "2026-11-10");
    assert!(page(&out, "kunta/rauma/").contains("<h1>Rauma</h1>"));
    let sheet = page(&out, "kunta/rauma/tulosta/");
    for title in [
        "Nuorten ääni: mitä haluaisit sanoa päättäjille?",
        "Nuorten pelilauantai ja palveluinfo",
        "Uusi vammaispalvelulaki: kysy ja keskustele",
    ] {
        assert!(sheet.contains(title), "{title}");
    }
    let programme = page(&out, "ohjelma/");
    assert_eq!(programme.matches("href=\"/rsv/kunta/rauma/\"").count(), 1);
}

#[test]
fn paper_has_addresses_audiences_online_links_and_qr_codes() {
    let (_dir, out) = sample("2026-11-10");
    let print = page(&out, "ohjelma/tulosta/");
    assert!(print.contains("Itätuulen asukastupa, Tuulikuja 4, Pori"));
    assert!(print.contains("Verkossa: https://meet.example.fi/toimeentulo"));
    assert!(print.contains("Kaikille avoin, Ikääntyneet"));
    assert!(print.contains("<svg class=\"qr\""));
    assert!(
        !print.contains("2026-09-03"),
        "the week, not the sessions all year"
    );
    let rauma = page(&out, "kunta/rauma/tulosta/");
    assert!(rauma.contains("Nuorten ääni") && !rauma.contains("Itätuulen asukastupa"));
    let poster = page(
        &out,
        "ohjelma/porin-kaupunki/asukaskahvila-itatuuli/juliste/",
    );
    assert!(poster.contains("aria-label=\"QR: https://satakunta.example.fi/rsv/ohjelma/porin-kaupunki/asukaskahvila-itatuuli/\""));
    assert!(poster.contains("Tuulikuja 4"));
    // Every page prints the site's address, with its QR code from one file.
    assert!(page(&out, "").contains(
        "<div class=\"print-only print-footer\"><img class=\"qr\" src=\"/rsv/assets/osoite-qr.svg\""
    ));
    assert!(read(out.join("assets/osoite-qr.svg")).starts_with("<svg class=\"qr\" xmlns="));
}

#[test]
fn the_home_page_knows_when_the_week_is_over() {
    let (_dir, during) = sample("2026-11-18");
    let home = page(&during, "");
    assert!(!home.contains("Viikko päättyi") && home.contains("Viikon ohjelma<"));
    let (_dir, after) = sample("2026-11-30");
    let home = page(&after, "");
    assert!(home.contains("Viikko päättyi su 22.11.2026"));
    assert!(
        home.contains("href=\"/rsv/viestit/\"") && home.contains("href=\"/rsv/raportti/2026/\"")
    );
    assert!(home.contains("Seuraava viikko:</strong> ma 15.11. – su 21.11.2027"));
}

#[test]
fn changes_across_builds_are_listed_newest_first_and_in_a_feed() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    let out = dir.path().join("public");
    let programme = dir.path().join("content/programme");
    build_at(dir.path(), &out, "2026-11-01");
    assert!(page(&out, "muutokset/").contains("Ohjelmaan ei ole tehty muutoksia"));

    let edit = |file: &str, from: &str, to: &str| {
        let path = programme.join(file);
        let text = read(&path);
        assert!(text.contains(from), "{file}: {from}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "porin-kaupunki/digituki.md",
        "start: 2026-11-18 13:00\nend: 2026-11-18 15:00",
        "start: 2026-11-19 13:00\nend: 2026-11-19 15:00",
    );
    build_at(dir.path(), &out, "2026-11-05");
    edit(
        "porin-kaupunki/asukaskahvila-itatuuli.md",
        "tyyppi: keskustelu\n",
        "tyyppi: keskustelu\ntila: peruttu\n",
    );
    edit(
        "ulvilan-seurakunta/siirretty-ikaantyneet.md",
        "status: postponed\n",
        "status: moved-online\nonline: https://meet.example.fi/ulvila\n",
    );
    fs::write(
        programme.join("porin-kaupunki/uusi.md"),
        "---\ntitle: Uusi iltapäivä\ntime: ke 18.11. klo 14–15\nplace: Pääkirjasto, Pori\naudience: kaikki\n---\n",
    )
    .unwrap();
    build_at(dir.path(), &out, "2026-11-10");
    // An unchanged build adds nothing.
    let record = read(dir.path().join("content/calendar.lock"));
    build_at(dir.path(), &out, "2026-11-12");
    assert_eq!(read(dir.path().join("content/calendar.lock")), record);

    let changes: Vec<&str> = record.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(
        changes,
        [
            "! 2026-11-05T00:00:00Z porin-kaupunki/digituki time 20261118T110000Z",
            "! 2026-11-10T00:00:00Z porin-kaupunki/asukaskahvila-itatuuli cancelled",
            "! 2026-11-10T00:00:00Z porin-kaupunki/uusi new",
            "! 2026-11-10T00:00:00Z ulvilan-seurakunta/siirretty-ikaantyneet moved-online",
        ]
    );
    let html = page(&out, "muutokset/");
    let order: Vec<usize> = [
        "Siirretty verkkoon",
        "Uusi tapahtuma",
        "Peruttu",
        "Aika muuttui",
    ]
    .iter()
    .map(|label| {
        html.find(&format!("<strong>{label}</strong>"))
            .expect(label)
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {order:?}"
    );
    assert!(html.contains("aiemmin ke 18.11.2026 klo 13; nyt to 19.11.2026 klo 13–15"));
    let entry = page(&out, "ohjelma/porin-kaupunki/digituki/");
    assert!(
        fact(&entry, "Aika")
            .contains("Aika muuttunut</strong> (aiemmin <del>ke 18.11.2026 klo 13</del>)")
    );
    let atom = read(out.join("muutokset/atom.xml"));
    assert_eq!(atom.matches("<entry>").count(), 4);
    assert!(atom.contains(
        "<title>Peruttu: Asukaskahvila Itätuulessa: mikä arjessa toimii, mikä ei?</title>"
    ));
}
