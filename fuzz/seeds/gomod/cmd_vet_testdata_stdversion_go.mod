// N.B. cmd/... modules get special treatment, so avoid that prefix.
module vet/testdata/stdversion

go 1.21
