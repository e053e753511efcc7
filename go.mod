module github.com/ofdi/ofdi

go 1.26.8
