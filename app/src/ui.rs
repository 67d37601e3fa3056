//! Building blocks shared by the screens.

pub mod fields;
pub mod icons;
pub mod parts;
