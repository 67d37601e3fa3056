//! A file's text encoding, found from its bytes: a byte order mark if there is one, else
//! UTF-16 by its zero bytes, else UTF-8 if the bytes are valid UTF-8, else Windows-1256
//! (what Excel writes for "CSV" on a Persian Windows).

use encoding_rs::{Encoding as Codec, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1256,
}

impl Encoding {
    fn codec(self) -> &'static Codec {
        match self {
            Encoding::Utf8 => UTF_8,
            Encoding::Utf16Le => UTF_16LE,
            Encoding::Utf16Be => UTF_16BE,
            Encoding::Windows1256 => WINDOWS_1256,
        }
    }
}

/// The encoding of a file starting with `head` (its first few kilobytes are enough).
pub fn detect(head: &[u8]) -> Encoding {
    if let Some((codec, _)) = Codec::for_bom(head) {
        return if codec == UTF_16LE {
            Encoding::Utf16Le
        } else if codec == UTF_16BE {
            Encoding::Utf16Be
        } else {
            Encoding::Utf8
        };
    }
    // Text in UTF-16 has a zero byte in most ASCII characters' pairs: on odd positions when
    // little-endian, on even ones when big-endian.
    let pairs = head.len() / 2;
    if pairs >= 2 {
        let zeros_at = |parity: usize| {
            head.chunks_exact(2)
                .filter(|pair| pair[parity] == 0 && pair[1 - parity] != 0)
                .count()
        };
        if zeros_at(1) * 3 > pairs {
            return Encoding::Utf16Le;
        }
        if zeros_at(0) * 3 > pairs {
            return Encoding::Utf16Be;
        }
    }
    if valid_utf8_prefix(head) {
        Encoding::Utf8
    } else {
        Encoding::Windows1256
    }
}

/// Valid UTF-8, allowing the head to end inside a character (it was cut, not the file).
fn valid_utf8_prefix(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && head.len() - error.valid_up_to() < 4,
    }
}

/// The whole file as text, without its byte order mark. Bytes that do not belong to the
/// encoding become U+FFFD, and the answer says whether there were any.
pub fn decode(bytes: &[u8], encoding: Encoding) -> (String, bool) {
    let (text, had_errors) = encoding.codec().decode_with_bom_removal(bytes);
    (text.into_owned(), had_errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERSIAN: &str = "نام,تلفن\r\nعلی رضایی,۰۹۱۲۳۴۵۶۷۸۹\r\nشرکت البرز,021-5551\r\n";

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    /// A file as Excel writes "CSV" on a Persian Windows: Windows-1256.
    fn windows_1256(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = WINDOWS_1256.encode(text);
        assert!(!unmappable, "the test text fits the code page");
        bytes.into_owned()
    }

    #[test]
    fn each_encoding_a_persian_spreadsheet_is_saved_in_is_recognised_and_read_back() {
        // Persian digits and the Persian yeh are not in Windows-1256: a spreadsheet saving in
        // that code page writes ASCII digits and the Arabic yeh.
        let latin_digits = "نام,تلفن\r\nعلي رضايي,09123456789\r\nشرکت البرز,021-5551\r\n";
        let files: Vec<(Vec<u8>, Encoding, &str)> = vec![
            (PERSIAN.as_bytes().to_vec(), Encoding::Utf8, PERSIAN),
            (
                [b"\xEF\xBB\xBF".as_slice(), PERSIAN.as_bytes()].concat(),
                Encoding::Utf8,
                PERSIAN,
            ),
            (utf16(PERSIAN, true, true), Encoding::Utf16Le, PERSIAN),
            (utf16(PERSIAN, false, true), Encoding::Utf16Be, PERSIAN),
            (
                utf16("name,phone\r\nAli,0912\r\n", true, false),
                Encoding::Utf16Le,
                "name,phone\r\nAli,0912\r\n",
            ),
            (
                windows_1256(latin_digits),
                Encoding::Windows1256,
                latin_digits,
            ),
        ];
        for (bytes, encoding, text) in files {
            let found = detect(&bytes[..bytes.len().min(4096)]);
            assert_eq!(found, encoding, "{text}");
            assert_eq!(decode(&bytes, found), (text.to_owned(), false));
        }
    }

    #[test]
    fn a_head_cut_inside_a_character_is_still_utf8() {
        let bytes = PERSIAN.as_bytes();
        let cut = &bytes[..5];
        assert!(
            std::str::from_utf8(cut).is_err(),
            "the cut is inside a letter"
        );
        assert_eq!(detect(cut), Encoding::Utf8);
    }
}
