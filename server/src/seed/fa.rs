//! The Persian-speaking corner of the demo organisation: a rep whose screens are in Persian,
//! with customers named in Persian and deals in tomans, so the Persian app is seen with the
//! data it is made for.

use app::ids::new_id;
use serde_json::{Value, json};

use super::day;

pub const REP: (&str, &str, &str, Option<&str>, &str) = (
    "negar@example.com",
    "نگار رضایی",
    "rep",
    Some("North"),
    "fa",
);

const COMPANIES: [(&str, &str, &str); 6] = [
    ("بازرگانی آریا", "پخش", "تهران، خیابان ولیعصر، پلاک ۱۲۴"),
    (
        "فروشگاه\u{200C}های زنجیره\u{200C}ای نیکان",
        "خرده\u{200C}فروشی",
        "تهران، میدان ونک، برج نیکان",
    ),
    ("پخش مویرگی البرز", "پخش", "کرج، بلوار جمهوری، پلاک ۸"),
    (
        "صنایع غذایی مهرگان",
        "صنایع غذایی",
        "اصفهان، شهرک صنعتی مورچه\u{200C}خورت",
    ),
    (
        "داروخانه شبانه\u{200C}روزی شفا",
        "سلامت",
        "شیراز، خیابان زند، پلاک ۳۱",
    ),
    ("هتل پارسیان", "گردشگری", "مشهد، بلوار امام رضا، پلاک ۲۰۰"),
];

const PEOPLE: [(&str, &str); 8] = [
    ("علی محمدی", "مدیر خرید"),
    ("مریم حسینی", "مدیرعامل"),
    ("حسین کریمی", "کارشناس تدارکات"),
    ("زهرا موسوی", "مدیر فروشگاه"),
    ("محمد جعفری", "مدیر مالی"),
    ("فاطمه نوری", "مدیر بازرگانی"),
    ("امیر صادقی", "سرپرست انبار"),
    ("لیلا عباسی", "مدیر تدارکات"),
];

/// (company index, title, tomans, stage position, days to expected close)
const DEALS: [(usize, &str, i64, usize, i64); 8] = [
    (0, "قرارداد پخش سالانه", 1_200_000_000, 0, 40),
    (1, "تجهیز ۱۲ شعبه", 3_500_000_000, 2, 22),
    (2, "خط پخش مویرگی", 850_000_000, 1, 30),
    (3, "بسته\u{200C}بندی محصولات جدید", 640_000_000, 3, 9),
    (4, "نرم\u{200C}افزار انبارداری", 180_000_000, 2, 15),
    (5, "اشتراک سالانه", 95_000_000, 4, -12),
    (0, "تمدید قرارداد پشتیبانی", 240_000_000, 3, 5),
    (2, "ناوگان توزیع", 2_100_000_000, 5, -30),
];

/// (deal index, kind, subject, days from today, time)
const ACTIVITIES: [(usize, &str, &str, i64, Option<&str>); 8] = [
    (0, "call", "پیگیری پیش\u{200C}فاکتور", -1, Some("10:30")),
    (1, "meeting", "جلسه معرفی محصول", 0, Some("11:00")),
    (2, "task", "ارسال نمونه\u{200C}ها", 0, None),
    (3, "call", "هماهنگی زمان تحویل", 2, Some("09:00")),
    (4, "meeting", "بازدید از انبار", 6, Some("14:30")),
    (6, "task", "آماده کردن قرارداد تمدید", 1, None),
    (
        1,
        "note",
        "مشتری تخفیف ده درصدی خواست؛ با مدیر فروش هماهنگ شود.",
        0,
        None,
    ),
    (3, "call", "تماس با واحد مالی", -3, Some("15:00")),
];

pub struct Records {
    pub companies: Vec<Value>,
    pub contacts: Vec<Value>,
    pub deals: Vec<Value>,
    pub activities: Vec<Value>,
}

/// `stages` are the pipeline's stages in order, as the seed reads them.
pub fn records(owner: &Value, stages: &[Value]) -> Records {
    let companies: Vec<Value> = COMPANIES
        .iter()
        .enumerate()
        .map(|(i, (name, industry, address))| {
            json!({
                "id": new_id(), "name": name, "industry": industry, "phone": format!("+98 21 {:04} {:04}", 2200 + i * 37, 4100 + i * 53),
                "email": format!("info@company{}.example", i + 1), "website": format!("company{}.example.ir", i + 1),
                "address": address, "owner": owner,
            })
        })
        .collect();
    let mut contacts: Vec<Value> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, (name, title))| {
            json!({
                "id": new_id(), "name": name, "title": title, "company": companies[i % companies.len()]["id"],
                "phones": [format!("+98 912 {:03} {:04}", 310 + i * 7, 1200 + i * 91)], "emails": [format!("person{}@company{}.example", i + 1, i % companies.len() + 1)],
                "owner": owner,
            })
        })
        .collect();
    // Typed on an Arabic keyboard (yeh as «ي»), with the number in its international form:
    // the same person as «علی رضایی ۰۹۱۲۳۴۵۶۷۸۹» to anyone who reads Persian, which is what the
    // duplicate check must see too.
    contacts.push(json!({
        "id": new_id(), "name": "علي رضايي", "title": "کارشناس فروش", "company": companies[3]["id"],
        "phones": ["+989123456789"], "emails": [], "owner": owner,
    }));
    let deals: Vec<Value> = DEALS
        .iter()
        .map(|(company, title, tomans, stage, close)| {
            let stage = &stages[(*stage).min(stages.len() - 1)];
            let open = stage["outcome"] == "open";
            let company = &companies[*company];
            let contact = contacts.iter().find(|c| c["company"] == company["id"]).unwrap_or(&contacts[0]);
            let short = company["name"].as_str().unwrap_or_default().split(' ').nth(1).unwrap_or_default().to_owned();
            json!({
                "id": new_id(), "title": format!("{short} — {title}"), "value": tomans, "currency": "IRT",
                "stage": stage["id"], "probability": stage["probability"], "company": company["id"], "contact": contact["id"],
                "expected_close": day(*close),
                "lost_reason": (stage["outcome"] == "lost").then_some("قیمت رقیب پایین\u{200C}تر بود"),
                "next_step": open.then_some("ارسال پیش\u{200C}فاکتور نهایی"),
                "source": app::deals::source::DEFAULTS[title.len() % 6],
                "owner": owner,
            })
        })
        .collect();
    let activities = ACTIVITIES
        .iter()
        .map(|(deal, kind, subject, offset, time)| {
            let deal = &deals[*deal];
            json!({
                "id": new_id(), "kind": kind, "subject": subject, "body": null,
                "due_date": (*kind != "note").then(|| day(*offset)), "due_time": time,
                "done": *kind == "note", "deal": deal["id"], "contact": deal["contact"], "company": deal["company"], "owner": owner,
            })
        })
        .collect();
    Records {
        companies,
        contacts,
        deals,
        activities,
    }
}
