//! Times as residents read them, in each language's conventions (`ti 17.11.2026`,
//! `klo 9.15–10.30`, with an en dash), and a wall-clock time placed in the site's zone. Reading
//! what partners write is `content/when.rs`.

use jiff::Zoned;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};

/// Places a wall-clock time in the zone. A time that does not exist (spring forward) or exists
/// twice (autumn back) is refused with an explanation rather than guessed.
pub fn resolve(
    local: DateTime,
    tz: &TimeZone,
    tz_name: &str,
) -> Result<Zoned, (crate::messages::Text, crate::messages::Text)> {
    let ambiguous = tz.to_ambiguous_zoned(local);
    let shown = local.strftime("%Y-%m-%d %H:%M").to_string();
    let with_offset =
        |o: jiff::tz::Offset| format!("`{}{}`", local.strftime("%Y-%m-%dT%H:%M"), offset_text(o));
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { .. } => ambiguous.unambiguous().map_err(|_| {
            (
                text!("when_unreadable", text = shown),
                text!("when_unreadable_help", example = "2026-11-17 14:00"),
            )
        }),
        AmbiguousOffset::Gap { before, after } => Err((
            text!("when_dst_gap", time = shown, zone = tz_name),
            text!(
                "when_dst_gap_help",
                first = with_offset(before),
                second = with_offset(after)
            ),
        )),
        AmbiguousOffset::Fold { before, after } => Err((
            text!("when_dst_fold", time = shown, zone = tz_name),
            text!(
                "when_dst_fold_help",
                first = with_offset(before),
                second = with_offset(after)
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

    pub fn weekday(self, day: Weekday, long: bool) -> &'static str {
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

    /// `klo 14–15.30`, or `klo 18.30 alkaen` for an entry with no set end.
    pub fn time_span(self, start: &Zoned, end: Option<&Zoned>) -> String {
        match end {
            Some(end) => self.time_range(start, end),
            None => self.time_from(start.time()),
        }
    }

    /// `klo 18.30 alkaen`, `från kl. 18.30`, `from 18:30`: a start with no set end.
    pub fn time_from(self, time: Time) -> String {
        let clock = self.clock(time);
        match self {
            Lang::Fi => format!("klo {clock} alkaen"),
            Lang::Sv => format!("från kl. {clock}"),
            Lang::En => format!("from {clock}"),
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
        text.parse().unwrap()
    }

    #[test]
    fn refuses_times_that_do_not_exist_or_happen_twice() {
        let tz = helsinki();
        let (message, help) =
            resolve(local("2026-03-29 03:30"), &tz, "Europe/Helsinki").unwrap_err();
        let (message, help) = (message.words(Lang::En), help.words(Lang::En));
        assert!(message.contains("does not exist"), "{message}");
        assert!(help.contains("2026-03-29T03:30+02:00"), "{help}");
        let (message, help) =
            resolve(local("2026-10-25 03:30"), &tz, "Europe/Helsinki").unwrap_err();
        let (message, help) = (message.words(Lang::En), help.words(Lang::En));
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
