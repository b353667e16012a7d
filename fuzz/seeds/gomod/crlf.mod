module x

go 1.21rc2
toolchain	default
