//! Times as partners write them, and as residents read them.
//!
//! Parsing accepts the ISO forms and the Finnish ones (`17.11.2026 klo 14.00`); formatting follows
//! each language's conventions (`ti 17.11.2026`, `klo 9.15–10.30`, with an en dash).

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, Zoned};

/// A time as written in the front matter, before it is placed in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeInput {
    /// A date alone: an all-day entry.
    Date(Date),
    /// A wall-clock time in the site's time zone.
    Local(DateTime),
    /// A time with an explicit UTC offset (RFC 3339).
    Exact(Timestamp),
}

pub const TIME_FORMS: &str = "write `2026-11-17 14:00` or `17.11.2026 klo 14.00` \
    (a date alone, `2026-11-17`, makes an all-day entry)";

pub fn parse_time(text: &str) -> Result<TimeInput, String> {
    let text = text.trim();
    let invalid = || format!("`{text}` is not a date and time");
    if let Some(parsed) = parse_finnish(text) {
        return parsed.ok_or_else(invalid);
    }
    if text.len() == 10 {
        return text
            .parse::<Date>()
            .map(TimeInput::Date)
            .map_err(|_| invalid());
    }
    let text = &pad_hour(text);
    // jiff reads a leap second, `13:00:60`, as `13:00:59`; no programme time is one.
    if text.contains(":60") {
        return Err(invalid());
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(TimeInput::Exact(ts));
    }
    text.parse::<DateTime>()
        .map(TimeInput::Local)
        .map_err(|_| invalid())
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    match parse_time(text) {
        Ok(TimeInput::Date(date)) => Ok(date),
        _ => Err(format!("`{}` is not a date", text.trim())),
    }
}

/// `2026-11-16 9:00`, `2026-11-16 klo 9.15` → `2026-11-16 09:00`, `2026-11-16 09:15`: people
/// write hours without a leading zero and with the Finnish period.
fn pad_hour(text: &str) -> String {
    let (Some(date), Some(rest)) = (text.get(..10), text.get(10..)) else {
        return text.to_string();
    };
    let Some(rest) = rest.strip_prefix([' ', 'T']) else {
        return text.to_string();
    };
    let time = rest.trim_start_matches("klo").trim();
    let (hour, minute) = time.split_once([':', '.']).unwrap_or((time, "00"));
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if digits(hour, 1..=2) && digits(minute, 2..=2) {
        format!("{date} {hour:0>2}:{minute}")
    } else {
        text.to_string()
    }
}

/// `17.11.2026`, `17.11.2026 14.00`, `17.11.2026 klo 14.00`, `17.11.2026 14:00`. `None` when the
/// text is not in the Finnish form at all; `Some(None)` when it is but names no real time.
fn parse_finnish(text: &str) -> Option<Option<TimeInput>> {
    let (date, rest) = text.split_once(' ').unwrap_or((text, ""));
    let mut parts = date.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !date.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let date = (|| Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok())();
    let rest = rest.trim();
    let rest = rest
        .strip_prefix("klo")
        .or_else(|| rest.strip_prefix("kl."))
        .unwrap_or(rest)
        .trim();
    if rest.is_empty() {
        return Some(date.map(TimeInput::Date));
    }
    let (h, min) = rest.split_once(['.', ':']).unwrap_or((rest, "00"));
    let time = (|| Time::new(h.parse().ok()?, min.parse().ok()?, 0, 0).ok())();
    Some(
        date.zip(time)
            .map(|(d, t)| TimeInput::Local(d.to_datetime(t))),
    )
}

/// Places a wall-clock time in the zone. A time that does not exist (spring forward) or exists
/// twice (autumn back) is refused with an explanation rather than guessed.
pub fn resolve(local: DateTime, tz: &TimeZone, tz_name: &str) -> Result<Zoned, (String, String)> {
    let ambiguous = tz.to_ambiguous_zoned(local);
    let shown = local.strftime("%Y-%m-%d %H:%M");
    let with_offset =
        |o: jiff::tz::Offset| format!("`{}{}`", local.strftime("%Y-%m-%dT%H:%M"), offset_text(o));
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => ambiguous
            .unambiguous()
            .map_err(|e| (e.to_string(), TIME_FORMS.to_string())),
        AmbiguousOffset::Gap { before, after } => Err((
            format!("{shown} does not exist in {tz_name}: the clocks move forward that night"),
            format!(
                "write the time with its UTC offset, e.g. {} or {}",
                with_offset(before),
                with_offset(after)
            ),
        )),
        AmbiguousOffset::Fold { before, after } => Err((
            format!("{shown} happens twice in {tz_name}: the clocks turn back that night"),
            format!(
                "write the time with its UTC offset: {} for the first (summer time) or {} for the second",
                with_offset(before),
                with_offset(after)
            ),
        )),
    }
}

fn offset_text(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The languages the default theme speaks; dates and times follow each one's conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    fn weekday(self, day: Weekday, long: bool) -> &'static str {
        let i = day.to_monday_zero_offset() as usize;
        let (short, full): ([&str; 7], [&str; 7]) = match self {
            Lang::Fi => (
                ["ma", "ti", "ke", "to", "pe", "la", "su"],
                [
                    "maanantai",
                    "tiistai",
                    "keskiviikko",
                    "torstai",
                    "perjantai",
                    "lauantai",
                    "sunnuntai",
                ],
            ),
            Lang::Sv => (
                ["mån", "tis", "ons", "tors", "fre", "lör", "sön"],
                [
                    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
                ],
            ),
            Lang::En => (
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                [
                    "Monday",
                    "Tuesday",
                    "Wednesday",
                    "Thursday",
                    "Friday",
                    "Saturday",
                    "Sunday",
                ],
            ),
        };
        if long { full[i] } else { short[i] }
    }

    /// `ti 17.11.2026`; English `Tue 17 Nov 2026`.
    pub fn date(self, date: Date) -> String {
        format!(
            "{} {}",
            self.weekday(date.weekday(), false),
            self.bare_date(date)
        )
    }

    /// `tiistai 17.11.2026`, for headings.
    pub fn long_date(self, date: Date) -> String {
        format!(
            "{} {}",
            self.weekday(date.weekday(), true),
            self.bare_date(date)
        )
    }

    /// `17.11.2026` without the weekday.
    pub fn bare_date(self, date: Date) -> String {
        match self {
            Lang::En => date.strftime("%-d %b %Y").to_string(),
            _ => format!("{}.{}.{}", date.day(), date.month(), date.year()),
        }
    }

    /// `ti 17.11.` — a date inside a range whose year is said once.
    fn date_without_year(self, date: Date) -> String {
        let wd = self.weekday(date.weekday(), false);
        match self {
            Lang::En => format!("{wd} {}", date.strftime("%-d %b")),
            _ => format!("{wd} {}.{}.", date.day(), date.month()),
        }
    }

    /// `14`, `9.15`: Finnish and Swedish drop zero minutes and leading zeros; English `14:00`.
    pub fn clock(self, time: Time) -> String {
        match (self, time.minute()) {
            (Lang::En, _) => time.strftime("%H:%M").to_string(),
            (_, 0) => time.hour().to_string(),
            (_, m) => format!("{}.{m:02}", time.hour()),
        }
    }

    fn clock_word(self) -> &'static str {
        match self {
            Lang::Fi => "klo ",
            Lang::Sv => "kl. ",
            Lang::En => "",
        }
    }

    /// `klo 14–15.30` on one day, `ti 17.11. klo 14 – ke 18.11. klo 12` across days.
    pub fn time_range(self, start: &Zoned, end: &Zoned) -> String {
        let word = self.clock_word();
        let (start_clock, end_clock) = (self.clock(start.time()), self.clock(end.time()));
        // An event that ends at midnight belongs to the day it started on.
        let end_day = if end.time() == Time::midnight() && end.date() > start.date() {
            end.date().yesterday().unwrap_or(end.date())
        } else {
            end.date()
        };
        if start.date() == end_day {
            format!("{word}{start_clock}–{end_clock}")
        } else {
            format!(
                "{} {word}{start_clock} – {} {word}{end_clock}",
                self.date_without_year(start.date()),
                self.date_without_year(end.date())
            )
        }
    }

    /// `klo 14` — a single time.
    pub fn time(self, time: Time) -> String {
        format!("{}{}", self.clock_word(), self.clock(time))
    }

    /// `ma 16.11. – pe 20.11.2026`, or a single date.
    pub fn date_range(self, first: Date, last: Date) -> String {
        if first == last {
            return self.date(first);
        }
        let first_text = if first.year() == last.year() {
            self.date_without_year(first)
        } else {
            self.date(first)
        };
        format!("{first_text} – {}", self.date(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn helsinki() -> TimeZone {
        TimeZone::get("Europe/Helsinki").unwrap()
    }

    fn local(text: &str) -> DateTime {
        match parse_time(text).unwrap() {
            TimeInput::Local(dt) => dt,
            other => panic!("{text} parsed as {other:?}"),
        }
    }

    #[test]
    fn parses_every_accepted_form() {
        let want = date(2026, 11, 17).at(14, 0, 0, 0);
        for text in [
            "2026-11-17 14:00",
            "2026-11-17T14:00",
            "17.11.2026 14.00",
            "17.11.2026 klo 14.00",
            "17.11.2026 14:00",
            "17.11.2026 klo 14",
            " 17.11.2026  klo  14.00 ",
        ] {
            assert_eq!(local(text), want, "{text}");
        }
        assert_eq!(
            parse_time("2026-11-16").unwrap(),
            TimeInput::Date(date(2026, 11, 16))
        );
        assert_eq!(
            parse_time("16.11.2026").unwrap(),
            TimeInput::Date(date(2026, 11, 16))
        );
        assert_eq!(
            parse_time("2026-11-17T14:00:00+02:00").unwrap(),
            TimeInput::Exact("2026-11-17T12:00:00Z".parse().unwrap())
        );
    }

    #[test]
    fn accepts_hours_without_a_leading_zero() {
        for text in [
            "2026-11-16 9:00",
            "2026-11-16T9:00",
            "2026-11-16 klo 9.00",
            "2026-11-16 09.00",
        ] {
            assert_eq!(
                parse_time(text),
                Ok(TimeInput::Local(local("2026-11-16 09:00"))),
                "{text}"
            );
        }
        assert!(matches!(
            parse_time("2026-11-16T09:00+02:00"),
            Ok(TimeInput::Exact(_))
        ));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in [
            "",
            "huomenna",
            "32.11.2026",
            "17.13.2026 14.00",
            "17.11.2026 25.00",
            "17.11.2026 klo",
            "2026-02-30",
            "1.2.3.4",
            "2026-11-17 13:00:60",
            "2026-11-17T13:00:60+02:00",
        ] {
            if text == "17.11.2026 klo" {
                // `klo` with no time is a date: all day.
                assert!(matches!(parse_time(text), Ok(TimeInput::Date(_))));
                continue;
            }
            assert!(parse_time(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn refuses_times_that_do_not_exist_or_happen_twice() {
        let tz = helsinki();
        let (message, help) =
            resolve(local("2026-03-29 03:30"), &tz, "Europe/Helsinki").unwrap_err();
        assert!(message.contains("does not exist"), "{message}");
        assert!(help.contains("2026-03-29T03:30+02:00"), "{help}");
        let (message, help) =
            resolve(local("2026-10-25 03:30"), &tz, "Europe/Helsinki").unwrap_err();
        assert!(message.contains("happens twice"), "{message}");
        assert!(
            help.contains("`2026-10-25T03:30+03:00` for the first"),
            "{help}"
        );
        let z = resolve(local("2026-10-25 05:00"), &tz, "Europe/Helsinki").unwrap();
        assert_eq!(z.offset().seconds(), 7200);
    }

    #[test]
    fn formats_finnish_dates_and_times() {
        let fi = Lang::Fi;
        assert_eq!(fi.date(date(2026, 11, 17)), "ti 17.11.2026");
        assert_eq!(fi.long_date(date(2026, 11, 22)), "sunnuntai 22.11.2026");
        let at = |h, m| {
            date(2026, 11, 17)
                .at(h, m, 0, 0)
                .to_zoned(helsinki())
                .unwrap()
        };
        assert_eq!(fi.time_range(&at(14, 0), &at(15, 30)), "klo 14–15.30");
        assert_eq!(fi.time_range(&at(9, 15), &at(10, 30)), "klo 9.15–10.30");
        let next_day = date(2026, 11, 18)
            .at(12, 0, 0, 0)
            .to_zoned(helsinki())
            .unwrap();
        assert_eq!(
            fi.time_range(&at(14, 0), &next_day),
            "ti 17.11. klo 14 – ke 18.11. klo 12"
        );
        let midnight = date(2026, 11, 18)
            .at(0, 0, 0, 0)
            .to_zoned(helsinki())
            .unwrap();
        assert_eq!(fi.time_range(&at(20, 0), &midnight), "klo 20–0");
        assert_eq!(
            fi.date_range(date(2026, 11, 16), date(2026, 11, 20)),
            "ma 16.11. – pe 20.11.2026"
        );
        assert_eq!(fi.time(Time::constant(9, 5, 0, 0)), "klo 9.05");
    }

    #[test]
    fn formats_swedish_and_english() {
        let at = |h, m| {
            date(2026, 11, 17)
                .at(h, m, 0, 0)
                .to_zoned(helsinki())
                .unwrap()
        };
        assert_eq!(Lang::Sv.date(date(2026, 11, 17)), "tis 17.11.2026");
        assert_eq!(Lang::Sv.time_range(&at(14, 0), &at(15, 30)), "kl. 14–15.30");
        assert_eq!(Lang::En.date(date(2026, 11, 17)), "Tue 17 Nov 2026");
        assert_eq!(Lang::En.time_range(&at(9, 15), &at(10, 30)), "09:15–10:30");
    }
}
