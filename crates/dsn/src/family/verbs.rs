//! SMTP commands as bounce formats name them by their verb alone (`RCPT`, `DATA`,
//! `SMTP:RCPT`), shared by the families that write them so.

use crate::text::command_from_verb;

/// The command a word or line names by its verb alone (`RCPT`, `DATA`) or in full
/// (`RCPT TO:<taro@example.jp>`), as the SMTP client's state (`CONNECT` for the
/// greeting).
pub(crate) fn command_word(line: &str) -> Option<&'static str> {
    let verb = line.trim_start().split([' ', ':', '\t']).next().unwrap_or("");
    match verb.to_ascii_uppercase().as_str() {
        "RCPT" => Some("RCPT TO"),
        "MAIL" => Some("MAIL FROM"),
        "DATA" => Some("DATA"),
        "EHLO" | "HELO" | "LHLO" => Some("EHLO"),
        "CONN" | "CONNECT" => Some("CONNECT"),
        _ => command_from_verb(line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_alone_and_in_full() {
        assert_eq!(command_word("RCPT"), Some("RCPT TO"));
        assert_eq!(command_word("rcpt To:<a@example.jp>"), Some("RCPT TO"));
        assert_eq!(command_word("MAIL"), Some("MAIL FROM"));
        assert_eq!(command_word(" DATA"), Some("DATA"));
        assert_eq!(command_word("HELO"), Some("EHLO"));
        assert_eq!(command_word("CONN"), Some("CONNECT"));
        assert_eq!(command_word("end of data"), Some("DATA"));
        assert_eq!(command_word("QUIT"), None);
        assert_eq!(command_word(""), None);
    }
}
