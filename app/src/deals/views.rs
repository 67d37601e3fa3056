mod board;
mod form;
mod page;

pub use board::PipelinePage;
pub use form::DealFormPage;
pub use page::DealPage;
