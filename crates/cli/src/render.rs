//! Output renderers: readable text and JSON.

pub mod json;
pub mod text;
