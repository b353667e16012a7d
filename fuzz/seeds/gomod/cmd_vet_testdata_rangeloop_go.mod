// N.B. cmd/... modules get special treatment, so avoid that prefix.
module vet/testdata/rangeloop

go 1.21
