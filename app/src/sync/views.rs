//! The sync status control and the Sync issues page.
