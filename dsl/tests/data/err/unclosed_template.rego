package a

msg := $"user {input.user"
