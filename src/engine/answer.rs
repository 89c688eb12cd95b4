//! What a call answers: a session verified locally, `authenticateJwt`'s local answer, or the
//! API's answer as it sent it.

use crate::json;
use crate::rbac::Verdict;
use std::rc::Rc;

/// A call's result, as JSON.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A session verified locally (`verifyJwt`, `authenticateJwtLocal`).
    Session(Rc<str>),
    /// `authenticateJwt` verified locally: `{session, session_jwt, verdict?}` (B2B:
    /// `{member_session, …}`).
    LocalJwt {
        /// The member `session` is answered as ([`crate::profile::Profile::member`]).
        member: &'static str,
        session: Rc<str>,
        session_jwt: String,
        /// The verdict on the call's `authorization_check`, when it had one.
        verdict: Option<Verdict>,
    },
    /// The API's answer, as it sent it (checked to have the members its endpoint promises).
    Api(String),
}

impl Answer {
    /// The answer as one JSON text.
    pub fn to_json(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Session(session) => std::borrow::Cow::Borrowed(session),
            Self::Api(body) => std::borrow::Cow::Borrowed(body),
            Self::LocalJwt {
                member,
                session,
                session_jwt,
                verdict,
            } => {
                let mut out = String::with_capacity(session.len() + session_jwt.len() + 48);
                out.push('{');
                write_local(member, session, session_jwt, verdict.as_ref(), &mut out);
                out.push('}');
                std::borrow::Cow::Owned(out)
            }
        }
    }
}

/// The members of a session verified locally, without braces: `"<member>":<session>,
/// "session_jwt":<jwt>` and `"verdict"` when a check was judged (what [`Answer::LocalJwt`] is,
/// and what a gate that verified locally lets a request in with).
pub fn write_local(
    member: &str,
    session: &str,
    session_jwt: &str,
    verdict: Option<&crate::rbac::Verdict>,
    out: &mut String,
) {
    out.push('"');
    out.push_str(member);
    out.push_str("\":");
    out.push_str(session);
    out.push_str(",\"session_jwt\":");
    json::write_str(session_jwt, out);
    if let Some(verdict) = verdict {
        out.push_str(",\"verdict\":");
        verdict.write(out);
    }
}
