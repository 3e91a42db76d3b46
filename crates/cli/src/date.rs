//! RFC 5322 dates (`Fri, 27 Nov 2026 10:14:03 +0900 (JST)`) to Unix time, for the
//! Sisimai output's `timestamp` and `timezoneoffset`.

/// A parsed date: seconds since the Unix epoch (UTC) and the offset as written
/// (`+0900`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    pub unix: i64,
    pub offset: String,
}

/// Parses an RFC 5322 date, tolerating the usual deviations: no weekday, a
/// two-digit year, missing seconds, a named zone, a trailing comment.
pub fn parse(text: &str) -> Option<Timestamp> {
    let text = text.split('(').next().unwrap_or(text);
    let text = text.split_once(',').map_or(text, |(_, rest)| rest);
    let mut words = text.split_whitespace();
    let day: i64 = words.next()?.parse().ok()?;
    let month = month_number(words.next()?)?;
    let mut year: i64 = words.next()?.parse().ok()?;
    if year < 50 {
        year += 2000;
    } else if year < 1000 {
        year += 1900;
    }
    let mut clock = words.next()?.split(':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: i64 = clock.next().map_or(Some(0), |s| s.parse().ok())?;
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (offset_seconds, offset) = zone(words.next().unwrap_or("+0000"))?;
    let days = days_from_civil(year, month, day);
    Some(Timestamp {
        unix: days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds,
        offset,
    })
}

fn month_number(name: &str) -> Option<i64> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let lower = name.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == lower).map(|i| i as i64 + 1)
}

/// `+0900` or a named zone, as seconds east of UTC and the numeric form.
fn zone(text: &str) -> Option<(i64, String)> {
    let named = match text.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => Some(0),
        "EST" => Some(-5),
        "EDT" => Some(-4),
        "CST" => Some(-6),
        "CDT" => Some(-5),
        "MST" => Some(-7),
        "MDT" => Some(-6),
        "PST" => Some(-8),
        "PDT" => Some(-7),
        "JST" => Some(9),
        _ => None,
    };
    if let Some(hours) = named {
        let sign = if hours < 0 { '-' } else { '+' };
        return Some((hours * 3600, format!("{sign}{:02}00", hours.abs())));
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, text.get(1..)?),
        b'-' => (-1, text.get(1..)?),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits.get(..2)?.parse().ok()?;
    let minutes: i64 = digits.get(2..)?.parse().ok()?;
    Some((sign * (hours * 3600 + minutes * 60), text.to_string()))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        // Expected values computed with Python's calendar.timegm.
        let t = parse("Fri, 27 Nov 2026 10:14:03 +0900 (JST)").unwrap();
        assert_eq!(t, Timestamp { unix: 1_795_742_043, offset: "+0900".into() });
        assert_eq!(parse("1 Jan 1970 00:00:00 GMT").unwrap().unix, 0);
        assert_eq!(parse("Thu, 29 Feb 2024 23:59 -0130").unwrap().unix, 1_709_251_140 + 5400);
        assert_eq!(parse("Mon, 3 Mar 14 01:02:03 +0000").unwrap().unix, 1_393_808_523);
        assert_eq!(parse("Mon, 3 Mar 2014 01:02:03 JST").unwrap().offset, "+0900");
        assert!(parse("yesterday").is_none());
        assert!(parse("32 Jan 2020 00:00:00 +0000").is_none());
        assert!(parse("1 Foo 2020 00:00:00 +0000").is_none());
        assert!(parse("1 Jan 2020 00:00:00 +09").is_none());
    }
}
