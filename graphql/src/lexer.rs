//! GraphQL tokens, with gqlparser's token names and positions (1-based line
//! and column, columns counted in characters).

/// A source position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// An error with the position it is reported at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GqlError {
    pub message: String,
    pub pos: Option<Pos>,
}

impl GqlError {
    pub fn at(pos: Option<Pos>, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            pos,
        }
    }
}

/// Token kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invalid,
    Eof,
    Bang,
    Dollar,
    Amp,
    ParenL,
    ParenR,
    Spread,
    Colon,
    Equals,
    At,
    BracketL,
    BracketR,
    BraceL,
    BraceR,
    Pipe,
    Name,
    Int,
    Float,
    String,
    BlockString,
}

impl Kind {
    /// The name gqlparser prints for the kind.
    pub fn text(self) -> &'static str {
        match self {
            Kind::Invalid => "<Invalid>",
            Kind::Eof => "<EOF>",
            Kind::Bang => "!",
            Kind::Dollar => "$",
            Kind::Amp => "&",
            Kind::ParenL => "(",
            Kind::ParenR => ")",
            Kind::Spread => "...",
            Kind::Colon => ":",
            Kind::Equals => "=",
            Kind::At => "@",
            Kind::BracketL => "[",
            Kind::BracketR => "]",
            Kind::BraceL => "{",
            Kind::BraceR => "}",
            Kind::Pipe => "|",
            Kind::Name => "Name",
            Kind::Int => "Int",
            Kind::Float => "Float",
            Kind::String => "String",
            Kind::BlockString => "BlockString",
        }
    }
}

/// One token; an `Invalid` token carries the lexer's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub value: String,
    pub pos: Pos,
    pub error: Option<GqlError>,
}

impl Token {
    /// gqlparser's description: the kind, then the quoted value if any.
    pub fn describe(&self) -> String {
        if self.value.is_empty() {
            self.kind.text().to_owned()
        } else {
            format!("{} {}", self.kind.text(), go_quote(&self.value))
        }
    }
}

/// Go's `strconv.Quote` for the printable strings tokens hold.
pub fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads tokens from GraphQL source text.
pub struct Lexer<'a> {
    input: &'a str,
    bytes: &'a [u8],
    end: usize,
    end_chars: usize,
    start_chars: usize,
    line: usize,
    line_start_chars: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Self {
        Self {
            input,
            bytes: input.as_bytes(),
            end: 0,
            end_chars: 0,
            start_chars: 0,
            line: 1,
            line_start_chars: 0,
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn starts_with(&self, at: usize, text: &str) -> bool {
        self.input
            .get(at..)
            .is_some_and(|rest| rest.starts_with(text))
    }

    fn advance(&mut self, bytes: usize, chars: usize) {
        self.end += bytes;
        self.end_chars += chars;
    }

    fn newline(&mut self) {
        self.line += 1;
        self.line_start_chars = self.end_chars;
    }

    fn token(&self, kind: Kind, value: String, column_offset: usize) -> Token {
        Token {
            kind,
            value,
            pos: Pos {
                line: self.line,
                column: (self.start_chars + column_offset + 1)
                    .saturating_sub(self.line_start_chars),
            },
            error: None,
        }
    }

    fn error(&self, message: String) -> Token {
        let pos = Pos {
            line: self.line,
            column: self.end_chars - self.line_start_chars + 1,
        };
        Token {
            kind: Kind::Invalid,
            value: String::new(),
            pos,
            error: Some(GqlError::at(Some(pos), message)),
        }
    }

    fn skip_ignored(&mut self) {
        loop {
            match self.byte(self.end) {
                Some(b'\t' | b' ' | b',') => self.advance(1, 1),
                Some(b'\n') => {
                    self.advance(1, 1);
                    self.newline();
                }
                Some(b'\r') => {
                    self.advance(1, 1);
                    self.newline();
                    if self.byte(self.end) == Some(b'\n') {
                        self.advance(1, 1);
                    }
                }
                Some(0xef) if self.starts_with(self.end, "\u{feff}") => self.advance(3, 1),
                Some(b'#') => {
                    self.advance(1, 1);
                    while let Some(c) = self.input.get(self.end..).and_then(|r| r.chars().next()) {
                        if c == '\t' || u32::from(c) > 0x1f {
                            self.advance(c.len_utf8(), 1);
                        } else {
                            break;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// The next token (an `Eof` token at the end, forever).
    pub fn next_token(&mut self) -> Token {
        self.skip_ignored();
        let start = self.end;
        self.start_chars = self.end_chars;
        let Some(first) = self.byte(start) else {
            return self.token(Kind::Eof, String::new(), 0);
        };
        let punct = match first {
            b'!' => Some(Kind::Bang),
            b'$' => Some(Kind::Dollar),
            b'&' => Some(Kind::Amp),
            b'(' => Some(Kind::ParenL),
            b')' => Some(Kind::ParenR),
            b':' => Some(Kind::Colon),
            b'=' => Some(Kind::Equals),
            b'@' => Some(Kind::At),
            b'[' => Some(Kind::BracketL),
            b']' => Some(Kind::BracketR),
            b'{' => Some(Kind::BraceL),
            b'}' => Some(Kind::BraceR),
            b'|' => Some(Kind::Pipe),
            _ => None,
        };
        if let Some(kind) = punct {
            self.advance(1, 1);
            return self.token(kind, String::new(), 0);
        }
        match first {
            b'.' if self.starts_with(start, "...") => {
                self.advance(3, 3);
                self.token(Kind::Spread, String::new(), 0)
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                while let Some(b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9') = self.byte(self.end)
                {
                    self.advance(1, 1);
                }
                let name = self.input.get(start..self.end).unwrap_or_default();
                self.token(Kind::Name, name.to_owned(), 0)
            }
            b'-' | b'0'..=b'9' => self.number(start),
            b'"' if self.starts_with(start, "\"\"\"") => self.block_string(),
            b'"' => self.string(),
            _ => {
                let c = self
                    .input
                    .get(start..)
                    .and_then(|r| r.chars().next())
                    .unwrap_or('\u{0}');
                if u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                    self.error(format!(
                        "Cannot contain the invalid character \"\\u{:04}\"",
                        u32::from(c)
                    ))
                } else if c == '\'' {
                    self.error(
                        "Unexpected single quote character ('), did you mean to use a double quote (\")?"
                            .to_owned(),
                    )
                } else {
                    self.error(format!("Cannot parse the unexpected character \"{c}\"."))
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let mut count = 0;
        while let Some(b'0'..=b'9') = self.byte(self.end) {
            self.advance(1, 1);
            count += 1;
        }
        count
    }

    fn describe_next(&self) -> String {
        match self.input.get(self.end..).and_then(|r| r.chars().next()) {
            Some(c) => format!("\"{c}\""),
            None => "<EOF>".to_owned(),
        }
    }

    fn number(&mut self, start: usize) -> Token {
        let mut float = false;
        if self.byte(self.end) == Some(b'-') {
            self.advance(1, 1);
        }
        if self.byte(self.end) == Some(b'0') {
            self.advance(1, 1);
            let extra = self.digits();
            if extra != 0 {
                self.end -= extra;
                self.end_chars -= extra;
                return self.error(format!(
                    "Invalid number, unexpected digit after 0: {}.",
                    self.describe_next()
                ));
            }
        } else if self.digits() == 0 {
            return self.error(format!(
                "Invalid number, expected digit but got: {}.",
                self.describe_next()
            ));
        }
        if self.byte(self.end) == Some(b'.') {
            float = true;
            self.advance(1, 1);
            if self.digits() == 0 {
                return self.error(format!(
                    "Invalid number, expected digit but got: {}.",
                    self.describe_next()
                ));
            }
        }
        if let Some(b'e' | b'E') = self.byte(self.end) {
            float = true;
            self.advance(1, 1);
            if let Some(b'-' | b'+') = self.byte(self.end) {
                self.advance(1, 1);
            }
            if self.digits() == 0 {
                return self.error(format!(
                    "Invalid number, expected digit but got: {}.",
                    self.describe_next()
                ));
            }
        }
        let text = self
            .input
            .get(start..self.end)
            .unwrap_or_default()
            .to_owned();
        self.token(if float { Kind::Float } else { Kind::Int }, text, 0)
    }

    fn string(&mut self) -> Token {
        self.advance(1, 1);
        let mut value = String::new();
        while let Some(c) = self.input.get(self.end..).and_then(|r| r.chars().next()) {
            match c {
                '\n' | '\r' => break,
                '"' => {
                    let token = self.token(Kind::String, value, 1);
                    self.advance(1, 1);
                    return token;
                }
                '\\' => {
                    let Some(escape) = self.byte(self.end + 1) else {
                        self.advance(1, 1);
                        return self.error("Invalid character escape sequence.".to_owned());
                    };
                    if escape == b'u' {
                        let hex = self.input.get(self.end + 2..self.end + 6);
                        let decoded = hex
                            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                            .and_then(|h| u32::from_str_radix(h, 16).ok());
                        match decoded {
                            Some(code) => {
                                value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                self.advance(6, 6);
                            }
                            None => {
                                self.advance(1, 1);
                                let shown: String = self
                                    .input
                                    .get(self.end..)
                                    .unwrap_or("")
                                    .chars()
                                    .take(5)
                                    .collect();
                                return self.error(format!(
                                    "Invalid character escape sequence: \\{shown}."
                                ));
                            }
                        }
                    } else {
                        let decoded = match escape {
                            b'"' => '"',
                            b'/' => '/',
                            b'\\' => '\\',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            other => {
                                self.advance(1, 1);
                                return self.error(format!(
                                    "Invalid character escape sequence: \\{}.",
                                    char::from(other)
                                ));
                            }
                        };
                        value.push(decoded);
                        self.advance(2, 2);
                    }
                }
                c if u32::from(c) < 0x20 && c != '\t' => {
                    return self.error(format!(
                        "Invalid character within String: \"\\u{:04}\".",
                        u32::from(c)
                    ));
                }
                c => {
                    value.push(c);
                    self.advance(c.len_utf8(), 1);
                }
            }
        }
        self.error("Unterminated string.".to_owned())
    }

    fn block_string(&mut self) -> Token {
        self.advance(3, 3);
        let mut raw = String::new();
        while let Some(c) = self.input.get(self.end..).and_then(|r| r.chars().next()) {
            if c == '"' && self.starts_with(self.end, "\"\"\"") {
                let token = self.token(Kind::BlockString, block_string_value(&raw), 3);
                self.advance(3, 3);
                return token;
            }
            if u32::from(c) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                return self.error(format!(
                    "Invalid character within String: \"\\u{:04}\".",
                    u32::from(c)
                ));
            }
            if c == '\\' && self.starts_with(self.end, "\\\"\"\"") {
                raw.push_str("\"\"\"");
                self.advance(4, 4);
            } else if c == '\r' {
                if self.byte(self.end + 1) == Some(b'\n') {
                    self.advance(1, 1);
                }
                raw.push('\n');
                self.advance(1, 1);
                self.newline();
            } else {
                raw.push(c);
                self.advance(c.len_utf8(), 1);
                if c == '\n' {
                    self.newline();
                }
            }
        }
        self.error("Unterminated string.".to_owned())
    }
}

/// The spec's `BlockStringValue`: common indentation and blank leading and
/// trailing lines removed.
fn block_string_value(raw: &str) -> String {
    let lines: Vec<&str> = raw.split('\n').collect();
    let indent_of = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .skip(1)
        .filter(|line| line.len() != indent_of(line))
        .map(|line| indent_of(line))
        .min();
    let mut out: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| match common {
            Some(indent) if index > 0 => line.get(indent.min(line.len())..).unwrap_or(""),
            _ => line,
        })
        .collect();
    let blank = |line: &&str| line.trim_matches([' ', '\t']).is_empty();
    while out.first().is_some_and(blank) {
        out.remove(0);
    }
    while out.last().is_some_and(blank) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String, usize, usize)> {
        let mut lexer = Lexer::new(text);
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token();
            let done = matches!(token.kind, Kind::Eof | Kind::Invalid);
            out.push((token.kind, token.value, token.pos.line, token.pos.column));
            if done {
                return out;
            }
        }
    }

    #[test]
    fn positions_count_characters_and_skip_quotes() {
        assert_eq!(
            kinds("# ਊ\n  \"ab\" ... x"),
            vec![
                (Kind::String, "ab".to_owned(), 2, 4),
                (Kind::Spread, String::new(), 2, 8),
                (Kind::Name, "x".to_owned(), 2, 12),
                (Kind::Eof, String::new(), 2, 13),
            ]
        );
    }

    #[test]
    fn block_strings_are_dedented() {
        assert_eq!(
            kinds("\"\"\"\n    Description\n      more\n  \"\"\"")
                .first()
                .map(|t| t.1.clone()),
            Some("Description\n  more".to_owned())
        );
        assert_eq!(
            kinds("\"\"\"\r").first().map(|t| (t.0, t.2, t.3)),
            Some((Kind::Invalid, 2, 1))
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(kinds("-1.5e3").first().map(|t| t.0), Some(Kind::Float));
        assert_eq!(kinds("012").first().map(|t| t.0), Some(Kind::Invalid));
    }
}
