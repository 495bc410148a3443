//! Calendar dates as facts carry them: a year, a month or a day (`2024`, `2024-06`, `2024-06-30`).

use std::fmt;

/// A date with the precision it was given. Comparisons use the first day of the period,
/// so `2026` is after `2025-12-31` and a fact dated `2025-06` counts as of 2025-06-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().split('-');
        let year = parse_part(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_part(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_part(d, 2)?),
            None => None,
        };
        if parts.next().is_some() || (day.is_some() && month.is_none()) {
            return None;
        }
        let date = Date { year, month: month.map(|m| m as u8), day: day.map(|d| d as u8) };
        date.is_valid().then_some(date)
    }

    fn is_valid(&self) -> bool {
        let month_ok = self.month.is_none_or(|m| (1..=12).contains(&m));
        let day_ok = match (self.month, self.day) {
            (Some(m), Some(d)) => d >= 1 && d <= days_in_month(self.year, m),
            _ => true,
        };
        (1000..=9999).contains(&self.year) && month_ok && day_ok
    }

    /// (year, month, day) of the period's first day.
    pub fn key(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1 to 12 (the first of a bare year).
    pub fn month(&self) -> u8 {
        self.month.unwrap_or(1)
    }

    /// The first day of the period, as a day (`2025-06` → `2025-06-01`).
    pub fn first_day(self) -> Date {
        let (year, month, day) = self.key();
        Date { year, month: Some(month), day: Some(day) }
    }

    /// Whether the date names a day (not a month or a year).
    pub fn is_day(&self) -> bool {
        self.day.is_some()
    }

    /// Days since 1970-01-01 of the period's first day (civil calendar, proleptic Gregorian).
    pub fn days(&self) -> i64 {
        let (y, m, d) = self.key();
        let y = i64::from(y) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole calendar months from `self` to `to` (days ignored): 2025-07 → 2025-12-31 is 5.
    pub fn months_until(&self, to: Date) -> i64 {
        (i64::from(to.year) - i64::from(self.year)) * 12 + i64::from(to.month()) - i64::from(self.month())
    }

    /// The last day of the month `months` after this date's month (the next view date of a
    /// `--every month|quarter|year` schedule).
    pub fn month_end_after(&self, months: i64) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month()) - 1 + months;
        let (year, month) = (index.div_euclid(12) as i32, (index.rem_euclid(12) + 1) as u8);
        Date { year, month: Some(month), day: Some(days_in_month(year, month)) }
    }
}

fn parse_part(s: &str, len: usize) -> Option<i32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Date {
    fn cmp(&self, other: &Date) -> std::cmp::Ordering {
        (self.key(), self.month.is_some(), self.day.is_some()).cmp(&(
            other.key(),
            other.month.is_some(),
            other.day.is_some(),
        ))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_the_three_precisions_and_rejects_impossible_days() {
        assert_eq!(Date::parse("2024").map(|d| d.to_string()), Some("2024".into()));
        assert_eq!(Date::parse("2024-06").map(|d| d.to_string()), Some("2024-06".into()));
        assert_eq!(Date::parse("2024-02-29").map(|d| d.to_string()), Some("2024-02-29".into()));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2024-13"), None);
        assert_eq!(Date::parse("24-01-01"), None);
        assert_eq!(Date::parse("2024-1-01"), None);
    }

    #[test]
    fn days_months_and_month_ends() {
        let d = |s| Date::parse(s).expect("valid date");
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("2025-01-01").days() - d("2024-01-01").days(), 366);
        assert_eq!(d("2025-07").months_until(d("2025-12-31")), 5);
        assert_eq!(d("2024-12-31").month_end_after(2).to_string(), "2025-02-28");
        assert_eq!(d("2025-06").first_day().to_string(), "2025-06-01");
    }

    #[test]
    fn a_period_compares_as_its_first_day() {
        let d = |s| Date::parse(s).expect("valid date");
        assert!(d("2026") > d("2025-12-31"));
        assert!(d("2025-06") < d("2025-06-02"));
        assert!(d("2025-06") <= d("2025-06-01"));
    }
}
