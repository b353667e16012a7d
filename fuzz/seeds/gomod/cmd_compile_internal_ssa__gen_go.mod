// N.B. cmd/... modules get special treatment, so avoid that prefix.
module compile/internal/ssa/_gen

go 1.24

require golang.org/x/tools v0.27.0
