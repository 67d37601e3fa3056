mod form;
mod list;
mod page;

pub use form::ContactFormPage;
pub use list::ContactsPage;
pub use page::ContactPage;
