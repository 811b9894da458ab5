//! `viikko new`: files to start from. A site for the coming week (settings, an accessibility
//! statement dated today, one organiser and one entry), or an organiser's profile, or an entry
//! whose comments list the site's own audiences and formats. Files are written in Finnish field
//! names (or the site's language), and a file that exists is never overwritten.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use crate::content::names;
use crate::model::Config;
use crate::slug::slugify;
use crate::times::Lang;

/// What `viikko new` wrote, and what it left because it was there already.
#[derive(Debug, Default)]
pub struct Written {
    pub written: Vec<PathBuf>,
    pub kept: Vec<PathBuf>,
}

impl Written {
    /// Writes `text` at `path` unless something is there.
    fn file(&mut self, path: PathBuf, text: &str) -> io::Result<()> {
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder)?;
        }
        match fs::File::create_new(&path) {
            Ok(file) => {
                io::Write::write_all(&mut &file, text.as_bytes())?;
                self.written.push(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => self.kept.push(path),
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// The Monday of the week after `today`: the coming week.
pub fn coming_week(today: Date) -> (Date, Date) {
    let days = 7 - today.weekday().to_monday_zero_offset();
    let start = today.checked_add(i64::from(days).days()).unwrap_or(today);
    debug_assert_eq!(start.weekday(), Weekday::Monday);
    (start, start.checked_add(6.days()).unwrap_or(start))
}

/// A working site in `dir`: it builds as it is, and its comments say what to change.
pub fn site(dir: &Path, today: Date) -> io::Result<Written> {
    let (start, end) = coming_week(today);
    let tuesday = start.checked_add(1.day()).unwrap_or(start);
    let mut written = Written::default();
    let content = dir.join("content");
    written.file(content.join("site.yaml"), &settings(start, end))?;
    written.file(
        content.join("pages/saavutettavuusseloste.md"),
        &accessibility_statement(today),
    )?;
    written.file(content.join("pages/tietoa.md"), ABOUT)?;
    written.file(
        content.join("programme/esimerkkijarjestaja/_index.md"),
        &organiser_text("Esimerkkijärjestäjä", Lang::Fi),
    )?;
    written.file(
        content.join("programme/esimerkkijarjestaja/asukaskahvila.md"),
        &format!(
            "---\n\
             # Tämä on esimerkki: muuta tiedot tai poista tiedosto.\n\
             otsikko: Asukaskahvila\n\
             aika: ti {}.{}. klo 14–15.30\n\
             paikka: {{nimi: Kirjasto, osoite: Kirjastokatu 1, kunta: Pori}}\n\
             kohderyhmä: kaikki\n\
             tyyppi: keskustelu\n\
             ---\n\
             Tule kahville ja kerro, mikä arjessa toimii.\n",
            tuesday.day(),
            tuesday.month()
        ),
    )?;
    Ok(written)
}

fn settings(start: Date, end: Date) -> String {
    format!(
        "# Sivuston asetukset. Kenttien nimet voivat olla myös englanniksi (title, base_url, week…).\n\
         otsikko: Rakenteellisen sosiaalityön viikko {year}\n\
         kuvaus: Maksuttomia tapahtumia sosiaalityöstä.\n\
         # Osoite, jossa sivusto julkaistaan; alikansio käy.\n\
         verkko-osoite: https://www.example.fi/viikko/\n\
         # fi, sv tai en: sivuston kieli ja virheilmoitusten kieli.\n\
         kieli: fi\n\
         aikavyöhyke: Europe/Helsinki\n\
         viikko: {{alkaa: {start}, päättyy: {end}}}\n\
         # Kohderyhmät: avain (näkyy osoitteissa, pienet kirjaimet) ja nimi lukijoille.\n\
         kohderyhmät:\n  kaikki: Kaikille avoin\n  ammattilaiset: Sosiaalialan ammattilaiset\n  \
         nuoret: Nuoret\n\
         tyypit:\n  keskustelu: Keskustelu\n  luento: Luento\n  tyopaja: Työpaja\n\
         yhteystiedot: {{nimi: Viikon koordinaatio, sähköposti: koordinaatio@example.fi}}\n",
        year = start.year()
    )
}

fn accessibility_statement(today: Date) -> String {
    format!(
        "---\ntitle: Saavutettavuusseloste\n---\n\
         Tämä saavutettavuusseloste koskee viikon verkkosivustoa. Laki digitaalisten palvelujen \
         tarjoamisesta (306/2019) edellyttää, että julkiset verkkopalvelut ovat saavutettavia ja \
         että seloste tarkistetaan vähintään kerran vuodessa.\n\n\
         ## Saavutettavuuden tila\n\n\
         Sivusto täyttää saavutettavuusvaatimukset (WCAG 2.1, taso AA) osittain. Kirjaa tähän \
         puutteet, jotka tiedät.\n\n\
         ## Anna palautetta saavutettavuudesta\n\n\
         Kerro puutteesta meille: koordinaatio@example.fi. Vastaamme 14 päivän kuluessa.\n\n\
         ## Valvontaviranomainen\n\n\
         Jos et ole tyytyväinen vastaukseen, voit tehdä ilmoituksen Etelä-Suomen \
         aluehallintoviraston saavutettavuuden valvonnan yksikölle (www.saavutettavuusvaatimukset.fi).\n\n\
         Seloste on laadittu {}.{}.{}.\n",
        today.day(),
        today.month(),
        today.year()
    )
}

const ABOUT: &str = "---\ntitle: Tietoa viikosta\n---\n\
    Viikon tapahtumat tuovat sosiaalityötä, sen asiakkaita ja yhteiskunnallisia ilmiöitä \
    näkyviksi. Tapahtumat ovat maksuttomia.\n";

fn organiser_text(name: &str, lang: Lang) -> String {
    let field = |key| names::shown(key, lang);
    format!(
        "---\n\
         # Järjestäjän nimi sellaisena kuin se näytetään sivustolla.\n\
         {}: \"{}\"\n\
         # Vapaaehtoiset: poista #-merkki rivin alusta ja kirjoita tieto.\n\
         # {}: https://www.example.fi/\n\
         # {}: info@example.fi\n\
         # {}: Pori\n\
         ---\n\
         Kerro tässä lyhyesti järjestäjästä.\n",
        field("name"),
        name.replace('"', "'"),
        field("website"),
        field("email"),
        field("municipality"),
    )
}

/// An organiser's profile in the site at `root`: `content/programme/<slug>/_index.md`.
pub fn organiser(root: &Path, name: &str, config: &Config) -> io::Result<Written> {
    organiser_in(root, name, config.lang)
}

/// [`organiser`], by the language its field names are written in.
pub fn organiser_in(root: &Path, name: &str, lang: Lang) -> io::Result<Written> {
    let mut written = Written::default();
    let folder = root.join("content/programme").join(slugify(name));
    written.file(folder.join("_index.md"), &organiser_text(name, lang))?;
    Ok(written)
}

/// An entry of `organiser` (its folder name) with `title`, its comments listing the site's own
/// audiences and formats; when and where are left for the partner to fill, so that `viikko
/// check` asks for them rather than a made-up time being published.
pub fn entry(root: &Path, organiser: &str, title: &str, config: &Config) -> io::Result<Written> {
    let lang = config.lang;
    let field = |key| names::shown(key, lang);
    let list = |terms: &[crate::model::Term]| {
        terms
            .iter()
            .map(|t| format!("{} ({})", t.key, t.label))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let day = config
        .week
        .start
        .checked_add(1.day())
        .unwrap_or(config.week.start);
    let text = format!(
        "---\n\
         {title_field}: \"{title}\"\n\
         # Aika niin kuin ilmoituksessa: ti {d}.{m}. klo 14–15.30, klo 18.30 alkaen, {d}.–{e}.{m}.\n\
         {time}:\n\
         # Paikka kenttinä: {{nimi: …, osoite: …, kunta: …}}; verkkotapahtumalle {online}: https://…\n\
         # (tai {online}: Teams, jos linkki lähetetään myöhemmin)\n\
         {place}:\n\
         # Yksi tai useampi pilkuilla erotettuina: {audiences}\n\
         {audience}:\n\
         # Yksi näistä: {formats}\n\
         {format}:\n\
         ---\n\
         Kuvaus tapahtumasta.\n",
        title_field = field("title"),
        title = title.replace('"', "'"),
        d = day.day(),
        m = day.month(),
        e = config.week.end.day(),
        time = field("time"),
        online = field("online"),
        place = field("place"),
        audiences = list(&config.audiences),
        audience = field("audience"),
        formats = list(&config.formats),
        format = field("format"),
    );
    let mut written = Written::default();
    let folder = root.join("content/programme").join(organiser);
    let name = format!("{}.md", slugify(title));
    written.file(folder.join(name), &text)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coming_week_starts_on_the_next_monday() {
        assert_eq!(
            coming_week(Date::constant(2026, 11, 30)),
            (Date::constant(2026, 12, 7), Date::constant(2026, 12, 13))
        );
        assert_eq!(
            coming_week(Date::constant(2026, 12, 3)).0,
            Date::constant(2026, 12, 7)
        );
    }
}
