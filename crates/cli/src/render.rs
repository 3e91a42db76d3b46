//! Output renderers: readable text, JSON, Sisimai's JSON dump format, the support
//! request (`--request`), and the summary of `rebound report` (text, CSV, HTML).

pub mod json;
pub mod request;
pub mod sisimai;
pub mod stream;
pub mod summary_csv;
pub mod summary_html;
pub mod summary_labels;
pub mod summary_text;
pub mod terminal;
pub mod text;
