mod form;
mod list;
mod page;

pub use form::CompanyFormPage;
pub use list::CompaniesPage;
pub use page::CompanyPage;
