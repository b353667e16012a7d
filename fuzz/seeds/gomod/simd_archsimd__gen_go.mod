module simd/archsimd/_gen

go 1.25.0

require (
	golang.org/x/arch v0.26.0
	gopkg.in/yaml.v3 v3.0.1
)
