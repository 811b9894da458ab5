//! When an entry takes place, read the way announcements write it: `ti 17.11. klo 14–15.30`,
//! `17.11. kello 9-11`, `klo 18.30 alkaen`, `16.–20.11.2026`, `tis 17.11 kl. 18–19.30`, as well
//! as the ISO forms (`2026-11-17 14:00`, `2026-10-25T03:30+03:00`).
//!
//! A notation is read into words (weekdays, clock words, months) and numbers, split at its dash
//! into two sides, and each side's missing parts are taken from the other side or from the
//! week: a year from the week, a day from the start. Anything that does not add up (a weekday
//! that is not the date's, the 31st of November, a year far from the week) is a [`Problem`],
//! never a guess.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time, Weekday};

use crate::messages::Text;
use crate::times::Lang;

/// A moment as written, not yet placed in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// A date alone: all day.
    Day(Date),
    /// A wall-clock time.
    Local(DateTime),
    /// A time with its UTC offset.
    Exact(Timestamp),
}

impl Moment {
    pub fn date(self) -> Option<Date> {
        match self {
            Moment::Day(date) => Some(date),
            Moment::Local(time) => Some(time.date()),
            Moment::Exact(_) => None,
        }
    }
}

/// What one field says: a moment, or a range from one moment to another, or an open end
/// (`klo 18.30 alkaen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub start: Moment,
    pub end: Option<Moment>,
    /// Said to have no end (`alkaen`, `från`, a dash with nothing after it).
    pub open: bool,
}

/// What the notation is read against.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// The week's first day: a date without a year is the one nearest to it. Without a week
    /// (reading the week itself) a date must have its year.
    pub week_start: Option<Date>,
    /// The day of a side that names none (`end: klo 15.30` falls on the start's day).
    pub day: Option<Date>,
    /// Whether a number that could be a date or a time (`17.11`) is a time: for an end after
    /// a timed start.
    pub time_alone: bool,
    /// The site's language, for the words of a problem.
    pub lang: Lang,
    /// The year of the earliest week the site keeps, if earlier than last year's: its dates
    /// are not far from the week.
    pub earliest: Option<i16>,
}

/// Why a notation cannot be read, with what the person should write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: Text,
    pub help: Text,
}

/// Reads a whole notation: a moment, a range or an open end.
pub fn read(text: &str, context: &Context) -> Result<Written, Problem> {
    read_one(text, context).map_err(|problem| two_times(text, context).unwrap_or(problem))
}

fn read_one(text: &str, context: &Context) -> Result<Written, Problem> {
    let normal = normalise(text);
    let (normal, open) = open_end(&normal);
    let normal = all_day(&normal);
    let tokens = tokens(normal).ok_or_else(|| unreadable(text, None, context))?;
    let mut sides = tokens.split(|t| *t == Token::Dash);
    let left = sides.next().unwrap_or_default();
    let right = sides.next();
    if sides.next().is_some() || left.is_empty() || right.is_some_and(<[Token]>::is_empty) {
        return Err(unreadable(text, None, context));
    }
    let mut left = Side::read(left).ok_or_else(|| unreadable(text, None, context))?;
    let mut right = match right {
        Some(tokens) => Some(Side::read(tokens).ok_or_else(|| unreadable(text, None, context))?),
        None => None,
    };
    match &mut right {
        Some(right) => settle(&mut left, right),
        None => left.settle_either(context.time_alone),
    }
    let start = left.moment(right.as_ref(), context, text)?;
    let end = match &right {
        Some(right) => Some(right.moment(Some(&left), context, text)?),
        None => None,
    };
    let written = Written { start, end, open };
    check_shape(&written, text, context)?;
    Ok(written)
}

/// Lower case, one kind of dash, single spaces.
fn normalise(text: &str) -> String {
    let dashes = ['–', '—', '‒', '−', '‐', '‑'];
    let text: String = text
        .trim()
        .chars()
        .map(|c| if dashes.contains(&c) { '-' } else { c })
        .collect::<String>()
        .to_lowercase();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Strips the words and the trailing dash that say an entry has no set end.
fn open_end(text: &str) -> (String, bool) {
    const AFTER: [&str; 3] = [" alkaen", " och framåt", " onwards"];
    const BEFORE: [&str; 5] = ["alkaen ", "från ", "fr.o.m. ", "from ", "starting "];
    let mut open = text.ends_with('-');
    let mut text = text.trim_end_matches(['-', ' ']).to_string();
    for word in AFTER {
        if let Some(rest) = text.strip_suffix(word) {
            text = rest.to_string();
            open = true;
        }
    }
    for word in BEFORE {
        if let Some(rest) = text.strip_prefix(word) {
            text = rest.to_string();
            open = true;
        }
    }
    (text, open)
}

/// Without the words that say an entry lasts the whole day (`koko päivän 17.11.`): a date alone
/// says so already.
fn all_day(text: &str) -> &str {
    const WORDS: [&str; 5] = [
        "koko päivän",
        "koko päivä",
        "hela dagen",
        "all day",
        "all-day",
    ];
    WORDS
        .iter()
        .find_map(|w| {
            let rest = text.strip_prefix(w).or_else(|| text.strip_suffix(w))?;
            Some(rest.trim_matches([' ', ',']))
        })
        .unwrap_or(text)
}

/// Two times in one notation (`ti 17.11. klo 14–15 ja to 19.11. klo 14–15`), as an announcement
/// of two sessions writes them: an entry is one.
fn two_times(text: &str, context: &Context) -> Option<Problem> {
    const AND: [&str; 5] = [" ja ", " sekä ", " och ", " and ", " & "];
    let separator = AND.iter().find(|and| text.contains(**and))?;
    let parts: Vec<&str> = text.split(separator).map(str::trim).collect();
    let times = parts
        .iter()
        .all(|part| part.contains(|c: char| c.is_ascii_digit()));
    // The first alone is offered to write: it must read.
    read_one(parts[0], context).ok()?;
    times.then(|| Problem {
        message: text!("when_two", text = text.trim()),
        help: text!("when_two_help", first = parts[0]),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Dash,
    Weekday(Weekday, String),
    Clock,
    Month(i8),
    /// Digits with dots or colons as written: `17.11.`, `14.30`, `9`, `17.11.26`.
    Number(String),
    /// An ISO date or date-time, read whole: `2026-11-17`, `2026-11-17T14:00+02:00`.
    Iso(Moment),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = |i: usize, keep: &dyn Fn(char) -> bool| {
            let end = chars[i..]
                .iter()
                .position(|&c| !keep(c))
                .map_or(chars.len(), |n| i + n);
            (chars[i..end].iter().collect::<String>(), end)
        };
        if c == ' ' || c == ',' {
            i += 1;
        } else if c == '-' {
            tokens.push(Token::Dash);
            i += 1;
        } else if is_iso_start(&chars[i..]) {
            let (word, end) = run(i, &|c| !c.is_whitespace());
            tokens.push(Token::Iso(iso(&word)?));
            i = end;
        } else if c.is_ascii_digit() {
            let (word, end) = run(i, &|c| c.is_ascii_digit() || c == '.' || c == ':');
            tokens.push(Token::Number(word));
            i = end;
        } else if c.is_alphabetic() {
            let (word, end) = run(i, &|c| c.is_alphabetic() || c == '.' || c == '\'');
            tokens.push(word_token(word.trim_end_matches('.'))?);
            i = end;
        } else {
            return None;
        }
    }
    Some(tokens)
}

fn is_iso_start(chars: &[char]) -> bool {
    chars.len() >= 10
        && chars[..4].iter().all(char::is_ascii_digit)
        && chars[4] == '-'
        && chars[5].is_ascii_digit()
}

/// An ISO date, date-time, or time with offset.
fn iso(word: &str) -> Option<Moment> {
    let upper = word.to_uppercase();
    if upper.contains(":60") {
        return None;
    }
    if let Ok(date) = upper.parse::<Date>()
        && upper.len() == 10
    {
        return Some(Moment::Day(date));
    }
    if let Ok(ts) = upper.parse::<Timestamp>() {
        return Some(Moment::Exact(ts));
    }
    upper.parse::<DateTime>().ok().map(Moment::Local)
}

fn word_token(word: &str) -> Option<Token> {
    if let Some(day) = weekday(word) {
        return Some(Token::Weekday(day, word.to_string()));
    }
    if let Some(month) = month(word) {
        return Some(Token::Month(month));
    }
    ["klo", "kello", "kl", "klockan", "at"]
        .contains(&word)
        .then_some(Token::Clock)
}

/// A weekday as a person writes it, in any case and with a trailing dot (`Ti.`, `tisdag`).
pub fn weekday_named(word: &str) -> Option<Weekday> {
    weekday(
        word.trim()
            .trim_end_matches(['.', ','])
            .to_lowercase()
            .as_str(),
    )
}

/// A weekday in Finnish, Swedish or English, short or long, with Finnish and Swedish endings
/// (`tiistaina`, `tisdagen`).
fn weekday(word: &str) -> Option<Weekday> {
    const DAYS: [(Weekday, &[&str]); 7] = [
        (
            Weekday::Monday,
            &["ma", "maanantai", "må", "mån", "måndag", "mon", "monday"],
        ),
        (
            Weekday::Tuesday,
            &["ti", "tiistai", "tis", "tisdag", "tue", "tues", "tuesday"],
        ),
        (
            Weekday::Wednesday,
            &["ke", "keskiviikko", "ons", "onsdag", "wed", "wednesday"],
        ),
        (
            Weekday::Thursday,
            &[
                "to", "torstai", "tor", "tors", "torsdag", "thu", "thurs", "thursday",
            ],
        ),
        (
            Weekday::Friday,
            &["pe", "perjantai", "fr", "fre", "fredag", "fri", "friday"],
        ),
        (
            Weekday::Saturday,
            &["la", "lauantai", "lö", "lör", "lördag", "sat", "saturday"],
        ),
        (
            Weekday::Sunday,
            &["su", "sunnuntai", "sö", "sön", "söndag", "sun", "sunday"],
        ),
    ];
    let stems = [
        word,
        word.strip_suffix("na").unwrap_or(word),
        word.strip_suffix("en").unwrap_or(word),
    ];
    DAYS.iter()
        .find(|(_, names)| stems.iter().any(|stem| names.contains(stem)))
        .map(|(day, _)| *day)
}

/// A month's name: Finnish (`marraskuu`, `marraskuuta`), Swedish or English.
fn month(word: &str) -> Option<i8> {
    const FINNISH: [&str; 12] = [
        "tammikuu",
        "helmikuu",
        "maaliskuu",
        "huhtikuu",
        "toukokuu",
        "kesäkuu",
        "heinäkuu",
        "elokuu",
        "syyskuu",
        "lokakuu",
        "marraskuu",
        "joulukuu",
    ];
    const OTHERS: [&str; 12] = [
        "januari january jan",
        "februari february feb",
        "mars march mar",
        "april apr",
        "maj may",
        "juni june jun",
        "juli july jul",
        "augusti august aug",
        "september sept sep",
        "oktober october oct okt",
        "november nov",
        "december dec",
    ];
    let finnish = word.strip_suffix("ta").unwrap_or(word);
    FINNISH
        .iter()
        .position(|m| *m == finnish)
        .or_else(|| {
            OTHERS
                .iter()
                .position(|names| names.split(' ').any(|n| n == word))
        })
        .map(|i| i as i8 + 1)
}

/// One side of a range as read: each part may be missing, to be taken from the other side.
#[derive(Debug, Default, Clone)]
struct Side {
    weekday: Option<(Weekday, String)>,
    day: Option<i8>,
    month: Option<i8>,
    year: Option<i16>,
    time: Option<(i8, i8)>,
    /// A `14.30` or `17.11` that is a time or a date by what stands around it.
    either: Option<(i8, i8)>,
    iso: Option<Moment>,
}

impl Side {
    fn read(tokens: &[Token]) -> Option<Side> {
        let mut side = Side::default();
        let mut clock = false;
        let mut tokens = tokens.iter().peekable();
        while let Some(token) = tokens.next() {
            match token {
                Token::Dash => return None,
                Token::Weekday(day, word) => side.weekday = Some((*day, word.clone())),
                Token::Clock => clock = true,
                Token::Iso(moment) => side.iso = Some(*moment),
                Token::Month(month) => {
                    side.month = Some(*month);
                    if let Some(Token::Number(year)) = tokens.peek()
                        && year.len() == 4
                        && year.bytes().all(|b| b.is_ascii_digit())
                    {
                        side.year = year.parse().ok();
                        tokens.next();
                    }
                }
                Token::Number(number) => side.number(number, clock)?,
            }
        }
        Some(side)
    }

    /// Places one number: a date, a time, or one of the two to be told later.
    fn number(&mut self, number: &str, after_clock: bool) -> Option<()> {
        let parts: Vec<&str> = number.split(['.', ':']).collect();
        let n = |s: &str| s.parse::<i8>().ok();
        let colon = number.contains(':');
        match parts.as_slice() {
            // `17.11.2026`, `17.11.26`, `17.11.`
            [d, m, y] if !colon => {
                (self.day, self.month) = (Some(n(d)?), Some(n(m)?));
                if !y.is_empty() {
                    self.year = Some(year(y)?);
                }
            }
            // `14:00:00`; no programme time has seconds.
            [h, m, "00"] if colon => self.time = Some((n(h)?, n(m)?)),
            // `16.` before a month, or before the other side's month
            [d, ""] => self.day = Some(n(d)?),
            [a, b] if after_clock || self.has_date() || colon => {
                self.time = Some((n(a)?, n(b)?));
            }
            [a, b] => self.either = Some((n(a)?, n(b)?)),
            [h] if after_clock || self.has_date() => self.time = Some((n(h)?, 0)),
            [a] => self.either = Some((n(a)?, -1)),
            _ => return None,
        }
        Some(())
    }

    fn has_date(&self) -> bool {
        self.day.is_some() || self.iso.is_some()
    }

    fn has_time(&self) -> bool {
        self.time.is_some() || matches!(self.iso, Some(Moment::Local(_) | Moment::Exact(_)))
    }

    /// Tells whether a number that could be a date or a time is one or the other: a day
    /// before a month name, a date beside a weekday or a time, otherwise a time where times
    /// stand around it, and a date where it can be one.
    fn settle_either(&mut self, times_around: bool) {
        let Some((a, b)) = self.either.take() else {
            return;
        };
        if b == -1 && self.month.is_some() && self.day.is_none() {
            self.day = Some(a);
            return;
        }
        let date_like = !self.has_date() && (1..=31).contains(&a) && (1..=12).contains(&b);
        if date_like && (self.has_time() || self.weekday.is_some() || !times_around) {
            (self.day, self.month) = (Some(a), Some(b));
        } else {
            self.time = Some((a, b.max(0)));
        }
    }

    /// Whether the side names a time, or a number that can only be one (`15`, `9.45`).
    fn is_time(&self) -> bool {
        self.has_time()
            || self
                .either
                .is_some_and(|(_, b)| b == -1 || b == 0 || b > 12)
    }

    /// The moment this side names, its missing parts taken from `other` or the context.
    fn moment(
        &self,
        other: Option<&Side>,
        context: &Context,
        text: &str,
    ) -> Result<Moment, Problem> {
        if let Some(moment) = self.iso {
            return match (moment, self.time) {
                (Moment::Day(date), Some((h, m))) => {
                    let time = clock(h, m).ok_or_else(|| unreadable(text, Some(date), context))?;
                    Ok(Moment::Local(date.to_datetime(time)))
                }
                (moment, _) => Ok(moment),
            };
        }
        let other_date = other.and_then(|o| o.iso.and_then(Moment::date));
        let day = self.day.or(other_date.map(|d| d.day()));
        let month = self
            .month
            .or(other.and_then(|o| o.month))
            .or(other_date.map(|d| d.month()));
        let date = match (day, month) {
            (Some(day), Some(month)) => {
                let written_year = self.year.or(other.and_then(|o| o.year));
                let year = written_year.or(other_date.map(|d| d.year()));
                date(day, month, year, context, text)?
            }
            (None, None) if self.has_time() || self.either.is_some() => {
                context.day.ok_or_else(|| no_date(text, context))?
            }
            (None, None) => context.day.ok_or_else(|| unreadable(text, None, context))?,
            _ => return Err(unreadable(text, None, context)),
        };
        if let Some((weekday, word)) = &self.weekday
            && date.weekday() != *weekday
        {
            return Err(wrong_weekday(word, date, context));
        }
        match self.time {
            None => Ok(Moment::Day(date)),
            Some((h, m)) => {
                let time = clock(h, m).ok_or_else(|| unreadable(text, Some(date), context))?;
                Ok(Moment::Local(date.to_datetime(time)))
            }
        }
    }
}

/// Tells the numbers of a range that could be dates or times by the other side (`9.15-10.30`
/// are times, `17.11-18.11` dates), and puts an end that has only a time on the start's day.
fn settle(left: &mut Side, right: &mut Side) {
    let (left_time, right_time) = (left.is_time(), right.is_time());
    left.settle_either(right_time);
    right.settle_either(left_time);
    if !right.has_date() && right.has_time() {
        let date = left.iso.and_then(Moment::date);
        right.day = left.day.or(date.map(|d| d.day()));
        right.month = left.month.or(date.map(|d| d.month()));
        right.year = left.year.or(date.map(|d| d.year()));
    }
}

/// A written year: `2026`, or `26` for 2026. `0026` stays the year 26, which is refused.
fn year(text: &str) -> Option<i16> {
    let year: i16 = text.parse().ok()?;
    match text.len() {
        2 => Some(2000 + year),
        4 => Some(year),
        _ => None,
    }
}

fn clock(hour: i8, minute: i8) -> Option<Time> {
    Time::new(hour, minute, 0, 0).ok()
}

/// The date `day.month.year`; a missing year is the one that puts the date nearest to the week,
/// a two-digit year is in this century, and a year far from the week is refused.
fn date(
    day: i8,
    month: i8,
    year: Option<i16>,
    context: &Context,
    text: &str,
) -> Result<Date, Problem> {
    let Some(week_start) = context.week_start else {
        let year = year.ok_or_else(|| unreadable(text, None, context))?;
        return Date::new(year, month, day)
            .map_err(|_| no_such_date(day, month, year, context.lang, text));
    };
    let week_year = week_start.year();
    let year = match year {
        Some(year) => year,
        None => {
            let candidates = [week_year - 1, week_year, week_year + 1];
            let distance = |y: i16| {
                Date::new(y, month, day)
                    .map(|d| (d - week_start).get_days().abs())
                    .unwrap_or(i32::MAX)
            };
            candidates
                .into_iter()
                .min_by_key(|y| distance(*y))
                .unwrap_or(week_year)
        }
    };
    let earliest = context.earliest.unwrap_or(week_year - 1).min(week_year - 1);
    if year < earliest || year > week_year + 1 {
        let help = match Date::new(week_year, month, day) {
            Ok(date) => text!("when_year_far_help", date = context.lang.bare_date(date)),
            Err(_) => text!(
                "when_year_far_help",
                date = format!("{day}.{month}.{week_year}")
            ),
        };
        return Err(Problem {
            message: text!(
                "when_year_far",
                year = format!("{year:04}"),
                week = week_year
            ),
            help,
        });
    }
    Date::new(year, month, day).map_err(|_| no_such_date(day, month, year, context.lang, text))
}

fn no_such_date(day: i8, month: i8, year: i16, lang: Lang, text: &str) -> Problem {
    if !(1..=12).contains(&month) {
        return Problem {
            message: text!("when_no_such_month", text = text.trim(), month = month),
            help: text!("when_date_help"),
        };
    }
    let days = Date::new(year, month, 1).map_or(31, |d| d.days_in_month());
    Problem {
        message: text!(
            "when_no_such_day",
            text = text.trim(),
            day = day,
            month = month_name(month, lang),
            days = days
        ),
        help: text!("when_date_help"),
    }
}

/// A month as the reports name it: Finnish `marraskuussa` (in November), others the name.
fn month_name(month: i8, lang: Lang) -> String {
    const FINNISH: [&str; 12] = [
        "tammikuussa",
        "helmikuussa",
        "maaliskuussa",
        "huhtikuussa",
        "toukokuussa",
        "kesäkuussa",
        "heinäkuussa",
        "elokuussa",
        "syyskuussa",
        "lokakuussa",
        "marraskuussa",
        "joulukuussa",
    ];
    const SWEDISH: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const ENGLISH: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Fi => FINNISH[i],
        Lang::Sv => SWEDISH[i],
        Lang::En => ENGLISH[i],
    }
    .to_string()
}

fn wrong_weekday(word: &str, date: Date, context: &Context) -> Problem {
    Problem {
        message: text!(
            "when_wrong_weekday",
            date = context.lang.bare_date(date),
            weekday = context.lang.weekday(date.weekday(), true),
            written = word
        ),
        help: text!("when_wrong_weekday_help", date = context.lang.date(date)),
    }
}

/// A notation that cannot be read; the hint shows the forms with the person's own date, or the
/// week's first day.
fn unreadable(text: &str, date: Option<Date>, context: &Context) -> Problem {
    let date = date
        .or(context.day)
        .or(context.week_start)
        .unwrap_or(Date::constant(2026, 11, 17));
    let (weekday, day, month) = (
        context.lang.weekday(date.weekday(), false),
        date.day(),
        date.month(),
    );
    let example = match context.lang {
        Lang::Sv => format!("{weekday} {day}.{month}. kl. 14–15.30"),
        Lang::En => format!("{}-{month:02}-{day:02} 14:00", date.year()),
        Lang::Fi => format!("{weekday} {day}.{month}. klo 14–15.30"),
    };
    Problem {
        message: text!("when_unreadable", text = text.trim()),
        help: text!("when_unreadable_help", example = example),
    }
}

/// A time without its day (`klo 14–15`), where no other field gives one: the text with the
/// week's first day before it.
fn no_date(text: &str, context: &Context) -> Problem {
    let date = context.week_start.unwrap_or(Date::constant(2026, 11, 17));
    let weekday = context.lang.weekday(date.weekday(), false);
    let day = match context.lang {
        Lang::En => date.to_string(),
        Lang::Fi | Lang::Sv => format!("{weekday} {}.{}.", date.day(), date.month()),
    };
    Problem {
        message: text!("when_no_date", text = text.trim()),
        help: text!(
            "when_no_date_help",
            example = format!("{day} {}", text.trim())
        ),
    }
}

/// A range must go forward and be all-day or timed on both sides.
fn check_shape(written: &Written, text: &str, context: &Context) -> Result<(), Problem> {
    let Some(end) = written.end else {
        return Ok(());
    };
    if written.open {
        return Err(unreadable(text, written.start.date(), context));
    }
    match (written.start, end) {
        (Moment::Day(_), Moment::Day(_)) => Ok(()),
        (Moment::Day(_), _) | (_, Moment::Day(_)) => Err(Problem {
            message: text!("when_mixed", text = text.trim()),
            help: text!("when_mixed_help"),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            week_start: Some(Date::constant(2026, 11, 16)),
            day: None,
            time_alone: false,
            lang: Lang::Fi,
            earliest: None,
        }
    }

    fn local(text: &str) -> Moment {
        Moment::Local(text.parse().unwrap())
    }

    fn day(text: &str) -> Moment {
        Moment::Day(text.parse().unwrap())
    }

    fn range(text: &str) -> (Moment, Option<Moment>, bool) {
        let written = read(text, &context()).unwrap_or_else(|p| panic!("{text}: {p:?}"));
        (written.start, written.end, written.open)
    }

    #[test]
    fn reads_announcement_ranges_on_one_day() {
        let start = local("2026-11-17T14:00");
        let end = Some(local("2026-11-17T15:30"));
        for text in [
            "ti 17.11. klo 14–15.30",
            "Ti 17.11. klo 14-15.30",
            "TI 17.11.2026 klo 14.00–15.30",
            "tiistaina 17.11. kello 14 - 15.30",
            "tiistai 17.11.26 klo 14.00 – klo 15.30",
            "17.11.2026 klo 14.00–15.30",
            "17.11. 14-15.30",
            "17.11 14:00-15:30",
            "tis 17.11 kl. 14–15.30",
            "tisdagen 17.11 klockan 14—15.30",
            "Tue 17 November 14:00-15:30",
            "17. marraskuuta klo 14–15.30",
            "2026-11-17 14:00 - 15:30",
            "2026-11-17T14:00 - 2026-11-17T15:30",
            " 17.11.2026  klo  14.00 - 15.30 ",
            "17.11.2026 14:00 - 17.11.2026 15:30",
        ] {
            assert_eq!(range(text), (start, end, false), "{text}");
        }
        assert_eq!(
            range("17.11. kello 9-11"),
            (
                local("2026-11-17T09:00"),
                Some(local("2026-11-17T11:00")),
                false
            )
        );
        assert_eq!(
            range("ke 18.11. klo 9.15–10.30"),
            (
                local("2026-11-18T09:15"),
                Some(local("2026-11-18T10:30")),
                false
            )
        );
    }

    #[test]
    fn reads_single_moments_and_open_ends() {
        assert_eq!(
            range("ti 17.11. klo 14"),
            (local("2026-11-17T14:00"), None, false)
        );
        assert_eq!(
            range("17.11.2026 klo 14.00"),
            (local("2026-11-17T14:00"), None, false)
        );
        assert_eq!(
            range("2026-11-17 14:00"),
            (local("2026-11-17T14:00"), None, false)
        );
        assert_eq!(
            range("2026-11-17 9:00"),
            (local("2026-11-17T09:00"), None, false)
        );
        assert_eq!(
            range("17.11.2026 klo 9"),
            (local("2026-11-17T09:00"), None, false)
        );
        assert_eq!(range("2026-11-16"), (day("2026-11-16"), None, false));
        assert_eq!(
            range("2026-11-17T14:00:00+02:00").0,
            Moment::Exact("2026-11-17T12:00:00Z".parse().unwrap())
        );
        for text in [
            "klo 18.30 alkaen",
            "ti 17.11. klo 18.30 alkaen",
            "17.11. klo 18.30 –",
            "alkaen ti 17.11. klo 18.30",
            "från tis 17.11 kl. 18.30",
        ] {
            let mut c = context();
            c.day = Some(Date::constant(2026, 11, 17));
            let written = read(text, &c).unwrap_or_else(|p| panic!("{text}: {p:?}"));
            assert_eq!(
                (written.start, written.end, written.open),
                (local("2026-11-17T18:30"), None, true),
                "{text}"
            );
        }
    }

    #[test]
    fn reads_ranges_across_days_and_all_day_ranges() {
        assert_eq!(
            range("ti 17.11. klo 9 – ke 18.11. klo 16"),
            (
                local("2026-11-17T09:00"),
                Some(local("2026-11-18T16:00")),
                false
            )
        );
        assert_eq!(
            range("pe 20.11. klo 18 – la 21.11. klo 9"),
            (
                local("2026-11-20T18:00"),
                Some(local("2026-11-21T09:00")),
                false
            )
        );
        for text in [
            "16.–20.11.2026",
            "ma 16.11. – pe 20.11.",
            "16.11.-20.11.2026",
            "2026-11-16 - 2026-11-20",
        ] {
            assert_eq!(
                range(text),
                (day("2026-11-16"), Some(day("2026-11-20")), false),
                "{text}"
            );
        }
        assert_eq!(range("18.11.2026"), (day("2026-11-18"), None, false));
        assert_eq!(range("ke 18.11."), (day("2026-11-18"), None, false));
        assert_eq!(range("17.11"), (day("2026-11-17"), None, false));
    }

    #[test]
    fn a_time_alone_takes_the_day_it_is_given() {
        let mut c = context();
        c.day = Some(Date::constant(2026, 11, 17));
        c.time_alone = true;
        for text in ["klo 15.30", "15.30", "kello 15", "15:30", "kl. 15.30"] {
            let expected = if text == "kello 15" {
                "2026-11-17T15:00"
            } else {
                "2026-11-17T15:30"
            };
            assert_eq!(read(text, &c).unwrap().start, local(expected), "{text}");
        }
    }

    #[test]
    fn the_year_is_the_one_nearest_the_week() {
        assert_eq!(range("ti 12.1."), (day("2027-01-12"), None, false));
        assert_eq!(range("17.11.26 klo 14").0, local("2026-11-17T14:00"));
    }

    fn problem(text: &str) -> String {
        let p = read(text, &context())
            .err()
            .unwrap_or_else(|| panic!("{text} was accepted"));
        format!("{} | {}", p.message.words(Lang::Fi), p.help.words(Lang::Fi))
    }

    #[test]
    fn refuses_what_does_not_add_up() {
        assert!(
            problem("ke 17.11. klo 14").contains("tiistai"),
            "{}",
            problem("ke 17.11. klo 14")
        );
        assert!(
            problem("31.11.2026").contains("marraskuussa on 30 päivää"),
            "{}",
            problem("31.11.2026")
        );
        assert!(problem("17.11.0026 klo 14").contains("0026"));
        assert!(problem("17.11.2062").contains("2062"));
        assert!(problem("17.11. klo 25").contains("17.11."));
        assert!(problem("huomenna").contains("huomenna"));
        assert!(problem("17.11. klo 14 - 18.11.").contains("17.11."));
        assert!(problem("2026-11-17 13:00:60").contains("13:00:60"));
    }

    #[test]
    fn names_two_sessions_and_a_missing_day_with_what_to_write() {
        let two = problem("ti 17.11. klo 14–15 ja to 19.11. klo 14–15");
        assert!(two.contains("on kaksi aikaa"), "{two}");
        assert!(two.contains("`ti 17.11. klo 14–15`"), "{two}");
        // Words with `ja` that are not two times keep the general message.
        assert!(!problem("ti ja ke").contains("kaksi aikaa"));
        let alone = problem("klo 14–15");
        assert!(alone.contains("päivä puuttuu"), "{alone}");
        assert!(alone.contains("`ma 16.11. klo 14–15`"), "{alone}");
        // What each offers reads.
        assert_eq!(range("ti 17.11. klo 14–15").0, local("2026-11-17T14:00"));
        assert_eq!(range("ma 16.11. klo 14–15").0, local("2026-11-16T14:00"));
    }

    #[test]
    fn words_for_a_whole_day_are_a_date_alone() {
        for text in [
            "koko päivän 17.11.",
            "17.11. koko päivä",
            "ti 17.11., koko päivän",
        ] {
            assert_eq!(range(text), (day("2026-11-17"), None, false), "{text}");
        }
    }
}
