//! Amounts are whole minor units (cents; rials and tomans have none), never floats.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Currency {
    #[default]
    USD,
    EUR,
    GBP,
    AED,
    TRY,
    /// Iranian rial.
    IRR,
    /// Toman: ten rials, the unit Iranians quote prices in. Not an ISO code.
    IRT,
}

impl Currency {
    pub const ALL: [Currency; 7] = [
        Currency::USD,
        Currency::EUR,
        Currency::GBP,
        Currency::AED,
        Currency::TRY,
        Currency::IRR,
        Currency::IRT,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
            Currency::AED => "AED",
            Currency::TRY => "TRY",
            Currency::IRR => "IRR",
            Currency::IRT => "IRT",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn decimals(self) -> u32 {
        match self {
            Currency::IRR | Currency::IRT => 0,
            _ => 2,
        }
    }

    pub fn symbol(self) -> Option<&'static str> {
        match self {
            Currency::USD => Some("$"),
            Currency::EUR => Some("€"),
            Currency::GBP => Some("£"),
            _ => None,
        }
    }
}

/// Largest amount accepted, in minor units; keeps sums far from i64 overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseAmountError {
    Invalid,
    Negative,
    TooLarge,
}

/// Parses what a person types ("12,500.50", "12500", "۱۲٬۵۰۰") into minor units.
pub fn parse_amount(input: &str, currency: Currency) -> Result<i64, ParseAmountError> {
    let cleaned: String = crate::text::ascii_digits(input.trim())
        .chars()
        // Grouping as people type it: commas (Latin or Arabic), spaces, underscores.
        .filter(|c| !matches!(c, ',' | '\u{060C}' | ' ' | '\u{00A0}' | '\u{202F}' | '_'))
        .collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    if cleaned.starts_with('-') {
        return Err(ParseAmountError::Negative);
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let decimals = currency.decimals() as usize;
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > decimals
    {
        return Err(ParseAmountError::Invalid);
    }
    let scale = 10_i64.pow(currency.decimals());
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| ParseAmountError::TooLarge)?
    };
    let frac_padded = format!("{frac:0<decimals$}");
    let frac: i64 = if decimals == 0 {
        0
    } else {
        frac_padded.parse().map_err(|_| ParseAmountError::Invalid)?
    };
    let total = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or(ParseAmountError::TooLarge)?;
    if total > MAX_MINOR {
        return Err(ParseAmountError::TooLarge);
    }
    Ok(total)
}

/// The amount as a person would type it back into the form, without grouping.
pub fn amount_input(minor: i64, currency: Currency) -> String {
    let scale = 10_i64.pow(currency.decimals());
    if currency.decimals() == 0 || minor % scale == 0 {
        (minor / scale).to_string()
    } else {
        format!(
            "{}.{:0width$}",
            minor / scale,
            minor % scale,
            width = currency.decimals() as usize
        )
    }
}

/// "12500000" as "12,500,000" (with the separator the language uses).
pub fn group_thousands(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// An amount taken apart for display: whole units in ASCII digits, and the minor units
/// when there are any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub negative: bool,
    pub whole: String,
    pub fraction: Option<String>,
}

pub fn figures(minor: i64, currency: Currency) -> Figures {
    let scale = 10_u64.pow(currency.decimals());
    let abs = minor.unsigned_abs();
    let fraction = abs % scale;
    Figures {
        negative: minor < 0,
        whole: (abs / scale).to_string(),
        fraction: (fraction != 0)
            .then(|| format!("{fraction:0width$}", width = currency.decimals() as usize)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_amount("12,500.5", Currency::USD), Ok(1_250_050));
        assert_eq!(parse_amount("12500", Currency::USD), Ok(1_250_000));
        assert_eq!(parse_amount(" 3 000 000 ", Currency::IRT), Ok(3_000_000));
        assert_eq!(parse_amount("۳٬۰۰۰٬۰۰۰", Currency::IRT), Ok(3_000_000));
        assert_eq!(parse_amount("١٢،٥٠٠٫٥", Currency::USD), Ok(1_250_050));
        assert_eq!(parse_amount("", Currency::USD), Ok(0));
        assert_eq!(parse_amount(".5", Currency::EUR), Ok(50));
        assert_eq!(
            parse_amount("-1", Currency::USD),
            Err(ParseAmountError::Negative)
        );
        assert_eq!(
            parse_amount("1.234", Currency::USD),
            Err(ParseAmountError::Invalid)
        );
        assert_eq!(
            parse_amount("1.5", Currency::IRR),
            Err(ParseAmountError::Invalid)
        );
        assert_eq!(
            parse_amount("abc", Currency::USD),
            Err(ParseAmountError::Invalid)
        );
        assert_eq!(
            parse_amount(".", Currency::USD),
            Err(ParseAmountError::Invalid)
        );
        assert_eq!(
            parse_amount("99999999999999999999", Currency::USD),
            Err(ParseAmountError::TooLarge)
        );
    }

    #[test]
    fn formats_and_round_trips() {
        let format_amount = |minor, currency| crate::i18n::Locale::En.amount(minor, currency);
        assert_eq!(format_amount(1_250_000, Currency::USD), "$12,500");
        assert_eq!(format_amount(125_050, Currency::EUR), "€1,250.50");
        assert_eq!(
            format_amount(15_000_000, Currency::IRT),
            "15,000,000 tomans"
        );
        assert_eq!(format_amount(0, Currency::GBP), "£0");
        for (minor, currency) in [
            (1_250_050, Currency::USD),
            (7, Currency::EUR),
            (42, Currency::IRR),
        ] {
            assert_eq!(
                parse_amount(&amount_input(minor, currency), currency),
                Ok(minor)
            );
        }
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(Currency::from_code(c.code()), Some(c));
        }
        assert_eq!(Currency::from_code("XXX"), None);
    }
}
