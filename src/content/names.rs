//! Every field's names: the English key the code reads, and the Finnish and Swedish names a
//! partner may write instead (`otsikko`, `rubrik` for `title`). A name is matched without regard
//! to case or to `ä`/`ö`/`å` (`kohderyhma` is `kohderyhmä`), so a keyboard without them works.

use crate::times::Lang;

/// A field: its key, its Finnish and Swedish names (shown in reports and instructions), and
/// other words people use for it.
pub struct Name {
    pub key: &'static str,
    pub fi: &'static str,
    pub sv: &'static str,
    pub more: &'static [&'static str],
}

const fn name(
    key: &'static str,
    fi: &'static str,
    sv: &'static str,
    more: &'static [&'static str],
) -> Name {
    Name { key, fi, sv, more }
}

pub const NAMES: &[Name] = &[
    // Entries
    name("title", "otsikko", "rubrik", &["nimike", "titel"]),
    name(
        "summary",
        "tiivistelmä",
        "sammanfattning",
        &["lyhyesti", "ingress"],
    ),
    name("time", "aika", "tid", &["ajankohta", "milloin", "när"]),
    name(
        "start",
        "alkaa",
        "börjar",
        &["alku", "alkamisaika", "början"],
    ),
    name(
        "end",
        "päättyy",
        "slutar",
        &["loppu", "päättymisaika", "slut"],
    ),
    name("place", "paikka", "plats", &["sijainti", "tapahtumapaikka"]),
    name("name", "nimi", "namn", &[]),
    name("address", "osoite", "adress", &["katuosoite"]),
    name(
        "coordinates",
        "koordinaatit",
        "koordinater",
        &["sijaintikoordinaatit"],
    ),
    name(
        "municipality",
        "kunta",
        "kommun",
        &["kaupunki", "paikkakunta"],
    ),
    name(
        "online",
        "verkossa",
        "på nätet",
        &["verkkolinkki", "etänä", "linkki_tilaisuuteen"],
    ),
    name(
        "audience",
        "kohderyhmä",
        "målgrupp",
        &["kohderyhmät", "målgrupper"],
    ),
    name("format", "tyyppi", "typ", &["muoto", "tapahtumatyyppi"]),
    name("language", "kieli", "språk", &[]),
    name("price", "hinta", "pris", &["maksu"]),
    name(
        "registration",
        "ilmoittautuminen",
        "anmälan",
        &["ilmoittautumiset"],
    ),
    name("url", "linkki", "länk", &["osoite_ilmoittautumiseen"]),
    name("deadline", "viimeistään", "senast", &["määräaika"]),
    name("note", "lisätieto", "obs", &["lisätiedot", "huom"]),
    name(
        "accessibility",
        "saavutettavuus",
        "tillgänglighet",
        &["esteettömyys"],
    ),
    name("status", "tila", "status", &[]),
    name("series", "sarja", "serie", &["sarjat", "serier"]),
    name("feedback", "palaute", "respons", &["palautelinkki"]),
    name(
        "attendance",
        "osallistujia",
        "deltagare",
        &["osallistujamäärä", "osallistujat"],
    ),
    name("tags", "avainsanat", "nyckelord", &["asiasanat"]),
    name(
        "organiser",
        "järjestäjä",
        "arrangör",
        &["järjestäjät", "järjestävä taho", "organizer"],
    ),
    // Organisers
    name(
        "website",
        "verkkosivut",
        "webbplats",
        &["kotisivu", "verkkosivu", "www"],
    ),
    name("email", "sähköposti", "e-post", &["email", "säpo"]),
    name("phone", "puhelin", "telefon", &["puhelinnumero", "puh"]),
    // Memos
    name("date", "päivä", "datum", &["päivämäärä", "pvm"]),
    name("event", "tapahtuma", "evenemang", &[]),
    name("themes", "teemat", "teman", &["aiheet"]),
    name(
        "participants",
        "osallistujia",
        "deltagare",
        &["osallistujamäärä", "osallistujat"],
    ),
    name(
        "points",
        "viestit",
        "budskap",
        &["nostot", "viestit_päättäjille"],
    ),
    // Series
    name("chair", "puheenjohtaja", "ordförande", &["pj", "vetäjä"]),
    name("repeat", "toistuu", "upprepas", &["sääntö"]),
    name("every", "väli", "intervall", &["joka"]),
    name("from", "alkaen", "från", &["mistä"]),
    name("until", "asti", "till", &["mihin", "saakka"]),
    name("except", "paitsi", "utom", &["ei"]),
    name(
        "sessions",
        "kerrat",
        "tillfällen",
        &["tapaamiset", "istunnot"],
    ),
    // site.yaml
    name("description", "kuvaus", "beskrivning", &[]),
    name(
        "base_url",
        "verkko-osoite",
        "webbadress",
        &["osoite_verkossa"],
    ),
    name("timezone", "aikavyöhyke", "tidszon", &[]),
    name("week", "viikko", "vecka", &[]),
    name("audiences", "kohderyhmät", "målgrupper", &[]),
    name("formats", "tyypit", "typer", &["muodot"]),
    name("for_everyone", "kaikille", "för_alla", &["kaikille avoin"]),
    name("next", "seuraava", "nästa", &["seuraava viikko"]),
    name("theme", "teema", "tema", &[]),
    name("contact", "yhteystiedot", "kontakt", &["yhteyshenkilö"]),
    name(
        "earlier",
        "aiemmat",
        "tidigare",
        &["aiemmat viikot", "arkisto"],
    ),
];

/// Lower case, `ä`/`å` as `a`, `ö` as `o`, spaces and dashes as `_`: how names are compared.
pub fn fold(name: &str) -> String {
    let name = name.trim();
    // Most names are written in plain ASCII: no case table needed.
    if name.is_ascii() {
        return name
            .bytes()
            .map(|b| match b {
                b' ' | b'-' => '_',
                b => b.to_ascii_lowercase() as char,
            })
            .collect();
    }
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            ' ' | '-' => '_',
            c => c,
        })
        .collect()
}

/// Every name of each field, folded once: the fields of every file are looked up by them.
fn folded(key: &str) -> Option<&'static [String]> {
    static FOLDED: std::sync::OnceLock<Vec<(&'static str, Vec<String>)>> =
        std::sync::OnceLock::new();
    let table = FOLDED.get_or_init(|| {
        NAMES
            .iter()
            .map(|n| {
                let all = [n.key, n.fi, n.sv]
                    .into_iter()
                    .chain(n.more.iter().copied());
                (n.key, all.map(fold).collect())
            })
            .collect()
    });
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, names)| names.as_slice())
}

fn find(key: &str) -> Option<&'static Name> {
    NAMES.iter().find(|n| n.key == key)
}

/// Whether `written` is a name of the field `key`.
pub fn names(key: &str, written: &str) -> bool {
    if written == key {
        return true;
    }
    let written = fold(written);
    match folded(key) {
        Some(names) => names.contains(&written),
        None => written == fold(key),
    }
}

/// The field's name in `lang`, as reports and instructions show it.
pub fn shown(key: &str, lang: Lang) -> &str {
    match (find(key), lang) {
        (Some(n), Lang::Fi) => n.fi,
        (Some(n), Lang::Sv) => n.sv,
        _ => key,
    }
}

/// Every name of each of `keys`, for suggesting the nearest to a misspelt one.
pub fn all(keys: &[&'static str]) -> Vec<&'static str> {
    let mut all = Vec::new();
    for key in keys {
        all.push(*key);
        if let Some(n) = find(key) {
            all.extend([n.fi, n.sv]);
            all.extend(n.more);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_and_swedish_names_with_or_without_their_letters() {
        assert!(names("audience", "kohderyhmä"));
        assert!(names("audience", "Kohderyhma"));
        assert!(names("audience", "målgrupp"));
        assert!(names("title", "otsikko"));
        assert!(names("title", "title"));
        assert!(!names("title", "summary"));
        assert_eq!(shown("audience", Lang::Fi), "kohderyhmä");
        assert_eq!(shown("audience", Lang::En), "audience");
    }

    /// Within one kind of file no name may belong to two of its fields.
    #[test]
    fn no_name_is_taken_twice_in_a_file() {
        let kinds: [&[&str]; 4] = [
            &super::super::entry::ENTRY_KEYS,
            &super::super::memo::MEMO_KEYS,
            &super::super::site::SITE_KEYS,
            &super::super::organiser::PROFILE_KEYS,
        ];
        for keys in kinds {
            let mut seen = std::collections::BTreeMap::new();
            for key in keys {
                for name in all(&[key]) {
                    if let Some(other) = seen.insert(fold(name), *key) {
                        assert_eq!(other, *key, "`{name}` names both `{other}` and `{key}`");
                    }
                }
            }
        }
    }
}
