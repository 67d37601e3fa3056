//! A [`Sheet`] as an Excel workbook (Office Open XML, the `.xlsx` every spreadsheet program
//! opens): one worksheet, the heading row bold and frozen, numbers as numbers, days as dates,
//! right to left for a Persian reader. Written by hand — a zip of five small XML parts — rather
//! than through a workbook crate: this is all an export needs, and the zip's deflate and
//! checksum come from crates the server already builds.

use std::io::Write;

use super::sheet::{Cell, Sheet, day_number};

/// The workbook's bytes.
pub fn write(sheet: &Sheet) -> std::io::Result<Vec<u8>> {
    let mut zip = Zip::default();
    zip.add("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
    zip.add("_rels/.rels", ROOT_RELS.as_bytes())?;
    zip.add("xl/workbook.xml", workbook(&sheet.name).as_bytes())?;
    zip.add("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes())?;
    zip.add("xl/styles.xml", STYLES.as_bytes())?;
    zip.add("xl/worksheets/sheet1.xml", worksheet(sheet).as_bytes())?;
    zip.finish()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Style 0 plain, 1 a day (`yyyy-mm-dd`, read the same in every locale), 2 a bold heading.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

fn workbook(name: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(&sheet_name(name))
    )
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "Sheet1".to_owned()
    } else {
        clean
    }
}

fn worksheet(sheet: &Sheet) -> String {
    let mut xml = String::with_capacity(64 * (sheet.rows.len() + 1) * (sheet.headings.len() + 1));
    xml.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    xml.push_str(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    xml.push_str(r#"<sheetViews><sheetView workbookViewId="0""#);
    if sheet.right_to_left {
        xml.push_str(r#" rightToLeft="1""#);
    }
    xml.push_str(r#"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#);
    xml.push_str("<sheetData>");
    let headings: Vec<Cell> = sheet
        .headings
        .iter()
        .map(|h| Cell::text(h.as_str()))
        .collect();
    row(&mut xml, 1, &headings, true);
    for (i, cells) in sheet.rows.iter().enumerate() {
        row(&mut xml, i + 2, cells, false);
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

fn row(xml: &mut String, number: usize, cells: &[Cell], heading: bool) {
    use std::fmt::Write;
    let _ = write!(xml, r#"<row r="{number}">"#);
    for (i, cell) in cells.iter().enumerate() {
        let at = format!("{}{number}", column(i));
        let style = if heading { r#" s="2""# } else { "" };
        match cell {
            Cell::Empty => {}
            Cell::Number(n) => {
                let _ = write!(xml, r#"<c r="{at}"{style}><v>{n}</v></c>"#);
            }
            Cell::Date(day) => match day_number(day) {
                Some(serial) => {
                    let _ = write!(xml, r#"<c r="{at}" s="1"><v>{serial}</v></c>"#);
                }
                None => inline(xml, &at, style, day),
            },
            Cell::Text(text) => inline(xml, &at, style, text),
        }
    }
    xml.push_str("</row>");
}

fn inline(xml: &mut String, at: &str, style: &str, text: &str) {
    use std::fmt::Write;
    let _ = write!(
        xml,
        r#"<c r="{at}"{style} t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
        escape(text)
    );
}

/// The column's letters: 0 is A, 25 Z, 26 AA.
fn column(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

/// Text as XML character data; characters XML 1.0 cannot hold (control codes) are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A zip archive written in memory: deflated entries, then the central directory.
#[derive(Default)]
struct Zip {
    out: Vec<u8>,
    directory: Vec<u8>,
    entries: u16,
}

impl Zip {
    fn add(&mut self, name: &str, data: &[u8]) -> std::io::Result<()> {
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        deflate.write_all(data)?;
        let packed = deflate.finish()?;
        let crc = crc32fast::hash(data);
        let too_big = || std::io::Error::other("a workbook part over 4 GiB");
        let packed_len = u32::try_from(packed.len()).map_err(|_| too_big())?;
        let len = u32::try_from(data.len()).map_err(|_| too_big())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        // Shared by the local header and the directory: version 2.0, UTF-8 names, deflate,
        // 1980-01-01 00:00 (a fixed time, so one export's bytes do not depend on the clock).
        let mut common = Vec::with_capacity(26);
        common.extend_from_slice(&20u16.to_le_bytes());
        common.extend_from_slice(&0x0800u16.to_le_bytes());
        common.extend_from_slice(&8u16.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());
        common.extend_from_slice(&0x21u16.to_le_bytes());
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&packed_len.to_le_bytes());
        common.extend_from_slice(&len.to_le_bytes());
        common.extend_from_slice(&name_len.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes());

        self.out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&common);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&packed);

        self.directory
            .extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        self.directory.extend_from_slice(&20u16.to_le_bytes());
        self.directory.extend_from_slice(&common);
        // Comment length, disk, internal and external attributes, then where the entry is.
        self.directory.extend_from_slice(&[0; 10]);
        self.directory.extend_from_slice(&offset.to_le_bytes());
        self.directory.extend_from_slice(name.as_bytes());
        self.entries += 1;
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Vec<u8>> {
        let too_big = || std::io::Error::other("a workbook over 4 GiB");
        let at = u32::try_from(self.out.len()).map_err(|_| too_big())?;
        let size = u32::try_from(self.directory.len()).map_err(|_| too_big())?;
        self.out.extend_from_slice(&self.directory);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&[0; 4]);
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&self.entries.to_le_bytes());
        self.out.extend_from_slice(&size.to_le_bytes());
        self.out.extend_from_slice(&at.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> usize {
        u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize
    }

    fn u32_at(bytes: &[u8], at: usize) -> usize {
        u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize
    }

    /// Reads the archive back as an unzip does: from the central directory, each entry
    /// inflated and its checksum compared.
    fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
        let end = bytes.len() - 22;
        assert_eq!(u32_at(bytes, end), 0x0605_4b50, "end of central directory");
        let count = u16_at(bytes, end + 10);
        let mut at = u32_at(bytes, end + 16);
        let mut parts = BTreeMap::new();
        for _ in 0..count {
            assert_eq!(u32_at(bytes, at), 0x0201_4b50, "directory entry");
            let crc = u32_at(bytes, at + 16) as u32;
            let packed = u32_at(bytes, at + 20);
            let name_len = u16_at(bytes, at + 28);
            let local = u32_at(bytes, at + 42);
            let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(bytes, local), 0x0403_4b50, "local header of {name}");
            let data_at = local + 30 + u16_at(bytes, local + 26) + u16_at(bytes, local + 28);
            let mut text = String::new();
            flate2::read::DeflateDecoder::new(&bytes[data_at..data_at + packed])
                .read_to_string(&mut text)
                .unwrap();
            assert_eq!(crc32fast::hash(text.as_bytes()), crc, "checksum of {name}");
            parts.insert(name, text);
            at += 46 + name_len;
        }
        parts
    }

    #[test]
    fn a_workbook_holds_typed_cells_in_a_valid_zip() {
        let sheet = Sheet {
            name: "Deals: won/lost [2026]".into(),
            headings: vec!["Title".into(), "Value".into(), "Close".into()],
            rows: vec![
                vec![
                    Cell::text("Alborz <& co>"),
                    Cell::number("1250000.50"),
                    Cell::date("2024-01-01"),
                ],
                vec![Cell::text("=cmd\u{1}"), Cell::Empty, Cell::text("شرکت")],
            ],
            right_to_left: true,
        };
        let parts = unzip(&write(&sheet).unwrap());
        assert_eq!(
            parts.keys().collect::<Vec<_>>(),
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml"
            ]
        );
        assert!(
            parts["xl/workbook.xml"].contains(r#"<sheet name="Deals wonlost 2026" sheetId="1""#)
        );
        let cells = &parts["xl/worksheets/sheet1.xml"];
        assert!(cells.contains(r#"rightToLeft="1""#));
        assert!(
            cells
                .contains(r#"<c r="A1" s="2" t="inlineStr"><is><t xml:space="preserve">Title</t>"#)
        );
        assert!(cells.contains(r#"<t xml:space="preserve">Alborz &lt;&amp; co&gt;</t>"#));
        assert!(cells.contains(r#"<c r="B2"><v>1250000.50</v></c>"#));
        assert!(cells.contains(r#"<c r="C2" s="1"><v>45292</v></c>"#));
        // A formula typed into a record stays text; a control character is dropped.
        assert!(cells.contains(r#"<t xml:space="preserve">=cmd</t>"#));
        assert!(!cells.contains("<f>"));
        assert!(cells.contains(r#"<row r="3"><c r="A3""#));
        assert!(!cells.contains(r#"r="B3""#), "an empty cell is left out");
    }

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
        assert_eq!(sheet_name("::"), "Sheet1");
    }
}
