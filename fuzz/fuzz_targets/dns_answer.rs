//! DNS answer decoding (rebound-rbl's transport) on arbitrary bytes: never a panic,
//! and whatever is accepted keeps within the documented limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes are the packet's own ID, so that the ID check passes and
    // the decoder gets past it; the question is a fixed blocklist name.
    let id = data.get(..2).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    for txt in [false, true] {
        // A fixed question, and the packet's own (to get past the question check
        // into the record limits).
        let fixed = rebound_rbl::fuzzing::dns_answer(data, id, "2.0.0.127.bl.test", txt);
        let own = rebound_rbl::fuzzing::dns_answer_self(data, txt);
        for (a, texts) in [fixed, own].into_iter().filter_map(|r| r.ok().flatten()) {
            assert!(a.len() + texts.len() <= rebound_rbl::fuzzing::MAX_ANSWER_RECORDS);
            assert!(texts.iter().all(|t| t.len() <= 3 * rebound_rbl::fuzzing::MAX_TXT_LEN));
        }
    }
});
