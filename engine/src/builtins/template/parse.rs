//! The template tree: text, actions and the `if`/`range`/`with` control
//! structures, checked like Go's parser does (unknown functions and
//! undefined variables are errors before anything runs).

use super::Error;
use super::lex::{Piece, Tok, Token};
use crate::value::Value;

/// The functions a template may call (the parser rejects others; the
/// executor implements these).
const FUNCTIONS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge",
];

/// Whether `name` is a template function.
pub(super) fn is_function(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

/// A node of the template tree.
#[derive(Debug)]
pub(super) enum Node {
    Text(String),
    /// `{{pipeline}}`: prints the result unless the pipeline declares.
    Action(Pipeline),
    /// `if` and `with` (which also sets dot); `else if` / `else with` are a
    /// nested control in `otherwise`.
    If {
        with: bool,
        pipe: Pipeline,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Break,
    Continue,
}

/// `[$a, $b :=] command | command ...`.
#[derive(Debug)]
pub(super) struct Pipeline {
    pub(super) line: usize,
    /// Declared or assigned variables (with `$`).
    pub(super) vars: Vec<String>,
    /// `=` rather than `:=`.
    pub(super) assign: bool,
    pub(super) commands: Vec<Command>,
}

/// A function call (`printf "%d" .x`) or a single operand.
#[derive(Debug)]
pub(super) struct Command {
    pub(super) args: Vec<Operand>,
}

/// An argument of a command.
#[derive(Debug)]
pub(super) enum Operand {
    /// Dot followed by fields (`.`, `.a.b`).
    Dot(Vec<String>),
    /// A variable followed by fields (`$`, `$x.a`).
    Var(String, Vec<String>),
    /// A parenthesised pipeline followed by fields.
    Group(Box<Pipeline>, Vec<String>),
    Const(Value),
    Function(String),
}

/// Parses the pieces of a template into its tree.
pub(super) fn parse(pieces: Vec<Piece>) -> Result<Vec<Node>, Error> {
    let mut parser = Parser {
        pieces: pieces.into_iter(),
        vars: vec!["$".to_owned()],
        loops: 0,
        depth: 0,
    };
    let (nodes, end) = parser.list()?;
    match end {
        Stop::Eof => Ok(nodes),
        Stop::End(line) => Err(Error::at(line, "unexpected {{end}}")),
        Stop::Else(_, line) => Err(Error::at(line, "unexpected {{else}}")),
    }
}

/// What ended a list of nodes.
enum Stop {
    Eof,
    End(usize),
    /// `{{else ...}}` with the tokens after `else`.
    Else(Vec<Token>, usize),
}

struct Parser {
    pieces: std::vec::IntoIter<Piece>,
    /// Variables in scope, innermost last.
    vars: Vec<String>,
    /// How many `range` bodies enclose the current node.
    loops: usize,
    /// How many controls enclose the current node.
    depth: usize,
}

/// The deepest nesting of controls or parentheses a template may use: the
/// parser and the renderer recurse per level, and a template can come from
/// input.
const MAX_DEPTH: usize = 100;

impl Parser {
    fn list(&mut self) -> Result<(Vec<Node>, Stop), Error> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let (tokens, line) = match piece {
                Piece::Text(text) => {
                    nodes.push(Node::Text(text));
                    continue;
                }
                Piece::Action(tokens, line) => (tokens, line),
            };
            let keyword = match tokens.first().map(|t| &t.tok) {
                Some(Tok::Ident(word)) => word.as_str(),
                _ => "",
            };
            let rest = tokens.get(1..).unwrap_or_default().to_vec();
            let node = match keyword {
                "end" => return Ok((nodes, Stop::End(line))),
                "else" => return Ok((nodes, Stop::Else(rest, line))),
                "if" => self.control(rest, line, Control::If)?,
                "with" => self.control(rest, line, Control::With)?,
                "range" => self.control(rest, line, Control::Range)?,
                "break" | "continue" if self.loops == 0 => {
                    return Err(Error::at(
                        line,
                        format!("{{{{{keyword}}}}} outside {{{{range}}}}"),
                    ));
                }
                "break" => Node::Break,
                "continue" => Node::Continue,
                "define" | "template" | "block" => {
                    return Err(Error::at(
                        line,
                        format!("{{{{{keyword}}}}} is not supported"),
                    ));
                }
                _ => Node::Action(self.pipeline(&tokens, line, false)?),
            };
            nodes.push(node);
        }
        Ok((nodes, Stop::Eof))
    }

    fn control(&mut self, tokens: Vec<Token>, line: usize, kind: Control) -> Result<Node, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::at(line, "template nesting too deep"));
        }
        self.depth += 1;
        let node = self.control_body(tokens, line, kind);
        self.depth -= 1;
        node
    }

    fn control_body(
        &mut self,
        tokens: Vec<Token>,
        line: usize,
        kind: Control,
    ) -> Result<Node, Error> {
        let scope = self.vars.len();
        let pipe = self.pipeline(&tokens, line, kind == Control::Range)?;
        if kind == Control::Range {
            self.loops += 1;
        }
        let body = self.list();
        if kind == Control::Range {
            self.loops -= 1;
        }
        let (then, end) = body?;
        let otherwise = match end {
            Stop::Eof => return Err(Error::at(line, "unexpected EOF")),
            Stop::End(_) => Vec::new(),
            Stop::Else(rest, else_line) => {
                let chained = match rest.first().map(|t| &t.tok) {
                    Some(Tok::Ident(word)) if word == "if" => Some(Control::If),
                    Some(Tok::Ident(word)) if word == "with" => Some(Control::With),
                    _ => None,
                };
                match chained {
                    // `else if` / `else with` share the outer `end`.
                    Some(inner) if kind != Control::Range => {
                        let tokens = rest.get(1..).unwrap_or_default().to_vec();
                        vec![self.control(tokens, else_line, inner)?]
                    }
                    _ if !rest.is_empty() => {
                        return Err(Error::at(else_line, "unexpected tokens after {{else}}"));
                    }
                    _ => match self.list()? {
                        (nodes, Stop::End(_)) => nodes,
                        (_, Stop::Else(_, l)) => {
                            return Err(Error::at(l, "expected {{end}}, found {{else}}"));
                        }
                        (_, Stop::Eof) => return Err(Error::at(line, "unexpected EOF")),
                    },
                }
            }
        };
        self.vars.truncate(scope);
        Ok(match kind {
            Control::Range => Node::Range {
                pipe,
                body: then,
                otherwise,
            },
            Control::If | Control::With => Node::If {
                with: kind == Control::With,
                pipe,
                then,
                otherwise,
            },
        })
    }

    /// A pipeline, with an optional declaration (two variables only in
    /// `range`).
    fn pipeline(
        &mut self,
        tokens: &[Token],
        line: usize,
        in_range: bool,
    ) -> Result<Pipeline, Error> {
        let mut vars = Vec::new();
        let mut assign = false;
        let mut rest = tokens;
        let declaration = declared_vars(tokens);
        if let Some((names, is_assign, after)) = declaration {
            if names.len() > 1 && !in_range {
                return Err(Error::at(line, "too many declarations in command"));
            }
            for name in &names {
                if is_assign && !self.vars.contains(name) {
                    return Err(Error::at(line, format!("undefined variable \"{name}\"")));
                }
            }
            vars = names;
            assign = is_assign;
            rest = after;
        }
        let commands = self.commands(rest, line)?;
        if !assign {
            self.vars.extend(vars.iter().cloned());
        }
        Ok(Pipeline {
            line,
            vars,
            assign,
            commands,
        })
    }

    fn commands(&self, tokens: &[Token], line: usize) -> Result<Vec<Command>, Error> {
        if tokens.is_empty() {
            return Err(Error::at(line, "missing value for command"));
        }
        let mut commands = Vec::new();
        for part in split_top_level(tokens, &Tok::Pipe) {
            let mut args = Vec::new();
            let mut at = 0;
            while at < part.len() {
                let (operand, next) = self.operand(part, at, line)?;
                args.push(operand);
                at = next;
            }
            if args.is_empty() {
                return Err(Error::at(line, "missing command"));
            }
            commands.push(Command { args });
        }
        Ok(commands)
    }

    /// The operand starting at `tokens[at]` and the index after it.
    fn operand(&self, tokens: &[Token], at: usize, line: usize) -> Result<(Operand, usize), Error> {
        let Some(first) = tokens.get(at) else {
            return Err(Error::at(line, "missing operand"));
        };
        let (operand, mut next) = match &first.tok {
            Tok::Dot => (Operand::Dot(Vec::new()), at + 1),
            Tok::Field(name) => (Operand::Dot(vec![name.clone()]), at + 1),
            Tok::Var(name) => {
                if !self.vars.contains(name) {
                    return Err(Error::at(line, format!("undefined variable \"{name}\"")));
                }
                (Operand::Var(name.clone(), Vec::new()), at + 1)
            }
            Tok::Const(value) => (Operand::Const(value.clone()), at + 1),
            Tok::Ident(name) => {
                if !is_function(name) {
                    return Err(Error::at(line, format!("function \"{name}\" not defined")));
                }
                (Operand::Function(name.clone()), at + 1)
            }
            Tok::Open => {
                let close = matching_close(tokens, at).ok_or_else(|| {
                    Error::at(line, "unclosed left paren, or parentheses nested too deep")
                })?;
                let inner = tokens.get(at + 1..close).unwrap_or_default();
                let pipe = Pipeline {
                    line,
                    vars: Vec::new(),
                    assign: false,
                    commands: self.commands(inner, line)?,
                };
                (Operand::Group(Box::new(pipe), Vec::new()), close + 1)
            }
            other => {
                return Err(Error::at(
                    line,
                    format!("unexpected {} in operand", describe(other)),
                ));
            }
        };
        // Fields written directly after the operand extend its chain.
        let mut operand = operand;
        while let Some(Token {
            tok: Tok::Field(name),
            spaced: false,
        }) = tokens.get(next)
        {
            match &mut operand {
                Operand::Dot(fields) | Operand::Var(_, fields) | Operand::Group(_, fields) => {
                    fields.push(name.clone());
                }
                Operand::Const(_) | Operand::Function(_) => {
                    return Err(Error::at(
                        line,
                        format!("unexpected .{name} after a constant or function"),
                    ));
                }
            }
            next += 1;
        }
        Ok((operand, next))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Control {
    If,
    With,
    Range,
}

/// `$a :=`, `$a =` or `$i, $v :=` at the start of a pipeline: the names,
/// whether it assigns, and the tokens after the operator.
fn declared_vars(tokens: &[Token]) -> Option<(Vec<String>, bool, &[Token])> {
    let mut names = Vec::new();
    let mut at = 0;
    loop {
        match tokens.get(at).map(|t| &t.tok) {
            Some(Tok::Var(name)) => names.push(name.clone()),
            _ => return None,
        }
        match tokens.get(at + 1).map(|t| &t.tok) {
            Some(Tok::Comma) => at += 2,
            Some(Tok::Declare) => return Some((names, false, tokens.get(at + 2..)?)),
            Some(Tok::Assign) => return Some((names, true, tokens.get(at + 2..)?)),
            _ => return None,
        }
    }
}

/// Splits `tokens` at `separator`s outside parentheses.
fn split_top_level<'t>(tokens: &'t [Token], separator: &Tok) -> Vec<&'t [Token]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match &token.tok {
            Tok::Open => depth += 1,
            Tok::Close => depth = depth.saturating_sub(1),
            tok if depth == 0 && tok == separator => {
                parts.push(tokens.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(tokens.get(start..).unwrap_or_default());
    parts
}

/// The index of the `)` matching the `(` at `open`; `None` also when the
/// parentheses nest deeper than [`MAX_DEPTH`].
fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.tok {
            Tok::Open if depth >= MAX_DEPTH => return None,
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn describe(tok: &Tok) -> &'static str {
    match tok {
        Tok::Pipe => "\"|\"",
        Tok::Close => "\")\"",
        Tok::Declare => "\":=\"",
        Tok::Assign => "\"=\"",
        Tok::Comma => "\",\"",
        _ => "token",
    }
}
