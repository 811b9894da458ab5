//! A small writer for iCalendar (RFC 5545) content.
//!
//! The `ical` crate's generator folds lines by characters instead of octets, leaves TEXT values
//! unescaped and panics on non-ASCII parameter values, so calendar feeds are written with this
//! instead. Whatever a caller passes in comes out as well-formed content lines: values are
//! escaped or stripped of characters that cannot appear in them, and lines are folded.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;

/// RFC 5545 3.1: lines should not be longer than 75 octets, not counting the line break.
const LINE_OCTETS: usize = 75;

/// An iCalendar document or fragment of one, built a content line at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ics {
    buf: String,
}

impl Ics {
    pub fn new() -> Ics {
        Ics::default()
    }

    /// Opens a component, e.g. `VEVENT`.
    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", &[], component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", &[], component);
    }

    /// A property with a TEXT value: `\` `;` `,` are escaped, a newline becomes `\n`, a tab
    /// becomes a space, and other control characters (CR included) are dropped.
    pub fn text(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut escaped = String::with_capacity(value.len());
        escape_text(&mut escaped, value);
        self.line(name, params, &escaped);
    }

    /// A property whose value is a list of TEXT items, such as CATEGORIES: each item is escaped
    /// as in [`Ics::text`], so only the separating commas stay unescaped.
    pub fn text_list(&mut self, name: &str, params: &[(&str, &str)], values: &[&str]) {
        let mut joined = String::new();
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            escape_text(&mut joined, value);
        }
        self.line(name, params, &joined);
    }

    /// A property whose value is written as is (dates, URIs, numbers, durations): only control
    /// characters are removed, since no value type allows them and a newline would end the line.
    pub fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let cleaned: String = value.chars().filter(|c| !c.is_control()).collect();
        self.line(name, params, &cleaned);
    }

    /// Splices in another fragment, e.g. a VEVENT written earlier and cached.
    pub fn append(&mut self, other: &Ics) {
        self.buf.push_str(&other.buf);
    }

    pub fn as_str(&self) -> &str {
        &self.buf
    }

    pub fn into_string(self) -> String {
        self.buf
    }

    /// Writes one content line; `value` must already be in its final, escaped form.
    fn line(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        debug_assert!(is_name(name), "bad property name {name:?}");
        let mut line = String::with_capacity(name.len() + value.len() + 1);
        line.push_str(name);
        for (param, param_value) in params {
            debug_assert!(is_name(param), "bad parameter name {param:?}");
            line.push(';');
            line.push_str(param);
            line.push('=');
            push_param_value(&mut line, param_value);
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.buf, &line);
    }
}

/// Property and parameter names are fixed by the code, never taken from content, so a bad one is
/// a programming error rather than something to clean up.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

fn escape_text(out: &mut String, value: &str) {
    // Runs of plain text are copied whole: most values have no character to escape.
    let mut plain = 0;
    for (i, c) in value.char_indices() {
        let escaped = match c {
            '\\' => "\\\\",
            ';' => "\\;",
            ',' => "\\,",
            '\n' => "\\n",
            '\t' => " ",
            // The CR of a CRLF is covered by the `\n`; RFC 5545 allows no other controls in TEXT.
            c if c.is_control() => "",
            _ => continue,
        };
        out.push_str(&value[plain..i]);
        out.push_str(escaped);
        plain = i + c.len_utf8();
    }
    out.push_str(&value[plain..]);
}

/// A TEXT value as written by [`escape_text`], read back.
pub fn unescape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// A parameter value has no escapes: it may hold `:` `;` `,` only inside DQUOTEs, and can never
/// hold a DQUOTE, so that becomes an apostrophe.
fn push_param_value(out: &mut String, value: &str) {
    let cleaned: String = value
        .chars()
        .filter_map(|c| match c {
            '"' => Some('\''),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    if cleaned.contains([':', ';', ',']) {
        out.push('"');
        out.push_str(&cleaned);
        out.push('"');
    } else {
        out.push_str(&cleaned);
    }
}

/// Appends `line` to `buf` ending in CRLF, folded so that no physical line exceeds
/// [`LINE_OCTETS`]; a continuation line starts with a space, which counts toward its length.
fn fold_into(buf: &mut String, line: &str) {
    let mut rest = line;
    let mut room = LINE_OCTETS;
    while rest.len() > room {
        let cut = fold_point(rest, room);
        buf.push_str(&rest[..cut]);
        buf.push_str("\r\n ");
        rest = &rest[cut..];
        room = LINE_OCTETS - 1;
    }
    buf.push_str(rest);
    buf.push_str("\r\n");
}

/// Where to fold `s` so that the first part fits in `room` octets: on a character boundary, and
/// before a run of spaces rather than after it, because some readers (the `ical` crate among
/// them) trim trailing whitespace from each physical line and would lose those spaces.
fn fold_point(s: &str, room: usize) -> usize {
    let mut cut = room;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    match s[..cut].trim_end_matches(' ').len() {
        0 => cut,
        kept => kept,
    }
}

/// A UTC DATE-TIME such as `20261117T120000Z`; any fraction of a second is dropped.
pub fn utc_datetime(t: &Timestamp) -> String {
    let mut text = local_datetime(&Offset::UTC.to_datetime(*t));
    text.push('Z');
    text
}

/// A floating or TZID-relative DATE-TIME such as `20261117T140000`; any fraction of a second is
/// dropped.
pub fn local_datetime(dt: &DateTime) -> String {
    // In one piece: every entry's start is written this way in each feed, and compared with
    // the record's on every save in the preview.
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// A DATE such as `20261117`. iCalendar has no form for years outside 0000–9999.
pub fn date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ical::IcalParser;
    use ical::parser::ical::component::IcalCalendar;
    use ical::property::Property;
    use jiff::civil;

    /// Undoes folding exactly as RFC 5545 3.1 describes: a CRLF followed by one space or tab is
    /// removed.
    fn unfold(s: &str) -> String {
        s.replace("\r\n ", "").replace("\r\n\t", "")
    }

    /// The physical lines, without their CRLFs; checks that every line ends in CRLF.
    fn physical_lines(s: &str) -> Vec<&str> {
        let body = s.strip_suffix("\r\n").expect("output ends in CRLF");
        let lines: Vec<&str> = body.split("\r\n").collect();
        for line in &lines {
            assert!(!line.contains(['\r', '\n']), "stray line break in {line:?}");
        }
        lines
    }

    fn assert_folded(s: &str) {
        for (i, line) in physical_lines(s).into_iter().enumerate() {
            assert!(
                line.len() <= LINE_OCTETS,
                "line {i} has {} octets",
                line.len()
            );
        }
    }

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        escape_text(&mut out, s);
        out
    }

    fn one_line(name: &str, value: &str) -> String {
        let mut ics = Ics::new();
        ics.text(name, &[], value);
        ics.into_string()
    }

    fn parse(s: &str) -> IcalCalendar {
        let mut parser = IcalParser::new(s.as_bytes());
        let calendar = parser.next().expect("one calendar").expect("parses");
        assert!(parser.next().is_none());
        calendar
    }

    fn value<'a>(properties: &'a [Property], name: &str) -> &'a str {
        properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
            .unwrap_or_else(|| panic!("no {name}"))
    }

    fn param<'a>(property: &'a Property, name: &str) -> &'a [String] {
        property
            .params
            .iter()
            .flatten()
            .find(|(n, _)| n == name)
            .map(|(_, values)| values.as_slice())
            .unwrap_or_else(|| panic!("no {name} parameter"))
    }

    const FINNISH: &str = "Keskustelutilaisuus syksyn äänestyksestä: kävijät pääsevät \
        esittämään kysymyksiä kaupunginvaltuutetuille, ja tilaisuuden jälkeen on tarjolla \
        kahvia sekä pullaa Pörssitalon yläkerrassa.";

    #[test]
    fn long_finnish_line_folds_within_75_octets_on_char_boundaries() {
        let out = one_line("DESCRIPTION", FINNISH);
        assert_folded(&out);
        let lines = physical_lines(&out);
        assert!(lines.len() > 2);
        assert!(lines[1..].iter().all(|line| line.starts_with(' ')));
        assert_eq!(
            unfold(&out),
            format!("DESCRIPTION:{}\r\n", escaped(FINNISH))
        );
        // A fold inside a character would leave a partial sequence at the end of a line, and
        // slicing a `str` there panics, so this doubles as the check that each line is whole.
        for line in physical_lines(&out) {
            assert!(std::str::from_utf8(line.as_bytes()).is_ok());
        }
    }

    #[test]
    fn folding_splits_a_two_byte_character_at_the_boundary_whole() {
        // "DESCRIPTION:" is 12 octets; 62 ASCII letters bring the line to 74, so the `ä` (2
        // octets) would straddle octet 75 and must move to the continuation line whole.
        let value = format!("{}äx", "a".repeat(62));
        let out = one_line("DESCRIPTION", &value);
        let lines = physical_lines(&out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 74);
        assert_eq!(lines[1], " äx");
    }

    #[test]
    fn lines_of_74_75_76_octets() {
        for total in [74, 75, 76] {
            let value = "x".repeat(total - "X-A:".len());
            let out = one_line("X-A", &value);
            let lines = physical_lines(&out);
            if total <= 75 {
                assert_eq!(lines, [format!("X-A:{value}")]);
            } else {
                assert_eq!(lines.len(), 2);
                assert_eq!(lines[0].len(), 75);
                assert_eq!(lines[1], " x");
            }
            assert_eq!(unfold(&out), format!("X-A:{value}\r\n"));
        }
    }

    #[test]
    fn values_of_74_75_76_octets() {
        for octets in [74, 75, 76] {
            let value = "y".repeat(octets);
            let out = one_line("SUMMARY", &value);
            assert_folded(&out);
            assert_eq!(physical_lines(&out).len(), 2);
            assert_eq!(unfold(&out), format!("SUMMARY:{value}\r\n"));
        }
    }

    #[test]
    fn continuation_lines_hold_74_octets_after_their_space() {
        let value = "z".repeat(75 + 74 + 74 - "X-A:".len());
        let out = one_line("X-A", &value);
        let lengths: Vec<usize> = physical_lines(&out).iter().map(|l| l.len()).collect();
        assert_eq!(lengths, [75, 75, 75]);
    }

    #[test]
    fn many_four_byte_emoji() {
        let value = "🎉".repeat(50);
        let out = one_line("X-A", &value);
        assert_folded(&out);
        // "X-A:" is 4 octets and 17 emoji make 68 more; an 18th would reach 76.
        let lengths: Vec<usize> = physical_lines(&out).iter().map(|l| l.len()).collect();
        assert_eq!(lengths, [4 + 17 * 4, 1 + 18 * 4, 1 + 15 * 4]);
        assert_eq!(unfold(&out), format!("X-A:{value}\r\n"));
    }

    #[test]
    fn folds_before_spaces_not_after() {
        // The space falls on octet 75; folding after it would end the line in a space that a
        // whitespace-trimming reader would drop.
        let value = format!("{} tail", "w".repeat(75 - "X-A:".len() - 1));
        let out = one_line("X-A", &value);
        let lines = physical_lines(&out);
        assert!(!lines[0].ends_with(' '));
        assert_eq!(lines[1], "  tail");
        assert_eq!(unfold(&out), format!("X-A:{value}\r\n"));
        assert_eq!(value_of(&parse_wrapped(&out), "X-A"), value);
    }

    fn parse_wrapped(lines: &str) -> IcalCalendar {
        parse(&format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{lines}END:VCALENDAR\r\n"
        ))
    }

    fn value_of(calendar: &IcalCalendar, name: &str) -> String {
        value(&calendar.properties, name).to_string()
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            one_line("SUMMARY", "a,b;c\\d"),
            "SUMMARY:a\\,b\\;c\\\\d\r\n"
        );
        assert_eq!(
            one_line("DESCRIPTION", "one\r\ntwo\nthree"),
            "DESCRIPTION:one\\ntwo\\nthree\r\n"
        );
        // Colons need no escaping in TEXT.
        assert_eq!(one_line("SUMMARY", "klo 12:00"), "SUMMARY:klo 12:00\r\n");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(
            one_line("SUMMARY", "a\u{0}b\u{7}c\u{1b}d\u{7f}e\tf\u{85}g"),
            "SUMMARY:abcde fg\r\n"
        );
        let mut ics = Ics::new();
        ics.raw("URL", &[], "https://example.fi/\r\nX-EVIL:1\u{0}");
        assert_eq!(ics.as_str(), "URL:https://example.fi/X-EVIL:1\r\n");
    }

    #[test]
    fn text_list_escapes_items_but_not_separators() {
        let mut ics = Ics::new();
        ics.text_list("CATEGORIES", &[], &["Lapset, nuoret", "Kulttuuri", "a;b"]);
        assert_eq!(
            ics.as_str(),
            "CATEGORIES:Lapset\\, nuoret,Kulttuuri,a\\;b\r\n"
        );
    }

    #[test]
    fn params_are_quoted_when_needed() {
        let mut ics = Ics::new();
        ics.raw(
            "ORGANIZER",
            &[("CN", "Porin kaupunki, sosiaalityö")],
            "mailto:info@pori.fi",
        );
        assert_eq!(
            ics.as_str(),
            "ORGANIZER;CN=\"Porin kaupunki, sosiaalityö\":mailto:info@pori.fi\r\n"
        );

        let mut ics = Ics::new();
        ics.text(
            "LOCATION",
            &[("ALTREP", "https://x.fi/a;b"), ("LANGUAGE", "fi")],
            "Sali",
        );
        assert_eq!(
            ics.as_str(),
            "LOCATION;ALTREP=\"https://x.fi/a;b\";LANGUAGE=fi:Sali\r\n"
        );
    }

    #[test]
    fn params_lose_dquotes_and_control_characters() {
        let mut ics = Ics::new();
        ics.raw(
            "ORGANIZER",
            &[("CN", "Ry \"Kaiku\"\r\nX-EVIL:1")],
            "mailto:a@b.fi",
        );
        assert_eq!(
            ics.as_str(),
            "ORGANIZER;CN=\"Ry 'Kaiku'X-EVIL:1\":mailto:a@b.fi\r\n"
        );
    }

    #[test]
    fn begin_end_and_append() {
        let mut event = Ics::new();
        event.begin("VEVENT");
        event.raw("UID", &[], "a@viikko");
        event.end("VEVENT");
        let mut ics = Ics::new();
        ics.begin("VCALENDAR");
        ics.append(&event);
        ics.append(&event);
        ics.end("VCALENDAR");
        assert_eq!(
            ics.into_string(),
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a@viikko\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:a@viikko\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn datetime_helpers() {
        let t: Timestamp = "2026-11-17T12:00:00.987Z".parse().unwrap();
        assert_eq!(utc_datetime(&t), "20261117T120000Z");
        let t: Timestamp = "2026-01-02T03:04:05+02:00".parse().unwrap();
        assert_eq!(utc_datetime(&t), "20260102T010405Z");
        assert_eq!(
            local_datetime(&civil::datetime(2026, 11, 17, 14, 0, 0, 0)),
            "20261117T140000"
        );
        assert_eq!(
            local_datetime(&civil::datetime(987, 1, 2, 3, 4, 5, 600)),
            "09870102T030405"
        );
        assert_eq!(date(civil::date(2026, 11, 17)), "20261117");
    }

    /// The `ical` parser unfolds lines and splits parameters but leaves TEXT escapes in place,
    /// so parsed TEXT values are compared with their escaped form.
    #[test]
    fn a_whole_calendar_reads_back_with_the_ical_parser() {
        let summary = "Avoimet ovet; lapsille, nuorille ja \\ aikuisille 🎉";
        let description = format!("{FINNISH}\n\nToinen kappale:\tsisennetty.");
        let categories = ["Lapset, nuoret", "Kulttuuri"];
        let url = "https://viikko.example/ohjelma/avoimet-ovet/?a=1&b=ä";
        let cn = "Porin kaupunki, sosiaalityö";
        let start = civil::datetime(2026, 11, 17, 14, 0, 0, 0);

        let mut ics = Ics::new();
        ics.begin("VCALENDAR");
        ics.raw("VERSION", &[], "2.0");
        ics.raw("PRODID", &[], "-//viikko//viikko//FI");
        ics.begin("VEVENT");
        ics.raw("UID", &[], "avoimet-ovet@viikko.example");
        let stamp: Timestamp = "2026-11-01T08:30:00Z".parse().unwrap();
        ics.raw("DTSTAMP", &[], &utc_datetime(&stamp));
        ics.raw(
            "DTSTART",
            &[("TZID", "Europe/Helsinki")],
            &local_datetime(&start),
        );
        ics.raw("DURATION", &[], "PT1H30M");
        ics.text("SUMMARY", &[("LANGUAGE", "fi")], summary);
        ics.text("DESCRIPTION", &[], &description);
        ics.text_list("CATEGORIES", &[], &categories);
        ics.raw("URL", &[], url);
        ics.raw("ORGANIZER", &[("CN", cn)], "mailto:info@pori.example");
        ics.end("VEVENT");
        ics.end("VCALENDAR");
        let out = ics.into_string();
        assert_folded(&out);

        let calendar = parse(&out);
        assert_eq!(value(&calendar.properties, "VERSION"), "2.0");
        assert_eq!(calendar.events.len(), 1);
        let props = &calendar.events[0].properties;
        assert_eq!(value(props, "UID"), "avoimet-ovet@viikko.example");
        assert_eq!(value(props, "DTSTAMP"), "20261101T083000Z");
        assert_eq!(value(props, "DTSTART"), "20261117T140000");
        assert_eq!(value(props, "DURATION"), "PT1H30M");
        assert_eq!(value(props, "SUMMARY"), escaped(summary));
        assert_eq!(value(props, "DESCRIPTION"), escaped(&description));
        assert_eq!(
            value(props, "CATEGORIES"),
            format!("{},{}", escaped(categories[0]), escaped(categories[1]))
        );
        assert_eq!(value(props, "URL"), url);
        assert_eq!(value(props, "ORGANIZER"), "mailto:info@pori.example");

        let find = |name: &str| props.iter().find(|p| p.name == name).unwrap();
        assert_eq!(param(find("DTSTART"), "TZID"), ["Europe/Helsinki"]);
        assert_eq!(param(find("SUMMARY"), "LANGUAGE"), ["fi"]);
        assert_eq!(param(find("ORGANIZER"), "CN"), [cn]);
    }
}
