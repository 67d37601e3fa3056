//! The **Duplicates** page's scan: every company or contact the device holds compared with
//! the others by the rules used while typing (`super::reasons`), grouped. Records are only
//! compared within a shared key (an e-mail, a phone number's last ten digits, a name as
//! duplicates compare names), so the scan grows with the records, not with their pairs.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::{Probe, Reason, candidate, company_key, person_key, reasons};
use crate::kinds::Table;
use crate::sync::replica::Replica;

/// Pairs scoring below this are not shown: a similar name alone is a hint, not a finding.
pub const SHOWN_FROM: u32 = 60;
/// A key shared by more records than this says nothing about them ("info@", a switchboard).
const CROWDED: usize = 25;

/// One record of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    /// A contact's company, a company's address.
    pub detail: Option<String>,
}

/// Records that look like one: the best pair's score and every reason found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub table: Table,
    pub members: Vec<Member>,
    pub score: u32,
    pub reasons: Vec<Reason>,
}

struct Entry {
    member: Member,
    probe: Probe,
}

fn entries(replica: &Replica, table: Table) -> Vec<Entry> {
    match table {
        Table::Company => replica
            .companies
            .values()
            .map(|c| Entry {
                member: Member {
                    id: c.id.to_string(),
                    name: c.name.clone(),
                    detail: c.address.clone(),
                },
                probe: Probe {
                    name: c.name.clone(),
                    phones: c.phone.iter().cloned().collect(),
                    emails: c.email.iter().cloned().collect(),
                    website: c.website.clone().unwrap_or_default(),
                },
            })
            .collect(),
        _ => replica
            .contacts
            .values()
            .map(|c| Entry {
                member: Member {
                    id: c.id.to_string(),
                    name: c.name.clone(),
                    detail: c
                        .company
                        .as_ref()
                        .and_then(|id| replica.companies.get(id))
                        .map(|co| co.name.clone()),
                },
                probe: Probe {
                    name: c.name.clone(),
                    phones: c.phones.clone(),
                    emails: c.emails.clone(),
                    website: String::new(),
                },
            })
            .collect(),
    }
}

fn keys(probe: &Probe, name_key: fn(&str) -> String) -> Vec<String> {
    let mut keys: Vec<String> = probe
        .emails
        .iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .map(|e| format!("e:{e}"))
        .collect();
    for phone in &probe.phones {
        if let Some(key) = crate::text::phone_key(phone).filter(|k| k.len() >= 7) {
            let tail = &key[key.len().saturating_sub(10)..];
            keys.push(format!("p:{tail}"));
        }
    }
    let name = name_key(&probe.name);
    if !name.is_empty() {
        keys.push(format!("n:{name}"));
    }
    keys
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The groups of likely duplicates among `table`'s records held in `replica`, best first.
pub fn scan(replica: &Replica, table: Table) -> Vec<Group> {
    let entries = entries(replica, table);
    let name_key: fn(&str) -> String = if table == Table::Company {
        company_key
    } else {
        person_key
    };
    let mut buckets: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        for key in keys(&entry.probe, name_key) {
            buckets.entry(key).or_default().push(i);
        }
    }
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    for members in buckets
        .values()
        .filter(|m| m.len() > 1 && m.len() <= CROWDED)
    {
        for (n, a) in members.iter().enumerate() {
            for b in &members[n + 1..] {
                if a != b {
                    pairs.insert((*a.min(b), *a.max(b)));
                }
            }
        }
    }
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    let mut found: BTreeMap<usize, (u32, BTreeSet<Reason>)> = BTreeMap::new();
    let mut scored = Vec::new();
    for (a, b) in pairs {
        let other = &entries[b].probe;
        let phones: Vec<&str> = other.phones.iter().map(String::as_str).collect();
        let emails: Vec<&str> = other.emails.iter().map(String::as_str).collect();
        let website = (!other.website.is_empty()).then_some(other.website.as_str());
        let why = reasons(
            &entries[a].probe,
            name_key,
            &other.name,
            &phones,
            &emails,
            website,
        );
        let Some(pair) = candidate("", "", (None, None), why) else {
            continue;
        };
        if pair.score < SHOWN_FROM {
            continue;
        }
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        parent[ra.max(rb)] = ra.min(rb);
        scored.push((a, pair));
    }
    for (a, pair) in scored {
        let group = found.entry(root(&mut parent, a)).or_default();
        group.0 = group.0.max(pair.score);
        group.1.extend(pair.reasons);
    }
    let mut members: BTreeMap<usize, Vec<Member>> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let r = root(&mut parent, i);
        if found.contains_key(&r) {
            members.entry(r).or_default().push(entry.member.clone());
        }
    }
    let mut groups: Vec<Group> = found
        .into_iter()
        .map(|(r, (score, reasons))| {
            let mut members = members.remove(&r).unwrap_or_default();
            members.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            Group {
                table,
                members,
                score,
                reasons: reasons.into_iter().collect(),
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.members[0].name.cmp(&b.members[0].name))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::ContactFields;
    use crate::kinds::row::Row;
    use crate::sync::replica::Stamp;

    fn contact(id: &str, name: &str, phone: &str, email: &str) -> Row<ContactFields> {
        let stamp = Stamp {
            owner: "u".into(),
            team: None,
            created_at: String::new(),
            created_by: "u".into(),
            updated_at: String::new(),
            updated_by: "u".into(),
        };
        let list = |v: &str| (!v.is_empty()).then(|| v.to_owned()).into_iter().collect();
        Row {
            id: id.into(),
            rev: 1,
            fields: ContactFields {
                name: name.into(),
                phones: list(phone),
                emails: list(email),
                ..Default::default()
            },
            stamp,
        }
    }

    #[test]
    fn records_sharing_a_phone_or_an_email_group_and_a_lone_similar_name_does_not() {
        let mut replica = Replica::default();
        for row in [
            contact("a", "علي رضايي", "+989123456789", ""),
            contact("b", "علی رضایی", "۰۹۱۲۳۴۵۶۷۸۹", "ali@x.ir"),
            contact("c", "Ali R.", "", "ALI@x.ir"),
            contact("d", "Sara Karimi", "0935 111 2222", ""),
            contact("e", "Sara Karimi Tehrani", "", ""),
        ] {
            replica.contacts.insert(row.id.clone(), row);
        }
        let groups = scan(&replica, Table::Contact);
        assert_eq!(groups.len(), 1, "{groups:?}");
        let ids: Vec<&str> = groups[0].members.iter().map(|m| m.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            ["a", "b", "c"],
            "a–b by phone and name, b–c by e-mail"
        );
        assert_eq!(groups[0].score, 92, "a phone (80) and a name (60 / 5)");
        assert!(groups[0].reasons.contains(&Reason::SameEmail));
        assert!(groups[0].reasons.contains(&Reason::SamePhone));
        assert!(groups[0].reasons.contains(&Reason::SameName));
    }
}
