mod form;
mod timeline;
mod today;

pub use form::ActivityFormPage;
pub use timeline::Timeline;
pub use today::TodayPage;
