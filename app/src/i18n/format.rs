//! Numbers, amounts, dates and times as each language writes them: Persian screens use
//! Persian digits and separators and the Jalali calendar; stored values stay ASCII and ISO.

use super::{Key, Locale};
use crate::calendar::{self, Jalali};
use crate::money::{self, Currency};

const GREGORIAN_MONTHS: [Key; 12] = [
    Key::Month1,
    Key::Month2,
    Key::Month3,
    Key::Month4,
    Key::Month5,
    Key::Month6,
    Key::Month7,
    Key::Month8,
    Key::Month9,
    Key::Month10,
    Key::Month11,
    Key::Month12,
];

const JALALI_MONTHS: [Key; 12] = [
    Key::JalaliMonth1,
    Key::JalaliMonth2,
    Key::JalaliMonth3,
    Key::JalaliMonth4,
    Key::JalaliMonth5,
    Key::JalaliMonth6,
    Key::JalaliMonth7,
    Key::JalaliMonth8,
    Key::JalaliMonth9,
    Key::JalaliMonth10,
    Key::JalaliMonth11,
    Key::JalaliMonth12,
];

/// Saturday first: the Persian week.
pub const WEEKDAYS: [(Key, Key); 7] = [
    (Key::WeekdaySat, Key::WeekdaySatShort),
    (Key::WeekdaySun, Key::WeekdaySunShort),
    (Key::WeekdayMon, Key::WeekdayMonShort),
    (Key::WeekdayTue, Key::WeekdayTueShort),
    (Key::WeekdayWed, Key::WeekdayWedShort),
    (Key::WeekdayThu, Key::WeekdayThuShort),
    (Key::WeekdayFri, Key::WeekdayFriShort),
];

/// Pipeline stages created with a new organisation have English names; until an admin
/// renames them, each reader sees them in their own language.
const DEFAULT_STAGES: [(&str, Key); 6] = [
    ("Lead", Key::StageLead),
    ("Qualified", Key::StageQualified),
    ("Proposal", Key::StageProposal),
    ("Negotiation", Key::StageNegotiation),
    ("Won", Key::StageWon),
    ("Lost", Key::StageLost),
];

impl Locale {
    /// ASCII digits in a formatted number as this language writes them.
    pub fn digits(self, ascii: &str) -> String {
        match self {
            Locale::En => ascii.to_owned(),
            Locale::Fa => crate::text::persian_digits(ascii),
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Locale::En => (',', '.'),
            // U+066C ARABIC THOUSANDS SEPARATOR and U+066B ARABIC DECIMAL SEPARATOR.
            Locale::Fa => ('\u{066C}', '\u{066B}'),
        }
    }

    /// A count or other whole number, grouped: "12,500", "۱۲٬۵۰۰".
    pub fn number(self, n: i64) -> String {
        let grouped = money::group_thousands(&n.unsigned_abs().to_string(), self.separators().0);
        let sign = if n < 0 { "-" } else { "" };
        self.digits(&format!("{sign}{grouped}"))
    }

    pub fn percent(self, n: i64) -> String {
        crate::fill!(self, Key::PercentValue, n = &self.number(n))
    }

    /// "$12,500", "15,000,000 tomans"; in Persian "۱۵٬۰۰۰٬۰۰۰ تومان", "۱۲٬۵۰۰ دلار".
    pub fn amount(self, minor: i64, currency: Currency) -> String {
        let (group, decimal) = self.separators();
        let f = money::figures(minor, currency);
        let mut number = money::group_thousands(&f.whole, group);
        if let Some(fraction) = f.fraction {
            number.push(decimal);
            number.push_str(&fraction);
        }
        let sign = if f.negative { "-" } else { "" };
        let number = self.digits(&number);
        match (self, currency.symbol()) {
            (Locale::En, Some(symbol)) => format!("{sign}{symbol}{number}"),
            _ => format!("{sign}{number} {}", self.text(unit(currency))),
        }
    }

    /// For currency menus: "Toman (IRT)", "تومان (IRT)". The code stays Latin: it is what
    /// invoices and banks print.
    pub fn currency_name(self, currency: Currency) -> String {
        format!("{} ({})", self.text(name(currency)), currency.code())
    }

    /// What this language calls `currency`: its name and its unit ("Toman", "tomans";
    /// «تومان»), as a spreadsheet's cell may name it.
    pub fn currency_words(self, currency: Currency) -> [&'static str; 2] {
        [self.text(name(currency)), self.text(unit(currency))]
    }

    /// A calendar date ("2026-11-23") for reading: "23 Nov 2026", or in Persian the Jalali
    /// "۲ آذر ۱۴۰۵". Text that is not a date is shown as it is.
    pub fn date(self, iso: &str) -> String {
        let Some(date) = calendar::parse_iso(iso) else {
            return iso.to_owned();
        };
        let (day, month, year) = match self {
            Locale::En => (
                date.day(),
                self.text(GREGORIAN_MONTHS[usize::from(u8::from(date.month())) - 1]),
                date.year(),
            ),
            Locale::Fa => match Jalali::from_gregorian(date) {
                Some(j) => (j.day, self.jalali_month(j.month), j.year),
                None => return iso.to_owned(),
            },
        };
        crate::fill!(
            self,
            Key::DateDayMonthYear,
            day = &self.digits(&day.to_string()),
            month = month,
            year = &self.digits(&year.to_string())
        )
    }

    /// A date as digits, the way the date field shows and accepts it: "2026-11-23" stays
    /// ISO in English; Persian gets "۱۴۰۵/۰۹/۰۲".
    pub fn date_numeric(self, iso: &str) -> String {
        match self {
            Locale::En => iso.to_owned(),
            Locale::Fa => {
                Jalali::from_iso(iso).map_or_else(|| iso.to_owned(), |j| self.digits(&j.numeric()))
            }
        }
    }

    /// "14:05", "۱۴:۰۵".
    pub fn time(self, hh_mm: &str) -> String {
        self.digits(hh_mm)
    }

    /// A date relative to today, when that reads better than the date: "today",
    /// "tomorrow", "in 3 days", "2 days ago". `None` beyond a week either way.
    pub fn relative_day(self, iso: &str, today: &str) -> Option<String> {
        let days = (calendar::parse_iso(iso)? - calendar::parse_iso(today)?).whole_days();
        let n = |key| self.count(key, days.abs());
        Some(match days {
            0 => self.text(Key::TodayLower).to_owned(),
            1 => self.text(Key::Tomorrow).to_owned(),
            -1 => self.text(Key::Yesterday).to_owned(),
            2..=7 => n(Key::InDays),
            -7..=-2 => n(Key::DaysAgo),
            _ => return None,
        })
    }

    /// A moment ("2026-11-22T10:04:05Z") as "just now", "5 min ago", "3 h ago", "2 days
    /// ago", or beyond a week its date and time on the reader's clock.
    pub fn moment(self, iso: &str, now: time::OffsetDateTime) -> String {
        let Ok(at) =
            time::OffsetDateTime::parse(iso, &time::format_description::well_known::Rfc3339)
        else {
            return iso.to_owned();
        };
        let elapsed = now - at;
        let n = |key, value: i64| self.format(key, &[("n", &self.number(value))]);
        match elapsed.whole_minutes() {
            ..=0 => self.text(Key::JustNow).to_owned(),
            minutes @ 1..=59 => n(Key::MinutesAgo, minutes),
            minutes @ 60..=1439 => n(Key::HoursAgo, minutes / 60),
            minutes if minutes < 2 * 1440 => self.text(Key::Yesterday).to_owned(),
            minutes if minutes < 7 * 1440 => self.count(Key::DaysAgo, minutes / 1440),
            _ => {
                let local = at.to_offset(now.offset());
                let hh_mm = format!("{:02}:{:02}", local.hour(), local.minute());
                format!(
                    "{} {}",
                    self.date(&calendar::iso(local.date())),
                    self.time(&hh_mm)
                )
            }
        }
    }

    /// A stage's name in this language if it is one of the defaults nobody renamed.
    pub fn stage_name(self, name: &str) -> String {
        match DEFAULT_STAGES.iter().find(|(english, _)| *english == name) {
            Some((_, key)) => self.text(*key).to_owned(),
            None => name.to_owned(),
        }
    }

    /// A month of the dashboard's calendar with its year: "Oct 2026", "مهر ۱۴۰۵".
    pub fn month_of(self, month: crate::dashboard::period::MonthOf) -> String {
        let name = self.month_name(month.calendar, month.month);
        format!("{name} {}", self.digits(&month.year.to_string()))
    }

    /// The name of month 1–12 of `calendar`.
    pub fn month_name(
        self,
        calendar: crate::dashboard::period::Calendar,
        month: u8,
    ) -> &'static str {
        match calendar {
            crate::dashboard::period::Calendar::Gregorian => {
                self.text(GREGORIAN_MONTHS[usize::from(month.clamp(1, 12)) - 1])
            }
            crate::dashboard::period::Calendar::Jalali => self.jalali_month(month),
        }
    }

    pub fn jalali_month(self, month: u8) -> &'static str {
        self.text(JALALI_MONTHS[usize::from(month.clamp(1, 12)) - 1])
    }
}

fn unit(currency: Currency) -> Key {
    match currency {
        Currency::USD => Key::UnitUSD,
        Currency::EUR => Key::UnitEUR,
        Currency::GBP => Key::UnitGBP,
        Currency::AED => Key::UnitAED,
        Currency::TRY => Key::UnitTRY,
        Currency::IRR => Key::UnitIRR,
        Currency::IRT => Key::UnitIRT,
    }
}

fn name(currency: Currency) -> Key {
    match currency {
        Currency::USD => Key::CurrencyUSD,
        Currency::EUR => Key::CurrencyEUR,
        Currency::GBP => Key::CurrencyGBP,
        Currency::AED => Key::CurrencyAED,
        Currency::TRY => Key::CurrencyTRY,
        Currency::IRR => Key::CurrencyIRR,
        Currency::IRT => Key::CurrencyIRT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn numbers_and_amounts_in_each_language() {
        assert_eq!(Locale::En.number(12_500), "12,500");
        assert_eq!(Locale::Fa.number(12_500), "۱۲٬۵۰۰");
        assert_eq!(Locale::Fa.percent(60), "۶۰٪");
        assert_eq!(
            Locale::Fa.amount(15_000_000, Currency::IRT),
            "۱۵٬۰۰۰٬۰۰۰ تومان"
        );
        assert_eq!(
            Locale::Fa.amount(150_000_000, Currency::IRR),
            "۱۵۰٬۰۰۰٬۰۰۰ ریال"
        );
        assert_eq!(Locale::Fa.amount(125_050, Currency::USD), "۱٬۲۵۰٫۵۰ دلار");
        assert_eq!(Locale::En.amount(125_050, Currency::EUR), "€1,250.50");
        assert_eq!(
            Locale::En.amount(15_000_000, Currency::IRT),
            "15,000,000 tomans"
        );
        assert_eq!(Locale::Fa.currency_name(Currency::IRT), "تومان (IRT)");
    }

    #[test]
    fn dates_in_each_calendar() {
        assert_eq!(Locale::En.date("2026-11-23"), "23 Nov 2026");
        assert_eq!(Locale::Fa.date("2026-11-23"), "۲ آذر ۱۴۰۵");
        assert_eq!(Locale::Fa.date("2024-03-20"), "۱ فروردین ۱۴۰۳");
        assert_eq!(Locale::Fa.date_numeric("2025-03-21"), "۱۴۰۴/۰۱/۰۱");
        assert_eq!(Locale::Fa.date("not a date"), "not a date");
        assert_eq!(Locale::Fa.time("09:30"), "۰۹:۳۰");
    }

    #[test]
    fn relative_days_and_moments() {
        let today = "2026-11-23";
        assert_eq!(
            Locale::Fa.relative_day("2026-11-26", today).as_deref(),
            Some("۳ روز دیگر")
        );
        assert_eq!(
            Locale::Fa.relative_day("2026-11-20", today).as_deref(),
            Some("۳ روز پیش")
        );
        assert_eq!(
            Locale::En.relative_day("2026-11-24", today).as_deref(),
            Some("tomorrow")
        );
        assert_eq!(Locale::En.relative_day("2026-12-24", today), None);
        let now = datetime!(2026-11-23 12:00 UTC);
        assert_eq!(Locale::En.moment("2026-11-23T11:55:00Z", now), "5 min ago");
        assert_eq!(Locale::Fa.moment("2026-11-20T12:00:00Z", now), "۳ روز پیش");
        assert_eq!(
            Locale::Fa.moment("2026-11-01T08:05:00Z", now),
            "۱۰ آبان ۱۴۰۵ ۰۸:۰۵"
        );
    }

    #[test]
    fn default_stage_names_are_translated_and_renamed_ones_kept() {
        assert_eq!(Locale::Fa.stage_name("Negotiation"), "مذاکره");
        assert_eq!(Locale::Fa.stage_name("Demo booked"), "Demo booked");
        assert_eq!(Locale::En.stage_name("Won"), "Won");
    }
}
