//! The filters above the figures: **Period**, **Team** and **Owner**. Each change goes
//! into the URL, so the browser's back button and a shared link give the same view.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::super::period::Period;
use super::super::{Dashboard, Filters};
use crate::error::{FieldErrors, Problem};
use crate::i18n::{Key, t};
use crate::ui::date_field::DateField;

fn period_label(period: &Period) -> Key {
    match period {
        Period::ThisMonth => Key::PeriodThisMonth,
        Period::ThisQuarter => Key::PeriodThisQuarter,
        Period::ThisYear => Key::PeriodThisYear,
        Period::LastMonth => Key::PeriodLastMonth,
        Period::LastQuarter => Key::PeriodLastQuarter,
        Period::LastYear => Key::PeriodLastYear,
        Period::Custom { .. } => Key::PeriodCustom,
    }
}

#[component]
pub fn FilterBar(dashboard: Dashboard) -> impl IntoView {
    let navigate = use_navigate();
    let filters = dashboard.filters.clone();
    let go = {
        let navigate = navigate.clone();
        move |next: Filters| navigate(&super::href(&next), Default::default())
    };
    let custom = RwSignal::new(matches!(filters.period, Period::Custom { .. }));
    let current = filters.period.code();
    let periods = Period::NAMED
        .iter()
        .chain(std::iter::once(&Period::Custom {
            from: time::Date::MIN,
            to: time::Date::MIN,
        }))
        .map(|p| {
            let code = p.code();
            view! { <option value=code selected=code == current>{t(period_label(p))}</option> }
        })
        .collect_view();
    let on_period = {
        let go = go.clone();
        let filters = filters.clone();
        move |ev| {
            let code = event_target_value(&ev);
            if code == "custom" {
                custom.set(true);
                return;
            }
            custom.set(false);
            go(Filters {
                period: Period::from_query(&code, None, None),
                ..filters.clone()
            });
        }
    };
    let choice = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(Into::into);
    let teams = dashboard.teams.clone();
    let team_options = teams
        .iter()
        .map(|team| {
            let selected = filters.team.as_deref() == Some(team.id.as_str());
            view! { <option value=team.id.to_string() selected=selected>{team.name.clone()}</option> }
        })
        .collect_view();
    let owners = dashboard
        .owners
        .iter()
        .filter(|o| filters.team.is_none() || o.team == filters.team)
        .map(|owner| {
            let selected = filters.owner.as_deref() == Some(owner.id.as_str());
            view! { <option value=owner.id.to_string() selected=selected>{owner.name.clone()}</option> }
        })
        .collect_view();
    let on_team = {
        let go = go.clone();
        let filters = filters.clone();
        move |ev| {
            go(Filters {
                team: choice(Some(&event_target_value(&ev))),
                // Someone outside the new team would leave the page empty.
                owner: None,
                ..filters.clone()
            })
        }
    };
    let on_owner = {
        let go = go.clone();
        let filters = filters.clone();
        move |ev| {
            go(Filters {
                owner: choice(Some(&event_target_value(&ev))),
                ..filters.clone()
            })
        }
    };
    // A manager has one team, a rep is one person: a choice of one is no choice.
    let show_teams = teams.len() > 1;
    let show_owners = dashboard.owners.len() > 1;
    view! {
        <form class="dash-filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="f-period">{t(Key::Period)}</label>
                <select id="f-period" name="period" on:change=on_period>{periods}</select>
            </div>
            {show_teams.then(|| view! {
                <div class="field">
                    <label for="f-team">{t(Key::Team)}</label>
                    <select id="f-team" name="team" on:change=on_team>
                        <option value="" selected=filters.team.is_none()>{t(Key::AllTeams)}</option>
                        {team_options}
                    </select>
                </div>
            })}
            {show_owners.then(|| view! {
                <div class="field">
                    <label for="f-owner">{t(Key::Owner)}</label>
                    <select id="f-owner" name="owner" on:change=on_owner>
                        <option value="" selected=filters.owner.is_none()>{t(Key::Everyone)}</option>
                        {owners}
                    </select>
                </div>
            })}
        </form>
        {move || custom.get().then(|| view! { <CustomRange filters=filters.clone() /> })}
    }
}

/// The first and last day of a custom period, checked before the URL changes.
#[component]
fn CustomRange(filters: Filters) -> impl IntoView {
    let navigate = use_navigate();
    let (from, to) = match &filters.period {
        Period::Custom { from, to } => (crate::calendar::iso(*from), crate::calendar::iso(*to)),
        _ => (String::new(), String::new()),
    };
    let from = RwSignal::new(from);
    let to = RwSignal::new(to);
    let errors = RwSignal::new(FieldErrors::default());
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = FieldErrors::default();
        let day = |found: &mut FieldErrors, name: &str, value: String| {
            let date = crate::validate::date(found, name, &value)
                .and_then(|d| crate::calendar::parse_iso(d.as_str()));
            if date.is_none() && found.get(name).is_none() {
                found.add(name, Problem::Required);
            }
            date
        };
        let first = day(&mut found, "from", from.get_untracked());
        let last = day(&mut found, "to", to.get_untracked());
        if let (Some(first), Some(last)) = (first, last)
            && last < first
        {
            found.add("to", Problem::EndBeforeStart);
        }
        errors.set(found.clone());
        if let (Some(from), Some(to), true) = (first, last, found.is_empty()) {
            let next = Filters {
                period: Period::Custom { from, to },
                ..filters.clone()
            };
            navigate(&super::href(&next), Default::default());
        } else {
            crate::ui::fields::focus_first_invalid();
        }
    };
    view! {
        <form class="dash-custom form" novalidate on:submit=apply>
            <DateField label=Key::PeriodStart name="from" value=from errors />
            <DateField label=Key::PeriodEnd name="to" value=to errors />
            <div class="form-actions">
                <button type="submit" class="button primary">{t(Key::Apply)}</button>
            </div>
        </form>
    }
}
