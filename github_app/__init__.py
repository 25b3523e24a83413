"""GitHub App (webhook server, commands, publishing); see the README's roadmap."""
