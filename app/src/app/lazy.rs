//! Screens whose code the browser downloads only when someone opens them. The rep's first
//! load (sign-in, Today, the pipeline) carries none of it: `cargo leptos build --split`
//! moves everything only these views reach into chunks of their own, fetched on the first
//! visit and kept by the service worker for offline use.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A screen that loads its own data once drawn: the route needs nothing before its code.
macro_rules! lazy_screen {
    ($($route:ident => $page:path,)*) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_screen! {
    DealScreen => crate::deals::views::DealPage,
    DealFormScreen => crate::deals::views::DealFormPage,
    CompaniesScreen => crate::companies::views::CompaniesPage,
    CompanyScreen => crate::companies::views::CompanyPage,
    CompanyFormScreen => crate::companies::views::CompanyFormPage,
    ContactsScreen => crate::contacts::views::ContactsPage,
    ContactScreen => crate::contacts::views::ContactPage,
    ContactFormScreen => crate::contacts::views::ContactFormPage,
    ActivityFormScreen => crate::activities::views::ActivityFormPage,
    SettingsScreen => crate::settings::SettingsPage,
    SyncScreen => crate::sync::views::SyncPage,
    DashboardScreen => crate::dashboard::views::DashboardPage,
    DealsTableScreen => crate::deals::table::views::DealsTablePage,
    UsersScreen => crate::users::views::UsersPage,
    WelcomeScreen => crate::users::welcome::views::WelcomePage,
    CasesScreen => crate::cases::views::CasesPage,
    ServiceFiguresScreen => crate::cases::views::ServiceFiguresPage,
    CaseScreen => crate::cases::views::CasePage,
    CaseFormScreen => crate::cases::views::CaseFormPage,
    ComplaintScreen => crate::cases::views::ComplaintPage,
    ComplaintSentScreen => crate::cases::views::ComplaintSentPage,
    SurveyScreen => crate::cases::views::SurveyPage,
    ServiceSettingsScreen => crate::cases::views::ServiceSettingsPage,
    TrashScreen => crate::trash::views::TrashPage,
    ImportScreen => crate::import::views::ImportPage,
    DuplicatesScreen => crate::duplicates::page::DuplicatesPage,
    MergeScreen => crate::merge::views::MergePage,
    SearchScreen => crate::search::views::SearchPage,
    IncompleteScreen => crate::incomplete::views::IncompletePage,
    SurveyThanksScreen => crate::cases::views::SurveyThanksPage,
}
