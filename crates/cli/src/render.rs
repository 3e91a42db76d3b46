//! Output renderers: readable text, JSON, and Sisimai's JSON dump format.

pub mod json;
pub mod sisimai;
pub mod terminal;
pub mod text;
