module crypto/internal/cryptotest/wycheproof/_schema

go 1.26.4

require (
	github.com/atombender/go-jsonschema v0.23.1
	github.com/c2sp/wycheproof v0.0.0-20260625212325-ee7b4f7e6119
)

require (
	dario.cat/mergo v1.0.2 // indirect
	github.com/goccy/go-yaml v1.19.2 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/mitchellh/go-wordwrap v1.0.1 // indirect
	github.com/sanity-io/litter v1.5.8 // indirect
	github.com/sosodev/duration v1.4.0 // indirect
)

replace github.com/atombender/go-jsonschema => github.com/filippo-claude/go-jsonschema v0.23.2-0.20260625215234-f867483bec31
