//! A [`Sheet`] as CSV: UTF-8 with a byte order mark, RFC 4180 quoting, CRLF line ends. A text
//! cell that starts like a formula is prefixed with `'`, so opening the file never runs what
//! someone typed into a record.

use super::sheet::{Cell, Sheet};

pub fn write(sheet: &Sheet) -> String {
    let mut out = String::from("\u{feff}");
    let headings: Vec<Cell> = sheet
        .headings
        .iter()
        .map(|h| Cell::text(h.as_str()))
        .collect();
    line(&mut out, &headings);
    for row in &sheet.rows {
        line(&mut out, row);
    }
    out
}

fn line(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quoted(cell));
    }
    out.push_str("\r\n");
}

fn quoted(cell: &Cell) -> String {
    let text = cell.as_text();
    let defused = match cell {
        Cell::Text(_)
            if text.starts_with(['=', '+', '-', '@', '\t', '\r'])
                && text.parse::<f64>().is_err() =>
        {
            format!("'{text}")
        }
        _ => text.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        let text = |s: &str| quoted(&Cell::text(s));
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("a, b"), "\"a, b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(quoted(&Cell::number("-12.5")), "-12.5");
        assert_eq!(text("-12.5"), "-12.5");
    }

    #[test]
    fn a_sheet_starts_with_a_byte_order_mark_and_ends_lines_with_crlf() {
        let sheet = Sheet {
            name: "Contacts".into(),
            headings: vec!["Name".into(), "Phone".into()],
            rows: vec![vec![Cell::text("علی رضایی"), Cell::text("+98 912")]],
            right_to_left: false,
        };
        assert_eq!(
            write(&sheet),
            "\u{feff}Name,Phone\r\nعلی رضایی,'+98 912\r\n"
        );
    }
}
