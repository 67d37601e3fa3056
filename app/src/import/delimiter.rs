//! A CSV's delimiter, found from its first lines: the candidate that splits them into the
//! same number of fields (more than one), outside quotes; the most fields wins a tie.

pub const CANDIDATES: [char; 4] = [',', ';', '\t', '|'];

pub fn detect(text: &str) -> char {
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (',', 0usize, 0usize);
    for candidate in CANDIDATES {
        let counts: Vec<usize> = lines.iter().map(|l| fields(l, candidate)).collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|c| **c == first).count();
        if (agreeing, first) > (best.1, best.2) {
            best = (candidate, agreeing, first);
        }
    }
    best.0
}

/// Fields on one line split by `delimiter`, not counting delimiters inside double quotes.
fn fields(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut count = 1;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_that_splits_every_line_alike_is_chosen() {
        assert_eq!(detect("name,phone\nAli,0912\n"), ',');
        assert_eq!(detect("نام;تلفن;ایمیل\nعلی;0912;a@b.ir\n"), ';');
        assert_eq!(detect("name\tcity\nAli, Reza\tTehran\n"), '\t');
        // Commas inside quotes are part of a value, not delimiters.
        assert_eq!(
            detect("name;note\n\"Ali, Reza\";\"a, b, c\"\nSara;x\n"),
            ';'
        );
        assert_eq!(detect("a|b|c\n1|2|3\n"), '|');
        // One column, or nothing: a comma, the default.
        assert_eq!(detect("name\nAli\n"), ',');
        assert_eq!(detect(""), ',');
    }
}
