//! A small parser for Rego literal values used by the case files (the real
//! parser lives in `riskgate-dsl`; this keeps the builtin tests independent
//! of it).

use std::collections::{BTreeMap, BTreeSet};

use riskgate_engine::{Number, Value};

pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser { text, pos: 0 };
    let value = parser.value()?;
    parser.skip_ws();
    if parser.pos != text.len() {
        return Err(format!(
            "trailing input at {}: {:?}",
            parser.pos,
            &text[parser.pos..]
        ));
    }
    Ok(value)
}

/// Comma-separated values (a call's arguments).
pub fn parse_list(text: &str) -> Result<Vec<Value>, String> {
    let mut parser = Parser { text, pos: 0 };
    parser.skip_ws();
    if parser.pos == text.len() {
        return Ok(Vec::new());
    }
    let items = parser.items(None)?;
    if parser.pos != text.len() {
        return Err(format!("trailing input at {}", parser.pos));
    }
    Ok(items)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Values separated by commas up to `close` (or the end).
    fn items(&mut self, close: Option<char>) -> Result<Vec<Value>, String> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if let Some(close) = close
                && self.eat(&close.to_string())
            {
                return Ok(items);
            }
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(",") {
                continue;
            }
            match close {
                Some(close) if self.eat(&close.to_string()) => return Ok(items),
                None if self.pos == self.text.len() => return Ok(items),
                _ => return Err(format!("expected `,` at {}", self.pos)),
            }
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_ws();
        for (word, value) in [
            ("null", Value::Null),
            ("true", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("set()", Value::empty_set()),
        ] {
            if self.rest().starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
        }
        let rest = self.rest();
        match rest.chars().next() {
            Some('"') => self.string(),
            Some('[') => {
                self.pos += 1;
                Ok(Value::array(self.items(Some(']'))?))
            }
            Some('{') => {
                self.pos += 1;
                self.object_or_set()
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.')))
                    .unwrap_or(rest.len());
                let number = Number::parse(&rest[..end])
                    .ok_or_else(|| format!("bad number {:?}", &rest[..end]))?;
                self.pos += end;
                Ok(Value::Number(number))
            }
            _ => Err(format!("unexpected input at {}: {rest:?}", self.pos)),
        }
    }

    fn string(&mut self) -> Result<Value, String> {
        // JSON string syntax.
        let rest = self.rest();
        let mut escaped = false;
        let close = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| {
                let done = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                done
            })
            .map_or(rest.len(), |(i, _)| i + 1);
        let literal = rest.get(..close).unwrap_or(rest);
        let text: String =
            serde_json::from_str(literal).map_err(|e| format!("bad string {literal}: {e}"))?;
        self.pos += literal.len();
        Ok(Value::string(&text))
    }

    fn object_or_set(&mut self) -> Result<Value, String> {
        if self.eat("}") {
            return Ok(Value::empty_object());
        }
        let first = self.value()?;
        if self.eat(":") {
            let mut map = BTreeMap::new();
            map.insert(first, self.value()?);
            loop {
                if self.eat("}") {
                    return Ok(Value::object(map));
                }
                if !self.eat(",") {
                    return Err(format!("expected `,` in object at {}", self.pos));
                }
                let key = self.value()?;
                if !self.eat(":") {
                    return Err(format!("expected `:` at {}", self.pos));
                }
                map.insert(key, self.value()?);
            }
        }
        let mut set = BTreeSet::from([first]);
        if !self.eat("}") {
            if !self.eat(",") {
                return Err(format!("expected `,` in set at {}", self.pos));
            }
            set.extend(self.items(Some('}'))?);
        }
        Ok(Value::set(set))
    }
}
