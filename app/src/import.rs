//! **Import** of a spreadsheet's CSV (issue 14, in progress): what a file is before any row is
//! read — its encoding and delimiter — and which field each of its columns most likely fills.
//! Persian spreadsheets are exported as Windows-1256 or UTF-16 as often as UTF-8, with
//! semicolons or tabs as often as commas, and with Persian headings; each is recognised here.

#[cfg(feature = "ssr")]
pub mod decode;
#[cfg(feature = "ssr")]
pub mod delimiter;
pub mod headers;
