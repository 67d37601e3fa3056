//! Which field each column of a spreadsheet most likely fills, from its heading: English and
//! Persian names as people write them ("E-mail", «ایمیل», «پست الکترونیک», "Mobile",
//! «شماره همراه»…), compared folded (case, Arabic and Persian letters, spaces and
//! punctuation). Only the kind's declared fields are suggested, each to one column; a second
//! phone or e-mail column fills the second phone or e-mail field. The user can change each.

use crate::kinds::Table;

/// Headings people give each field, folded by [`key`] before comparing.
const NAMES: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "name",
            "full name",
            "company",
            "company name",
            "contact",
            "contact name",
            "customer",
            "organisation",
            "organization",
            "account",
            "نام",
            "نام و نام خانوادگی",
            "نام کامل",
            "نام شرکت",
            "شرکت",
            "مشتری",
            "نام مشتری",
            "نام مخاطب",
            "مخاطب",
        ],
    ),
    (
        "title",
        &[
            "title",
            "job title",
            "position",
            "role",
            "deal",
            "deal name",
            "سمت",
            "عنوان",
            "عنوان شغلی",
            "معامله",
        ],
    ),
    (
        "industry",
        &["industry", "sector", "صنعت", "حوزه فعالیت", "زمینه فعالیت"],
    ),
    (
        "phone",
        &[
            "phone",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "phone number",
            "mobile number",
            "تلفن",
            "موبایل",
            "همراه",
            "شماره تماس",
            "شماره تلفن",
            "شماره همراه",
            "تلفن همراه",
        ],
    ),
    (
        "email",
        &[
            "email",
            "e-mail",
            "mail",
            "email address",
            "ایمیل",
            "پست الکترونیک",
            "رایانامه",
            "نشانی ایمیل",
        ],
    ),
    (
        "website",
        &[
            "website",
            "web",
            "site",
            "url",
            "web site",
            "وبسایت",
            "وب سایت",
            "سایت",
            "تارنما",
        ],
    ),
    ("address", &["address", "street", "آدرس", "نشانی"]),
    (
        "company",
        &[
            "company",
            "company name",
            "organisation",
            "organization",
            "account",
            "شرکت",
            "نام شرکت",
            "سازمان",
        ],
    ),
    (
        "contact",
        &[
            "contact",
            "contact name",
            "person",
            "مخاطب",
            "نام مخاطب",
            "شخص",
        ],
    ),
    (
        "value",
        &[
            "value",
            "amount",
            "deal value",
            "price",
            "مبلغ",
            "ارزش",
            "مبلغ معامله",
            "قیمت",
        ],
    ),
    ("currency", &["currency", "واحد پول", "ارز"]),
    (
        "stage",
        &["stage", "status", "pipeline stage", "مرحله", "وضعیت"],
    ),
    (
        "expected_close",
        &[
            "expected close",
            "close date",
            "closing date",
            "expected close date",
            "تاریخ بستن",
            "تاریخ پیش بینی بستن",
            "تاریخ قرارداد",
        ],
    ),
    (
        "next_step",
        &["next step", "next action", "گام بعدی", "اقدام بعدی"],
    ),
    (
        "source",
        &["source", "lead source", "channel", "منبع", "منبع سرنخ"],
    ),
    (
        "lost_reason",
        &[
            "lost reason",
            "reason lost",
            "دلیل از دست رفتن",
            "دلیل شکست",
        ],
    ),
    (
        "kind",
        &["type", "activity type", "kind", "نوع", "نوع فعالیت"],
    ),
    ("subject", &["subject", "activity", "موضوع", "فعالیت"]),
    (
        "body",
        &[
            "notes",
            "note",
            "details",
            "description",
            "body",
            "یادداشت",
            "توضیحات",
            "شرح",
        ],
    ),
    (
        "due_date",
        &["due", "due date", "date", "سررسید", "تاریخ", "تاریخ سررسید"],
    ),
    ("due_time", &["time", "due time", "ساعت", "زمان"]),
    ("done", &["done", "completed", "انجام شده", "انجام"]),
    (
        "deal",
        &["deal", "deal name", "deal title", "معامله", "عنوان معامله"],
    ),
    (
        "stage_since",
        &[
            "won on",
            "closed on",
            "date won",
            "date closed",
            "won date",
            "stage since",
            "in stage since",
            "تاریخ برد",
            "تاریخ بسته شدن",
            "بسته شده در",
        ],
    ),
    (
        "owner",
        &[
            "owner",
            "account owner",
            "assigned to",
            "sales rep",
            "salesperson",
            "rep",
            "مسئول",
            "مالک",
            "کارشناس فروش",
            "فروشنده",
        ],
    ),
];

/// A heading folded for comparison: Persian-aware letters and digits, lower case, and
/// anything that is not a letter or digit (spaces, dashes, the zero-width non-joiner) removed.
fn key(heading: &str) -> String {
    crate::text::fold(heading)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// For each heading, the field of `table` it most likely fills, if any.
pub fn suggest(table: Table, headings: &[String]) -> Vec<Option<&'static str>> {
    let declared: Vec<&'static str> = super::fields(table).iter().map(|f| f.name).collect();
    // A kind's own name comes first: a contact's "Name" is its name, a deal's "Title" its
    // title, and "Company" on a contact is its company, not its name.
    let named = table.name_field();
    let mut taken: Vec<&'static str> = Vec::new();
    headings
        .iter()
        .map(|heading| {
            let heading = key(heading);
            let mut fits = NAMES
                .iter()
                .filter(|(_, names)| names.iter().any(|n| key(n) == heading))
                .map(|(field, _)| *field)
                .filter(|field| declared.contains(field))
                .collect::<Vec<_>>();
            // The name field only when nothing more particular fits ("Company" on a deal is
            // its company; on a company, its name).
            fits.sort_by_key(|f| *f == named);
            let field = fits.into_iter().find_map(|field| {
                if !taken.contains(&field) {
                    return Some(field);
                }
                // A second phone or e-mail column: the kind's second one, if declared.
                declared
                    .iter()
                    .copied()
                    .find(|d| d.strip_suffix('2') == Some(field) && !taken.contains(d))
            });
            if let Some(field) = field {
                taken.push(field);
            }
            field
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn english_and_persian_headings_fill_the_kinds_fields() {
        assert_eq!(
            suggest(
                Table::Contact,
                &headings(&[
                    "Full Name",
                    "Job-Title",
                    "Company",
                    "Mobile",
                    "Tel",
                    "E-mail",
                    "Notes"
                ])
            ),
            [
                Some("name"),
                Some("title"),
                Some("company"),
                Some("phone"),
                Some("phone2"),
                Some("email"),
                None
            ]
        );
        assert_eq!(
            suggest(
                Table::Contact,
                &headings(&[
                    "نام و نام خانوادگی",
                    "سمت",
                    "نام شرکت",
                    "شماره\u{200c}همراه",
                    "ايميل",
                    "آدرس"
                ])
            ),
            [
                Some("name"),
                Some("title"),
                Some("company"),
                Some("phone"),
                Some("email"),
                None
            ],
            "Persian headings, a zero-width non-joiner, an Arabic yeh"
        );
        assert_eq!(
            suggest(
                Table::Company,
                &headings(&["Company Name", "Industry", "Phone", "Website", "نشانی"])
            ),
            [
                Some("name"),
                Some("industry"),
                Some("phone"),
                Some("website"),
                Some("address")
            ]
        );
        assert_eq!(
            suggest(
                Table::Deal,
                &headings(&[
                    "Deal",
                    "Company",
                    "Amount",
                    "Currency",
                    "Stage",
                    "Close date"
                ])
            ),
            [
                Some("title"),
                Some("company"),
                Some("value"),
                Some("currency"),
                Some("stage"),
                Some("expected_close")
            ]
        );
    }

    #[test]
    fn a_field_is_suggested_once_and_unknown_headings_for_none() {
        assert_eq!(
            suggest(
                Table::Company,
                &headings(&["Name", "Company", "Phone", "Phone", "Phone", "Colour"])
            ),
            [Some("name"), None, Some("phone"), None, None, None]
        );
        assert_eq!(suggest(Table::Company, &[]), Vec::<Option<&str>>::new());
    }
}
