//! A partner's calendar export (Google, Outlook, Apple, Thunderbird, another viikko site) as
//! entry drafts: its events within the week, recurring ones expanded to their occurrences.
//! Read with the `ical` crate; times with an IANA or a Windows zone name (Outlook's `FLE
//! Standard Time`), in UTC, floating or all-day.

use std::collections::BTreeSet;
use std::io::BufRead;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};

use super::{Draft, When};
use crate::content::fields::{check_url, is_address};
use crate::ics::unescape_text;
use crate::model::Config;

type Event = ical::parser::ical::component::IcalEvent;

/// What a calendar held for the week: the drafts, how many events fell outside it, and the
/// events that could not be read (with why).
#[derive(Debug, Default)]
pub struct Read {
    pub drafts: Vec<Draft>,
    pub outside_week: usize,
    pub unreadable: Vec<String>,
}

/// Reads every event of the calendar in `reader` that falls within the site's week.
pub fn read(reader: impl BufRead, config: &Config) -> Result<Read, String> {
    let mut read = Read::default();
    let mut events = Vec::new();
    for calendar in ical::IcalParser::new(reader) {
        let calendar = calendar.map_err(|e| e.to_string())?;
        events.extend(calendar.events);
    }
    // Occurrences moved or changed one by one (RECURRENCE-ID) replace the rule's own.
    let overridden: BTreeSet<(String, DateTime)> = events
        .iter()
        .filter_map(|e| {
            let uid = value(e, "UID")?;
            let at = moment(e, "RECURRENCE-ID", config)?;
            Some((uid, at.datetime()))
        })
        .collect();
    for event in &events {
        match occurrences(event, config, &overridden) {
            Ok(found) => {
                for (start, end) in found {
                    match within_week(&start, config) {
                        true => read.drafts.push(draft(event, start, end)),
                        false => read.outside_week += 1,
                    }
                }
            }
            Err(why) => read.unreadable.push(format!(
                "{}: {why}",
                value(event, "SUMMARY").unwrap_or_default()
            )),
        }
    }
    Ok(read)
}

fn value(event: &Event, name: &str) -> Option<String> {
    let property = event.properties.iter().find(|p| p.name == name)?;
    property
        .value
        .as_deref()
        .map(unescape_text)
        .filter(|v| !v.trim().is_empty())
}

fn param<'a>(event: &'a Event, name: &str, param: &str) -> Option<&'a str> {
    let property = event.properties.iter().find(|p| p.name == name)?;
    let params = property.params.as_ref()?;
    let (_, values) = params.iter().find(|(k, _)| k.eq_ignore_ascii_case(param))?;
    values.first().map(String::as_str)
}

/// A start or end: all day, or a time in its zone (or UTC, or the site's zone when floating).
#[derive(Debug, Clone, PartialEq)]
enum Moment {
    Day(Date),
    Time(Zoned),
}

impl Moment {
    fn datetime(&self) -> DateTime {
        match self {
            Moment::Day(date) => date.to_datetime(jiff::civil::Time::midnight()),
            Moment::Time(zoned) => zoned.datetime(),
        }
    }
}

fn moment(event: &Event, name: &str, config: &Config) -> Option<Moment> {
    let text = event
        .properties
        .iter()
        .find(|p| p.name == name)?
        .value
        .clone()?;
    let zone = param(event, name, "TZID").map(zone_named);
    parse_moment(&text, zone, config)
}

fn parse_moment(text: &str, zone: Option<Option<TimeZone>>, config: &Config) -> Option<Moment> {
    let text = text.trim();
    if text.len() == 8 {
        return Date::strptime("%Y%m%d", text).ok().map(Moment::Day);
    }
    let (local, utc) = match text.strip_suffix('Z') {
        Some(local) => (local, true),
        None => (text, false),
    };
    let local = DateTime::strptime("%Y%m%dT%H%M%S", local).ok()?;
    let zone = match (utc, zone) {
        (true, _) => TimeZone::UTC,
        (false, Some(Some(zone))) => zone,
        // An unknown zone name or no zone at all: the site's zone, where its partners are.
        (false, _) => config.tz.clone(),
    };
    let zoned = zone.to_ambiguous_zoned(local).compatible().ok()?;
    Some(Moment::Time(zoned.with_time_zone(config.tz.clone())))
}

/// An IANA zone, or one of the Windows names Outlook writes, as the IANA zone it stands for.
fn zone_named(name: &str) -> Option<TimeZone> {
    const WINDOWS: [(&str, &str); 16] = [
        ("FLE Standard Time", "Europe/Helsinki"),
        ("E. Europe Standard Time", "Europe/Chisinau"),
        ("GTB Standard Time", "Europe/Bucharest"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Central European Standard Time", "Europe/Warsaw"),
        ("Romance Standard Time", "Europe/Paris"),
        ("GMT Standard Time", "Europe/London"),
        ("Greenwich Standard Time", "Atlantic/Reykjavik"),
        ("Russian Standard Time", "Europe/Moscow"),
        ("UTC", "UTC"),
        ("Coordinated Universal Time", "UTC"),
        ("Eastern Standard Time", "America/New_York"),
        ("Central Standard Time", "America/Chicago"),
        ("Mountain Standard Time", "America/Denver"),
        ("Pacific Standard Time", "America/Los_Angeles"),
    ];
    let name = name.trim_matches('"');
    let iana = WINDOWS
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name))
        .map_or(name, |(_, iana)| iana);
    jiff::tz::db().get(iana).ok()
}

/// Each occurrence's start and end: one for a plain event, those of its rule for a recurring
/// one (without its EXDATEs and the occurrences changed one by one).
fn occurrences(
    event: &Event,
    config: &Config,
    overridden: &BTreeSet<(String, DateTime)>,
) -> Result<Vec<(Moment, Option<Moment>)>, String> {
    let start = moment(event, "DTSTART", config).ok_or("no readable DTSTART")?;
    let end = moment(event, "DTEND", config);
    let Some(rule) = value(event, "RRULE") else {
        return Ok(vec![(start, end)]);
    };
    let uid = value(event, "UID").unwrap_or_default();
    let excluded: BTreeSet<DateTime> = event
        .properties
        .iter()
        .filter(|p| p.name == "EXDATE")
        .flat_map(|p| {
            let zone = p
                .params
                .iter()
                .flatten()
                .find(|(k, _)| k == "TZID")
                .and_then(|(_, v)| v.first())
                .map(|name| zone_named(name));
            let values = p.value.clone().unwrap_or_default();
            values
                .split(',')
                .filter_map(|v| parse_moment(v, zone.clone(), config))
                .map(|m| m.datetime())
                .collect::<Vec<_>>()
        })
        .collect();
    let last = config.week.end;
    let starts = expand(&rule, &start, last)?;
    let length = end.as_ref().map(|end| duration(&start, end));
    Ok(starts
        .into_iter()
        .filter(|s| !excluded.contains(&s.datetime()))
        .filter(|s| !overridden.contains(&(uid.clone(), s.datetime())))
        .map(|s| {
            let end = length.and_then(|length| shift(&s, length));
            (s, end)
        })
        .collect())
}

/// The length of an event, in whole days for all-day events and in seconds otherwise.
fn duration(start: &Moment, end: &Moment) -> i64 {
    match (start, end) {
        (Moment::Day(a), Moment::Day(b)) => i64::from((*b - *a).get_days()),
        (Moment::Time(a), Moment::Time(b)) => b.timestamp().as_second() - a.timestamp().as_second(),
        _ => 0,
    }
}

fn shift(start: &Moment, length: i64) -> Option<Moment> {
    match start {
        Moment::Day(d) => d.checked_add(length.days()).ok().map(Moment::Day),
        Moment::Time(z) => z.checked_add(length.seconds()).ok().map(Moment::Time),
    }
}

/// The starts of an RRULE from `start` up to the day `last`: DAILY, WEEKLY (with BYDAY) and
/// MONTHLY (by the day of the month, or BYDAY like `2TU`), with INTERVAL, COUNT and UNTIL. A
/// rule that asks for more is refused rather than guessed.
fn expand(rule: &str, start: &Moment, last: Date) -> Result<Vec<Moment>, String> {
    let mut freq = "";
    let (mut interval, mut count, mut until, mut by_day) = (1i64, None, None, Vec::new());
    for part in rule.split(';') {
        let (key, value) = part.split_once('=').ok_or("an unreadable RRULE")?;
        match key {
            "FREQ" => freq = value,
            "INTERVAL" => interval = value.parse().map_err(|_| "an unreadable INTERVAL")?,
            "COUNT" => count = Some(value.parse::<usize>().map_err(|_| "an unreadable COUNT")?),
            "UNTIL" => until = Date::strptime("%Y%m%d", &value[..value.len().min(8)]).ok(),
            "BYDAY" => by_day = value.split(',').map(str::to_string).collect(),
            "WKST" => {}
            other => return Err(format!("RRULE {other} is not supported")),
        }
    }
    let first = match start {
        Moment::Day(d) => *d,
        Moment::Time(z) => z.date(),
    };
    let end = until.map_or(last, |u| u.min(last));
    let at = |date: Date| match start {
        Moment::Day(_) => Some(Moment::Day(date)),
        Moment::Time(z) => date
            .to_datetime(z.time())
            .to_zoned(z.time_zone().clone())
            .ok()
            .map(Moment::Time),
    };
    let mut dates = Vec::new();
    let mut period = 0i64;
    // Periods are walked until past the end, or COUNT (counted from the first) is reached.
    while dates.len() < count.unwrap_or(usize::MAX) {
        let candidates = match freq {
            "DAILY" => vec![
                first
                    .checked_add((period * interval).days())
                    .map_err(|e| e.to_string())?,
            ],
            "WEEKLY" => weekly(first, period * interval, &by_day)?,
            "MONTHLY" => monthly(first, period * interval, &by_day)?,
            other => return Err(format!("FREQ={other} is not supported")),
        };
        if candidates.iter().all(|d| *d > end) && !candidates.is_empty() {
            break;
        }
        for date in candidates.into_iter().filter(|d| *d >= first) {
            if date <= end && dates.len() < count.unwrap_or(usize::MAX) {
                dates.push(date);
            }
        }
        period += 1;
        if period > 5000 {
            break;
        }
    }
    Ok(dates.into_iter().filter_map(at).collect())
}

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

fn weekly(first: Date, weeks: i64, by_day: &[String]) -> Result<Vec<Date>, String> {
    let monday = first
        .checked_sub(i64::from(first.weekday().to_monday_zero_offset()).days())
        .and_then(|m| m.checked_add(weeks.weeks()))
        .map_err(|e| e.to_string())?;
    if by_day.is_empty() {
        return Ok(vec![
            first
                .checked_add(weeks.weeks())
                .map_err(|e| e.to_string())?,
        ]);
    }
    let mut dates = Vec::new();
    for code in by_day {
        let day = weekday(code).ok_or(format!("BYDAY={code} is not supported weekly"))?;
        let offset = i64::from(day.to_monday_zero_offset());
        dates.push(
            monday
                .checked_add(offset.days())
                .map_err(|e| e.to_string())?,
        );
    }
    dates.sort();
    Ok(dates)
}

fn monthly(first: Date, months: i64, by_day: &[String]) -> Result<Vec<Date>, String> {
    let month = first
        .first_of_month()
        .checked_add(months.months())
        .map_err(|e| e.to_string())?;
    if by_day.is_empty() {
        return Ok(month
            .checked_add(i64::from(first.day() - 1).days())
            .ok()
            .filter(|d| d.month() == month.month())
            .into_iter()
            .collect());
    }
    let mut dates = Vec::new();
    for code in by_day {
        let split = code.len().saturating_sub(2);
        let (nth, day) = code.split_at(split);
        let day = weekday(day).ok_or(format!("BYDAY={code} is not supported"))?;
        let nth: i8 = nth
            .parse()
            .map_err(|_| format!("BYDAY={code} is not supported monthly"))?;
        if let Ok(date) = month.nth_weekday_of_month(nth, day) {
            dates.push(date);
        }
    }
    dates.sort();
    Ok(dates)
}

fn within_week(start: &Moment, config: &Config) -> bool {
    let date = match start {
        Moment::Day(d) => *d,
        Moment::Time(z) => z.date(),
    };
    (config.week.start..=config.week.end).contains(&date)
}

fn draft(event: &Event, start: Moment, end: Option<Moment>) -> Draft {
    let uid = value(event, "UID").unwrap_or_else(|| value(event, "SUMMARY").unwrap_or_default());
    let recurring = value(event, "RRULE").is_some() || value(event, "RECURRENCE-ID").is_some();
    let key = match recurring {
        true => format!("{uid}#{}", start.datetime().date()),
        false => uid,
    };
    let when = match (start, end) {
        (Moment::Day(first), end) => {
            // DTEND of an all-day event is the day after its last.
            let last = match end {
                Some(Moment::Day(end)) => end.yesterday().unwrap_or(end).max(first),
                _ => first,
            };
            When::AllDay { first, last }
        }
        (Moment::Time(start), end) => {
            let end = match end {
                Some(Moment::Time(end)) if end > start => Some(end),
                _ => None,
            };
            When::Timed { start, end }
        }
    };
    let location = value(event, "LOCATION");
    let url = value(event, "URL");
    let online_words = ["teams", "zoom", "verkossa", "online", "etänä", "meet"];
    let location_is_online = location.as_deref().is_some_and(|l| {
        online_words.iter().any(|w| l.to_lowercase().contains(w)) || l.starts_with("http")
    });
    let mut description = value(event, "DESCRIPTION").unwrap_or_default();
    let (place, online) = match (location, url) {
        // Outlook's `Microsoft Teams -kokous` says how to join, where the link is not given.
        (Some(l), url) if location_is_online => (None, url.or(Some(l))),
        (None, url) => (None, url),
        (Some(l), Some(url)) => {
            description.push_str(&format!("\n\n<{url}>"));
            (Some(l), None)
        }
        (Some(l), None) => (Some(l), None),
    };
    Draft {
        key,
        title: value(event, "SUMMARY").unwrap_or_default(),
        when: Some(when),
        place,
        online: online.filter(|u| check_url(u).is_ok() || !is_address(u)),
        cancelled: value(event, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")),
        tags: value(event, "CATEGORIES")
            .map(|c| {
                c.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        description,
        ..Draft::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(rule: &str, first: Date, last: Date) -> Vec<Date> {
        expand(rule, &Moment::Day(first), last)
            .unwrap()
            .into_iter()
            .map(|m| m.datetime().date())
            .collect()
    }

    #[test]
    fn expands_the_rules_partners_calendars_use() {
        let nov = |d| Date::new(2026, 11, d).unwrap();
        assert_eq!(
            days("FREQ=DAILY;COUNT=3", nov(16), nov(30)),
            [nov(16), nov(17), nov(18)]
        );
        assert_eq!(
            days("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE", nov(2), nov(22)),
            [nov(2), nov(4), nov(16), nov(18)]
        );
        assert_eq!(
            days(
                "FREQ=MONTHLY;BYDAY=3TU",
                Date::constant(2026, 9, 15),
                nov(30)
            ),
            [
                Date::constant(2026, 9, 15),
                Date::constant(2026, 10, 20),
                nov(17)
            ]
        );
        assert_eq!(
            days("FREQ=WEEKLY;UNTIL=20261110", nov(3), nov(30)),
            [nov(3), nov(10)]
        );
        assert!(expand("FREQ=YEARLY", &Moment::Day(nov(3)), nov(30)).is_err());
        assert!(expand("FREQ=WEEKLY;BYSETPOS=1", &Moment::Day(nov(3)), nov(30)).is_err());
    }

    #[test]
    fn windows_zone_names_are_their_iana_zones() {
        let helsinki = zone_named("FLE Standard Time").unwrap();
        assert_eq!(helsinki.iana_name(), Some("Europe/Helsinki"));
        assert!(zone_named("\"W. Europe Standard Time\"").is_some());
        assert!(zone_named("Nowhere Standard Time").is_none());
    }
}
