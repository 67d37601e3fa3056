//! **Export**: what a list or table shows, every row of it and only what its reader may see,
//! as a CSV file (UTF-8 with a byte order mark, so spreadsheet programs read Persian as
//! Persian) or as an Excel workbook. The browser only links to it: the file is made on the
//! server, which holds every row, not just those on the device.

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;
#[cfg(feature = "ssr")]
pub mod xlsx;

/// The two kinds of file an export makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Xlsx];

    pub const fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn from_extension(extension: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == extension)
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `a=1&b=x%20y` as pairs, `+` as a space: how a list's filters reach its export.
pub fn url_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = text
                    .get(i + 1..i + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match byte {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_is_read_back() {
        let pairs = url_pairs("q=Alborz%20%26%20co&stalled=1&x&bad=%zz");
        assert_eq!(
            pairs,
            [
                ("q".to_owned(), "Alborz & co".to_owned()),
                ("stalled".to_owned(), "1".to_owned()),
                ("x".to_owned(), String::new()),
                ("bad".to_owned(), "%zz".to_owned()),
            ]
        );
        let persian = "شرکت البرز & co";
        assert_eq!(
            url_pairs(&format!("q={}", crate::text::url_encode(persian)))[0].1,
            persian
        );
    }

    #[test]
    fn formats_are_named_by_their_extension() {
        for format in Format::ALL {
            assert_eq!(Format::from_extension(format.extension()), Some(format));
        }
        assert_eq!(Format::from_extension("xls"), None);
    }
}
