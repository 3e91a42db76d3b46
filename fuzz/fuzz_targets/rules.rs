//! A user's rules file (`rebound diagnose --rules FILE`): arbitrary text into the
//! check `add_rules_file` makes, against the built-in rules. An error must name a
//! line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_verdict::{check_rules_file, RulesFileError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(RulesFileError::Invalid { line, .. }) = check_rules_file("fuzz.toml", text) {
        let lines = text.split('\n').count();
        assert!((1..=lines).contains(&line), "line {line} of a text of {lines} lines");
    }
});
