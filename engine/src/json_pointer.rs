//! JSON Pointers (RFC 6901): the one place that escapes and unescapes
//! their tokens (`~` is written `~0`, `/` is written `~1`), for the
//! builtins that take pointers and for every crate that builds them.

use std::borrow::Cow;

/// Appends `/token` to `pointer`, escaping the token.
pub fn push(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&escape(token));
}

/// A token as written in a pointer.
#[must_use]
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// A token as written in a pointer, unescaped. `~1` is replaced before
/// `~0`, so `~01` stays the two characters `~1`.
#[must_use]
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The unescaped tokens of `pointer`: none for `""` (the whole document),
/// one empty token for `"/"`.
pub fn tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let rest = pointer.strip_prefix('/');
    rest.into_iter()
        .flat_map(|rest| rest.split('/').map(unescape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_push() {
        for token in ["plain", "a/b", "m~n", "~1", "~01", "", "/"] {
            let mut pointer = String::from("/spec");
            push(&mut pointer, token);
            let parsed: Vec<Cow<'_, str>> = tokens(&pointer).collect();
            assert_eq!(
                parsed,
                [Cow::Borrowed("spec"), Cow::Borrowed(token)],
                "{pointer}"
            );
        }
    }

    #[test]
    fn rfc_6901_examples() {
        assert_eq!(escape("a/b"), "a~1b");
        assert_eq!(escape("m~n"), "m~0n");
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(tokens("").count(), 0);
        assert_eq!(tokens("/").collect::<Vec<_>>(), [""]);
        assert_eq!(tokens("/a~1b/0").collect::<Vec<_>>(), ["a/b", "0"]);
    }
}
