mod board;
mod form;
mod page;
pub mod rows;

pub use board::PipelinePage;
pub use form::DealFormPage;
pub use page::DealPage;
pub use rows::DealRows;
