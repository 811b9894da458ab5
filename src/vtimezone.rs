//! VTIMEZONE components built from the tz database, so that calendar clients read an event's
//! local times with the same offsets the site itself uses.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone, TimeZoneTransition};
use jiff::{SignedDuration, Timestamp};

use crate::ics::{self, Ics};

/// One STANDARD or DAYLIGHT sub-component.
#[derive(Debug)]
struct Observance {
    daylight: bool,
    /// The local time at which `to` takes over, read in the `from` offset (RFC 5545 3.6.5).
    onset: DateTime,
    from: Offset,
    to: Offset,
    name: String,
}

/// Writes a VTIMEZONE for `tzid` (e.g. "Europe/Helsinki") covering the local dates
/// `from..=until`.
///
/// Each transition gets its own sub-component with an explicit onset rather than an RRULE:
/// that is always correct, whatever the zone's rules, and a week's calendar spans only a few.
/// The transition in force at the start of `from` comes first, so every local time in the span
/// has an offset; a zone without transitions gets a single STANDARD with its fixed offset.
pub fn write_vtimezone(ics: &mut Ics, tz: &TimeZone, tzid: &str, from: Date, until: Date) {
    ics.begin("VTIMEZONE");
    ics.text("TZID", &[], tzid);
    if let Some(location) = tz.iana_name() {
        ics.text("X-LIC-LOCATION", &[], location);
    }
    for observance in observances(tz, from, until) {
        write_observance(ics, &observance);
    }
    ics.end("VTIMEZONE");
}

fn observances(tz: &TimeZone, from: Date, until: Date) -> Vec<Observance> {
    // Dates at the very ends of jiff's range have no instant for their midnight; widening the
    // span to the end of time then only costs a longer component list.
    let start = first_instant(tz, from).unwrap_or(Timestamp::MIN);
    let end = until
        .tomorrow()
        .ok()
        .and_then(|day| day_end_instant(tz, day))
        .unwrap_or(Timestamp::MAX);

    let mut list = vec![match in_force(tz, start) {
        Some(transition) => observance(tz, &transition),
        None => initial(tz, from, start),
    }];
    list.extend(
        tz.following(start)
            .take_while(|t| t.timestamp() < end)
            .map(|t| observance(tz, &t)),
    );
    list
}

/// The earliest instant a local time on `day` can stand for. When clocks jump forward at
/// midnight, times from 00:00 are read in the offset before the jump (RFC 5545 3.3.5), so the
/// span must start before the jump even though the day's first real instant is after it.
fn first_instant(tz: &TimeZone, day: Date) -> Option<Timestamp> {
    let midnight = day.to_datetime(Time::midnight());
    tz.to_ambiguous_timestamp(midnight).earlier().ok()
}

/// The instant at which `next_day` begins, which ends the span; of two readings of its midnight
/// the later is taken so the span errs on the long side.
fn day_end_instant(tz: &TimeZone, next_day: Date) -> Option<Timestamp> {
    let midnight = next_day.to_datetime(Time::midnight());
    tz.to_ambiguous_timestamp(midnight).later().ok()
}

/// The latest transition at or before `at`. `preceding` looks strictly before its argument, and
/// a zone that changes at local midnight can have a transition exactly at the start of the span.
fn in_force(tz: &TimeZone, at: Timestamp) -> Option<TimeZoneTransition<'_>> {
    let just_after = at.checked_add(SignedDuration::from_nanos(1)).ok()?;
    tz.preceding(just_after).next()
}

fn observance(tz: &TimeZone, transition: &TimeZoneTransition<'_>) -> Observance {
    let at = transition.timestamp();
    let from = offset_before(tz, at).unwrap_or(transition.offset());
    Observance {
        daylight: transition.dst().is_dst(),
        onset: from.to_datetime(at),
        from,
        to: transition.offset(),
        name: transition.abbreviation().to_string(),
    }
}

fn offset_before(tz: &TimeZone, at: Timestamp) -> Option<Offset> {
    let just_before = at.checked_sub(SignedDuration::from_nanos(1)).ok()?;
    Some(tz.to_offset(just_before))
}

/// The observance for a zone with no transition before the span: UTC, a fixed offset, or a date
/// older than the zone's recorded history. Its onset is the customary 1970-01-01 unless the span
/// starts earlier, since an onset after an event would leave that event without an offset.
fn initial(tz: &TimeZone, from: Date, start: Timestamp) -> Observance {
    let info = tz.to_offset_info(start);
    let epoch = jiff::civil::datetime(1970, 1, 1, 0, 0, 0, 0);
    Observance {
        daylight: info.dst().is_dst(),
        onset: epoch.min(from.to_datetime(Time::midnight())),
        from: info.offset(),
        to: info.offset(),
        name: info.abbreviation().to_string(),
    }
}

fn write_observance(ics: &mut Ics, observance: &Observance) {
    let kind = if observance.daylight {
        "DAYLIGHT"
    } else {
        "STANDARD"
    };
    ics.begin(kind);
    ics.raw("DTSTART", &[], &ics::local_datetime(&observance.onset));
    ics.raw("TZOFFSETFROM", &[], &utc_offset(observance.from));
    ics.raw("TZOFFSETTO", &[], &utc_offset(observance.to));
    ics.text("TZNAME", &[], &observance.name);
    ics.end(kind);
}

/// A UTC-OFFSET value (RFC 5545 3.3.14): `+hhmm`, with seconds only when there are some, as in
/// the local mean times of older tz entries (Helsinki's was +013949). Zero is `+0000` because
/// `-0000` is not allowed.
fn utc_offset(offset: Offset) -> String {
    let total = offset.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let abs = total.unsigned_abs();
    let (hours, minutes, seconds) = (abs / 3600, abs / 60 % 60, abs % 60);
    if seconds == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ical::IcalParser;
    use ical::parser::ical::component::{IcalTimeZone, IcalTimeZoneTransitionType};
    use ical::property::Property;
    use jiff::civil::{self, date, datetime};
    use jiff::tz::{AmbiguousOffset, offset};

    fn vtimezone(tzid: &str, from: Date, until: Date) -> String {
        let tz = TimeZone::get(tzid).unwrap();
        let mut ics = Ics::new();
        write_vtimezone(&mut ics, &tz, tzid, from, until);
        ics.into_string()
    }

    fn parse(vtimezone: &str) -> IcalTimeZone {
        let calendar = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{vtimezone}END:VCALENDAR\r\n"
        );
        let mut calendars = IcalParser::new(calendar.as_bytes());
        let mut parsed = calendars.next().unwrap().unwrap();
        assert!(calendars.next().is_none());
        assert_eq!(parsed.timezones.len(), 1);
        parsed.timezones.remove(0)
    }

    fn value<'a>(properties: &'a [Property], name: &str) -> &'a str {
        let mut matching = properties.iter().filter(|p| p.name == name);
        let found = matching.next().unwrap_or_else(|| panic!("no {name}"));
        assert!(matching.next().is_none(), "two {name}");
        found.value.as_deref().unwrap()
    }

    /// An observance as a calendar client sees it, read back from the written text.
    #[derive(Debug)]
    struct Read {
        daylight: bool,
        onset: DateTime,
        from: i32,
        to: i32,
        name: String,
    }

    fn read_offset(s: &str) -> i32 {
        let sign = match &s[..1] {
            "+" => 1,
            "-" => -1,
            other => panic!("bad sign {other:?} in {s:?}"),
        };
        let digits: Vec<i32> = (1..s.len())
            .step_by(2)
            .map(|i| s[i..i + 2].parse().unwrap())
            .collect();
        assert!(matches!(digits.len(), 2 | 3), "bad offset {s:?}");
        sign * (digits[0] * 3600 + digits[1] * 60 + digits.get(2).unwrap_or(&0))
    }

    fn read(zone: &IcalTimeZone) -> Vec<Read> {
        zone.transitions
            .iter()
            .map(|t| {
                let props = &t.properties;
                assert!(props.iter().all(|p| p.name != "UID" && p.name != "DTSTAMP"));
                Read {
                    daylight: matches!(t.transition, IcalTimeZoneTransitionType::DAYLIGHT),
                    onset: DateTime::strptime("%Y%m%dT%H%M%S", value(props, "DTSTART")).unwrap(),
                    from: read_offset(value(props, "TZOFFSETFROM")),
                    to: read_offset(value(props, "TZOFFSETTO")),
                    name: value(props, "TZNAME").to_string(),
                }
            })
            .collect()
    }

    /// The offset the observances give a local time, per RFC 5545 3.3.5: a time in a gap keeps
    /// the offset from before the gap and a repeated time means its first occurrence. So an onset
    /// applies from the later of its two local readings (in the offset before and after it).
    fn implied_offset(observances: &[Read], local: DateTime) -> Option<i32> {
        let applies_from = |o: &Read| {
            let after = o
                .onset
                .checked_add(SignedDuration::from_secs((o.to - o.from).into()))
                .unwrap();
            o.onset.max(after)
        };
        observances
            .iter()
            .filter(|o| applies_from(o) <= local)
            .max_by_key(|o| applies_from(o))
            .map(|o| o.to)
    }

    /// jiff's reading of a local time under the same RFC 5545 rule.
    fn jiff_offset(tz: &TimeZone, local: DateTime) -> i32 {
        match tz.to_ambiguous_timestamp(local).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.seconds(),
            AmbiguousOffset::Gap { before, .. } | AmbiguousOffset::Fold { before, .. } => {
                before.seconds()
            }
        }
    }

    /// Every quarter hour from the start of `from` to the end of `until`.
    fn quarter_hours(from: Date, until: Date) -> impl Iterator<Item = DateTime> {
        let step = SignedDuration::from_mins(15);
        std::iter::successors(Some(from.to_datetime(civil::Time::midnight())), move |t| {
            t.checked_add(step).ok()
        })
        .take_while(move |t| t.date() <= until)
    }

    fn assert_offsets_agree(tzid: &str, from: Date, until: Date) {
        let tz = TimeZone::get(tzid).unwrap();
        let observances = read(&parse(&vtimezone(tzid, from, until)));
        for local in quarter_hours(from, until) {
            assert_eq!(
                implied_offset(&observances, local),
                Some(jiff_offset(&tz, local)),
                "{tzid} at {local}, observances {observances:#?}"
            );
        }
    }

    #[test]
    fn a_november_week_in_helsinki_has_the_october_change() {
        assert_eq!(
            vtimezone("Europe/Helsinki", date(2026, 11, 16), date(2026, 11, 22)),
            "BEGIN:VTIMEZONE\r\n\
             TZID:Europe/Helsinki\r\n\
             X-LIC-LOCATION:Europe/Helsinki\r\n\
             BEGIN:STANDARD\r\n\
             DTSTART:20261025T040000\r\n\
             TZOFFSETFROM:+0300\r\n\
             TZOFFSETTO:+0200\r\n\
             TZNAME:EET\r\n\
             END:STANDARD\r\n\
             END:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn march_to_november_in_helsinki_has_both_changes() {
        let zone = parse(&vtimezone(
            "Europe/Helsinki",
            date(2026, 3, 1),
            date(2026, 11, 30),
        ));
        assert_eq!(value(&zone.properties, "TZID"), "Europe/Helsinki");
        let summary: Vec<(bool, String, i32, i32, String)> = read(&zone)
            .into_iter()
            .map(|o| (o.daylight, o.onset.to_string(), o.from, o.to, o.name))
            .collect();
        let (two, three) = (2 * 3600, 3 * 3600);
        assert_eq!(
            summary,
            [
                (
                    false,
                    "2025-10-26T04:00:00".into(),
                    three,
                    two,
                    "EET".into()
                ),
                (
                    true,
                    "2026-03-29T03:00:00".into(),
                    two,
                    three,
                    "EEST".into()
                ),
                (
                    false,
                    "2026-10-25T04:00:00".into(),
                    three,
                    two,
                    "EET".into()
                ),
            ]
        );
    }

    #[test]
    fn helsinki_offsets_around_the_changes() {
        let observances = read(&parse(&vtimezone(
            "Europe/Helsinki",
            date(2026, 3, 1),
            date(2026, 11, 30),
        )));
        let (eet, eest) = (2 * 3600, 3 * 3600);
        for (local, expected) in [
            (datetime(2026, 3, 1, 0, 0, 0, 0), eet),
            (datetime(2026, 3, 29, 2, 59, 0, 0), eet),
            // 03:00–04:00 on 29 March does not exist; RFC 5545 reads it in the earlier offset.
            (datetime(2026, 3, 29, 3, 30, 0, 0), eet),
            (datetime(2026, 3, 29, 4, 0, 0, 0), eest),
            (datetime(2026, 7, 1, 12, 0, 0, 0), eest),
            (datetime(2026, 10, 25, 2, 59, 0, 0), eest),
            // 03:00–04:00 on 25 October happens twice; RFC 5545 means the first time.
            (datetime(2026, 10, 25, 3, 0, 0, 0), eest),
            (datetime(2026, 10, 25, 3, 59, 0, 0), eest),
            (datetime(2026, 10, 25, 4, 0, 0, 0), eet),
            (datetime(2026, 11, 30, 23, 45, 0, 0), eet),
        ] {
            assert_eq!(
                implied_offset(&observances, local),
                Some(expected),
                "{local}"
            );
            let tz = TimeZone::get("Europe/Helsinki").unwrap();
            assert_eq!(jiff_offset(&tz, local), expected, "{local}");
        }
    }

    #[test]
    fn implied_offsets_match_jiff_across_zones() {
        for tzid in [
            "Europe/Helsinki",
            "America/New_York",
            // Winter is the "daylight" time there: a negative DST.
            "Europe/Dublin",
            // A half-hour DST shift.
            "Australia/Lord_Howe",
            // Changes at local midnight.
            "America/Santiago",
            "Asia/Tokyo",
            "UTC",
        ] {
            assert_offsets_agree(tzid, date(2026, 1, 1), date(2026, 12, 31));
        }
        // Beyond the explicit transitions of the tz files, where the POSIX rule takes over.
        assert_offsets_agree("Europe/Helsinki", date(2040, 1, 1), date(2040, 12, 31));
        // Local mean time, with an offset in seconds.
        assert_offsets_agree("Europe/Helsinki", date(1921, 1, 1), date(1921, 12, 31));
    }

    #[test]
    fn a_day_starting_in_a_gap_keeps_the_offset_before_it() {
        let tz = TimeZone::get("America/Santiago").unwrap();
        let start = date(2026, 1, 1).to_zoned(tz.clone()).unwrap().timestamp();
        let change = tz
            .following(start)
            .find(|t| t.dst().is_dst())
            .unwrap()
            .timestamp();
        // Clocks jump from 00:00 to 01:00, so the day's first real instant is the change itself,
        // yet its 00:00–01:00 must still be read in the offset before the jump.
        let day = change.to_zoned(tz.clone()).date();
        assert_eq!(day.to_zoned(tz.clone()).unwrap().timestamp(), change);

        let observances = read(&parse(&vtimezone("America/Santiago", day, day)));
        let summary: Vec<(bool, String, i32, i32)> = observances
            .iter()
            .map(|o| (o.daylight, o.onset.to_string(), o.from, o.to))
            .collect();
        let (before, after) = (-4 * 3600, -3 * 3600);
        assert_eq!(summary.len(), 2, "{observances:#?}");
        assert_eq!((summary[0].0, summary[0].3), (false, before));
        assert_eq!(
            summary[1],
            (
                true,
                day.to_datetime(Time::midnight()).to_string(),
                before,
                after
            )
        );
        assert_offsets_agree("America/Santiago", day, day);
    }

    #[test]
    fn utc_and_fixed_zones_get_one_standard() {
        assert_eq!(
            vtimezone("UTC", date(2026, 11, 16), date(2026, 11, 22)),
            "BEGIN:VTIMEZONE\r\n\
             TZID:UTC\r\n\
             X-LIC-LOCATION:UTC\r\n\
             BEGIN:STANDARD\r\n\
             DTSTART:19700101T000000\r\n\
             TZOFFSETFROM:+0000\r\n\
             TZOFFSETTO:+0000\r\n\
             TZNAME:UTC\r\n\
             END:STANDARD\r\n\
             END:VTIMEZONE\r\n"
        );

        let mut ics = Ics::new();
        let fixed = TimeZone::fixed(offset(-5));
        write_vtimezone(
            &mut ics,
            &fixed,
            "X-Fixed",
            date(1960, 1, 1),
            date(1960, 1, 7),
        );
        let zone = parse(ics.as_str());
        assert_eq!(value(&zone.properties, "TZID"), "X-Fixed");
        let observances = read(&zone);
        assert_eq!(observances.len(), 1);
        assert!(!observances[0].daylight);
        // Before 1970, so the onset moves back to the start of the span.
        assert_eq!(observances[0].onset, datetime(1960, 1, 1, 0, 0, 0, 0));
        assert_eq!(
            (observances[0].from, observances[0].to),
            (-5 * 3600, -5 * 3600)
        );
        assert!(!observances[0].name.is_empty());
    }

    #[test]
    fn extreme_and_reversed_spans_still_give_an_offset() {
        let tz = TimeZone::get("Europe/Helsinki").unwrap();
        let mut ics = Ics::new();
        write_vtimezone(
            &mut ics,
            &tz,
            "Europe/Helsinki",
            Date::MIN,
            date(1900, 1, 1),
        );
        assert!(!read(&parse(ics.as_str())).is_empty());

        let observances = read(&parse(&vtimezone(
            "Europe/Helsinki",
            date(2026, 11, 22),
            date(2026, 11, 16),
        )));
        assert_eq!(observances.len(), 1);
    }

    #[test]
    fn utc_offsets() {
        assert_eq!(utc_offset(Offset::UTC), "+0000");
        assert_eq!(utc_offset(offset(3)), "+0300");
        assert_eq!(utc_offset(offset(-10)), "-1000");
        assert_eq!(
            utc_offset(Offset::from_seconds(-(3600 + 30 * 60)).unwrap()),
            "-0130"
        );
        assert_eq!(utc_offset(Offset::from_seconds(5989).unwrap()), "+013949");
        assert_eq!(utc_offset(Offset::from_seconds(-59).unwrap()), "-000059");
    }
}
