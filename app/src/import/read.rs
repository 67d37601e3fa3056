//! An uploaded file's bytes as a heading row and data rows: decoded by its detected
//! encoding, split by its detected delimiter, cells trimmed, empty rows dropped. A file that
//! cannot be read as a table is refused before anything is stored.

use super::decode::{self, Encoding};
use crate::error::{AppError, Problem};

/// A file read as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub encoding: Encoding,
    pub delimiter: char,
    pub headings: Vec<String>,
    /// Each data row with its row number in the spreadsheet (the headings are row 1), padded
    /// or cut to the headings' width.
    pub rows: Vec<(usize, Vec<String>)>,
}

pub fn encoding_name(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf16Le => "UTF-16LE",
        Encoding::Utf16Be => "UTF-16BE",
        Encoding::Windows1256 => "windows-1256",
    }
}

/// The file's table. Refused as malformed: nothing but a heading, no heading at all, a
/// delimiter csv cannot take, text that is not in any encoding we know, or more than
/// [`super::MAX_ROWS`] rows.
pub fn read(bytes: &[u8]) -> Result<Table, AppError> {
    let malformed = || AppError::form(Problem::Malformed);
    let encoding = decode::detect(bytes);
    let (text, had_errors) = decode::decode(bytes, encoding);
    // A binary file (a workbook saved as .csv by its name only) decodes to replacement
    // characters or NULs; refuse it rather than import rubbish.
    if had_errors && encoding != Encoding::Windows1256 || text.contains('\0') {
        return Err(malformed());
    }
    let delimiter = super::delimiter::detect(&text);
    let byte = u8::try_from(delimiter).map_err(|_| malformed())?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(byte)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headings: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    // A row's number as the spreadsheet shows it: records counted from 1 (the headings),
    // empty ones too; a cell with line breaks is still one row.
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| malformed())?;
        let line = index + 1;
        let cells: Vec<String> = record.iter().map(cell).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match &headings {
            None => headings = Some(cells),
            Some(h) => {
                let mut cells = cells;
                cells.resize(h.len(), String::new());
                rows.push((line, cells));
                if rows.len() > super::MAX_ROWS {
                    return Err(AppError::form(Problem::TooMany {
                        max: super::MAX_ROWS as u32,
                    }));
                }
            }
        }
    }
    let headings = headings.ok_or_else(malformed)?;
    if rows.is_empty() || headings.iter().all(String::is_empty) {
        return Err(malformed());
    }
    Ok(Table {
        encoding,
        delimiter,
        headings,
        rows,
    })
}

/// A cell trimmed, and without the `'` an export puts before text that starts like a formula
/// (`'+98 912…`), so a file Hamrah wrote comes back as it was.
fn cell(raw: &str) -> String {
    let text = raw.trim();
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persian_windows_1256_file_with_semicolons_is_read() {
        // As Excel saves it on a Persian Windows: Arabic yeh and kaf, Latin digits.
        let text = "نام;تلفن;ايميل\r\nعلي رضايي;09123456789;ali@example.com\r\n;;\r\n\"شركت \"\"نمونه\"\"\";02188;\r\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(text);
        assert!(!unmappable);
        let table = read(&bytes).expect("read");
        assert_eq!(table.encoding, Encoding::Windows1256);
        assert_eq!(table.delimiter, ';');
        assert_eq!(table.headings, ["نام", "تلفن", "ايميل"]);
        let cells = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            table.rows,
            [
                (2, cells(&["علي رضايي", "09123456789", "ali@example.com"])),
                (4, cells(&["شركت \"نمونه\"", "02188", ""])),
            ],
            "the empty row is dropped, quotes undone, rows numbered as the spreadsheet shows them"
        );
    }

    #[test]
    fn a_utf16_file_with_tabs_and_short_rows_is_read() {
        let text = "\u{feff}Name\tPhone\tE-mail\nAcme\t+98 912\nBeta\t\tb@x.io\textra\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let table = read(&bytes).expect("read");
        assert_eq!(table.encoding, Encoding::Utf16Le);
        assert_eq!(table.delimiter, '\t');
        assert_eq!(table.headings, ["Name", "Phone", "E-mail"]);
        assert_eq!(table.rows[0].1, ["Acme", "+98 912", ""], "padded");
        assert_eq!(
            table.rows[1].1,
            ["Beta", "", "b@x.io"],
            "cut to the headings"
        );
    }

    #[test]
    fn an_exports_defused_cells_come_back_as_they_were() {
        let table = read(b"Name,Phone\n'=SUM(A1),'+98 912 345 6789\n'quoted',x\n").expect("read");
        assert_eq!(table.rows[0].1, ["=SUM(A1)", "+98 912 345 6789"]);
        assert_eq!(table.rows[1].1, ["'quoted'", "x"]);
    }

    #[test]
    fn what_is_not_a_table_is_refused() {
        for bytes in [
            &b""[..],
            b"Name,Phone\n",
            b"\n\n",
            b"PK\x03\x04\x00\x00\x00binary",
        ] {
            assert_eq!(
                read(bytes),
                Err(AppError::form(Problem::Malformed)),
                "{bytes:?}"
            );
        }
    }
}
