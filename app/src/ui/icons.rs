//! A few inline SVG icons: no icon font to download, and they inherit the text colour.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub enum Icon {
    Dashboard,
    Table,
    Today,
    Pipeline,
    Company,
    Contact,
    SignOut,
    Settings,
    Phone,
    Mail,
    Map,
    Plus,
    Back,
    Next,
    Case,
    Search,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Dashboard => "M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z",
            Icon::Table => {
                "M3 4h18v16H3V4zm2 2v3h14V6H5zm0 5v3h6v-3H5zm8 0v3h6v-3h-6zm-8 5v2h6v-2H5zm8 0v2h6v-2h-6z"
            }
            Icon::Today => {
                "M7 2v2H5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2h-2V2h-2v2H9V2H7zm-2 7h14v10H5V9zm2 2v2h2v-2H7z"
            }
            // An inbox tray: what customers bring in.
            Icon::Case => {
                "M4 3h16a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zm1 2v9h4a3 3 0 0 0 6 0h4V5H5z"
            }
            Icon::Search => {
                "M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z"
            }
            Icon::Pipeline => "M3 4h5v16H3V4zm6.5 0h5v11h-5V4zM16 4h5v7h-5V4z",
            Icon::Company => {
                "M3 21V5l8-3v6l10 3v10H3zm2-2h4v-2H5v2zm0-4h4v-2H5v2zm0-4h4V9H5v2zm8 8h6v-2h-6v2zm0-4h6v-2h-6v2z"
            }
            Icon::Contact => {
                "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-4 0-8 2-8 5v1h16v-1c0-3-4-5-8-5z"
            }
            Icon::SignOut => {
                "M10 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h5v-2H5V5h5V3zm6 4-1.4 1.4 2.6 2.6H9v2h8.2l-2.6 2.6L16 17l5-5-5-5z"
            }
            Icon::Settings => {
                "M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3.3h-4l-.4 2.6a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.7 1.7 1l.4 2.6h4l.4-2.6c.6-.3 1.2-.6 1.7-1l2.5 1 2-3.5-2.1-1.6zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z"
            }
            Icon::Phone => {
                "M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"
            }
            Icon::Mail => {
                "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm0 4v10h16V8l-8 5-8-5zm0-2 8 5 8-5H4z"
            }
            Icon::Map => {
                "M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z"
            }
            Icon::Plus => "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6V5z",
            Icon::Back => "M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2z",
            Icon::Next => "M4 11h12.2l-5.6-5.6L12 4l8 8-8 8-1.4-1.4 5.6-5.6H4v-2z",
        }
    }

    /// Arrows point the way text flows, so they flip in right-to-left layouts.
    fn directional(self) -> bool {
        matches!(self, Icon::Back | Icon::Next)
    }

    pub fn view(self) -> impl IntoView {
        let class = if self.directional() {
            "icon flip-rtl"
        } else {
            "icon"
        };
        view! {
            <svg class=class viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d=self.path() fill="currentColor" />
            </svg>
        }
    }
}
