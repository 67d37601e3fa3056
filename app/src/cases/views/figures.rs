//! The service figures page: managers see their team's, admins everyone's. Each count
//! opens the cases behind it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::cases::CaseFilter;
use crate::cases::figures::{Kept, PERIODS, ServiceFigures, Surveyed, figures_for_period};
use crate::i18n::{Key, Locale, t, use_locale};
use crate::ui::parts::{BackLink, loaded};

fn duration(locale: Locale, secs: Option<f64>) -> String {
    secs.map_or_else(
        || locale.text(Key::None_).to_owned(),
        |s| super::clock::working(locale, s.round() as i64),
    )
}

fn percent(locale: Locale, value: Option<i64>) -> String {
    value.map_or_else(|| locale.text(Key::None_).to_owned(), |p| locale.percent(p))
}

fn queue_link(filter: CaseFilter) -> String {
    format!("/cases?view=team&{}", filter.query())
}

#[component]
fn KeptCard(label: Key, kept: Kept, mean: Key) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="kpi">
            <p class="kpi-label">{t(label)}</p>
            <p class="kpi-value">{percent(locale, kept.met_percent())}</p>
            <p class="muted">{crate::fill!(locale, Key::OfCount, count = &locale.number(kept.count))}</p>
            <p class="muted">{t(mean)} ": " {duration(locale, kept.mean_secs)}</p>
        </div>
    }
}

#[component]
fn SurveyCard(
    label: Key,
    lead: Key,
    value: Option<i64>,
    counts: Surveyed,
    signed: bool,
) -> impl IntoView {
    let locale = use_locale();
    let shown = match value {
        Some(v) if signed && v > 0 => format!("+{}", locale.number(v)),
        Some(v) if signed => locale.number(v),
        Some(v) => locale.percent(v),
        None => locale.text(Key::NoAnswersYet).to_owned(),
    };
    let rate = crate::fill!(
        locale,
        Key::ResponseRate,
        answered = &locale.number(counts.answered),
        sent = &locale.number(counts.sent)
    );
    view! {
        <div class="kpi">
            <p class="kpi-label">{t(label)}</p>
            <p class="kpi-value">{shown}</p>
            <p class="muted">{t(lead)}</p>
            <p class="muted">{rate}</p>
        </div>
    }
}

#[component]
pub fn ServiceFiguresPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || {
        query
            .with(|q| q.get("days"))
            .and_then(|d| d.parse::<i64>().ok())
            .filter(|d| PERIODS.contains(d))
            .unwrap_or(30)
    };
    let data = Resource::new(days, figures_for_period);
    let locale = use_locale();
    let navigate = leptos_router::hooks::use_navigate();
    let periods = PERIODS
        .iter()
        .map(|d| {
            let d = *d;
            view! { <option value=d.to_string() selected=move || days() == d>{locale.count(Key::LastDays, d)}</option> }
        })
        .collect_view();
    view! {
        <main class="page">
            <BackLink href="/cases".into() label=t(Key::Cases) />
            <header class="page-head">
                <div>
                    <h1>{t(Key::ServiceFigures)}</h1>
                    <p class="muted">{t(Key::ServiceFiguresLead)}</p>
                </div>
                <label class="field compact">
                    <span>{t(Key::Period)}</span>
                    <select on:change=move |ev| navigate(&format!("/cases/figures?days={}", event_target_value(&ev)), Default::default())>
                        {periods}
                    </select>
                </label>
            </header>
            {loaded(data, |figures| view! { <Figures figures /> })}
        </main>
    }
}

#[component]
fn Figures(figures: ServiceFigures) -> impl IntoView {
    let locale = use_locale();
    let statuses = figures
        .open_by_status
        .iter()
        .map(|(status, n)| {
            let href = queue_link(CaseFilter { status: Some(*status), ..Default::default() });
            view! { <li><a class="row-link" href=href><span class="row-title">{t(status.label())}</span><span class="count">{locale.number(*n)}</span></a></li> }
        })
        .collect_view();
    let ages = [Key::AgeUnderDay, Key::AgeOneToThree, Key::AgeThreeToSeven, Key::AgeOverWeek]
        .into_iter()
        .zip(figures.open_by_age)
        .map(|(key, n)| view! { <li class="bar-row"><span>{t(key)}</span><span class="count">{locale.number(n)}</span></li> })
        .collect_view();
    let agents = figures
        .agents
        .iter()
        .map(|a| {
            let href = queue_link(CaseFilter {
                owner: Some(a.owner.clone()),
                ..Default::default()
            });
            view! {
                <tr>
                    <th scope="row"><a href=href>{a.name.clone()}</a></th>
                    <td>{locale.number(a.open)}</td>
                    <td data-overdue=(a.breached > 0).to_string()>{locale.number(a.breached)}</td>
                    <td>{locale.number(a.resolution.count)}</td>
                    <td>{percent(locale, a.resolution.met_percent())}</td>
                    <td>{duration(locale, a.resolution.mean_secs)}</td>
                </tr>
            }
        })
        .collect_view();
    let teams = figures
        .teams
        .iter()
        .map(|team| {
            let name = team
                .name
                .clone()
                .unwrap_or_else(|| t(Key::None_).to_owned());
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td>{locale.number(team.open)}</td>
                    <td>{locale.number(team.resolution.count)}</td>
                    <td>{percent(locale, team.resolution.met_percent())}</td>
                    <td>{duration(locale, team.resolution.mean_secs)}</td>
                </tr>
            }
        })
        .collect_view();
    let categories = figures
        .categories
        .iter()
        .map(|c| {
            let name = c.category.clone().unwrap_or_else(|| t(Key::NoCategory).to_owned());
            let link = c.category.clone().map(|category| queue_link(CaseFilter { category: Some(category), ..Default::default() }));
            view! {
                <tr>
                    <th scope="row">{match link { Some(href) => view! { <a href=href>{name}</a> }.into_any(), None => name.into_any() }}</th>
                    <td>{locale.number(c.complaints)}</td>
                    <td>{locale.number(c.resolution.count)}</td>
                    <td>{percent(locale, c.resolution.met_percent())}</td>
                </tr>
            }
        })
        .collect_view();
    let causes = figures
        .root_causes
        .iter()
        .map(|(cause, n)| view! { <li class="bar-row"><span dir="auto">{cause.clone()}</span><span class="count">{locale.number(*n)}</span></li> })
        .collect_view();
    let open_total: i64 = figures.open_by_status.iter().map(|(_, n)| n).sum();
    view! {
        <section class="kpis" aria-label=t(Key::ServiceFigures)>
            <KeptCard label=Key::ResponseMet kept=figures.response.clone() mean=Key::MeanResponse />
            <KeptCard label=Key::ResolutionMet kept=figures.resolution.clone() mean=Key::MeanResolution />
            <SurveyCard label=Key::Csat lead=Key::CsatLead value=figures.csat.csat_percent() counts=figures.csat.clone() signed=false />
            <SurveyCard label=Key::Nps lead=Key::NpsLead value=figures.nps.nps() counts=figures.nps.clone() signed=true />
        </section>
        <div class="split">
            <section class="panel">
                <h2>{t(Key::OpenCases)} " " <span class="muted">{locale.number(open_total)}</span></h2>
                <ul class="rows">{statuses}</ul>
            </section>
            <section class="panel">
                <h2>{t(Key::OpenByAge)}</h2>
                <ul class="bars">{ages}</ul>
            </section>
        </div>
        <section class="panel">
            <h2>{t(Key::ByAgent)}</h2>
            <div class="table-scroll">
                <table class="data">
                    <thead><tr>
                        <th scope="col">{t(Key::Agent)}</th>
                        <th scope="col">{t(Key::OpenCases)}</th>
                        <th scope="col">{t(Key::Breached)}</th>
                        <th scope="col">{t(Key::ResolvedCount)}</th>
                        <th scope="col">{t(Key::InTime)}</th>
                        <th scope="col">{t(Key::MeanResolution)}</th>
                    </tr></thead>
                    <tbody>{agents}</tbody>
                </table>
            </div>
        </section>
        <section class="panel">
            <h2>{t(Key::ByTeam)}</h2>
            <div class="table-scroll">
                <table class="data">
                    <thead><tr>
                        <th scope="col">{t(Key::Team)}</th>
                        <th scope="col">{t(Key::OpenCases)}</th>
                        <th scope="col">{t(Key::ResolvedCount)}</th>
                        <th scope="col">{t(Key::InTime)}</th>
                        <th scope="col">{t(Key::MeanResolution)}</th>
                    </tr></thead>
                    <tbody>{teams}</tbody>
                </table>
            </div>
        </section>
        <div class="split">
            <section class="panel">
                <h2>{t(Key::ByCategory)}</h2>
                <div class="table-scroll">
                    <table class="data">
                        <thead><tr>
                            <th scope="col">{t(Key::Category)}</th>
                            <th scope="col">{t(Key::Complaints)}</th>
                            <th scope="col">{t(Key::ResolvedCount)}</th>
                            <th scope="col">{t(Key::InTime)}</th>
                        </tr></thead>
                        <tbody>{categories}</tbody>
                    </table>
                </div>
            </section>
            <section class="panel">
                <h2>{t(Key::RootCauses)}</h2>
                {figures.root_causes.is_empty().then(|| view! { <p class="muted">{t(Key::NothingYet)}</p> })}
                <ul class="bars">{causes}</ul>
            </section>
        </div>
    }
}
