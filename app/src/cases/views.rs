mod clock;
mod figures;
mod form;
mod intake;
mod page;
mod queue;
mod settings;
mod survey;

pub use clock::{BreachAlert, CaseRows, CustomerCases, SlaBadge};
pub use figures::ServiceFiguresPage;
pub use form::CaseFormPage;
pub use intake::{ComplaintPage, ComplaintSentPage};
pub use page::CasePage;
pub use queue::CasesPage;
pub use settings::ServiceSettingsPage;
pub use survey::{
    CustomerSatisfaction, SurveyLinkPanel, SurveyMaker, SurveyPage, SurveyThanksPage,
};
