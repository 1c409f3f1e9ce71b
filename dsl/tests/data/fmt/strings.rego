package example.strings

plain := "hello"
escapes := "quote \" backslash \\ tab \t newline \n"
unicode := "caf\u00e9 \u2603 ☃"
slash := "a\/b"
control := "bell \u0007"
raw := `C:\path\to\file`
raw_multiline := `line one
line two`

greeting := $"hello {input.name}!"
math := $"sum {1 + 2} and {count([1, 2])}"
escaped_brace := $"literal \{ brace {input.x}"
raw_template := $`raw {input.name} \{x}`
template_quote := $"say \"{input.word}\""
