//! Completion scripts and man pages come from the flag definitions.

use crate::util::rebound;

#[test]
fn completion_scripts_name_the_commands_and_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = rebound(&["completions", shell]);
        assert_eq!(run.code(), 0, "{shell}: {}", run.stderr());
        let script = run.stdout();
        // Flags without their dashes: fish writes `-l offline`.
        for word in ["diagnose", "check", "offline", "lang"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let run = rebound(&["completions", "tcsh"]);
    assert_eq!(run.code(), 2, "an unknown shell is a usage error");
}

#[test]
fn man_pages_are_written_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let run = rebound(&["man", "--out-dir", out.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for page in ["rebound.1", "rebound-diagnose.1", "rebound-check.1", "rebound-lists.1"] {
        let text = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(text.contains(".TH"), "{page} is not a man page");
    }
    let diagnose = std::fs::read_to_string(out.join("rebound-diagnose.1")).unwrap();
    assert!(diagnose.contains("offline") && diagnose.contains("request"));
    // The hidden command has no page of its own.
    assert!(!out.join("rebound-man.1").exists());
}
