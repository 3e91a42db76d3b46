//! Shared text scanning: unwrapping folded lines and finding the pieces every bounce
//! format spells in roughly the same words (reply codes, enhanced status codes,
//! `host NAME[IP] said`, "in reply to RCPT TO command", addresses).
//!
//! One module per concern, all re-exported here so that `crate::text::NAME` names
//! every helper: [`lines`] (lines, unfolding, paragraphs), [`search`] (trimming and
//! case-insensitive search), [`address`] (addresses and type prefixes), [`codes`]
//! (reply and enhanced status codes) and [`hosts`] (remote hosts, SMTP commands and
//! the server's reply in a description).
//!
//! Everything here is linear in the input (a constant number of passes), works on
//! `&str` positions that are always char boundaries, and never panics.

mod address;
mod codes;
mod hosts;
mod lines;
mod search;

pub(crate) use address::*;
pub(crate) use codes::*;
pub(crate) use hosts::*;
pub(crate) use lines::*;
pub(crate) use search::*;
