//! Building blocks shared by the screens.

pub mod date_field;
pub mod fields;
pub mod icons;
pub mod parts;
pub mod problems;
pub mod record_form;
pub mod record_list;
pub mod typed;
