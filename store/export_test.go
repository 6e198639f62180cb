package store

// OpenTest opens a fresh store of the dialect under test (main_test.go),
// for the package's external tests.
var OpenTest = openTest
