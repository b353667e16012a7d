module std

go 1.27

require (
	golang.org/x/crypto v0.52.1-0.20260526024921-9beb694f9766
	golang.org/x/net v0.55.1-0.20260731170536-c1d18010be90
)

require (
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/text v0.37.0 // indirect
)
