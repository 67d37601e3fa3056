mod clock;
mod form;
mod page;
mod queue;

pub use clock::{CaseRows, CustomerCases, SlaBadge};
pub use form::CaseFormPage;
pub use page::CasePage;
pub use queue::CasesPage;
