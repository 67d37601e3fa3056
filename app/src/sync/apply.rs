//! How the server takes one pushed change, as a pure decision, so the server and the
//! simulation in the property tests run the very same rules.

use std::collections::BTreeMap;

use super::clock::Hlc;
use super::merge::merge;
use super::replica::{Synced, fields_of, input_from, overlay};
use super::{Mutation, Outcome};
use crate::error::AppError;

/// What to answer a pushed change whose (device, number) was answered before: the same
/// answer if it says the same (a retry), a refusal if the number now carries other content
/// (two changes must never share one answer). `stored_digest` is `None` for answers stored
/// before digests were kept, which match anything.
pub fn recall(stored_digest: Option<&str>, stored: Outcome, digest: &str) -> Outcome {
    match stored_digest {
        Some(known) if known != digest => Outcome::Rejected {
            error: AppError::form(crate::error::Problem::ChangeNumberReused),
        },
        _ => stored,
    }
}

/// The record as the server has it, if the pushing user may see it.
pub struct Current<'a, R> {
    pub row: &'a R,
    pub rev: i64,
    pub clocks: &'a BTreeMap<String, Hlc>,
}

pub enum Plan<I> {
    /// Save `input` (validated and permission-checked by the save) with these clocks; answer
    /// `outcome` if it saves.
    Write {
        input: I,
        clocks: BTreeMap<String, Hlc>,
        outcome: Outcome,
    },
    /// Nothing to save.
    Answer(Outcome),
}

pub fn plan<R: Synced>(
    current: Option<Current<R>>,
    mutation: &Mutation,
    clock: &Hlc,
) -> Plan<R::Input> {
    let mut mine = mutation.fields.clone();
    mine.remove("id");
    mine.remove("rev");
    let rejected = |error: AppError| Plan::Answer(Outcome::Rejected { error });
    match (current, &mutation.base) {
        (None, None) => {
            let fields = overlay(fields_of(&R::Input::default()), &mine);
            let clocks = fields.keys().map(|k| (k.clone(), clock.clone())).collect();
            match input_from::<R::Input>(fields, &mutation.id, None) {
                Ok(input) => Plan::Write {
                    input,
                    clocks,
                    outcome: Outcome::Applied {
                        superseded: Vec::new(),
                    },
                },
                Err(error) => rejected(error),
            }
        }
        (None, Some(_)) => rejected(AppError::NotFound),
        (Some(current), base) => {
            // A create seen again (its answer was lost and not recorded) changes only what
            // still reads as it did.
            let base = base.clone().unwrap_or_else(|| mine.clone());
            let now = fields_of(&current.row.input());
            let merged = merge(&now, current.clocks, &base, &mine, clock, &R::guarded());
            let outcome = if merged.conflicts.is_empty() {
                Outcome::Applied {
                    superseded: merged.superseded.clone(),
                }
            } else {
                Outcome::Conflict {
                    fields: merged.conflicts.clone(),
                    superseded: merged.superseded.clone(),
                }
            };
            if merged.fields == now && merged.clocks == *current.clocks {
                return Plan::Answer(outcome);
            }
            match input_from::<R::Input>(merged.fields, &mutation.id, Some(current.rev)) {
                Ok(input) => Plan::Write {
                    input,
                    clocks: merged.clocks,
                    outcome,
                },
                Err(error) => rejected(error),
            }
        }
    }
}
