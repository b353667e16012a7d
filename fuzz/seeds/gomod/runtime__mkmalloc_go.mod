module runtime/_mkmalloc

go 1.26

require golang.org/x/tools v0.33.0
