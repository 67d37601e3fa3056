//! **Import** of a spreadsheet's CSV of companies, contacts, deals or activities: the file is
//! uploaded once and kept in the database in chunks; its encoding, delimiter and each
//! column's likely field are recognised (Persian spreadsheets are exported as Windows-1256 or
//! UTF-16 as often as UTF-8, with semicolons or tabs as often as commas, and with Persian
//! headings); **Check** is a dry run of exactly what **Import** then does in the background,
//! a chunk per transaction, with its progress in the database (any server can report it, and
//! neither closing the page nor losing the server stops it); **Undo**, for a day, removes
//! what it created and puts back what it updated.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};
use crate::kinds::Table;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
pub mod cells;
#[cfg(feature = "ssr")]
pub mod decode;
#[cfg(feature = "ssr")]
pub mod delimiter;
pub mod headers;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod resume;
#[cfg(feature = "ssr")]
pub mod rows;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;
#[cfg(feature = "ssr")]
pub mod write;

/// The kinds a spreadsheet can bring in.
pub const KINDS: &[Table] = &[Table::Company, Table::Contact, Table::Deal, Table::Activity];

/// Whether rows of `table` are matched to existing records (customers and deals are; an
/// activity is an event, and two with one subject are two).
pub fn matches(table: Table) -> bool {
    matches!(table, Table::Company | Table::Contact | Table::Deal)
}

/// Whether the user chooses what rows of `table` are matched on (a deal is always matched
/// by its title at its company).
pub fn matched_on_choice(table: Table) -> bool {
    matches!(table, Table::Company | Table::Contact)
}
/// The largest file accepted (about 200,000 contacts of a usual spreadsheet).
pub const MAX_FILE: usize = 32 * 1024 * 1024;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 200_000;
/// Hours an import can be undone.
pub const UNDO_HOURS: i64 = 24;
/// Rows the page previews with their problems.
pub const PREVIEW_ROWS: usize = 10;

/// What an existing record is recognised by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchOn {
    #[default]
    Email,
    Phone,
    Name,
}

/// What a row that matches an existing record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnMatch {
    /// Leaves the record as it is; the row is skipped as a duplicate.
    #[default]
    Skip,
    /// Fills the record with the row's values (empty cells change nothing).
    Update,
}

/// How a file's rows become records: the field each column fills (`None`: not imported).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub columns: Vec<Option<String>>,
    pub match_on: MatchOn,
    pub on_match: OnMatch,
}

/// A file as it was read, with the mapping suggested for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub id: String,
    pub table: Table,
    pub file_name: String,
    /// "UTF-8", "UTF-16LE", "windows-1256"…
    pub encoding: String,
    pub delimiter: String,
    pub headings: Vec<String>,
    pub suggested: Vec<Option<String>>,
    pub rows: usize,
    /// The first rows, as the file has them.
    pub sample: Vec<Vec<String>>,
}

/// How many rows did (or would do) what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Tally {
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    pub refused: u64,
    /// Companies a contact row named that did not exist yet, made along with it.
    pub companies_created: u64,
}

/// What one row does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Create,
    /// Updates the record of this name.
    Update(String),
    /// The same record as the existing one of this name (or an earlier line's).
    Skip(Skipped),
    /// Refused, for each field's problem.
    Refuse(Vec<(String, Problem)>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Skipped {
    /// Matches an existing record (named).
    Existing(String),
    /// Matches an earlier line of the file.
    Line(usize),
}

/// A row the page shows: its line in the file, its cells and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowReport {
    pub line: usize,
    pub cells: Vec<String>,
    pub outcome: Outcome,
}

/// **Check**'s answer: what the whole file would do, and the first rows with their outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    pub tally: Tally,
    pub preview: Vec<RowReport>,
    /// Why rows are refused: each field's problem with how many rows have it.
    pub reasons: Vec<(String, Problem, u64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Uploaded,
    Running,
    Done,
    Failed,
    Undoing,
    Undone,
}

/// An import as its page and its progress stream show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    pub id: String,
    pub table: Table,
    pub file_name: String,
    pub state: State,
    pub rows: u64,
    pub done_rows: u64,
    pub tally: Tally,
    /// Records an undo left because someone changed them (or linked to them) since.
    pub kept: u64,
    pub at: String,
    pub by_name: String,
    /// Whether this user may undo it now.
    pub can_undo: bool,
}

impl Status {
    pub fn finished(&self) -> bool {
        matches!(self.state, State::Done | State::Failed | State::Undone)
    }
}

/// A refused row's problem with `field` in `locale`: "Email: Enter an email address…", or
/// the problem alone when it is about the whole row.
pub fn problem_text(
    locale: crate::i18n::Locale,
    table: Table,
    field: &str,
    problem: Problem,
) -> String {
    let problem = locale.problem(problem);
    if field == crate::error::FORM {
        problem
    } else {
        let label = locale.text(label(table, field));
        format!("{}: {problem}", crate::text::capitalised(label))
    }
}

/// Rules checked before a file is read: who may import, and which kinds.
pub fn may_import(actor: &crate::auth::Actor) -> Result<(), AppError> {
    match actor.role {
        crate::auth::Role::Admin | crate::auth::Role::Manager => Ok(()),
        crate::auth::Role::Rep => Err(AppError::Forbidden),
    }
}

/// The column that says who a new record belongs to (by name or e-mail): a manager moving a
/// team in from a spreadsheet gives each rep their customers. Not a form field: the form
/// makes its records the typist's.
pub const OWNER: crate::sync::replica::Field =
    crate::sync::replica::Field::new(crate::history::OWNER, crate::i18n::Key::FieldOwner);

/// The column that says since when a new deal has been in its stage: when a won or lost
/// deal closed, so last year's results count in last year's figures, not on the day of the
/// import. Not a form field: a save records the instant itself.
pub const SINCE: crate::sync::replica::Field =
    crate::sync::replica::Field::new("stage_since", crate::i18n::Key::ImportStageSince);

/// The fields a column of `table` may fill, in the form's order, then [`OWNER`] (and
/// [`SINCE`] for deals).
pub fn fields(table: Table) -> Vec<&'static crate::sync::replica::Field> {
    use crate::kinds::Visit;
    struct Fields;
    impl Visit for Fields {
        type Out = Vec<&'static crate::sync::replica::Field>;
        fn visit<R: crate::sync::replica::Synced>(self) -> Self::Out {
            let since: &[&crate::sync::replica::Field] = if R::TABLE == Table::Deal {
                &[&SINCE]
            } else {
                &[]
            };
            R::FIELDS
                .iter()
                .chain([&OWNER])
                .chain(since.iter().copied())
                .collect()
        }
    }
    table.visit(Fields)
}

/// A column's field as people read it, as the mapping names it.
pub fn label(table: Table, field: &str) -> crate::i18n::Key {
    fields(table)
        .iter()
        .find(|f| f.name == field)
        .map_or_else(|| crate::kinds::field_label(table, field), |f| f.label)
}

/// **Check**: the dry run of `plan` over every row of upload `id`; nothing is written.
#[server(endpoint = "import/check", input = Json)]
pub async fn check(id: String, plan: Plan) -> Result<Checked, AppError> {
    crate::server::respond(async move { ssr::check(&crate::server::cx().await?, &id, plan).await })
        .await
}

/// **Import**: runs `plan` over upload `id` in the background; answers at once.
#[server(endpoint = "import/start", input = Json)]
pub async fn start(id: String, plan: Plan) -> Result<Status, AppError> {
    crate::server::respond(async move {
        let state = crate::server::state()?;
        ssr::start(&crate::server::cx().await?, state.changes, &id, plan).await
    })
    .await
}

/// Where import `id` stands.
#[server(endpoint = "import/status", input = Json)]
pub async fn load_status(id: String) -> Result<Status, AppError> {
    crate::server::respond(async move { ssr::status(&crate::server::cx().await?, &id).await }).await
}

/// The imports this user may see (admins: all), newest first.
#[server(endpoint = "import/list", input = Json)]
pub async fn recent() -> Result<Vec<Status>, AppError> {
    crate::server::respond(async move { ssr::recent(&crate::server::cx().await?).await }).await
}

/// **Undo**: removes what import `id` created and puts back what it updated.
#[server(endpoint = "import/undo", input = Json)]
pub async fn undo(id: String) -> Result<Status, AppError> {
    crate::server::respond(async move {
        let state = crate::server::state()?;
        ssr::undo(&crate::server::cx().await?, state.changes, &id).await
    })
    .await
}
