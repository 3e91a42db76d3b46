//! Output renderers: readable text, JSON, Sisimai's JSON dump format, and the
//! support request (`--request`).

pub mod json;
pub mod request;
pub mod sisimai;
pub mod stream;
pub mod terminal;
pub mod text;
